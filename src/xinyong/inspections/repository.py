"""Named reads of the inspections domain's tables — and, read-only and named so, the two reads
of the evaluation domain's tables that graded supervision needs in bulk (a population's grades,
and the check's grades in its one statement): ``evaluation_grades`` and
``evaluation_field_grades``, whose owner is evaluation/ (its repository has the one-subject
reads: grade_of, field_grade_of, grades_of)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select
from sqlalchemy.orm import Session

from xinyong.errors import NotFound
from xinyong.models import (
    Department,
    EvaluationFieldGrade,
    EvaluationGrade,
    InspectionAssignment,
    InspectionDraw,
    InspectionDrawSubject,
    InspectionPlan,
    InspectionPlanDepartment,
    InspectionResult,
    Inspector,
    InspectorConflict,
    PlanState,
    Subject,
    SubjectKind,
    SupervisionRules,
)

# --- the evaluation tables, read-only ---------------------------------------------------------

# The check's lookup (checks/service.lookup_sql) reads, in scenario ``inspection``, each
# subject's public grade and its grade for the checking department's field, and the id of the
# graded supervision rules in force: three columns of its one statement. ``{field}`` and
# ``{today}`` are the dialect's placeholders.
CHECK_SUPERVISION_COLUMNS = """,
       (SELECT g.grade FROM evaluation_grades g WHERE g.subject_id = s.id) AS public_grade,
       (SELECT f.combined_grade FROM evaluation_field_grades f
        WHERE f.subject_id = s.id AND f.field = {field}) AS field_grade,
       (SELECT r.id FROM supervision_rules r WHERE r.effective_from <= {today}
        ORDER BY r.effective_from DESC, r.version DESC LIMIT 1) AS supervision_id
FROM change_head h"""


POPULATION_SCHEMA = {
    "subject_id": pl.Int64,
    "credit_code": pl.String,
    "public_grade": pl.String,
    "field_grade": pl.String,
}


def _population_query(
    session: Session,
    *,
    field: str,
    subject_kinds: Iterable[str],
    regions: Iterable[str] = (),
    registering_authorities: Iterable[str] = (),
    fields: Iterable[str] = (),
    grades: Iterable[str] = (),
) -> Select:
    kinds = [SubjectKind(k) for k in subject_kinds]
    conditions: list[ColumnElement[bool]] = [
        Subject.credit_code.is_not(None),
        Subject.kind.in_(kinds),
    ]
    prefixes = list(regions)
    if prefixes:
        conditions.append(or_(*(Subject.region_code.startswith(p) for p in prefixes)))
    firsts = list(registering_authorities)
    if firsts:
        conditions.append(func.substr(Subject.credit_code, 1, 1).in_(firsts))
    covered = list(fields)
    if covered:
        conditions.append(
            exists().where(
                EvaluationFieldGrade.subject_id == Subject.id,
                EvaluationFieldGrade.field.in_(covered),
            )
        )
    wanted = list(grades)
    if wanted:
        used = func.coalesce(EvaluationFieldGrade.combined_grade, EvaluationGrade.grade)
        letters = [g for g in wanted if g != "ungraded"]
        conditions.append(
            or_(
                used.in_(letters) if letters else false(),
                used.is_(None) if "ungraded" in wanted else false(),
            )
        )
    return (
        select(
            Subject.id.label("subject_id"),
            Subject.credit_code.label("credit_code"),
            EvaluationGrade.grade.label("public_grade"),
            EvaluationFieldGrade.combined_grade.label("field_grade"),
        )
        .select_from(Subject)
        .outerjoin(EvaluationGrade, EvaluationGrade.subject_id == Subject.id)
        .outerjoin(
            EvaluationFieldGrade,
            and_(
                EvaluationFieldGrade.subject_id == Subject.id, EvaluationFieldGrade.field == field
            ),
        )
        .where(*conditions)
    )


def population_with_grades(session: Session, *, field: str, **filters: Any) -> pl.DataFrame:
    """The organisations a plan's filter names (inspections/schemas.PopulationIn: regions,
    subject_kinds, registering_authorities, fields, grades), ordered by credit code in byte
    order, with columns ``subject_id``, ``credit_code``, ``public_grade`` (their current public
    grade, or null) and ``field_grade`` (their grade for ``field`` where an industry evaluation
    was combined with it, or null). ``fields``: only subjects with a grade for one of these
    fields (under that field's industry evaluation); ``grades``: only subjects whose grade for
    ``field`` (the field's, else the public one: inspections/rules.supervision_grade) is one
    of these, ``ungraded`` naming those without any.

    Read in bulk, past the ORM's row handling: COPY to CSV on PostgreSQL, the driver's cursor
    on SQLite; unordered (on SQLite an ordered read walks the credit code index to every row,
    three times slower) and sorted here, in byte order whatever the database's collation.
    Every value the statement binds is checked before (kinds, digits, one character, sector
    codes), so it is rendered inline."""
    query = _population_query(session, field=field, **filters)
    dialect = session.get_bind().dialect
    sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    conn = session.connection().connection.driver_connection
    assert conn is not None  # a connection in use has its driver's
    if dialect.name == "postgresql":
        buffer = io.BytesIO()
        with conn.cursor() as cur, cur.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy:
            for block in copy:
                buffer.write(block)
        if not buffer.tell():
            return pl.DataFrame(schema=POPULATION_SCHEMA)
        frame = pl.read_csv(
            buffer.getvalue(),
            has_header=False,
            new_columns=list(POPULATION_SCHEMA),
            schema=POPULATION_SCHEMA,
        )
    else:
        cur = conn.cursor()
        try:
            rows = cur.execute(sql).fetchall()
        finally:
            cur.close()
        frame = pl.DataFrame(rows, schema=POPULATION_SCHEMA, orient="row")
    return frame.sort("credit_code")


def population_size(session: Session, *, field: str, **filters: Any) -> int:
    """How many subjects :func:`population_with_grades` would read."""
    query = _population_query(session, field=field, **filters).subquery()
    return session.execute(select(func.count()).select_from(query)).scalar_one()


# --- graded supervision rules -----------------------------------------------------------------


def current_supervision_id(session: Session, today: date) -> int | None:
    """The row of the graded supervision rules in force today: of those in force from today
    or before, the latest to take effect (the higher version on the same day); None when none
    was ever loaded (the shipped rules apply)."""
    return session.execute(
        select(SupervisionRules.id)
        .where(SupervisionRules.effective_from <= today)
        .order_by(SupervisionRules.effective_from.desc(), SupervisionRules.version.desc())
        .limit(1)
    ).scalar_one_or_none()


def supervision_row(session: Session, row_id: int) -> SupervisionRules:
    return session.get_one(SupervisionRules, row_id)


def latest_supervision_version(session: Session) -> int:
    return session.execute(select(func.max(SupervisionRules.version))).scalar_one() or 0


def supervision_versions(session: Session) -> list[SupervisionRules]:
    return list(
        session.execute(select(SupervisionRules).order_by(SupervisionRules.version)).scalars()
    )


# --- the pool ---------------------------------------------------------------------------------


def inspectors_of(session: Session, department_id: int) -> list[Inspector]:
    """A department's inspectors, active first, by badge number."""
    return list(
        session.execute(
            select(Inspector)
            .where(Inspector.department_id == department_id)
            .order_by(Inspector.active.desc(), Inspector.badge_number)
        ).scalars()
    )


def conflicts_of(session: Session, inspector_ids: Iterable[int]) -> list[InspectorConflict]:
    ids = list(inspector_ids)
    if not ids:
        return []
    return list(
        session.execute(
            select(InspectorConflict)
            .where(InspectorConflict.inspector_id.in_(ids))
            .order_by(InspectorConflict.inspector_id, InspectorConflict.subject_id)
        ).scalars()
    )


def conflict_pairs(session: Session, inspector_ids: list[int]) -> pl.DataFrame:
    """(subject_id, inspector_id) of the declared conflicts of these inspectors."""
    rows = session.execute(
        select(InspectorConflict.subject_id, InspectorConflict.inspector_id).where(
            InspectorConflict.inspector_id.in_(inspector_ids) if inspector_ids else false()
        )
    ).all()
    return _pairs(rows)


def recent_assignment_pairs(session: Session, department_id: int, since: date) -> pl.DataFrame:
    """(subject_id, inspector_id) of a department's assignments drawn on or after ``since``."""
    rows = session.execute(
        select(InspectionAssignment.subject_id, InspectionAssignment.inspector_id).where(
            InspectionAssignment.department_id == department_id,
            InspectionAssignment.drawn_on >= since,
        )
    ).all()
    return _pairs(rows)


def _pairs(rows: Sequence[Any]) -> pl.DataFrame:
    return pl.DataFrame(
        [tuple(r) for r in rows],
        schema={"subject_id": pl.Int64, "inspector_id": pl.Int64},
        orient="row",
    )


# --- plans ------------------------------------------------------------------------------------


def plan(session: Session, plan_id: int, *, for_update: bool = False) -> InspectionPlan:
    query = select(InspectionPlan).where(InspectionPlan.id == plan_id)
    if for_update:
        query = query.with_for_update()
    found = session.execute(query).scalar_one_or_none()
    if found is None:
        raise unknown_plan()
    return found


def unknown_plan() -> NotFound:
    """A plan that does not exist, or that the caller may not see (a draft of another
    department): the same answer."""
    return NotFound("抽查计划不存在", "no such inspection plan", code="unknown_plan")


def plan_departments(session: Session, plan_id: int) -> list[Department]:
    """The departments of a plan, by code (the order of the assignment: inspections/draw.py)."""
    return list(
        session.execute(
            select(Department)
            .join(InspectionPlanDepartment, InspectionPlanDepartment.department_id == Department.id)
            .where(InspectionPlanDepartment.plan_id == plan_id)
            .order_by(Department.code)
        ).scalars()
    )


def plans(
    session: Session,
    *,
    department_id: int | None = None,
    published_only: bool = False,
    include_published: bool = False,
    after: int | None = None,
    limit: int = 100,
) -> list[InspectionPlan]:
    """Plans, newest first: of a department (as lead or member), published ones (the portal),
    or a department's and every published one (``include_published``)."""
    query = select(InspectionPlan)
    shown: list[ColumnElement[bool]] = []
    if department_id is not None:
        shown.append(
            InspectionPlan.id.in_(
                select(InspectionPlanDepartment.plan_id).where(
                    InspectionPlanDepartment.department_id == department_id
                )
            )
        )
    if published_only or include_published:
        shown.append(InspectionPlan.state != PlanState.draft)
    if shown:
        query = query.where(or_(*shown) if include_published else and_(*shown))
    if after is not None:
        query = query.where(InspectionPlan.id < after)
    return list(session.execute(query.order_by(InspectionPlan.id.desc()).limit(limit)).scalars())


def draw_of(session: Session, plan_id: int) -> InspectionDraw | None:
    return session.get(InspectionDraw, plan_id)


def drawn_subjects(
    session: Session, plan_id: int, *, offset: int = 0, limit: int | None = None
) -> list[tuple[int, str | None, str, str]]:
    """(subject id, credit code, name, class) of a plan's drawn subjects, by credit code; a
    page of them from ``offset``."""
    return [
        (sid, code, name, cls)
        for sid, code, name, cls in session.execute(
            select(Subject.id, Subject.credit_code, Subject.name, InspectionDrawSubject.class_code)
            .join(InspectionDrawSubject, InspectionDrawSubject.subject_id == Subject.id)
            .where(InspectionDrawSubject.plan_id == plan_id)
            .order_by(Subject.credit_code)
            .offset(offset)
            .limit(limit)
        ).all()
    ]


def drawn_subject_ids(session: Session, plan_id: int, subject_ids: Iterable[int]) -> set[int]:
    ids = list(subject_ids)
    return set(
        session.execute(
            select(InspectionDrawSubject.subject_id).where(
                InspectionDrawSubject.plan_id == plan_id,
                InspectionDrawSubject.subject_id.in_(ids),
            )
        ).scalars()
    )


def assignments_of(
    session: Session, plan_id: int, subject_ids: Iterable[int]
) -> dict[int, list[tuple[str, str, str]]]:
    """subject id → (department code, badge number, inspector name) assigned, by department,
    for these drawn subjects of the plan."""
    out: dict[int, list[tuple[str, str, str]]] = {}
    for sid, dept, badge, name in session.execute(
        select(
            InspectionAssignment.subject_id, Department.code, Inspector.badge_number, Inspector.name
        )
        .join(Inspector, Inspector.id == InspectionAssignment.inspector_id)
        .join(Department, Department.id == InspectionAssignment.department_id)
        .where(
            InspectionAssignment.plan_id == plan_id,
            InspectionAssignment.subject_id.in_(list(subject_ids)),
        )
        .order_by(InspectionAssignment.subject_id, Department.code, Inspector.badge_number)
    ):
        out.setdefault(sid, []).append((dept, badge, name))
    return out


def assignment_ids_of(session: Session, plan_id: int) -> dict[tuple[int, int], list[int]]:
    """(subject id, department id) → inspector ids assigned, ascending."""
    out: dict[tuple[int, int], list[int]] = {}
    for sid, dept, inspector in session.execute(
        select(
            InspectionAssignment.subject_id,
            InspectionAssignment.department_id,
            InspectionAssignment.inspector_id,
        ).where(InspectionAssignment.plan_id == plan_id)
    ):
        out.setdefault((sid, dept), []).append(inspector)
    return {key: sorted(ids) for key, ids in out.items()}


def results_of(
    session: Session, plan_id: int
) -> list[tuple[InspectionResult, Subject, Department]]:
    return [
        (r, s, d)
        for r, s, d in session.execute(
            select(InspectionResult, Subject, Department)
            .join(Subject, Subject.id == InspectionResult.subject_id)
            .join(Department, Department.id == InspectionResult.department_id)
            .where(InspectionResult.plan_id == plan_id)
            .order_by(Subject.credit_code, Department.code)
        ).all()
    ]


def result_keys(session: Session, plan_id: int, department_id: int) -> set[int]:
    """The subjects a department has entered a result for in a plan."""
    return set(
        session.execute(
            select(InspectionResult.subject_id).where(
                InspectionResult.plan_id == plan_id,
                InspectionResult.department_id == department_id,
            )
        ).scalars()
    )


def drawn_plans_of(session: Session, department_id: int | None) -> list[InspectionPlan]:
    """Drawn plans (of a department, or all): where results are due."""
    query = select(InspectionPlan).where(InspectionPlan.state == PlanState.drawn)
    if department_id is not None:
        query = query.where(
            InspectionPlan.id.in_(
                select(InspectionPlanDepartment.plan_id).where(
                    InspectionPlanDepartment.department_id == department_id
                )
            )
        )
    return list(session.execute(query.order_by(InspectionPlan.inspect_until)).scalars())


def missing_results(
    session: Session, plan_id: int, department_id: int
) -> list[tuple[str | None, str]]:
    """(credit code, name) of the drawn subjects a department has no result for yet."""
    entered = select(InspectionResult.subject_id).where(
        InspectionResult.plan_id == plan_id, InspectionResult.department_id == department_id
    )
    return [
        (code, name)
        for code, name in session.execute(
            select(Subject.credit_code, Subject.name)
            .join(InspectionDrawSubject, InspectionDrawSubject.subject_id == Subject.id)
            .where(
                InspectionDrawSubject.plan_id == plan_id,
                InspectionDrawSubject.subject_id.not_in(entered),
            )
            .order_by(Subject.credit_code)
        ).all()
    ]


def department_of_code(session: Session, code: str) -> Department | None:
    return session.execute(select(Department).where(Department.code == code)).scalar_one_or_none()
