"""Search: organisations by name or credit code, persons only while a public list publishes them."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core.api import db_session
from xinyong.core.identifiers import region_name
from xinyong.subjects import search
from xinyong.web import forms
from xinyong.web.portal.common import EVERYONE, count_look_up, invalid_code_text, portal_page
from xinyong.web.site import audience

router = APIRouter(include_in_schema=False)


@router.get("/search", response_class=HTMLResponse, **audience(*EVERYONE))
def search_page(
    request: Request,
    q: str | None = None,
    page: str | None = None,
    session: Session = db_session,
) -> Response:
    """Audience: everyone. Organisations by any part of their name (from one character) or
    by credit code; a person by whole name only while a public list publishes them; never by
    ID number. Limited per address for visitors not logged in."""
    count_look_up(request)
    result = search.search_subjects(
        session, q, today=forms.request_today(request), page=forms.page_number(page)
    )
    return portal_page(
        request,
        "search.html",
        result=result,
        query=result.query,
        invalid=invalid_code_text(result.query.problem),
        region_name=region_name,
        cap=search.CAP,
    )
