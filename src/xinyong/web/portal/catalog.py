"""The published catalog."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.catalog.service import get_version
from xinyong.core import labels
from xinyong.core.api import db_session
from xinyong.core.citations import cite
from xinyong.errors import NotFound
from xinyong.models import CatalogItem, Category
from xinyong.validity.service import current_rules
from xinyong.web import forms
from xinyong.web.portal.common import EVERYONE, names_of, portal_page
from xinyong.web.site import audience

router = APIRouter(include_in_schema=False)


@router.get("/catalog", response_class=HTMLResponse, **audience(*EVERYONE))
def catalog_page(request: Request, session: Session = db_session) -> Response:
    """Audience: everyone. The published catalog (Measures art. 8): items by category with
    disclosure class, validity, retention, sources, legal basis and fields."""
    try:
        version, items = get_version(session, None)
    except NotFound:
        return portal_page(request, "catalog.html", version=None, groups=[])
    groups = [(c.value, [i for i in items if i.category == c]) for c in Category]
    rules = current_rules(session)
    today = forms.request_today(request)

    def validity(item: CatalogItem) -> str:
        """The item's own period where law sets one, else the validity rule in force today
        (Measures art. 30; validity/service)."""
        if item.legal_validity_years:
            return f"{item.legal_validity_years} 年"
        if item.category != Category.negative:
            return "—"
        rule = rules.rule_for(item.code, today)
        if rule is None:
            return f"依{cite('Measures art. 30')}"
        return "、".join(
            f"{labels.SEVERITY_NAMES.get(s, s)} {_months(m)}" for s, m in rule.months.items()
        )

    return portal_page(
        request,
        "catalog.html",
        version=version,
        groups=groups,
        update_cycles=labels.UPDATE_CYCLES,
        field_types=labels.FIELD_TYPES,
        act_types=labels.ACT_TYPES,
        sectors=lambda values: names_of(values, labels.SECTOR_NAMES),
        validity=validity,
    )


def _months(months: int) -> str:
    return f"{months // 12} 年" if months % 12 == 0 else f"{months} 个月"
