"""Named reads of the evaluation tables: the grades other domains act on (graded supervision,
the checks, 容缺受理) come from here."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection, String, bindparam, func, null, select, union_all
from sqlalchemy.orm import Session

from xinyong.models import (
    EvaluationFieldGrade,
    EvaluationGrade,
    EvaluationGradeChange,
    EvaluationModel,
    EvaluationRun,
    Grade,
    ModelStatus,
    RunState,
)


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


def grade_counts(session: Session) -> dict[str, int]:
    """How many subjects hold each grade now."""
    rows = session.execute(
        select(EvaluationGrade.grade, func.count()).group_by(EvaluationGrade.grade)
    ).all()
    return {grade.value: count for grade, count in rows}


def grade_history(session: Session, subject_id: int) -> list[EvaluationGradeChange]:
    """The subject's grade changes, oldest first."""
    return list(
        session.execute(
            select(EvaluationGradeChange)
            .where(EvaluationGradeChange.subject_id == subject_id)
            .order_by(EvaluationGradeChange.at, EvaluationGradeChange.id)
        ).scalars()
    )


def field_grades_of(session: Session, subject_id: int) -> list[EvaluationFieldGrade]:
    """The subject's grades per field of supervision, by field."""
    return list(
        session.execute(
            select(EvaluationFieldGrade)
            .where(EvaluationFieldGrade.subject_id == subject_id)
            .order_by(EvaluationFieldGrade.field)
        ).scalars()
    )


def points_of(grade: EvaluationGrade, model: EvaluationModel | None) -> dict[str, Decimal]:
    """A stored grade's points for every indicator of its model, in the model's order, exact:
    the stored JSON holds those that are not 0, as numbers of two decimals."""
    stored = {code: Decimal(str(value)) for code, value in grade.points.items()}
    dimensions = model.definition["dimensions"] if model is not None else []
    codes = [indicator["code"] for dimension in dimensions for indicator in dimension["indicators"]]
    return {code: stored.pop(code, Decimal(0)) for code in codes} | stored


def get_model(session: Session, model_id: int) -> EvaluationModel | None:
    return session.get(EvaluationModel, model_id)


def models(session: Session, *, applies_to: str | None = None) -> list[EvaluationModel]:
    """Every version of every model, oldest first."""
    query = select(EvaluationModel)
    if applies_to is not None:
        query = query.where(EvaluationModel.applies_to == applies_to)
    return list(session.execute(query.order_by(EvaluationModel.id)).scalars())


def published_models(session: Session) -> list[EvaluationModel]:
    return list(
        session.execute(
            select(EvaluationModel)
            .where(EvaluationModel.status != ModelStatus.draft)
            .order_by(EvaluationModel.id)
        ).scalars()
    )


def latest_version(session: Session, code: str) -> int | None:
    return session.execute(
        select(func.max(EvaluationModel.version)).where(EvaluationModel.code == code)
    ).scalar_one()


def get_run(session: Session, run_id: int) -> EvaluationRun | None:
    return session.get(EvaluationRun, run_id)


def recent_runs(session: Session, *, limit: int = 20) -> list[EvaluationRun]:
    """The latest runs, newest first."""
    return list(
        session.execute(
            select(EvaluationRun)
            .order_by(EvaluationRun.started_at.desc(), EvaluationRun.id.desc())
            .limit(limit)
        ).scalars()
    )


def previous_full_run(session: Session, applies_to: str) -> EvaluationRun | None:
    """The latest full run done with a model for ``applies_to``: the population a new run's
    drift is measured against."""
    return session.execute(
        select(EvaluationRun)
        .join(EvaluationModel, EvaluationModel.id == EvaluationRun.model_id)
        .where(
            EvaluationModel.applies_to == applies_to,
            EvaluationRun.kind == "full",
            EvaluationRun.state == RunState.done,
        )
        .order_by(EvaluationRun.started_at.desc(), EvaluationRun.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def full_runs(session: Session, *, limit: int = 24) -> list[EvaluationRun]:
    """The latest full runs that finished, oldest first: the grade distribution over time (each
    keeps its grade counts and drift)."""
    rows = session.execute(
        select(EvaluationRun)
        .where(EvaluationRun.kind == "full", EvaluationRun.state == RunState.done)
        .order_by(EvaluationRun.started_at.desc(), EvaluationRun.id.desc())
        .limit(limit)
    ).scalars()
    return list(reversed(list(rows)))


def grade_change_as_of(
    session: Session, subject_id: int, at: datetime
) -> EvaluationGradeChange | None:
    """The subject's latest grade change at or before ``at``: the grade it held then (None:
    it had not been graded yet)."""
    return session.execute(
        select(EvaluationGradeChange)
        .where(EvaluationGradeChange.subject_id == subject_id, EvaluationGradeChange.at <= at)
        .order_by(EvaluationGradeChange.at.desc(), EvaluationGradeChange.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def field_grade_counts(session: Session) -> dict[str, dict[str, int]]:
    """How many subjects hold each combined grade, per field of supervision."""
    rows = session.execute(
        select(
            EvaluationFieldGrade.field, EvaluationFieldGrade.combined_grade, func.count()
        ).group_by(EvaluationFieldGrade.field, EvaluationFieldGrade.combined_grade)
    ).all()
    counts: dict[str, dict[str, int]] = {}
    for field, grade, count in rows:
        counts.setdefault(field, {})[grade.value] = count
    return counts


def public_and_combined_grades_of(
    session: Session, subject_ids: Collection[int]
) -> tuple[dict[int, str], dict[int, dict[str, str]]]:
    """For those of ``subject_ids`` that have them: the public grade, and the combined grades
    by field of supervision — one statement for both (a group of signings reads them at once,
    commitments/missing_documents.eligibility_facts)."""
    if not subject_ids:
        return {}, {}
    public: dict[int, str] = {}
    combined: dict[int, dict[str, str]] = {}
    for sid, field, grade in session.execute(_GRADES_WITH_FIELDS, {"ids": list(subject_ids)}):
        value = grade.value if isinstance(grade, Grade) else str(grade)
        if field is None:
            public[sid] = value
        else:
            combined.setdefault(sid, {})[field] = value
    return public, combined


# Built once: the public grade (field NULL) beside the combined grade of each field.
_GRADES_WITH_FIELDS = union_all(
    select(
        EvaluationGrade.subject_id,
        null().cast(String(40)).label("field"),
        EvaluationGrade.grade.label("grade"),
    ).where(EvaluationGrade.subject_id.in_(bindparam("ids", expanding=True))),
    select(
        EvaluationFieldGrade.subject_id,
        EvaluationFieldGrade.field,
        EvaluationFieldGrade.combined_grade,
    ).where(EvaluationFieldGrade.subject_id.in_(bindparam("ids", expanding=True))),
)


def running_since(conn: Connection, since: datetime) -> bool:
    """Whether a run marked running started after ``since`` (read on a connection outside
    any transaction, evaluation/reading.require_no_run)."""
    found = conn.execute(
        select(EvaluationRun.id)
        .where(EvaluationRun.state == RunState.running, EvaluationRun.started_at > since)
        .limit(1)
    ).first()
    return found is not None


def model_of_version(session: Session, code: str, version: int) -> EvaluationModel | None:
    return session.execute(
        select(EvaluationModel).where(
            EvaluationModel.code == code, EvaluationModel.version == version
        )
    ).scalar_one_or_none()
