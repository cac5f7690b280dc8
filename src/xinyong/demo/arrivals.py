"""When the demo's records reach the platform: the providers' pushes over the months before the
demo's "today", and each record's decision some working days before the push that brings it.

The rule the platform measures (000 §（十五）; reports/dual_publicity.py): a decision of the ten
administrative acts is published within 7 working days of the decision, counted on the official
calendar (core/calendar.py: chinesecalendar's years; weekdays for a year it does not know). The
demo's departments mostly keep it: a share ``late_share`` of their act records arrives later
(8 to about 60 working days), the others within 0–7 working days.

Each provider pushes on its own working days, every ``period`` working days — daily for a
department with many records, monthly or quarterly for one with few (about 15 records a push),
so that a demo of any size has one batch per push, not one per record. The records of the ten
acts are spread evenly over the pushes of the window; their decision is then
placed the drawn number of working days before. Other records (registrations, court and tax
lists, …) keep their own dates and come with the provider's first push a few working days
after (or today, when that push is yet to come); those dated before the window arrive, spread
over it, as the platform's collection of the backlog.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable
from datetime import date, timedelta

from xinyong.core.calendar import Calendar, builtin_years

# Working days from decision to arrival of the records that are on time: 0–7, mostly 1–5.
_ON_TIME_WEIGHTS = (4, 16, 18, 16, 13, 12, 11, 10)
ON_TIME_LAGS = tuple(lag for lag, w in enumerate(_ON_TIME_WEIGHTS) for _ in range(w))
# … and of the late ones: 8 working days and more, most within a month or two.
LATE_LAGS = tuple(8 + int(50 * (i / 64) ** 2) for i in range(64))
RECORDS_PER_PUSH = 15  # what a provider's push carries on average, at most daily
MAX_PERIOD = 60  # working days between two pushes of a provider at the most (a quarter)
_HISTORY_DAYS = 800  # working days are tabled this far before the window (decisions before it)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day when shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


class Arrivals:
    """The working days of the window and before it, the pushes, and the lags of one run."""

    def __init__(self, today: date, *, months: int, late_share: float) -> None:
        self.today = today.toordinal()
        self.start = months_before(today, months).toordinal()
        self.late_share = min(1.0, max(0.0, late_share))
        calendar = Calendar(builtin_years().values())
        self.first = self.start - _HISTORY_DAYS
        working: list[int] = []
        index: list[int] = []  # index[o - first]: how many working days are ≤ o
        day = date.fromordinal(self.first)
        for o in range(self.first, self.today + 1):
            if calendar.knows(day.year):
                is_working = calendar.is_working_day(day)
            else:  # a year the calendar does not know: weekdays (the report will say so)
                is_working = day.weekday() < 5
            if is_working:
                working.append(o)
            index.append(len(working))
            day += timedelta(days=1)
        self.working = tuple(working)
        self.index = tuple(index)
        self.window_working = tuple(o for o in working if o >= self.start)

    def pushes(self, expected: float, offset: int) -> tuple[int, ...]:
        """The days a provider expecting ``expected`` records in the window pushes: every
        ``period``-th working day of the window (``offset`` staggers providers)."""
        n = len(self.window_working)
        period = RECORDS_PER_PUSH * n / expected if expected > 0 else MAX_PERIOD
        period = max(1, min(MAX_PERIOD, math.ceil(period)))
        days = [o for i, o in enumerate(self.window_working) if (i + offset) % period == 0]
        return tuple(days or (self.today,))

    def act_fn(self, r: Callable[[], float]) -> Callable[[tuple[int, ...], int], tuple[int, int]]:
        """``(pushes, est) -> (decision, arrival)`` for a record of the ten acts of a subject
        that exists from ``est``: a push of the window, the decision the drawn number of working
        days before it (never before ``est``, never after yesterday)."""
        working, index, first = self.working, self.index, self.first
        on_time, late, late_share = ON_TIME_LAGS, LATE_LAGS, self.late_share
        n_on, n_late = len(on_time), len(late)
        today = self.today
        last = today - 1

        def act(pushes: tuple[int, ...], est: int) -> tuple[int, int]:
            lag = late[int(r() * n_late)] if r() < late_share else on_time[int(r() * n_on)]
            if pushes[-1] < est:  # a subject younger than the provider's last push: today's
                arrival = today
            elif pushes[0] < est:  # the pushes after the subject exists
                j = bisect_left(pushes, est)
                arrival = pushes[j + int(r() * (len(pushes) - j))]
            else:
                arrival = pushes[int(r() * len(pushes))]
            k = index[arrival - first] - lag - 1
            day = working[k] if k >= 0 else arrival - lag
            if day < est:
                day = est
            if day > last:
                day = last if last >= est else est
            return day, arrival

        return act

    def other_fn(self, r: Callable[[], float]) -> Callable[[tuple[int, ...], int], int]:
        """``(pushes, day) -> arrival`` for a record dated ``day`` that is not one of the ten
        acts: the provider's first push a few working days after it; the backlog of the days
        before the window spread over its pushes."""
        working, index, first, start = self.working, self.index, self.first, self.start
        on_time, n_on = ON_TIME_LAGS, len(ON_TIME_LAGS)
        today = self.today

        def other(pushes: tuple[int, ...], day: int) -> int:
            lag = on_time[int(r() * n_on)]
            if day < start:
                return pushes[int(r() * len(pushes))]
            k = index[day - first] + lag - 1
            ready = working[k] if lag and k < len(working) else day
            j = bisect_left(pushes, ready)
            return pushes[j] if j < len(pushes) else today

        return other
