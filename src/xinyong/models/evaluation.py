"""Public credit evaluation (公共信用综合评价, 002 §（六）; 000 §（六）) and its results: the
models as versioned data, every run, each subject's current grade with the points of each
indicator, the history of its grade, and the grade per field of supervision once an industry
evaluation (行业信用评价) is combined with it."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Float, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.models.base import Base, JSONType, UTCDateTime, str_enum


class Grade(enum.StrEnum):
    """The four bands: 优 / 良 / 中 / 差."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"


class ModelStatus(enum.StrEnum):
    draft = "draft"
    published = "published"
    superseded = "superseded"


class RunState(enum.StrEnum):
    running = "running"
    done = "done"
    failed = "failed"


class EvaluationModel(Base):
    """One version of an evaluation model: dimensions, indicators, bands and caps as data
    (evaluation/schemas.py), in force from ``effective_from`` for the subjects it applies to."""

    __tablename__ = "evaluation_models"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    code: Mapped[str] = mapped_column(String(40))
    version: Mapped[int]
    # "organisation" or "natural_person": persons are evaluated only where such a model exists.
    applies_to: Mapped[str] = mapped_column(String(20))
    effective_from: Mapped[date]
    status: Mapped[ModelStatus] = mapped_column(str_enum(ModelStatus))
    definition: Mapped[dict] = mapped_column(JSONType)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_by: Mapped[str | None] = mapped_column(String(100))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("code", "version"),)


class EvaluationRun(Base):
    """One run, full or incremental: its model, engine, day, counts and drift against the
    previous full run (population stability index)."""

    __tablename__ = "evaluation_runs"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    model_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(12))  # full | incremental
    engine: Mapped[str] = mapped_column(String(10))  # duckdb | spark
    as_of: Mapped[date]
    state: Mapped[RunState] = mapped_column(str_enum(RunState))
    started_by: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    subjects: Mapped[int] = mapped_column(default=0)
    # Subjects whose grade changed in this run.
    changed: Mapped[int] = mapped_column(default=0)
    grade_counts: Mapped[dict | None] = mapped_column(JSONType)
    psi: Mapped[float | None] = mapped_column(Float)
    previous_run_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index(None, "started_at"),)


class EvaluationGrade(Base):
    """A subject's current result: score, grade, the cap a list put on it, and the points of
    each indicator (they sum to ``score`` minus the model's base)."""

    __tablename__ = "evaluation_grades"

    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    model_id: Mapped[int] = mapped_column(BigInteger)
    run_id: Mapped[int] = mapped_column(BigInteger)
    score: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    grade: Mapped[Grade] = mapped_column(str_enum(Grade))
    # "black" or "watch" when a list capped the grade the score gave.
    capped_by: Mapped[str | None] = mapped_column(String(10))
    # The indicators whose points are not 0, by code (the model lists the others).
    points: Mapped[dict] = mapped_column(JSONType)
    as_of: Mapped[date]
    evaluated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # MD5 of the whole result (score, grade, cap, points, field grades) as the writer
    # computed it: the next run of the model on the same day compares this alone.
    digest: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (Index(None, "grade"),)


class EvaluationGradeChange(Base):
    """A subject's grade history: one row whenever a run gave it a grade other than the one
    it had (the first included)."""

    __tablename__ = "evaluation_grade_changes"

    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    run_id: Mapped[int] = mapped_column(BigInteger)
    previous_grade: Mapped[Grade | None] = mapped_column(str_enum(Grade))
    grade: Mapped[Grade] = mapped_column(str_enum(Grade))
    score: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class EvaluationFieldGrade(Base):
    """The grade for one field of supervision: the department's own evaluation
    (credit_evaluation_by_department) mapped to A–D and combined with the public grade by the
    model's rule."""

    __tablename__ = "evaluation_field_grades"

    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    field: Mapped[str] = mapped_column(String(40), primary_key=True)
    industry_label: Mapped[str] = mapped_column(String(40))
    industry_grade: Mapped[Grade] = mapped_column(str_enum(Grade))
    public_grade: Mapped[Grade] = mapped_column(str_enum(Grade))
    combined_grade: Mapped[Grade] = mapped_column(str_enum(Grade))
    source_record_id: Mapped[int] = mapped_column(BigInteger)
    run_id: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index(None, "field", "combined_grade"),)


class EvaluationCursor(Base):
    """How far the incremental pass (evaluation/incremental.py) has read: the change feed's
    number, and the time and the recent batches of the records collected since, so that a
    subject whose archive changed is re-evaluated once, by the next daily jobs."""

    __tablename__ = "evaluation_cursors"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Batches received within the overlap before ``read_at`` that were read already.
    batches: Mapped[list] = mapped_column(JSONType)
