"""The quality rules as exchanged by the API and by file (docs/quality.md), and what the checks
found, as read back.

A rule is one of a closed set of checks (``kind``), each one SQL statement over the records
(quality/checks.py), with its parameters as data: which items are local-only, which field holds
the decision number, which fields 双公示 requires. A check is never free SQL: the authority
publishes parameters, and names that reach a statement are held to the catalog's own shape."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xinyong.records.schemas import RecordIn
from xinyong.risk.schemas import Basis

Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")]
# The catalog's names (docs/catalog-format.md): written into a statement, so never anything else.
Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Severity = Literal["serious", "general", "minor"]
ActType = Literal[
    "licensing",
    "penalty",
    "compulsion",
    "confirmation",
    "levy",
    "payment",
    "adjudication",
    "compensation",
    "reward",
    "inspection",
]
Kind = Literal[
    "name_mismatch",
    "region_mismatch",
    "duplicate_decision",
    "decision_after_arrival",
    "dual_publicity_fields_empty",
]
STATES = ("open", "confirmed", "corrected", "withdrawn", "superseded")
State = Literal["open", "confirmed", "corrected", "withdrawn", "superseded"]


class _Check(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NameMismatch(_Check):
    """An organisation's record pushed under a name it was never registered under (the
    registration items themselves, which set the name, are not checked)."""

    kind: Literal["name_mismatch"]


class RegionMismatch(_Check):
    """A record of a local-only item about an organisation whose credit code's region
    (characters 3–8) lies outside the provider's region."""

    kind: Literal["region_mismatch"]
    items: list[Name] = Field(min_length=1, max_length=100)


class DuplicateDecision(_Check):
    """The same decision number of one item from one provider under another ``source_id``:
    every copy after the first received."""

    kind: Literal["duplicate_decision"]
    field: Name = "decision_number"


class DecisionAfterArrival(_Check):
    """A decision dated after the day the record arrived: the item's decision-date field, else
    the first of ``fields`` the record has, else its determination day."""

    kind: Literal["decision_after_arrival"]
    fields: list[Name] = Field(default=["decided_on"], max_length=20)


class DualPublicityFieldsEmpty(_Check):
    """A record of the ten acts whose 双公示 fields are empty or hold only a placeholder
    (无, /, -…): ``fields`` by act type; ``legal_person_fields`` for a legal person only."""

    kind: Literal["dual_publicity_fields_empty"]
    fields: dict[ActType, list[Name]] = Field(min_length=1)
    legal_person_fields: list[Name] = Field(default=[], max_length=20)
    placeholders: list[Annotated[str, Field(min_length=1, max_length=20)]] = Field(
        default=[], max_length=50
    )


Check = Annotated[
    NameMismatch
    | RegionMismatch
    | DuplicateDecision
    | DecisionAfterArrival
    | DualPublicityFieldsEmpty,
    Field(discriminator="kind"),
]


class QualityRuleIn(BaseModel):
    """A quality rule: what it checks, its Chinese name, why, how grave, whether it runs."""

    model_config = ConfigDict(extra="forbid")

    code: Code
    title: str = Field(min_length=1, max_length=200, description="the rule's Chinese name")
    check: Check
    basis: Basis
    severity: Severity
    enabled: bool = True


class ScoreFormula(BaseModel):
    """A provider's quality score for a month (docs/quality.md § score):

    ``base`` − Σ ``weights[severity]`` × findings open at the month's end × ``per_records`` /
    max(records pushed by then, ``minimum_records``) − ``overdue_duty`` × duties overdue at
    the month's end, never below ``floor``."""

    model_config = ConfigDict(extra="forbid")

    base: Decimal = Field(default=Decimal(100), ge=0, le=1000)
    floor: Decimal = Field(default=Decimal(0), ge=0, le=1000)
    per_records: int = Field(default=1000, ge=1, le=1_000_000)
    minimum_records: int = Field(default=1000, ge=1, le=10_000_000)
    weights: dict[Severity, Decimal] = Field(min_length=1)
    overdue_duty: Decimal = Field(ge=0, le=1000)


class RuleSetIn(BaseModel):
    """The quality rules and the score's formula, published whole (PUT /quality/rules)."""

    model_config = ConfigDict(extra="forbid")

    rules: list[QualityRuleIn] = Field(min_length=1, max_length=50)
    score: ScoreFormula
    task_working_days: int = Field(
        default=10,
        ge=1,
        le=60,
        description="working days a provider has for a task of findings or of an overdue duty",
    )

    @model_validator(mode="after")
    def _codes_unique(self) -> RuleSetIn:
        codes = [r.code for r in self.rules]
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise ValueError(f"rule codes appear more than once: {', '.join(twice)}")
        return self


class RuleSetOut(RuleSetIn):
    version: int
    created_by: str
    created_at: dt.datetime


class FindingOut(BaseModel):
    id: str
    rule: str
    rule_title: str
    check: Kind | None = Field(description="the kind of check of the rule in force")
    severity: Severity
    state: State
    department: str
    department_name: str
    item: str
    item_name: str
    record_id: str
    subject: str | None = Field(description="credit code, or masked ID number")
    subject_name: str | None
    fact: str | None = Field(
        description="what the rule found: the name pushed, the decision number, the decision "
        "date, the code's region, the empty fields"
    )
    found_at: dt.datetime
    closed_at: dt.datetime | None
    reason: str | None
    new_record_id: str | None


class FindingsOut(BaseModel):
    findings: list[FindingOut]
    total: int


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500)


class CorrectionIn(BaseModel):
    """The corrected record, as any pushed record (POST /records/batches validates it the same
    way), and why. Of the finding's item; its ``source_id`` may be the original's."""

    model_config = ConfigDict(extra="forbid")

    record: RecordIn
    reason: str = Field(min_length=1, max_length=500)


class NilReturnIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_code: Name = Field(description="the catalog item there is nothing of to report")
    note: str | None = Field(default=None, max_length=500)


class NilReturnOut(BaseModel):
    id: str
    item_code: str
    period_from: dt.date
    period_to: dt.date
    filed_at: dt.datetime
    duties_closed: int


class DutyOut(BaseModel):
    id: str
    department: str
    department_name: str
    item: str
    item_name: str
    update_cycle: str
    last_push_on: dt.date = Field(description="the last push, or the department's creation")
    pushed_before: bool
    due_by: dt.date
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    closed_how: str | None


class DutiesOut(BaseModel):
    duties: list[DutyOut]
    total: int


class ScoreOut(BaseModel):
    department: str
    department_name: str
    score: float
    records: int = Field(description="records pushed up to the month's end")
    open_findings: dict[str, int] = Field(description="by severity, open at the month's end")
    overdue_duties: int
    findings_by_rule: dict[str, int] = Field(description="found in the month, by rule")


class ScoresOut(BaseModel):
    month: str
    formula: ScoreFormula
    scores: list[ScoreOut]


class CheckRunOut(BaseModel):
    run_id: int
    kind: str
    since: dt.datetime | None
    until: dt.datetime
    found: dict[str, int]
    duties_opened: int
    duties_closed: int
