"""The timeline of a procedure: each step is a row the subject is shown, and an audit entry."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core import audit, group_commit
from xinyong.core.bulk import insert_rows
from xinyong.models import ProcedureStep
from xinyong.rights.schemas import StepOut
from xinyong.rights.step import Procedure, Step


def add_step(
    session: Session, step: Step, procedure: str, of: Procedure, name: str, **detail: Any
) -> ProcedureStep:
    """A step ``name`` of ``of``, the objection, appeal or repair ``procedure`` names. In a
    group's transaction (core/group_commit.py) the row is appended with the group's others just
    before its commit, as its audit entry is: the row returned is not in the session."""
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
    queued = group_commit.queue(session, QUEUE_ORDER, insert_steps)
    if queued is not None:
        queued.append(tuple(getattr(row, c) for c in COLUMNS))
    else:
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


# Before the heads a group locks (core/audit.QUEUE_ORDER): a group appends its steps first.
QUEUE_ORDER = 5
COLUMNS = ("subject_id", "id", "procedure", "procedure_id", "step", "at", "actor", "detail")


def insert_steps(session: Session, rows: list[tuple]) -> None:
    """New steps, each a tuple of the ``COLUMNS`` (the detail a dict), in one statement (COPY
    or executemany, core/bulk.insert_rows): a group's, or a daily job's thousands."""
    insert_rows(
        session,
        ProcedureStep.__tablename__,
        COLUMNS,
        [(*r[:-1], orjson.dumps(r[-1]).decode()) for r in rows],
    )


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
