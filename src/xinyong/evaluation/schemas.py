"""The evaluation model's file format (docs/evaluation.md), and what a run and an explanation
give back.

A model is data, loaded and published like the validity rules: dimensions (一级指标) of
indicators (二级指标), each computed from one source of the archive with a points rule; the
base points; the grade bands (score ranges → A/B/C/D); the caps the lists put on a grade; the
industry mapping per field of supervision and how it combines with the public grade. What a
model may say is checked against the catalog and the lists by evaluation/rules.py; the shape
alone is checked here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xinyong.models import Grade

# Points are written with at most two decimals: the engine counts in hundredths (cents).
Points = Annotated[Decimal, Field(max_digits=9, decimal_places=2, ge=-100_000, le=100_000)]
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Percent = Annotated[int, Field(ge=0, le=100)]
# A policy title with its number and article, as a person reads it (docs/evaluation.md).
Basis = Annotated[str, Field(min_length=1, max_length=500)]

SourceKind = Literal[
    "records", "registration", "list_entries", "commitments", "declarations", "rectification"
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- sources: where an indicator's rows come from -------------------------------------------


class FieldFilter(_Strict):
    """Only records whose field ``field`` holds one of ``values``."""

    field: str = Field(min_length=1, max_length=64)
    values: list[str] = Field(min_length=1, max_length=100)


class RecordsSource(_Strict):
    """Records of the named catalog items, counted as their standing says (the model's
    ``counting``), narrowed by severity and by one field's values."""

    kind: Literal["records"]
    items: list[str] = Field(min_length=1, max_length=50)
    severities: list[Literal["minor", "general", "serious", "severe"]] | None = None
    where: FieldFilter | None = None
    # The date a record's recency counts from: a date field of every item named; by default
    # the day it was determined (negative items) or, failing that, received.
    date_field: str | None = Field(default=None, max_length=64)


class RegistrationSource(_Strict):
    """The subject's registration record (登记信息): its age and completeness."""

    kind: Literal["registration"]
    item: str = Field(min_length=1, max_length=64)
    # The field holding the day it was established (a date field of the item).
    established_field: str = Field(min_length=1, max_length=64)
    # Only registrations whose status field holds one of these count (存续, 在业).
    where: FieldFilter | None = None


class ListEntriesSource(_Strict):
    """The subject's list entries in force on the day (listed, not past their period)."""

    kind: Literal["list_entries"]
    list_kinds: list[Literal["red", "black", "watch"]] = Field(min_length=1)
    # Only these lists (codes); all lists of the kinds when omitted.
    lists: list[str] | None = None


class CommitmentsSource(_Strict):
    """The subject's credit commitments in these states (fulfilled: kept; breached, false:
    broken), dated by their closing or else their signing."""

    kind: Literal["commitments"]
    states: list[Literal["pending", "fulfilled", "breached", "false"]] = Field(min_length=1)
    types: (
        list[
            Literal[
                "approval_substitute", "missing_documents", "self_discipline", "voluntary", "repair"
            ]
        ]
        | None
    ) = None


class DeclarationsSource(_Strict):
    """The subject's verified self-declarations (自主申报, 000 §（五）), dated by their
    verification."""

    kind: Literal["declarations"]
    categories: (
        list[Literal["qualification", "operation", "contract", "honour", "public_interest"]] | None
    ) = None


class RectificationSource(_Strict):
    """Rectification done: records whose credit repair took effect, list entries whose
    rectification was recorded."""

    kind: Literal["rectification"]
    of: list[Literal["repaired_records", "rectified_entries"]] = Field(min_length=1)


Source = Annotated[
    RecordsSource
    | RegistrationSource
    | ListEntriesSource
    | CommitmentsSource
    | DeclarationsSource
    | RectificationSource,
    Field(discriminator="kind"),
]


# --- points rules ----------------------------------------------------------------------------


class PointsEach(_Strict):
    """Points of one row: a fixed number, or by severity, or by one field's value (with
    ``other`` for values not named). Exactly one way."""

    each: Points | None = None
    by_severity: dict[Literal["minor", "general", "serious", "severe"], Points] | None = None
    by_field: str | None = Field(default=None, max_length=64)
    values: dict[str, Points] | None = None
    other: Points = Decimal(0)

    @model_validator(mode="after")
    def _one_way(self) -> PointsEach:
        ways = [self.each is not None, self.by_severity is not None, self.by_field is not None]
        if sum(ways) != 1:
            raise ValueError("points: give exactly one of each, by_severity, by_field")
        if (self.by_field is None) != (self.values is None):
            raise ValueError("points: by_field and values go together")
        return self


class DecayStep(_Strict):
    within_days: int = Field(gt=0, le=36_500)
    percent: Percent


class Decay(_Strict):
    """How a row's points fade: not at all; by its age in steps (recency: within N days,
    P %; older than the last step, nothing); or over its validity (the share of the validity
    period still to run, in whole percent, never below ``floor_percent``)."""

    kind: Literal["none", "recency", "validity"] = "none"
    steps: list[DecayStep] = []
    floor_percent: Percent = 0

    @model_validator(mode="after")
    def _steps(self) -> Decay:
        if (self.kind == "recency") != bool(self.steps):
            raise ValueError("decay: recency needs steps, and only recency takes them")
        days = [s.within_days for s in self.steps]
        if days != sorted(set(days)):
            raise ValueError("decay: steps must go from the most recent, within_days rising")
        return self


class PerRecordRule(_Strict):
    """Each row gives its points, faded by ``decay``."""

    kind: Literal["per_record"]
    points: PointsEach
    decay: Decay = Decay()


class CountStep(_Strict):
    min_count: int = Field(ge=1, le=1_000_000)
    points: Points


class PerCountRule(_Strict):
    """The points of the highest step the number of rows reaches."""

    kind: Literal["per_count"]
    steps: list[CountStep] = Field(min_length=1)

    @model_validator(mode="after")
    def _descending(self) -> PerCountRule:
        counts = [s.min_count for s in self.steps]
        if counts != sorted(set(counts), reverse=True):
            raise ValueError("per_count: steps must go from the highest min_count down")
        return self


class AgeStep(_Strict):
    min_years: int = Field(ge=0, le=200)
    points: Points


class RegistrationRule(_Strict):
    """Age: the points of the highest step the years since establishment reach; completeness:
    ``complete_points`` times the share of ``complete_fields`` filled, in whole percent."""

    kind: Literal["registration"]
    age_steps: list[AgeStep] = []
    complete_fields: list[str] = []
    complete_points: Points = Decimal(0)

    @model_validator(mode="after")
    def _descending(self) -> RegistrationRule:
        years = [s.min_years for s in self.age_steps]
        if years != sorted(set(years), reverse=True):
            raise ValueError("registration: age_steps must go from the highest min_years down")
        if bool(self.complete_fields) != bool(self.complete_points):
            raise ValueError("registration: complete_fields and complete_points go together")
        return self


Rule = Annotated[PerRecordRule | PerCountRule | RegistrationRule, Field(discriminator="kind")]


# --- the model -------------------------------------------------------------------------------


class Indicator(_Strict):
    """A second-level indicator (二级指标)."""

    code: Code
    name: str = Field(min_length=1, max_length=100)
    source: Source
    rule: Rule
    # The indicator's total is kept within [min_points, max_points].
    min_points: Points | None = None
    max_points: Points | None = None
    basis: Basis

    @model_validator(mode="after")
    def _bounds(self) -> Indicator:
        if (
            self.min_points is not None
            and self.max_points is not None
            and self.min_points > self.max_points
        ):
            raise ValueError(f"indicator {self.code}: min_points above max_points")
        return self


class Dimension(_Strict):
    """A first-level dimension (一级指标), e.g. 遵纪守法."""

    code: Code
    name: str = Field(min_length=1, max_length=100)
    indicators: list[Indicator] = Field(min_length=1, max_length=100)


class Band(_Strict):
    """Scores from ``min`` (inclusive; none: no lower end) to ``max`` (exclusive; none: no
    upper end) get ``grade``."""

    grade: Grade
    min: Points | None = None
    max: Points | None = None


class Counting(_Strict):
    """Which records count (Measures art. 30–32, 35): those whose standing is among
    ``standings`` (as of the day: past its validity, an active record is expired); a record
    under an open objection counts unless ``under_objection`` is ``exclude`` (art. 32: it is
    marked, still published and used)."""

    standings: list[
        Literal["active", "expired", "corrected", "revoked", "repaired", "excluded"]
    ] = ["active"]
    under_objection: Literal["count", "exclude"] = "count"
    basis: Basis


class IndustryField(_Strict):
    """One field of supervision: the department evaluations whose field value is ``label``,
    their grade labels mapped to A–D."""

    field: str = Field(min_length=1, max_length=40)
    label: str = Field(min_length=1, max_length=100)
    grades: dict[str, Grade] = Field(min_length=1)
    basis: Basis


class Combine(_Strict):
    """How a field's grade is made of the public grade and the industry grade: the lower of
    the two, or a weighted blend (A=4 … D=1; ``public_percent`` of the public grade; a blend
    halfway between two grades takes the lower)."""

    rule: Literal["lower", "weighted"] = "lower"
    public_percent: Percent = 50
    basis: Basis


class Industry(_Strict):
    """Industry evaluations (行业信用评价) combined with the public grade (002 §（六））."""

    item: str = Field(min_length=1, max_length=64)
    field_field: str = Field(min_length=1, max_length=64)
    grade_field: str = Field(min_length=1, max_length=64)
    # A date field: an evaluation whose validity ended before the day no longer counts.
    valid_to_field: str | None = Field(default=None, max_length=64)
    fields: list[IndustryField] = Field(min_length=1)
    combine: Combine


class DocumentRef(_Strict):
    """A policy document the model draws on."""

    title: str = Field(min_length=1, max_length=200)
    number: str = Field(default="", max_length=100)
    note: str = Field(default="", max_length=500)


class ModelIn(_Strict):
    """An evaluation model as loaded from a file or the API."""

    code: Code
    version: int = Field(ge=1, le=1_000_000)
    name: str = Field(min_length=1, max_length=200)
    applies_to: Literal["organisation", "natural_person"]
    effective_from: dt.date
    base: Points
    dimensions: list[Dimension] = Field(min_length=1, max_length=20)
    bands: list[Band] = Field(min_length=1, max_length=10)
    list_caps: dict[Literal["black", "watch"], Grade] = {}
    counting: Counting
    industry: Industry | None = None
    sources: list[DocumentRef] = Field(min_length=1)

    def indicators(self) -> list[tuple[Dimension, Indicator]]:
        return [(d, i) for d in self.dimensions for i in d.indicators]


# --- what a run and an explanation give back -------------------------------------------------


class ContributionOut(BaseModel):
    """One row behind an indicator: a record, a list entry, a commitment or a declaration,
    with the points it gave before the indicator's bounds and rounding (4 decimals)."""

    source: Literal["record", "list_entry", "commitment", "declaration"]
    id: str
    points: Decimal


class IndicatorPointsOut(BaseModel):
    code: str
    name: str
    dimension: str
    dimension_name: str
    # The indicator's points as they count: bounded and rounded to hundredths.
    points: Decimal
    contributions: list[ContributionOut]


class FieldGradeOut(BaseModel):
    field: str
    industry_label: str
    industry_grade: Grade
    public_grade: Grade
    combined_grade: Grade
    source_record_id: str


class ExplanationOut(BaseModel):
    """Every point of a subject's evaluation traced to the rows that gave it; the
    indicators' points sum exactly to ``score`` minus ``base``."""

    subject_id: str
    model_id: str
    model_code: str
    model_version: int
    as_of: dt.date
    base: Decimal
    score: Decimal
    band_grade: Grade
    grade: Grade
    capped_by: str | None
    indicators: list[IndicatorPointsOut]
    field_grades: list[FieldGradeOut]


class RunOut(BaseModel):
    id: str
    model_id: str
    kind: str
    engine: str
    as_of: dt.date
    state: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    subjects: int
    changed: int
    grade_counts: dict[str, int] | None
    psi: float | None
    previous_run_id: str | None
    error: str | None = None


class RunIn(BaseModel):
    """POST /evaluation/runs: a full run now, on the configured engine
    (XINYONG_EVALUATION_ENGINE). A run on another engine is the operator's, from the shell
    (`xinyong evaluate run --engine`): a Spark session is no work for a request's thread."""

    model_config = ConfigDict(extra="forbid")


class ModelSummaryOut(BaseModel):
    id: str
    code: str
    version: int
    name: str
    applies_to: Literal["organisation", "natural_person"]
    effective_from: dt.date
    status: Literal["draft", "published", "superseded"]
    in_force: bool = Field(description="the version in force today for its subjects")
    published_at: dt.datetime | None


class ModelOut(ModelSummaryOut):
    definition: ModelIn = Field(description="the model file as loaded (docs/evaluation.md)")


class SubjectFieldGradeOut(BaseModel):
    field: str = Field(description="a field of supervision (sector code)")
    industry_label: str
    industry_grade: Grade
    public_grade: Grade
    combined_grade: Grade


class ResultOut(BaseModel):
    """A subject's current evaluation result. Read by the public (where the setting publishes
    grades), only ``grade``, ``as_of`` and the subject are given; the rest is null."""

    subject: str = Field(description="credit code, or masked ID number")
    subject_name: str
    grade: Grade
    as_of: dt.date = Field(description="the day it is evaluated as of")
    score: Decimal | None
    capped_by: Literal["black", "watch"] | None = Field(
        description="the list kind whose entry in force lowered the grade the score gave"
    )
    model_id: str | None
    model_code: str | None
    model_version: int | None
    model_name: str | None
    run_id: str | None
    evaluated_at: dt.datetime | None
    points: dict[str, Decimal] | None = Field(description="each indicator's points")
    field_grades: list[SubjectFieldGradeOut] | None


class GradeChangeOut(BaseModel):
    run_id: str
    previous_grade: Grade | None
    grade: Grade
    score: Decimal
    at: dt.datetime


class HistoryOut(BaseModel):
    subject: str
    changes: list[GradeChangeOut] = Field(description="every change of grade, oldest first")


class RunPointOut(BaseModel):
    run_id: str
    model_id: str
    as_of: dt.date
    finished_at: dt.datetime | None
    grade_counts: dict[str, int]
    psi: float | None = Field(description="against the full run before (null for the first)")
    drift: Literal["stable", "shift", "changed"] | None = Field(
        description="PSI under 0.1 stable, 0.1–0.25 a shift worth a look, over 0.25 changed"
    )


class DistributionOut(BaseModel):
    now: dict[str, int] = Field(description="subjects holding each grade now")
    total: int
    runs: list[RunPointOut] = Field(description="each full run done, oldest first")
