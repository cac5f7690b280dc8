"""The rules of risk warnings, without a database (docs/risk.md): what each kind of condition
means on a day — the window of dates it looks at —, which fact a warning rests on, and what
the warned read of why.

Early warning to subjects before they fail and to the departments that supervise them: 002
§（十六） (建立风险预判预警机制，及早发现防范苗头性风险), 000 §（十七）, 004 §7 (建立失信预警机制，
引导信用主体关注自身信用) and §11 (建立市场主体失信提示和失信预警机制). The sweep
(risk/sweep.py) applies these windows in SQL; the functions here are what it computes them by,
and what the unit tests check on the day before, of and after each deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from xinyong.core.calendar import Calendar
from xinyong.models import Grade
from xinyong.records.rules import add_months

Phase = Literal["due", "overdue"]

# Grades in order, best first (evaluation: 优 / 良 / 中 / 差).
GRADE_ORDER = {grade.value: index for index, grade in enumerate(Grade)}


@dataclass(frozen=True)
class DueWindow:
    """The dates a ``date_due`` condition warns of on ``today``: a date from ``today`` to
    ``horizon`` is due; one from ``overdue_from`` to the day before ``today`` is overdue."""

    today: date
    horizon: date
    overdue_from: date | None

    def phase(self, due: date) -> Phase | None:
        """Whether a record with this date is warned of today, and as what. The last day of a
        period is still in it (rights/deadlines.is_over): a deadline of today is due, not
        overdue; overdue from the day after."""
        if self.today <= due <= self.horizon:
            return "due"
        if self.overdue_from is not None and self.overdue_from <= due < self.today:
            return "overdue"
        return None


def due_window(
    today: date,
    *,
    within: int,
    unit: Literal["days", "working_days"],
    overdue_days: int,
    calendar: Calendar,
) -> DueWindow:
    """A licence expiring within 30 days: due from today to today + 30 (the 30th day
    included). A rectification deadline within 5 working days: due up to the 5th working day
    after today by the official calendar (core/calendar; a deadline on the weekend before it
    is due too). ``overdue_days`` > 0: a date passed up to that many days ago is overdue."""
    if unit == "working_days":
        horizon = calendar.add_working_days(today, within)
    else:
        horizon = today + timedelta(days=within)
    overdue_from = today - timedelta(days=overdue_days) if overdue_days else None
    return DueWindow(today, horizon, overdue_from)


def count_window_start(today: date, months: int) -> date:
    """The first day of "the last ``months`` months" ending today: a record determined on that
    day or later counts. 12 months on 2026-06-15 start on 2025-06-16: a penalty of 2025-06-15
    has left the window, as a record's validity ends the same day of the month (records/rules
    .expires_on)."""
    return add_months(today, -months) + timedelta(days=1)


def recent_since(today: date, days: int) -> date:
    """The first day of "the last ``days`` days" ending today (today counts as one): 30 days on
    2026-06-15 start on 2026-05-17."""
    return today - timedelta(days=days - 1)


def bands_fallen(previous: str | None, grade: str) -> int:
    """How many bands a grade fell (A→C: 2); 0 for a first grade or a rise."""
    if previous is None:
        return 0
    return max(0, GRADE_ORDER[grade] - GRADE_ORDER[previous])


def record_fact(record_id: int, phase: str | None = None) -> str:
    """The basis fact of a warning about one record: a deadline warned as due and again once
    overdue is two facts; any other record, one."""
    return f"record:{record_id}" if phase is None else f"record:{record_id}:{phase}"


def change_fact(change_id: int) -> str:
    return f"grade_change:{change_id}"
