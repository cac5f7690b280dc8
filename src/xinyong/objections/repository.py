"""Named reads of the tables objections and appeals own (``objections``, ``appeals``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.models import Objection, ObjectionState


def open_objections_by_target(session: Session, subject_id: int) -> dict[tuple[str, int], int]:
    """The ids of the subject's open objections by (target type, target id)."""
    rows = session.execute(
        select(Objection.target_type, Objection.target_id, Objection.id).where(
            Objection.subject_id == subject_id, Objection.state != ObjectionState.closed
        )
    ).all()
    return {(kind.value, target_id): objection_id for kind, target_id, objection_id in rows}
