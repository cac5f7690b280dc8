"""The working-day calendar through the API: read by anyone, extended by the authority."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session

from xinyong.calendar.schemas import CalendarYearIn, CalendarYearOut
from xinyong.calendar.service import load_year, year_view
from xinyong.core.api import Year, clock, current_principal, db_session, endpoint
from xinyong.core.auth import Principal
from xinyong.models import Role

router = APIRouter(tags=["calendar"])
EVERYONE = (Role.public, Role.subject, Role.provider, Role.user_department, Role.authority)


@router.get(
    "/calendar/{year:int}",
    response_model=CalendarYearOut,
    **endpoint(
        *EVERYONE,
        # A year that is not a number matches no route (the {year:int} convertor keeps
        # /calendar/years to its own operation): 404.
        errors={404: ["not_found"], 409: ["calendar_year_unknown"]},
        summary="A year of the working-day calendar (工作日历)",
    ),
)
def get_calendar_year(year: Year, session: Session = db_session) -> CalendarYearOut:
    """The year's holidays and make-up working weekends (调休上班) and where they come from:
    chinesecalendar (2004–2026) or the authority's load. Every legal deadline counts working
    days on it; a year it does not know is `calendar_year_unknown`, never a guess."""
    return year_view(session, year)


@router.post(
    "/calendar/years",
    response_model=CalendarYearOut,
    status_code=201,
    **endpoint(
        Role.authority,
        errors={409: ["calendar_year_known"]},
        summary="Load a year's holiday arrangement",
    ),
)
def load_calendar_year(
    data: CalendarYearIn,
    request: Request,
    replace: bool = Query(
        default=False,
        description="replace a year the calendar already knows (chinesecalendar's or loaded)",
    ),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> CalendarYearOut:
    """The State Council General Office's arrangement for a year (docs/calendar-format.md),
    declared in full; deadlines falling in it can then be computed."""
    return load_year(
        session, data, replace=replace, actor=principal.actor, now=clock(request).now()
    )
