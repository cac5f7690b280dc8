"""Named reads of the subjects table for the pages."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.models import Subject


def subjects_by_id(session: Session, subject_ids: Iterable[int]) -> dict[int, Subject]:
    """Subjects by their ids (those that exist)."""
    return {
        s.id: s
        for s in session.execute(select(Subject).where(Subject.id.in_(set(subject_ids)))).scalars()
    }
