"""Graded supervision (分级分类监管, 002 §（七）; 000 §（七）) and 双随机、一公开: the graded
supervision rules as versioned data, each department's inspector pool (执法检查人员名录库) with
its declared conflicts, inspection plans (joint ones across departments), their one draw with
the population snapshot it was made from, the inspectors assigned, and the results entered
(docs/inspections.md)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.models.base import Base, JSONType, UTCDateTime, str_enum


class PlanState(enum.StrEnum):
    """draft → published (on the portal) → drawn (the draw made and published)."""

    draft = "draft"
    published = "published"
    drawn = "drawn"


class SupervisionRules(Base):
    """One version of the graded supervision rules (inspections/schemas.SupervisionIn): per
    field, which grade falls in which supervision class, and each class's inspection ratio and
    frequency, with their basis. In force from ``effective_from``; never edited."""

    __tablename__ = "supervision_rules"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    version: Mapped[int] = mapped_column(unique=True)
    effective_from: Mapped[date]
    definition: Mapped[dict] = mapped_column(JSONType)
    loaded_by: Mapped[str] = mapped_column(String(100))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Inspector(Base):
    """A law-enforcement inspector of a department's pool, by the number of the inspector's
    enforcement certificate (执法证号), with the fields the inspector may inspect. Leaving the
    pool sets ``active`` false: past assignments keep naming the inspector."""

    __tablename__ = "inspectors"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    badge_number: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(50))
    fields: Mapped[list] = mapped_column(JSONType)
    active: Mapped[bool] = mapped_column(default=True)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("department_id", "badge_number"),)


class InspectorConflict(Base):
    """A conflict of interest an inspector declared with a subject (回避): never assigned to it."""

    __tablename__ = "inspector_conflicts"

    inspector_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    reason: Mapped[str] = mapped_column(String(200))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime())


class InspectionPlan(Base):
    """A random inspection plan (抽查计划): its items (抽查事项), the population filter, the
    field whose graded supervision classes the population, and the ratio of each class."""

    __tablename__ = "inspection_plans"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    lead_department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    title: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(40))
    items: Mapped[list] = mapped_column(JSONType)
    population: Mapped[dict] = mapped_column(JSONType)
    # {class code: {"name", "ratio_bp" (basis points: 300 = 3 %), "frequency"}} and the basis.
    classes: Mapped[dict] = mapped_column(JSONType)
    # The graded supervision version the classes came from (0: the shipped default).
    supervision_version: Mapped[int]
    inspect_from: Mapped[date]
    inspect_until: Mapped[date]
    state: Mapped[PlanState] = mapped_column(str_enum(PlanState))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_by: Mapped[str | None] = mapped_column(String(100))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index(None, "lead_department_id"), Index(None, "state"))


class InspectionPlanDepartment(Base):
    """A department taking part in a plan: the lead, and the others of a joint plan
    (部门联合抽查)."""

    __tablename__ = "inspection_plan_departments"

    plan_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("inspection_plans.id"), primary_key=True
    )
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), primary_key=True)

    __table_args__ = (Index(None, "department_id"),)


class InspectionDraw(Base):
    """A plan's one draw: the seed, the population snapshot (its canonical bytes compressed,
    and their SHA-256), the strata, the pool it assigned from, and who drew it when."""

    __tablename__ = "inspection_draws"

    plan_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("inspection_plans.id"), primary_key=True, autoincrement=False
    )
    algorithm: Mapped[str] = mapped_column(String(40))
    seed: Mapped[str] = mapped_column(String(40))
    snapshot_sha256: Mapped[str] = mapped_column(String(64))
    snapshot: Mapped[bytes] = mapped_column(LargeBinary)
    population: Mapped[int]
    drawn: Mapped[int]
    # {class code: {"size", "ratio_bp", "drawn"}}
    strata: Mapped[dict] = mapped_column(JSONType)
    # {department code: [inspector ids eligible, ascending]} and, for the drawn subjects,
    # {department code: {credit code: [inspector ids excluded]}}: what the assignment read.
    pool: Mapped[dict] = mapped_column(JSONType)
    pool_sha256: Mapped[str] = mapped_column(String(64))
    drawn_by: Mapped[str] = mapped_column(String(100))
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime())
    drawn_on: Mapped[date]


class InspectionDrawSubject(Base):
    """A subject drawn, with its supervision class."""

    __tablename__ = "inspection_draw_subjects"

    plan_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    class_code: Mapped[str] = mapped_column(String(20))


class InspectionAssignment(Base):
    """An inspector assigned to a drawn subject; read back for a year to keep the same
    inspector off the same subject."""

    __tablename__ = "inspection_assignments"

    plan_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    inspector_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    department_id: Mapped[int]
    drawn_on: Mapped[date]

    __table_args__ = (Index(None, "department_id", "drawn_on"),)


class InspectionResult(Base):
    """A department's result of inspecting a drawn subject, entered once; its record in the
    subject's archive (``administrative_inspection``) is what the portal and 双公示 show."""

    __tablename__ = "inspection_results"

    plan_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    department_id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(BigInteger)
    decision_number: Mapped[str] = mapped_column(String(100))
    result: Mapped[str] = mapped_column(String(40))
    inspected_on: Mapped[date]
    decided_on: Mapped[date]
    # The last day to publish it: 20 working days after the decision (inspections/rules.py).
    due_on: Mapped[date]
    entered_by: Mapped[str] = mapped_column(String(100))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index(None, "department_id", "entered_at"),)
