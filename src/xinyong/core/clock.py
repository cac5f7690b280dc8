"""The one injectable clock. Dates are in Asia/Shanghai; services receive ``now`` explicitly."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock:
    """System time in Asia/Shanghai; or, given ``fixed_today`` (XINYONG_FIXED_TODAY: training
    and demonstrations), that date at the system's time of day, so that every deadline, period
    and page reads the same day however long the deployment runs."""

    fixed_today: date | None = None

    def __init__(self, fixed_today: date | None = None) -> None:
        self.fixed_today = fixed_today

    def now(self) -> datetime:
        now = datetime.now(SHANGHAI)
        if self.fixed_today is None:
            return now
        return datetime.combine(self.fixed_today, now.timetz())

    def today(self) -> date:
        return self.now().date()


class FixedClock(Clock):
    """A clock that stands still until moved: the tests'. (``xinyong tick --at`` gives the
    jobs of the rules their time instead: jobs.run_jobs.)"""

    def __init__(self, at: datetime) -> None:
        self._at = at if at.tzinfo else at.replace(tzinfo=SHANGHAI)

    def now(self) -> datetime:
        return self._at.astimezone(SHANGHAI)

    def set(self, at: datetime) -> None:
        self._at = at if at.tzinfo else at.replace(tzinfo=SHANGHAI)

    def advance(self, **delta: float) -> None:
        self._at += timedelta(**delta)


def local_date(at: datetime) -> date:
    return at.astimezone(SHANGHAI).date()


def start_of_day(day: date) -> datetime:
    """Midnight at the start of ``day`` in Asia/Shanghai."""
    return datetime.combine(day, time(), SHANGHAI)
