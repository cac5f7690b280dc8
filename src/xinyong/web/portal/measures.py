"""The published measures list."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core import labels
from xinyong.core.api import db_session
from xinyong.government.rules import FAILURES_LIST, FAILURES_LIST_NAME
from xinyong.lists import repository as lists_repository
from xinyong.measures.schemas import SCENARIOS
from xinyong.measures.service import active_measures
from xinyong.web.portal.common import EVERYONE, names_of, portal_page
from xinyong.web.site import audience

router = APIRouter(include_in_schema=False)


@router.get("/measures", response_class=HTMLResponse, **audience(*EVERYONE))
def measures_page(request: Request, session: Session = db_session) -> Response:
    """Audience: everyone. The published measures list (003 联合奖惩 §（十六））: kind, the
    lists that trigger each measure, whom it reaches, its action in each scenario, the
    initiating and implementing sectors, how information is shared and its legal basis."""
    list_names = {lst.code: lst.spec["name"] for lst in lists_repository.all_lists(session)}
    published = set(list_names)
    # The platform's own list of uncleared 政务失信 cases (docs/government.md): named, no page.
    list_names[FAILURES_LIST] = FAILURES_LIST_NAME
    measures = [m.spec for m in active_measures(session)]
    measures.sort(key=lambda m: (m["kind"] != "punishment", m["code"]))
    return portal_page(
        request,
        "measures.html",
        measures=measures,
        list_names=list_names,
        published=published,
        scenarios=SCENARIOS,
        actions=labels.ACTIONS,
        measure_kinds=labels.MEASURE_KINDS,
        measure_types=labels.MEASURE_TYPES,
        sectors=lambda values: names_of(values, labels.SECTOR_NAMES),
    )
