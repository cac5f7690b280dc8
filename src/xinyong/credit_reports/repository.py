"""Named reads of the credit reports' register (table ``credit_reports``)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.models import CreditReport


def get(session: Session, number: str) -> CreditReport | None:
    return session.get(CreditReport, number)


def of_batch(session: Session, batch: str) -> list[CreditReport]:
    """The reports of one request for a list of subjects, in the order they were issued."""
    return list(
        session.execute(
            select(CreditReport)
            .where(CreditReport.batch == batch)
            .order_by(CreditReport.issued_at, CreditReport.number)
        ).scalars()
    )


def of_subject(session: Session, subject_id: int, *, limit: int = 50) -> list[CreditReport]:
    """The subject's reports, newest first (its console lists those issued to itself)."""
    return list(
        session.execute(
            select(CreditReport)
            .where(CreditReport.subject_id == subject_id)
            .order_by(CreditReport.issued_at.desc())
            .limit(limit)
        ).scalars()
    )


def count_of_subject(session: Session, subject_id: int) -> int:
    return session.execute(
        select(func.count()).where(CreditReport.subject_id == subject_id)
    ).scalar_one()
