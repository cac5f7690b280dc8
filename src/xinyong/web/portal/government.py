"""The regional government integrity ranking on the portal (区域政务诚信状况评价, 003 政务诚信
§二（五））: the newest run of a year with its method. Audience: everyone."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core.api import db_session
from xinyong.government import regional
from xinyong.web.portal.common import EVERYONE, portal_page
from xinyong.web.site import audience

router = APIRouter(include_in_schema=False)


@router.get("/government/ranking", response_class=HTMLResponse, **audience(*EVERYONE))
def ranking_page(
    request: Request, year: int | None = None, session: Session = db_session
) -> Response:
    """Audience: everyone. The published ranking of cities and counties, with the method
    (GET /api/v1/government/regional-evaluation)."""
    row = regional.latest(session, year if year and 2000 <= year <= 2100 else None)
    return portal_page(
        request,
        "government_ranking.html",
        evaluation=regional.evaluation_out(session, row) if row else None,
    )
