"""The shapes of graded supervision and 双随机、一公开: the graded supervision rules as data
(default_supervision.json; docs/inspections.md § the rules' format), the publication periods
(publication.json), an inspector pool, a plan, a result, and what the API answers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xinyong.catalog.schemas import SECTORS
from xinyong.core.api import BigIdText

GradeCode = Literal["A", "B", "C", "D"]
# A plan's grade filter names the ungraded too (subjects not evaluated).
GradeFilter = Literal["A", "B", "C", "D", "ungraded"]
ClassCode = str
# Organisations only: a population snapshot is published to departments by credit code, and a
# person's ID number is never published (docs/inspections.md § who is in a population).
OrgKind = Literal["legal_person", "non_legal_person_org"]
# The field a rule is for; "*" is the default for every field without a rule of its own.
DEFAULT_FIELD = "*"
CODE = r"^[a-z][a-z0-9_]{1,19}$"
# The results an inspection may have (the catalog's administrative_inspection.inspection_result).
INSPECTION_RESULTS = (
    "未发现问题",
    "发现问题已责令改正",
    "发现问题待后续处理",
    "未按规定公示应当公示的信息",
    "未发现开展本次抽查涉及的经营活动",
    "通过登记的住所（经营场所）无法联系",
    "不配合检查情节严重",
    "其他",
)


# --- graded supervision ---------------------------------------------------------------------


class Frequency(BaseModel):
    """How often a subject of the class is inspected: at most or at least so many times a
    year."""

    model_config = ConfigDict(extra="forbid")

    times_per_year: int = Field(ge=0, le=52)
    bound: Literal["at_most", "at_least"]


class ClassRule(BaseModel):
    """One supervision class of a field: its name, inspection ratio (percent, at most two
    decimals; over 100 is refused as ``ratio_over_100``) and frequency."""

    model_config = ConfigDict(extra="forbid")

    code: ClassCode = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=50)
    ratio_percent: Decimal = Field(ge=0, max_digits=5, decimal_places=2)
    frequency: Frequency


class FieldRule(BaseModel):
    """A field's graded supervision: which grade falls in which class, the class of subjects
    without a grade, and each class's ratio and frequency, with the field's basis."""

    model_config = ConfigDict(extra="forbid")

    field: str = Field(min_length=1, max_length=40)
    grades: dict[GradeCode, ClassCode]
    ungraded: ClassCode
    classes: list[ClassRule] = Field(min_length=1)
    basis: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> FieldRule:
        if self.field != DEFAULT_FIELD and self.field not in SECTORS:
            raise ValueError(f"unknown field {self.field}")
        missing = {"A", "B", "C", "D"} - set(self.grades)
        if missing:
            raise ValueError(f"field {self.field}: grades {sorted(missing)} have no class")
        codes = [c.code for c in self.classes]
        if len(set(codes)) != len(codes):
            raise ValueError(f"field {self.field}: class codes repeat")
        unknown = ({*self.grades.values(), self.ungraded}) - set(codes)
        if unknown:
            raise ValueError(f"field {self.field}: unknown classes {sorted(unknown)}")
        return self

    def class_rule(self, code: str) -> ClassRule:
        return next(c for c in self.classes if c.code == code)


class SupervisionIn(BaseModel):
    """The graded supervision rules: one rule per field, and the default one (``"*"``)."""

    model_config = ConfigDict(extra="forbid")

    fields: list[FieldRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> SupervisionIn:
        names = [f.field for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError("a field has two rules")
        if DEFAULT_FIELD not in names:
            raise ValueError('the default rule (field "*") is missing')
        return self

    def for_field(self, field: str | None) -> FieldRule:
        """The field's own rule, else the default one."""
        by_field = {f.field: f for f in self.fields}
        return by_field.get(field or DEFAULT_FIELD) or by_field[DEFAULT_FIELD]


class SupervisionLoadIn(SupervisionIn):
    """A new version of the rules, in force from ``effective_from`` (today or later)."""

    effective_from: date | None = Field(default=None, description="default: today")


class SupervisionOut(BaseModel):
    version: int = Field(description="0: the rules shipped with the platform")
    effective_from: date | None
    loaded_by: str | None
    loaded_at: datetime | None
    fields: list[FieldRule]


class SupervisionClassOut(BaseModel):
    """A subject's supervision class in a field, as the check answers it."""

    field: str
    rule_field: str = Field(description='the rule applied: the field\'s own, or "*"')
    grade: GradeCode | None
    grade_source: Literal["field", "public", "none"]
    class_code: str
    class_name: str
    ratio_percent: Decimal
    frequency: Frequency
    basis: list[str]
    version: int


# --- publication (一公开) -------------------------------------------------------------------


class PublicationPeriod(BaseModel):
    model_config = ConfigDict(extra="forbid")

    working_days: int = Field(ge=1, le=60)
    basis: list[str] = Field(min_length=1)


class PublicationRules(BaseModel):
    """How soon results are published: ``results`` working days after each result's
    decision; a drawn subject without a result is due that many working days after the
    plan's last day of inspection."""

    model_config = ConfigDict(extra="forbid")

    results: PublicationPeriod
    conflict_years: int = Field(ge=1, le=5)
    conflict_basis: list[str] = Field(min_length=1)
    inspectors_per_subject: int = Field(ge=1, le=5)
    inspectors_basis: list[str] = Field(min_length=1)


# --- the pool -------------------------------------------------------------------------------


class ConflictIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field(min_length=1, max_length=18, description="credit code")
    reason: str = Field(min_length=1, max_length=200)


class InspectorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    badge_number: str = Field(pattern=r"^[0-9A-Za-z\-]{1,40}$", description="执法证号")
    name: str = Field(min_length=1, max_length=50)
    fields: list[str] = Field(min_length=1, description="sector codes the inspector may inspect")
    conflicts: list[ConflictIn] = Field(default=[], max_length=1000)

    @model_validator(mode="after")
    def _check(self) -> InspectorIn:
        unknown = set(self.fields) - SECTORS
        if unknown:
            raise ValueError(f"unknown fields {sorted(unknown)}")
        return self


class PoolIn(BaseModel):
    """A department's whole pool: inspectors left out leave it (past assignments stay)."""

    model_config = ConfigDict(extra="forbid")

    inspectors: list[InspectorIn] = Field(max_length=20_000)

    @model_validator(mode="after")
    def _unique(self) -> PoolIn:
        numbers = [i.badge_number for i in self.inspectors]
        if len(set(numbers)) != len(numbers):
            raise ValueError("a badge number repeats")
        return self


class ConflictOut(BaseModel):
    subject: str
    subject_name: str
    reason: str
    declared_at: datetime


class InspectorOut(BaseModel):
    id: BigIdText
    department: str
    badge_number: str
    name: str
    fields: list[str]
    active: bool
    conflicts: list[ConflictOut]


# --- plans ----------------------------------------------------------------------------------


class ItemIn(BaseModel):
    """An inspection item (抽查事项) of the plan: which department inspects what, in which
    field, on what basis."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[A-Za-z0-9_\-]{1,40}$")
    name: str = Field(min_length=1, max_length=200)
    department: str | None = Field(default=None, description="default: the lead department")
    field: str | None = Field(default=None, description="default: the department's sector")
    basis: str = Field(min_length=1, max_length=500)


class PopulationIn(BaseModel):
    """Who may be drawn: organisations by region (GB/T 2260 prefix of 2, 4 or 6 digits), kind,
    registering authority (the credit code's first character), the grade used for the plan's
    field, and the fields whose industry evaluation covers them."""

    model_config = ConfigDict(extra="forbid")

    regions: list[str] = Field(default=[], max_length=100)
    subject_kinds: list[OrgKind] = ["legal_person", "non_legal_person_org"]
    registering_authorities: list[str] = Field(default=[], max_length=20)
    grades: list[GradeFilter] = []
    fields: list[str] = Field(default=[], max_length=40)

    @model_validator(mode="after")
    def _check(self) -> PopulationIn:
        for region in self.regions:
            if not (region.isdigit() and len(region) in (2, 4, 6)):
                raise ValueError(f"region {region}: 2, 4 or 6 digits")
        for code in self.registering_authorities:
            if len(code) != 1 or not code.isalnum():
                raise ValueError(f"registering authority {code}: one character")
        unknown = set(self.fields) - SECTORS
        if unknown:
            raise ValueError(f"unknown fields {sorted(unknown)}")
        if not self.subject_kinds:
            raise ValueError("name a kind of subject")
        return self


class PlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    field: str | None = Field(
        default=None, description="the field whose classes apply; default: the lead's sector"
    )
    departments: list[str] = Field(
        default=[], max_length=20, description="the other departments of a joint plan"
    )
    items: list[ItemIn] = Field(min_length=1, max_length=200)
    population: PopulationIn = PopulationIn()
    ratios: dict[str, Decimal] = Field(
        default={}, description="class code → percent, over the graded supervision's"
    )
    inspect_from: date
    inspect_until: date


class ClassOut(BaseModel):
    code: str
    name: str
    ratio_percent: Decimal
    frequency: Frequency


class PlanOut(BaseModel):
    id: BigIdText
    title: str
    state: str
    lead_department: str
    lead_department_name: str
    departments: list[str]
    department_names: list[str]
    field: str
    items: list[dict]
    population: dict
    classes: list[ClassOut]
    basis: list[str]
    supervision_version: int
    inspect_from: date
    inspect_until: date
    results_due_on: date | None = Field(description="the last day to publish any result")
    created_at: datetime
    published_at: datetime | None


# --- the draw -------------------------------------------------------------------------------


class StratumOut(BaseModel):
    class_code: str
    class_name: str
    size: int
    ratio_percent: Decimal
    drawn: int


class AssignedOut(BaseModel):
    department: str
    badge_number: str
    name: str


class DrawnOut(BaseModel):
    credit_code: str
    name: str
    class_code: str | None = Field(description="departments and the authority only")
    inspectors: list[AssignedOut] | None = Field(description="departments and the authority only")
    departments: list[str] = Field(description="the departments inspecting it")


class DrawOut(BaseModel):
    plan_id: BigIdText
    algorithm: str
    seed: str
    snapshot_sha256: str
    population: int
    drawn: int
    strata: list[StratumOut]
    pool_sha256: str | None = Field(description="departments and the authority only")
    drawn_at: datetime
    subjects: list[DrawnOut]


class VerificationOut(BaseModel):
    plan_id: BigIdText
    snapshot_sha256: str
    snapshot_matches: bool
    subjects_match: bool
    inspectors_match: bool


# --- results --------------------------------------------------------------------------------


class ResultIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field(min_length=1, max_length=18, description="credit code of a drawn subject")
    decision_number: str = Field(min_length=1, max_length=100, description="检查结果文书号")
    result: str = Field(description="one of the catalog's inspection results")
    description: str | None = Field(default=None, max_length=1000)
    inspected_on: date
    decided_on: date
    authority_code: str = Field(
        min_length=18, max_length=18, description="the inspecting department's credit code"
    )


class ResultsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    results: list[ResultIn] = Field(min_length=1, max_length=1000)


class ResultOut(BaseModel):
    plan_id: BigIdText
    credit_code: str
    name: str
    department: str
    department_name: str
    result: str
    decision_number: str
    inspected_on: date
    decided_on: date
    due_on: date
    published_at: datetime
    late: bool
    record_id: BigIdText | None = Field(description="departments and the authority only")


class OverdueOut(BaseModel):
    plan_id: BigIdText
    title: str
    department: str
    credit_code: str
    name: str
    due_on: date
    state: Literal["missing", "late"]
    published_at: datetime | None
