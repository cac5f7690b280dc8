"""The periods of the rights procedures, in working days by the official calendar
(core/calendar: the first day not counted; the period ends on a working day; a year the
calendar does not know is an explicit 409 ``calendar_year_unknown``).

The periods a seed states are rules, not settings; the ones it leaves to the province are
settings (docs/settings.md)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from xinyong.core.calendar import calendar_for

# Measures art. 32: 收到异议申请后应在10个工作日内完成审核工作.
OBJECTION_REVIEW_WORKING_DAYS = 10
# Measures art. 32: 信息提供单位应在5个工作日内完成核实工作.
OBJECTION_VERIFY_WORKING_DAYS = 5
# Measures art. 32: 确实有误的 … 在3个工作日内进行修正.
OBJECTION_CORRECT_WORKING_DAYS = 3
# Measures art. 35: 公示期为5个工作日.
REPAIR_NOTICE_WORKING_DAYS = 5


def due_on(session: Session, start: date, working_days: int) -> date:
    """The last day of a period of ``working_days`` working days counted from ``start``."""
    return calendar_for(session).add_working_days(start, working_days)


def is_over(last_day: date, today: date) -> bool:
    """Whether a period ending on ``last_day`` is over ``today``: its last day is still in it
    (民法典 第二百零三条: 期间的最后一日的截止时间为二十四时)."""
    return today > last_day
