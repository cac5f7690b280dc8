"""Named reads of the tables credit repair owns (``repairs``, ``repair_objections``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.models import Repair, TargetType
from xinyong.repairs.service import OPEN_STATES


def open_repair(
    session: Session, subject_id: int, target_type: TargetType, target_id: int
) -> int | None:
    """The open repair of a target, if any (at most one: uq_repairs_open)."""
    return session.execute(
        select(Repair.id).where(
            Repair.subject_id == subject_id,
            Repair.target_type == target_type,
            Repair.target_id == target_id,
            Repair.state.in_(OPEN_STATES),
        )
    ).scalar_one_or_none()


def open_repairs_by_target(session: Session, subject_id: int) -> dict[tuple[str, int], int]:
    """The ids of the subject's open repairs by (target type, target id)."""
    rows = session.execute(
        select(Repair.target_type, Repair.target_id, Repair.id).where(
            Repair.subject_id == subject_id, Repair.state.in_(OPEN_STATES)
        )
    ).all()
    return {(kind.value, target_id): repair_id for kind, target_id, repair_id in rows}
