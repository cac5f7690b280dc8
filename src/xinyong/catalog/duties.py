"""Collection duties (归集责任): which items a provider must send, and by when its next push is
due by the item's update cycle. Pure, with an explicit calendar.

Measures art. 16: 信息提供单位应当按照公共信用信息目录，及时、准确、完整地向公共信用信息系统
提供公共信用信息 — a provider owes the items the catalog names its sector a source of, each at
the item's 更新周期. Art. 38 and 004 §25 make the lapses reportable (the collection report), art.
16's 问题可监测 makes them monitored (a task on the provider's queue).

A duty is met period by period: a push of the item (a batch holding it, or a 零报送 — nothing
to report) inside a period covers it. The next push is due by the end of the period after the
one the last push fell in; from the following day the item is overdue. Daily and real-time
items count by working day, as every legal deadline does (core/calendar); the longer cycles by
the calendar's week, month, quarter and year.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Literal, Protocol

from xinyong.core.calendar import Calendar

Cycle = Literal["realtime", "daily", "weekly", "monthly", "quarterly", "yearly"]
CYCLES: tuple[Cycle, ...] = ("realtime", "daily", "weekly", "monthly", "quarterly", "yearly")


class DutyItem(Protocol):
    """What of a catalog item the duty reads (a CatalogItem row or an ItemSpec)."""

    @property
    def code(self) -> str: ...
    @property
    def sources(self) -> Sequence[str]: ...
    @property
    def update_cycle(self) -> str: ...


def must_provide(item: DutyItem, sector: str) -> bool:
    """A provider of ``sector`` owes the item when the catalog names the sector one of its
    sources (Measures art. 8, 16). The credit authority's own sector sends what the platform
    itself derives, never as a provider's duty."""
    return sector != "credit_authority" and sector in item.sources


def duties(items: Iterable[DutyItem], sector: str) -> list[DutyItem]:
    """The items a provider of ``sector`` must send, in the catalog's order."""
    return [item for item in items if must_provide(item, sector)]


def period_of(cycle: str, day: date, calendar: Calendar) -> tuple[date, date]:
    """The first and last day of the period of ``cycle`` that holds ``day``. A daily period is
    one working day; a push on a rest day counts for the next working day."""
    if cycle in ("realtime", "daily"):
        working = day if calendar.is_working_day(day) else calendar.add_working_days(day, 1)
        return working, working
    if cycle == "weekly":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if cycle == "monthly":
        return day.replace(day=1), _month_end(day.year, day.month)
    if cycle == "quarterly":
        first_month = (day.month - 1) // 3 * 3 + 1
        return date(day.year, first_month, 1), _month_end(day.year, first_month + 2)
    if cycle == "yearly":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    raise ValueError(f"unknown update cycle {cycle!r}")


def due_by(cycle: str, last_push: date, calendar: Calendar) -> date:
    """The last day the next push may arrive on: the end of the period after the one
    ``last_push`` fell in (for a provider that never pushed, ``last_push`` is the day its duty
    began)."""
    _, end = period_of(cycle, last_push, calendar)
    _, next_end = period_of(cycle, end + timedelta(days=1), calendar)
    return next_end


def is_overdue(cycle: str, last_push: date, today: date, calendar: Calendar) -> bool:
    """Overdue from the day after ``due_by`` (Measures art. 16: 及时)."""
    return today > due_by(cycle, last_push, calendar)


def _month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)
