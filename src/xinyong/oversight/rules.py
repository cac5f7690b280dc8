"""The pure rules of the oversight of departments (docs/oversight.md): months and the day a
month's report is as of, the collection duties overdue, when a record arrived on time, when
feedback falls due, who is late in a month, and the annual assessment's scores. Functions of
their inputs and an explicit day and calendar.

The sources:

- Measures art. 16: 信息提供单位应当按照公共信用信息目录，及时、准确、完整地向公共信用信息系统提供
  — a provider owes the items the catalog names its sector a source of, each at the item's
  update cycle (catalog/duties.py); a record is on time when it arrives by the end of the
  period after the one its decision fell in (the same ``due_by`` as the duty's).
- Measures art. 38–40: 督促检查和考核制度; 定期编制公共信用信息归集和应用情况报告，将归集和应用
  情况作为年度工作考核的重要内容 — the monthly reports, the notices and the annual assessment.
- 004 §25: 按月通报各地各部门信用信息归集应用、“双公示”等工作情况 — the three monthly notices.
- 000 §（十五）: the ten acts published within 7 working days (reports/dual_publicity.py).
- 003 联合奖惩 §（二十一）: the implementing department feeds back what it applied
  (联合奖惩实施部门 … 反馈联合奖惩成效). The seeds set no period; the platform's is
  ``XINYONG_FEEDBACK_WORKING_DAYS`` working days from the check (10 by default, as the
  platform's own review in Measures art. 32).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

from xinyong.catalog.duties import DutyItem, due_by, must_provide
from xinyong.core.calendar import Calendar, UnknownCalendarYear
from xinyong.errors import InvalidRequest
from xinyong.reports.dual_publicity import Month

# How far back a decision may lie and still be on time: a yearly item decided on 1 January is
# due by the end of the next year (730 days); 800 covers it with room.
DECISION_WINDOW_DAYS = 800
# How far back a check may lie and its feedback not yet be due: 60 working days (the
# setting's bound) are under 100 calendar days.
FEEDBACK_WINDOW_DAYS = 200

# ---- months


def month_end(month: Month) -> date:
    return month.next().first_day - timedelta(days=1)


def is_closed(month: Month, today: date) -> bool:
    """A month is over from the day after its last: its report never changes after."""
    return today > month_end(month)


def as_of_day(month: Month, today: date) -> date:
    """The day a month's report is as of: its last day, or today for the month under way."""
    return min(month_end(month), today)


def require_not_future(month: Month, today: date) -> None:
    if month.first_day > today:
        raise InvalidRequest(
            f"{month.title}尚未开始，没有可统计的情况",
            f"{month.label} has not begun",
            field="month",
            code="month_in_future",
        )


def closed_months_of_year(year: int, today: date) -> list[Month]:
    """The months of ``year`` that are over on ``today``, January first: what the year's
    assessment reads (year to date while the year runs)."""
    return [m for m in (Month(year, n) for n in range(1, 13)) if is_closed(m, today)]


# ---- due dates, with a calendar that may not know the next year yet


def _due_or_none(due: Callable[[], date], after: date) -> date | None:
    """``due()``, or None when it lies in a year the calendar does not know yet that comes
    after ``after``'s: later than any day of the years it knows (never a guess of which day)."""
    try:
        return due()
    except UnknownCalendarYear as exc:
        if exc.year > after.year:
            return None
        raise


def due_on(cycle: str, start: date, calendar: Calendar) -> date | None:
    """``catalog.duties.due_by``, None when it falls in a year not yet loaded."""
    return _due_or_none(lambda: due_by(cycle, start, calendar), start)


def is_past(due: date | None, day: date) -> bool:
    """Overdue on ``day``: from the day after the due day (None: not yet due)."""
    return due is not None and day > due


# ---- collection (Measures art. 16)


@dataclass(frozen=True)
class Duty:
    """An item a provider owes, its last push by the day of the report, and when the next
    push is (was) due; ``due`` is None when it falls in a year the calendar does not know."""

    code: str
    name: str
    cycle: str
    last_push: date | None
    due: date | None
    overdue: bool


class NamedItem(DutyItem, Protocol):
    """A duty item with its name (a CatalogItem row)."""

    @property
    def name(self) -> str: ...


def duties_on(
    items: Iterable[NamedItem],
    sector: str,
    last_pushes: Mapping[str, date],
    duty_start: date,
    day: date,
    calendar: Calendar,
) -> list[Duty]:
    """The items a provider of ``sector`` owes (catalog/duties.must_provide), each overdue on
    ``day`` when nothing arrived by the end of the period after its last push — or, never
    pushed, after the day its duty began (the department's creation)."""
    out = []
    for item in items:
        if not must_provide(item, sector):
            continue
        last = last_pushes.get(item.code)
        due = due_on(item.update_cycle, last or duty_start, calendar)
        out.append(Duty(item.code, item.name, item.update_cycle, last, due, is_past(due, day)))
    return out


def on_time_threshold(cycle: str, arrival: date, calendar: Calendar) -> date:
    """The earliest decision date a record of ``cycle`` arriving on ``arrival`` is on time
    for: on time when ``due_by(cycle, decision) >= arrival`` (Measures art. 16: 及时). The due
    day only grows with the decision, so the records on time are those decided on or after
    this day; a decision on the arrival day itself or later is always on time."""

    def on_time(decision: date) -> bool:
        due = due_on(cycle, decision, calendar)
        return due is None or due >= arrival

    return _first_day(arrival - timedelta(days=DECISION_WINDOW_DAYS), arrival, on_time)


def _first_day(low: date, high: date, holds: Callable[[date], bool]) -> date:
    """The first day from ``low`` to ``high`` on which ``holds``, a condition that once true
    stays true for every later day and holds on ``high``: two bisections' worth of calls."""
    if holds(low):
        return low
    while (high - low).days > 1:
        middle = low + timedelta(days=(high - low).days // 2)
        if holds(middle):
            high = middle
        else:
            low = middle
    return high


def on_time_thresholds(
    cycles: Iterable[str], days: Sequence[date], calendar: Calendar
) -> dict[str, dict[date, date]]:
    """``on_time_threshold`` of every cycle and arrival day: what the report's one statement
    compares each record's decision date with."""
    return {c: {d: on_time_threshold(c, d, calendar) for d in days} for c in cycles}


def share(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 4)


# ---- use: feedback on what a check showed (003 联合奖惩 §（二十一））


def feedback_due_on(checked_on: date, working_days: int, calendar: Calendar) -> date | None:
    """The last day to feed back on a measure a check showed: ``working_days`` working days
    after the check day (the check day not counted); None in a year not yet loaded."""
    return _due_or_none(lambda: calendar.add_working_days(checked_on, working_days), checked_on)


def feedback_cutoff(day: date, working_days: int, calendar: Calendar) -> date:
    """The last check day whose feedback is due on or before ``day``: the checks of that day
    and before are overdue on the day after ``day`` if still unanswered. (The due day only
    grows with the check day.)"""

    def due_by_then(checked_on: date) -> bool:
        due = feedback_due_on(checked_on, working_days, calendar)
        return due is not None and due <= day

    first_not = _first_day(
        day - timedelta(days=FEEDBACK_WINDOW_DAYS),
        day + timedelta(days=1),
        lambda checked_on: checked_on > day or not due_by_then(checked_on),
    )
    return first_not - timedelta(days=1)


# ---- who a month's notices name (004 §25)


def late_in_collection(items_overdue: int) -> bool:
    """Named in the collection notice: an item it owes overdue on the month's last day."""
    return items_overdue > 0


def late_in_dual_publicity(late: int) -> bool:
    """Named in the 双公示 notice: a record of the ten acts of the month published later than
    7 working days after its decision (000 §（十五））."""
    return late > 0


def late_in_use(feedback_overdue: int) -> bool:
    """Named in the use notice: a measure shown by its checks without feedback past its due
    day (003 联合奖惩 §（二十一））."""
    return feedback_overdue > 0


# ---- the annual assessment (Measures art. 40: 年度工作考核)


def indicator_value(indicator: Any, months: Sequence[Mapping[str, Any]]) -> float | None:
    """An indicator's value over a department's monthly rows (oldest first) — ``share``: the
    months' numerators over their denominators (None when nothing to count); ``deduction``:
    the field's sum; ``mean``: the mean of the field's monthly values that are not empty. A
    department with no row in the indicator's report (a department that provides nothing, for
    a collection indicator) has no value: the indicator does not apply to it."""
    if not months:
        return None
    if indicator.kind == "share":
        whole = sum(int(m.get(indicator.denominator) or 0) for m in months)
        part = sum(int(m.get(indicator.numerator) or 0) for m in months)
        return None if whole == 0 else part / whole
    if indicator.kind == "deduction":
        return float(sum(int(m.get(indicator.field) or 0) for m in months))
    values = [float(m[indicator.field]) for m in months if m.get(indicator.field) is not None]
    return None if not values else sum(values) / len(values)


def indicator_score(indicator: Any, value: float | None) -> float | None:
    """Points of an indicator out of its weight; None when it does not apply (no value)."""
    if value is None:
        return None
    weight = float(indicator.weight)
    if indicator.kind == "deduction":
        return round(max(0.0, weight - float(indicator.points_each) * value), 2)
    fraction = value if indicator.kind == "share" else value / float(indicator.scale)
    fraction = min(1.0, max(0.0, fraction))
    if indicator.better == "lower":
        fraction = 1.0 - fraction
    return round(weight * fraction, 2)


def total_score(weights_and_scores: Iterable[tuple[float, float | None]]) -> float | None:
    """The total out of 100 over the indicators that apply: their points over their weights,
    so that a department is not marked down for work it had none of (no checks: no
    feedback to give). None when no indicator applies."""
    applying = [(w, s) for w, s in weights_and_scores if s is not None]
    weight = sum(w for w, _ in applying)
    if weight <= 0:
        return None
    return round(sum(s for _, s in applying if s is not None) / weight * 100, 2)


def ranks(totals: Mapping[str, float | None]) -> dict[str, int | None]:
    """Competition ranking (1, 2, 2, 4) by total, highest first; no total, no rank."""
    scored = sorted((t for t in totals.values() if t is not None), reverse=True)
    return {
        key: None if total is None else scored.index(total) + 1 for key, total in totals.items()
    }
