"""The periods of the list procedures, counted in one place.

Notice periods — the public notice of a red candidate (公示) and the prior notice of a black one
(事前告知), 003 联合奖惩 §（六） — are working days, counted by the official calendar
(core/calendar: the first day not counted, the period ends on a working day; a year the
calendar does not know is an explicit error). Rectification deadlines (限期整改, 002 §（九））
and the monitoring after a black list (重点监测, 003 联合奖惩 §（十七）) are set by the list in
calendar days."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from xinyong.core.calendar import calendar_for


def notice_end(session: Session, start: date, working_days: int) -> date:
    """The last day of a notice period of ``working_days`` working days from ``start``."""
    return calendar_for(session).add_working_days(start, working_days)


def period_end(start: date, days: int) -> date:
    """The last day of a period of ``days`` calendar days that starts the day after ``start``."""
    return start + timedelta(days=days)
