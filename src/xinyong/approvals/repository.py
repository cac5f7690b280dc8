"""Named reads of ``pending_decisions`` (this domain owns it)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.models import DecisionOutcome, PendingDecision


def decision(
    session: Session, decision_id: int, *, for_update: bool = False
) -> PendingDecision | None:
    query = select(PendingDecision).where(PendingDecision.id == decision_id)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def open_decision_ids(session: Session, kind: str, target_id: int) -> list[int]:
    return list(
        session.execute(
            select(PendingDecision.id).where(
                PendingDecision.kind == kind,
                PendingDecision.target_id == target_id,
                PendingDecision.outcome.is_(None),
            )
        ).scalars()
    )


def latest_decision_on(session: Session, kind: str, target_id: int) -> PendingDecision | None:
    """The latest decision prepared on a target, if any: a page shows one waiting instead of
    its form, and one returned with its reason beside the form."""
    return session.execute(
        select(PendingDecision)
        .where(PendingDecision.kind == kind, PendingDecision.target_id == target_id)
        .order_by(PendingDecision.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def open_decisions_of_department(
    session: Session, department_id: int, *, limit: int
) -> list[PendingDecision]:
    """The department's decisions waiting for approval, oldest first."""
    return list(
        session.execute(
            select(PendingDecision)
            .where(
                PendingDecision.department_id == department_id,
                PendingDecision.outcome.is_(None),
            )
            .order_by(PendingDecision.id)
            .limit(limit)
        ).scalars()
    )


def decisions_prepared_by(session: Session, user_id: int, *, limit: int) -> list[PendingDecision]:
    """What a person prepared, newest first: waiting, approved, returned to it."""
    return list(
        session.execute(
            select(PendingDecision)
            .where(PendingDecision.prepared_by == user_id)
            .order_by(PendingDecision.id.desc())
            .limit(limit)
        ).scalars()
    )


def returned_to(session: Session, user_id: int, *, limit: int) -> list[PendingDecision]:
    return list(
        session.execute(
            select(PendingDecision)
            .where(
                PendingDecision.prepared_by == user_id,
                PendingDecision.outcome == DecisionOutcome.returned,
            )
            .order_by(PendingDecision.id.desc())
            .limit(limit)
        ).scalars()
    )
