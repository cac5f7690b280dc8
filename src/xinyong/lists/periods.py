"""The one place where list procedures count their periods.

Notice periods are working days in law (003 联合奖惩 §（六）); until the official working-day
calendar lands (issue 4, core/calendar) they are counted here as plain days, and every caller
goes through :func:`period_end`, so the calendar replaces one function."""

from __future__ import annotations

from datetime import date, timedelta


def period_end(start: date, days: int) -> date:
    """The last day of a period of ``days`` days that starts the day after ``start``."""
    return start + timedelta(days=days)
