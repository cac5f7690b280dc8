"""Named reads of the checks domain's tables (checks, their hits and feedback) for the pages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.errors import NotFound
from xinyong.models import Check, CheckFeedback, CheckHit


def recent_checks_of_department(session: Session, department_id: int, *, limit: int) -> list[Check]:
    """A department's latest checks, newest first."""
    return list(
        session.execute(
            select(Check)
            .where(Check.department_id == department_id)
            .order_by(Check.at.desc(), Check.id.desc())
            .limit(limit)
        ).scalars()
    )


def check_of_department(session: Session, department_id: int, check_id: int) -> Check:
    """One of a department's checks; another's is as unknown as a check that never was."""
    check = session.get(Check, check_id)
    if check is None or check.department_id != department_id:
        raise NotFound("查询记录不存在", "no such check of this department", code="unknown_check")
    return check


def hits_of_check(session: Session, check_id: int) -> list[CheckHit]:
    """The measures a check reached, by subject and measure code."""
    return list(
        session.execute(
            select(CheckHit)
            .where(CheckHit.check_id == check_id)
            .order_by(CheckHit.subject_id, CheckHit.measure_code)
        ).scalars()
    )


def feedback_of_check(session: Session, check_id: int) -> dict[tuple[int, str], CheckFeedback]:
    """The feedback given on a check, by subject id and measure code."""
    return {
        (f.subject_id, f.measure_code): f
        for f in session.execute(
            select(CheckFeedback).where(CheckFeedback.check_id == check_id)
        ).scalars()
    }


def checks_of_department_between(
    session: Session, department_id: int, start: datetime, end: datetime, *, limit: int
) -> list[Check]:
    """A department's checks made in [start, end), newest first."""
    return list(
        session.execute(
            select(Check)
            .where(Check.department_id == department_id, Check.at >= start, Check.at < end)
            .order_by(Check.at.desc(), Check.id.desc())
            .limit(limit)
        ).scalars()
    )
