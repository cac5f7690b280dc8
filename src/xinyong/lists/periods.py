"""The periods of the list procedures, counted in one place.

Notice periods — the public notice of a red candidate (公示) and the prior notice of a black one
(事前告知), 003 联合奖惩 §（六） — are working days, counted by the official calendar
(core/calendar: the first day not counted, the period ends on a working day; a year the
calendar does not know is an explicit error). Rectification deadlines (限期整改, 002 §（九））
and the monitoring after a black list (重点监测, 003 联合奖惩 §（十七）) are set by the list in
calendar days; a rectification deadline is one the subject must meet, so when its last day is
not a working day it moves to the next working day (民法典 第二百零三条: 期间的最后一日是法定休假日
的，以法定休假日结束的次日为期间的最后一日), by the same calendar."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from xinyong.core.calendar import calendar_for


def notice_end(session: Session, start: date, working_days: int) -> date:
    """The last day of a notice period of ``working_days`` working days from ``start``."""
    return calendar_for(session).add_working_days(start, working_days)


def deadline_end(session: Session, start: date, days: int) -> date:
    """The last day of a deadline of ``days`` calendar days from ``start``, moved off a
    weekend or holiday to the next working day."""
    calendar = calendar_for(session)
    end = period_end(start, days)
    while not calendar.is_working_day(end):
        end += timedelta(days=1)
    return end


def period_end(start: date, days: int) -> date:
    """The last day of a period of ``days`` calendar days that starts the day after ``start``."""
    return start + timedelta(days=days)
