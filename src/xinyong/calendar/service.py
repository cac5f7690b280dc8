"""Loading and reading years of the working-day calendar (core/calendar.py)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from xinyong.calendar.schemas import CalendarDayIn, CalendarYearIn, CalendarYearOut
from xinyong.core import audit
from xinyong.core.calendar import (
    UnknownCalendarYear,
    YearArrangement,
    calendar_for,
    years_missing_ahead,
)
from xinyong.core.clock import local_date
from xinyong.core.locks import advisory_xact_lock
from xinyong.errors import Conflict
from xinyong.feeds.changes import CALENDAR, record_change
from xinyong.models import AuditEntry, CalendarDay, CalendarYear


def load_year(
    session: Session, data: CalendarYearIn, *, replace: bool, actor: str, now: datetime
) -> CalendarYearOut:
    """Declare a year in full, in this transaction. A year the calendar already knows — from
    chinesecalendar or an earlier load — is replaced only when ``replace`` says so: a
    deadline already computed on it may move."""
    advisory_xact_lock(session, "calendar")
    calendar = calendar_for(session)
    previous = calendar.year(data.year).source if calendar.knows(data.year) else None
    if previous is not None and not replace:
        raise Conflict(
            f"工作日历已有 {data.year} 年的安排（来源：{previous}）；如需替换请指明 replace",
            f"the calendar already knows {data.year} (from {previous}); "
            "pass replace to load it again",
            field="year",
            code="calendar_year_known",
            source=previous,
        )
    session.execute(delete(CalendarDay).where(CalendarDay.year == data.year))
    row = session.get(CalendarYear, data.year)
    if row is None:
        row = CalendarYear(year=data.year)
        session.add(row)
    row.basis = data.basis
    row.revision = uuid.uuid4().hex
    row.loaded_at = now
    row.loaded_by = actor
    session.flush()
    days = [(d, False) for d in data.holidays] + [(d, True) for d in data.working_weekends]
    session.execute(
        insert(CalendarDay),
        [
            {"day": d.date, "year": data.year, "is_working_day": working, "name": d.name}
            for d, working in days
        ],
    )
    audit.log(
        session,
        actor=actor,
        action="calendar.loaded",
        at=now,
        target_type="calendar_year",
        target_id=data.year,
        detail={
            "basis": data.basis,
            "holidays": len(data.holidays),
            "working_weekends": len(data.working_weekends),
            "replaced": previous,
        },
    )
    record_change(
        session,
        at=now,
        topic=CALENDAR,
        event="year_loaded",
        detail={"year": data.year, "replaced": previous},
    )
    return year_view(session, data.year)


def missing_years(session: Session, today: date) -> list[int]:
    """The calendar years a deadline set ``today`` may reach (core/calendar.LOOKAHEAD_DAYS
    ahead) that the calendar does not know: the one answer of the authority's dashboard
    banner and of ``xinyong tick``. Non-empty from the 60th day before such a year begins
    until the year is loaded."""
    return years_missing_ahead(calendar_for(session), today)


class MissingYears(NamedTuple):
    missing: list[int]  # missing_years today
    warned: list[int]  # of those, the ones written to the audit log by this run


def warn_missing_years(session: Session, *, actor: str, now: datetime) -> MissingYears:
    """The daily job's part for the calendar: a year that deadlines opened now may reach and
    that nobody loaded (:func:`missing_years`) is written to the audit log once, as the
    authority's warning (its dashboard shows it every day until the year is loaded)."""
    missing = missing_years(session, local_date(now))
    if not missing:
        return MissingYears([], [])
    warned = set(
        session.execute(
            select(AuditEntry.target_id).where(
                AuditEntry.action == "calendar.year_missing",
                AuditEntry.target_id.in_([str(y) for y in missing]),
            )
        ).scalars()
    )
    new = [y for y in missing if str(y) not in warned]
    for year in new:
        audit.log(
            session,
            actor=actor,
            action="calendar.year_missing",
            at=now,
            target_type="calendar_year",
            target_id=year,
            detail={"message": UnknownCalendarYear(year).message},
        )
    return MissingYears(missing, new)


def year_view(session: Session, year: int) -> CalendarYearOut:
    """A known year as the file format plus its source; ``calendar_year_unknown`` else."""
    return _view(session, calendar_for(session).year(year))


def all_years(session: Session) -> list[CalendarYearOut]:
    return [_view(session, y) for y in calendar_for(session).years()]


def _view(session: Session, arrangement: YearArrangement) -> CalendarYearOut:
    row = None
    if arrangement.source == "authority":
        row = session.execute(
            select(CalendarYear.loaded_at, CalendarYear.loaded_by).where(
                CalendarYear.year == arrangement.year
            )
        ).one()
    return CalendarYearOut(
        year=arrangement.year,
        basis=arrangement.basis,
        holidays=_days(arrangement.holidays),
        working_weekends=_days(arrangement.working_weekends),
        source=arrangement.source,
        loaded_at=None if row is None else row.loaded_at,
        loaded_by=None if row is None else row.loaded_by,
        working_days=len(arrangement.working_days()),
    )


def _days(days: Mapping[date, str]) -> list[CalendarDayIn]:
    return [CalendarDayIn(date=d, name=days[d]) for d in sorted(days)]
