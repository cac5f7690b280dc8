"""The timeline of a procedure: each step is a row the subject is shown, and an audit entry."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core import audit
from xinyong.models import ProcedureStep
from xinyong.rights.schemas import StepOut
from xinyong.rights.step import Procedure, Step


def add_step(
    session: Session, step: Step, procedure: str, of: Procedure, name: str, **detail: Any
) -> ProcedureStep:
    """A step ``name`` of ``of``, the objection, appeal or repair ``procedure`` names."""
    row = ProcedureStep(
        subject_id=of.subject_id,
        id=step.ctx.ids.next_id(),
        procedure=procedure,
        procedure_id=of.id,
        step=name,
        at=step.now,
        actor=step.principal.actor,
        detail=detail,
    )
    session.add(row)
    audit.log(
        session,
        actor=step.principal.actor,
        action=f"{procedure}.{name}",
        at=step.now,
        subject_id=of.subject_id,
        target_type=procedure,
        target_id=of.id,
        detail=detail,
    )
    return row


def steps_of(session: Session, subject_id: int, procedure_id: int) -> list[ProcedureStep]:
    return list(
        session.execute(
            select(ProcedureStep)
            .where(
                ProcedureStep.subject_id == subject_id,
                ProcedureStep.procedure_id == procedure_id,
            )
            .order_by(ProcedureStep.at, ProcedureStep.id)
        ).scalars()
    )


def steps_out(session: Session, of: Procedure) -> list[StepOut]:
    """The timeline as the API shows it."""
    return [
        StepOut(step=s.step, at=s.at, actor=s.actor, detail=s.detail)
        for s in steps_of(session, of.subject_id, of.id)
    ]
