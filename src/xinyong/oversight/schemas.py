"""The monthly reports of collection and use, the scoring model of the annual assessment and the
assessment itself, as the API answers them and the database keeps them (docs/oversight.md).

A report is a list of rows, one per department, each a flat set of figures named as
``core/labels.OVERSIGHT_FIELDS`` names them; ``COLLECTION_COLUMNS`` and ``USE_COLUMNS`` are the
figures the CSVs, the command's table and the pages show, in order. One more column is a field
on the row, its key in the columns and its name in OVERSIGHT_FIELDS: every table follows, and
the scoring model may name it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# ---- the monthly reports


class ErrorCount(BaseModel):
    code: str = Field(description="the row error's code (records/: missing_field, …)")
    name: str
    count: int = Field(description="how many times it was given in the month's batches")


class OverdueItem(BaseModel):
    item: str
    item_name: str
    cycle: str = Field(description="the item's update cycle")
    last_push: dt.date | None = Field(description="its last arrival by the report's day")
    due_on: dt.date | None = Field(description="the day its next push was due by")


class CollectionRow(BaseModel):
    """A providing department's collection in the month (Measures art. 16, 40)."""

    department: str = Field(description="department code")
    department_name: str
    items_owed: int = Field(description="catalog items its sector is a source of")
    items_received: int = Field(description="of those, items that arrived in the month")
    items_overdue: int = Field(description="of those, overdue on the report's day")
    items_current: int = Field(description="of those, not overdue: owed − overdue")
    completeness: float | None = Field(description="items_current / items_owed")
    overdue_items: list[OverdueItem]
    batches: int
    rows: int = Field(description="rows sent in the month's batches")
    accepted: int
    duplicates: int
    rejected: int
    rejection_rate: float | None = Field(description="rejected / rows")
    top_errors: list[ErrorCount] = Field(description="the rejected rows' most frequent errors")
    dated: int = Field(description="records of the month with a decision date")
    on_time: int = Field(description="of those, arrived by the item's update cycle")
    timeliness: float | None = Field(description="on_time / dated")
    dp_total: int = Field(description="双公示: records of the ten acts of the month")
    dp_on_time: int
    dp_late: int
    dp_undated: int
    dp_share: float | None = Field(description="双公示: on time / (on time + late)")
    objections_upheld: int = Field(description="objections to its records found right")
    quality_score: float | None = Field(
        default=None,
        description="its data-quality score for the month (quality/scores.py; docs/quality.md)",
    )


class UseRow(BaseModel):
    """A department's use of the platform in the month (Measures art. 24, 40)."""

    department: str = Field(description="department code")
    department_name: str
    checks: int
    subjects_checked: int
    hits: int = Field(description="checks that found a list entry with a measure")
    measures_shown: int = Field(description="measures those checks showed")
    feedback_given: int = Field(description="feedback given in the month")
    measures_applied: int
    measures_not_applied: int
    feedback_due: int = Field(description="measures whose feedback fell due in the month")
    feedback_on_time: int = Field(description="of those, answered by the due day")
    feedback_timeliness: float | None = Field(description="feedback_on_time / feedback_due")
    feedback_overdue: int = Field(description="unanswered past their due day, on the report's day")
    reports_requested: int = Field(description="credit reports it had issued (审查, 授权)")


class ReportHead(BaseModel):
    month: str = Field(description="YYYY-MM")
    as_of: dt.date = Field(description="the month's last day, or today for the current month")
    final: bool = Field(description="the month is over: the figures never change")
    generated_at: dt.datetime
    basis: list[str] = Field(description="the rules, by document title and article")


class CollectionReport(ReportHead):
    kind: Literal["collection"] = "collection"
    departments: list[CollectionRow]


class UseReport(ReportHead):
    kind: Literal["use"] = "use"
    feedback_working_days: int
    departments: list[UseRow]


# The figures each table shows, in order (core/labels.OVERSIGHT_FIELDS names them).
COLLECTION_COLUMNS = (
    "items_owed",
    "items_received",
    "items_overdue",
    "completeness",
    "rows",
    "accepted",
    "rejected",
    "rejection_rate",
    "top_errors",
    "timeliness",
    "dp_total",
    "dp_late",
    "dp_share",
    "objections_upheld",
    "quality_score",
)
USE_COLUMNS = (
    "checks",
    "subjects_checked",
    "hits",
    "measures_shown",
    "feedback_given",
    "measures_applied",
    "measures_not_applied",
    "feedback_due",
    "feedback_on_time",
    "feedback_timeliness",
    "feedback_overdue",
    "reports_requested",
)
REPORT_ROWS: dict[str, type[BaseModel]] = {"collection": CollectionRow, "use": UseRow}
# Figures that are shares (shown as percentages).
SHARES = frozenset(
    {"completeness", "rejection_rate", "timeliness", "dp_share", "feedback_timeliness"}
)


def number_fields(kind: str) -> set[str]:
    """The figures of a report's rows a scoring model may read: its numbers."""
    row = REPORT_ROWS[kind]
    return {
        name
        for name, info in row.model_fields.items()
        if info.annotation in (int, float, float | None, int | None)
    }


# ---- the scoring model of the annual assessment (docs/oversight.md § the scoring model)

CODE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class Basis(BaseModel):
    """The policy an indicator rests on, as a person reads it: title and number, in Chinese."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    number: str = Field(min_length=1, max_length=100)
    article: str | None = Field(default=None, max_length=100)

    @property
    def text(self) -> str:
        return f"《{self.title}》（{self.number}）{self.article or ''}"


class Indicator(BaseModel):
    """One indicator over the year's monthly reports (oversight/rules.indicator_value):

    - ``share``: Σ numerator / Σ denominator over the months; points = weight × share
      (``better: lower``: weight × (1 − share));
    - ``deduction``: weight − points_each × Σ field, at least 0;
    - ``mean``: the mean of the field's monthly values over ``scale``; points as a share."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=CODE.pattern)
    name: str = Field(min_length=1, max_length=100)
    report: Literal["collection", "use"]
    kind: Literal["share", "deduction", "mean"]
    numerator: str | None = None
    denominator: str | None = None
    field: str | None = None
    better: Literal["higher", "lower"] = "higher"
    points_each: float | None = Field(default=None, gt=0)
    scale: float | None = Field(default=None, gt=0)
    weight: float = Field(gt=0, le=100)
    basis: Basis

    @model_validator(mode="after")
    def _fields_of_its_kind(self) -> Indicator:
        known = number_fields(self.report)
        if self.kind == "share":
            named = {"numerator": self.numerator, "denominator": self.denominator}
        else:
            named = {"field": self.field}
        for key, value in named.items():
            if value is None:
                raise ValueError(f"a {self.kind} indicator names its {key}")
            if value not in known:
                raise ValueError(f"{value!r} is not a figure of the {self.report} report")
        if self.kind == "deduction" and self.points_each is None:
            raise ValueError("a deduction indicator gives points_each")
        if self.kind == "mean" and self.scale is None:
            raise ValueError("a mean indicator gives its scale (the value of full points)")
        return self


class ScoringModelIn(BaseModel):
    """The annual assessment's scoring model as the authority loads it (JSON, as
    oversight/default_scoring.json): a title, its basis and the indicators with their weights
    (they need not add up to 100: the total is out of the weights that apply)."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    basis: Basis
    indicators: list[Indicator] = Field(min_length=1, max_length=50)

    @model_validator(mode="after")
    def _codes_once(self) -> ScoringModelIn:
        codes = [i.code for i in self.indicators]
        if len(set(codes)) != len(codes):
            raise ValueError("each indicator's code is given once")
        return self


class ScoringModelOut(ScoringModelIn):
    version: int = Field(description="0: the shipped default, until the authority loads one")
    created_by: str
    created_at: dt.datetime | None


# ---- the assessment


class IndicatorResult(BaseModel):
    code: str
    name: str
    kind: Literal["share", "deduction", "mean"]
    weight: float
    value: float | None = Field(description="the indicator over the months; null: not applicable")
    score: float | None


class DepartmentAssessment(BaseModel):
    department: str
    department_name: str
    rank: int | None
    total: float | None = Field(description="out of 100, over the indicators that apply")
    indicators: list[IndicatorResult]


class Assessment(BaseModel):
    year: int
    months: list[str] = Field(description="the months over: the whole year, or year to date")
    final: bool = Field(description="all twelve months are over")
    model_version: int
    model_title: str
    basis: str
    generated_at: dt.datetime
    departments: list[DepartmentAssessment] = Field(description="by rank")
