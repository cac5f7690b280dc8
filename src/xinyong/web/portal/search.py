"""Search: organisations by name or credit code, persons only while a public list publishes them."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core.api import db_session
from xinyong.core.identifiers import INVALID_CREDIT_CODE, IdentifierError, region_name
from xinyong.subjects import search
from xinyong.web import forms
from xinyong.web.portal.common import EVERYONE, count_look_up, portal_page
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
        invalid=_invalid_text(result.query.problem),
        region_name=region_name,
        cap=search.CAP,
    )


def _invalid_text(problem: IdentifierError | None) -> str:
    """Why the code typed is not valid (core/identifiers: GB 32100-2015, GB 11643-1999), in
    the words a visitor reads; the expected check character is not given, for the mistake may
    be in another character."""
    if problem is None:
        return ""
    what = "统一社会信用代码" if problem.code == INVALID_CREDIT_CODE else "身份证号码"
    if problem.reason == "check_char":
        return f"{what}校验位不正确，请核对后重新输入。"
    detail = problem.message.removeprefix("居民").removeprefix(what)
    return f"{what}无效：{detail}。请核对后重新输入。"
