"""Named reads of the evaluation tables: the grades other domains act on (graded supervision,
the checks, 容缺受理) come from here."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.models import EvaluationFieldGrade, EvaluationGrade


def grade_of(session: Session, subject_id: int) -> EvaluationGrade | None:
    """The subject's current public grade, or None if it has not been evaluated."""
    return session.get(EvaluationGrade, subject_id)


def field_grade_of(session: Session, subject_id: int, field: str) -> EvaluationFieldGrade | None:
    """The subject's grade for one field of supervision where a department's own evaluation
    was combined with the public grade; None where there is none for that field."""
    return session.get(EvaluationFieldGrade, (subject_id, field))


def grades_of(session: Session, subject_ids: Collection[int]) -> dict[int, EvaluationGrade]:
    """Current public grades by subject, for those of ``subject_ids`` that have one."""
    if not subject_ids:
        return {}
    rows = session.execute(
        select(EvaluationGrade).where(EvaluationGrade.subject_id.in_(list(subject_ids)))
    ).scalars()
    return {row.subject_id: row for row in rows}
