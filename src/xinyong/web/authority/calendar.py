"""Pages: the working-day calendar's years (calendar/service); load a year."""

from __future__ import annotations

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from xinyong.accounts.service import actor_labels
from xinyong.calendar.schemas import CalendarYearIn
from xinyong.calendar.service import all_years, load_year
from xinyong.core.api import db_session
from xinyong.errors import XinyongError
from xinyong.web.authority.common import AUTHORITY, MAX_UPLOAD, refill
from xinyong.web.forms import (
    Problem,
    json_input,
    page,
    page_visitor,
    refusal,
    request_now,
    validated_json,
)
from xinyong.web.site import check_csrf

router = APIRouter(include_in_schema=False)


def _calendar_page(
    request: Request,
    session: Session,
    *,
    status_code: int = 200,
    errors: list[dict[str, str]] | None = None,
    text: str = "",
    replace: bool = False,
    loaded: int | None = None,
) -> Response:
    years = all_years(session)
    return page(
        request,
        "authority/calendar.html",
        status_code=status_code,
        section="calendar",
        years=years,
        actors=actor_labels(session, [y.loaded_by for y in years if y.loaded_by]),
        errors=errors or [],
        text=refill(text),
        replace=replace,
        loaded=loaded,
    )


@router.get("/authority/calendar", response_class=HTMLResponse, **AUTHORITY)
def calendar_page(
    request: Request, loaded: int | None = None, session: Session = db_session
) -> Response:
    """Audience: authority. The years the working-day calendar knows; load a year."""
    return _calendar_page(request, session, loaded=loaded)


@router.post("/authority/calendar", response_class=HTMLResponse, **AUTHORITY)
def calendar_load(
    request: Request,
    csrf_token: str = Form(default=""),
    year_json: str = Form(default=""),
    year_file: UploadFile | None = File(default=None),
    replace: bool = Form(default=False),
    session: Session = db_session,
) -> Response:
    """Audience: authority. Load a year's arrangement (docs/calendar-format.md), as POST
    /api/v1/calendar/years."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    try:
        data = validated_json(CalendarYearIn, json_input(year_json, year_file, limit=MAX_UPLOAD))
        try:
            with session.begin_nested():
                load_year(
                    session,
                    data,
                    replace=replace,
                    actor=v.principal.actor,
                    now=request_now(request),
                )
        except XinyongError as exc:
            problem = refusal(exc, path=True)
            if exc.code == "calendar_year_known":
                hint = "（勾选“替换已有年度”后再提交）"
                problem.errors = {f: m + hint for f, m in problem.errors.items()}
            raise problem from None
    except Problem as problem:
        return _calendar_page(
            request,
            session,
            status_code=problem.status,
            errors=problem.rows,
            text=year_json,
            replace=replace,
        )
    return RedirectResponse(f"/authority/calendar?loaded={data.year}", status_code=303)
