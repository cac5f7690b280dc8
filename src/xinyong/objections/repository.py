"""Named reads of the tables objections and appeals own (``objections``, ``appeals``)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from xinyong.core.auth import Principal
from xinyong.models import (
    Appeal,
    AppealState,
    Objection,
    ObjectionState,
    ProcedureStep,
    Role,
    TargetType,
    Task,
)

# The procedure's name in steps, tasks, evidence and documents.
PROCEDURE = "objection"


def find_objections(
    session: Session,
    principal: Principal,
    *,
    state: str | None,
    subject_id: int | None,
    limit: int,
    offset: int,
) -> tuple[list[Objection], int]:
    """A page of the objections the caller may see, newest first, and how many there are: a
    subject its own, a provider those it has (or had) a task of, the authority all."""
    query = select(Objection)
    if principal.role is Role.subject:
        query = query.where(Objection.subject_id == principal.subject_id)
    elif principal.role is Role.provider:
        query = query.where(
            Objection.id.in_(
                select(Task.procedure_id).where(
                    Task.procedure == PROCEDURE, Task.department_id == principal.department_id
                )
            )
        )
    if subject_id is not None:
        query = query.where(Objection.subject_id == subject_id)
    if state is not None:
        query = query.where(Objection.state == ObjectionState(state))
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(
        query.order_by(Objection.filed_at.desc(), Objection.id.desc()).limit(limit).offset(offset)
    ).scalars()
    return list(rows), total


def open_objection(
    session: Session, subject_id: int, target_type: TargetType, target_id: int
) -> int | None:
    """The open objection against a target, if any (at most one: uq_objections_open)."""
    return session.execute(
        select(Objection.id).where(
            Objection.subject_id == subject_id,
            Objection.target_type == target_type,
            Objection.target_id == target_id,
            Objection.state != ObjectionState.closed,
        )
    ).scalar_one_or_none()


def appeal_of(
    session: Session, subject_id: int, procedure: str, procedure_id: int
) -> Appeal | None:
    """The appeal against a procedure's outcome, if any (one per procedure)."""
    return session.execute(
        select(Appeal).where(
            Appeal.subject_id == subject_id,
            Appeal.procedure == procedure,
            Appeal.procedure_id == procedure_id,
        )
    ).scalar_one_or_none()


def open_objections_by_target(session: Session, subject_id: int) -> dict[tuple[str, int], int]:
    """The ids of the subject's open objections by (target type, target id)."""
    rows = session.execute(
        select(Objection.target_type, Objection.target_id, Objection.id).where(
            Objection.subject_id == subject_id, Objection.state != ObjectionState.closed
        )
    ).all()
    return {(kind.value, target_id): objection_id for kind, target_id, objection_id in rows}


def find_appeals(
    session: Session, *, state: str | None, limit: int, offset: int
) -> tuple[list[Appeal], int]:
    """A page of every appeal (the credit authority's): those in review first, each part
    soonest due first; and how many there are."""
    query = select(Appeal)
    if state is not None:
        query = query.where(Appeal.state == AppealState(state))
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(
        query.order_by(
            case((Appeal.state == AppealState.review, 0), else_=1), Appeal.due_on, Appeal.id.desc()
        )
        .limit(limit)
        .offset(offset)
    ).scalars()
    return list(rows), total


def awaiting_re_evaluation(session: Session, subject_ids: Collection[int]) -> list[Objection]:
    """Objections to an evaluation result found right and not yet closed by the new result
    (objections/evaluation.py), of these subjects, locked."""
    if not subject_ids:
        return []
    return list(
        session.execute(
            select(Objection)
            .where(
                Objection.subject_id.in_(list(subject_ids)),
                Objection.target_type == TargetType.evaluation,
                Objection.state == ObjectionState.correction,
            )
            .order_by(Objection.id)
            .with_for_update()
        ).scalars()
    )


def filed_step(session: Session, obj: Objection) -> ProcedureStep | None:
    """The objection's first step, ``filed``: what it was filed against, as it stood."""
    return session.execute(
        select(ProcedureStep).where(
            ProcedureStep.subject_id == obj.subject_id,
            ProcedureStep.procedure_id == obj.id,
            ProcedureStep.step == "filed",
        )
    ).scalar_one_or_none()


def open_evaluation_objection(session: Session, subject_id: int) -> int | None:
    """The subject's open objection to an evaluation result, whichever run made it: one at
    a time, as a result is made again by every run."""
    return session.execute(
        select(Objection.id)
        .where(
            Objection.subject_id == subject_id,
            Objection.target_type == TargetType.evaluation,
            Objection.state != ObjectionState.closed,
        )
        .limit(1)
    ).scalar_one_or_none()


def latest_objection_to(
    session: Session, subject_id: int, target_type: TargetType, target_id: int
) -> Objection | None:
    """The subject's latest objection to a target."""
    return session.execute(
        select(Objection)
        .where(
            Objection.subject_id == subject_id,
            Objection.target_type == target_type,
            Objection.target_id == target_id,
        )
        .order_by(Objection.filed_at.desc(), Objection.id.desc())
        .limit(1)
    ).scalar_one_or_none()
