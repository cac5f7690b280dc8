"""The official working-day calendar (工作日): the one module every legal deadline goes through.

Sources. A year's arrangement — its statutory holidays (《全国年节及纪念日放假办法》) and the
weekend days worked in lieu (调休上班), published each year by the State Council General
Office (国务院办公厅关于××年部分节假日安排的通知) — comes from the ``chinesecalendar`` package
for 2004–2026 and from the ``calendar_years`` / ``calendar_days`` tables for the years the
credit authority loads (``xinyong calendar load``, ``POST /calendar/years``). A year in the
table replaces the package's year as a whole. A day is a working day when it is a make-up
working weekend, or a Monday–Friday that is not a holiday.

Unknown years. Any date in a year neither source knows — given, or stepped over while counting
— raises :class:`UnknownCalendarYear` (409 ``calendar_year_unknown``) naming the year: a
deadline is never guessed from weekdays alone.

The deadline convention. Periods "within N working days from X" (Measures art. 32: review
within 10, verify within 5, correct within 3 working days; 000 §（十五）: publish within 7
working days of the decision) start the day after X (民法典 第二百零一条: the first day is not
counted) and count working days only (《行政许可法》第八十二条: 以工作日计算，不含法定节假日):

- ``add_working_days(x, n)`` is the n-th working day after ``x`` — the last day of the period,
  always a working day for n ≥ 1 (so 民法典 第二百零三条's move off a holiday is built in);
  ``n = 0`` gives ``x`` itself. Whether ``x`` is a working day does not matter.
- ``working_days_between(a, b)`` counts the working days d with a < d ≤ b (negative when b is
  before a), so ``working_days_between(x, add_working_days(x, n)) == n``.

The cache. The arithmetic is pure: a :class:`Calendar` holds the arrangements and is passed
explicitly. :func:`calendar_for` gives the database's calendar; process memory keeps it keyed
by each loaded year's ``revision`` (a fresh token per load), read in one small query per call —
the catalog's pattern (catalog/service.published_catalog) — so a year loaded by any process is
used by every other on its next call. Every load is also a change on the feed (topic
``calendar``) for whoever keeps longer-lived state.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Literal

import chinese_calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.errors import Conflict
from xinyong.models import CalendarDay, CalendarYear

Source = Literal["chinesecalendar", "authority"]


class UnknownCalendarYear(Conflict):
    """A date in a year whose holiday arrangement the platform does not know."""

    code = "calendar_year_unknown"

    def __init__(self, year: int) -> None:
        super().__init__(
            f"工作日历尚未载入 {year} 年的节假日安排，无法计算工作日；"
            "请信用管理部门先载入该年度安排",
            f"the working-day calendar does not know the year {year}: the credit authority "
            "must load that year's holiday arrangement first",
            year=year,
        )
        self.year = year


@dataclass(frozen=True)
class YearArrangement:
    """One year's holidays and make-up working weekends, by date, with their names."""

    year: int
    source: Source
    basis: str
    holidays: Mapping[date, str]
    working_weekends: Mapping[date, str]

    def is_working_day(self, day: date) -> bool:
        return day in self.working_weekends or (day.weekday() < 5 and day not in self.holidays)

    def working_days(self) -> list[date]:
        first = date(self.year, 1, 1)
        days = (date(self.year + 1, 1, 1) - first).days
        return [d for d in (first + timedelta(i) for i in range(days)) if self.is_working_day(d)]


class Calendar:
    """Working-day arithmetic over the years it knows (module docstring: the convention)."""

    def __init__(self, years: Iterable[YearArrangement]) -> None:
        self._years = {y.year: y for y in years}
        # Every working day of every known year, in order: counting is two bisections.
        self._working = [
            d for year in sorted(self._years) for d in self._years[year].working_days()
        ]

    def knows(self, year: int) -> bool:
        return year in self._years

    def years(self) -> list[YearArrangement]:
        return [self._years[y] for y in sorted(self._years)]

    def year(self, year: int) -> YearArrangement:
        if year not in self._years:
            raise UnknownCalendarYear(year)
        return self._years[year]

    def is_working_day(self, day: date) -> bool:
        return self.year(day.year).is_working_day(day)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (``start`` itself not counted); ``start`` for
        n = 0."""
        if n < 0:
            raise ValueError("n must not be negative")
        self.year(start.year)
        if n == 0:
            return start
        index = bisect_right(self._working, start) + n - 1
        if index >= len(self._working):
            raise UnknownCalendarYear(self._first_unknown(start.year))
        end = self._working[index]
        self._require_span(start.year, end.year)
        return end

    def working_days_between(self, a: date, b: date) -> int:
        """How many working days d have a < d ≤ b; negative when b is before a."""
        if b < a:
            return -self.working_days_between(b, a)
        self._require_span(a.year, b.year)
        return bisect_right(self._working, b) - bisect_right(self._working, a)

    def _require_span(self, first: int, last: int) -> None:
        for year in range(first, last + 1):
            self.year(year)

    def _first_unknown(self, year: int) -> int:
        while year in self._years:
            year += 1
        return year


# How far ahead a step opened today sets deadlines: an objection's review, verification and
# correction (10 + 5 + 3 working days, Measures art. 32), an appeal's filing and decision, a
# 30-day rectification — about two months at most. When a day this far ahead lies in a year
# the calendar does not know, the authority is warned (jobs.py, the dashboard), before the
# procedures opened from then on are refused with ``calendar_year_unknown``.
LOOKAHEAD_DAYS = 60


def years_missing_ahead(calendar: Calendar, today: date, days: int = LOOKAHEAD_DAYS) -> list[int]:
    """The years from ``today`` to ``days`` days later that ``calendar`` does not know."""
    last = today + timedelta(days=days)
    return [y for y in range(today.year, last.year + 1) if not calendar.knows(y)]


# chinesecalendar stores English holiday names; the arrangement uses the official Chinese ones.
_CHINESE_NAMES = {h.value: h.chinese for h in chinese_calendar.Holiday}


@cache
def builtin_years() -> dict[int, YearArrangement]:
    """The years chinesecalendar covers, from its ``holidays`` and ``workdays`` tables."""
    holidays: dict[int, dict[date, str]] = {}
    working: dict[int, dict[date, str]] = {}
    for table, by_year in (
        (chinese_calendar.holidays, holidays),
        (chinese_calendar.workdays, working),
    ):
        for day, name in table.items():
            by_year.setdefault(day.year, {})[day] = _CHINESE_NAMES[name]
    return {
        year: YearArrangement(
            year=year,
            source="chinesecalendar",
            # What a person reads: the State Council's notice of the year, as the platform
            # ships it (``source`` says which package gave it).
            basis=f"国务院办公厅关于{year}年部分节假日安排的通知（平台内置日历）",
            holidays=holidays[year],
            working_weekends=working.get(year, {}),
        )
        for year in range(min(holidays), max(holidays) + 1)
    }


_cache: dict[tuple[str, frozenset[tuple[int, str]]], Calendar] = {}
_cache_lock = threading.Lock()


# Read by every use of the calendar: built once, of the table's columns.
_years = CalendarYear.__table__.c
_LOADED_YEARS = select(_years.year, _years.revision, _years.basis)


def calendar_for(session: Session) -> Calendar:
    """The calendar of this database: chinesecalendar's years, replaced or extended by the
    years the authority loaded. Cached per process, keyed by the loaded years' revisions."""
    loaded = session.execute(_LOADED_YEARS).all()
    url = str(session.get_bind().engine.url)
    key = (url, frozenset((row.year, row.revision) for row in loaded))
    cached = _cache.get(key)
    if cached is not None:
        return cached
    # The days are read after the key, so what is built is never older than its key.
    # Columns, not entities: a load in this session then replaces rows without identity clashes.
    years = dict(builtin_years())
    basis = {row.year: row.basis for row in loaded}
    days: dict[int, list[tuple[date, bool, str]]] = {year: [] for year in basis}
    for year, day, working, name in session.execute(
        select(CalendarDay.year, CalendarDay.day, CalendarDay.is_working_day, CalendarDay.name)
    ):
        if year in days:  # a year committed between the two reads waits for the next key
            days[year].append((day, working, name))
    for year, text in basis.items():
        years[year] = YearArrangement(
            year=year,
            source="authority",
            basis=text,
            holidays={day: name for day, working, name in days[year] if not working},
            working_weekends={day: name for day, working, name in days[year] if working},
        )
    calendar = Calendar(years.values())
    with _cache_lock:
        for stale in [k for k in _cache if k[0] == key[0]]:
            del _cache[stale]
        _cache[key] = calendar
    return calendar
