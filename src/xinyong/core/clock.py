"""The one injectable clock. Dates are in Asia/Shanghai; services receive ``now`` explicitly."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock:
    """System time in Asia/Shanghai."""

    def now(self) -> datetime:
        return datetime.now(SHANGHAI)

    def today(self) -> date:
        return self.now().date()


class FixedClock(Clock):
    """A clock that stands still until moved: used by tests and by ``xinyong tick --at``."""

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
