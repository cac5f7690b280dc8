"""Named reads of the tables subjects own (``subjects``)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.models import Subject


def subjects_by_ids(session: Session, ids: Iterable[int]) -> dict[int, Subject]:
    """The subjects of these ids, by id."""
    rows = session.execute(select(Subject).where(Subject.id.in_(set(ids)))).scalars()
    return {s.id: s for s in rows}


def subjects_by_id(session: Session, subject_ids: Iterable[int]) -> dict[int, Subject]:
    """Subjects by their ids (those that exist)."""
    return {
        s.id: s
        for s in session.execute(select(Subject).where(Subject.id.in_(set(subject_ids)))).scalars()
    }
