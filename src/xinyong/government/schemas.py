"""Government integrity as exchanged by the API and by file (docs/government.md): the policy
(the periods of a case, the debt-warning thresholds, the regional evaluation model), the steps
of a 政务失信 case, debt indicators, and what is read back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
Text = Annotated[str, Field(min_length=1, max_length=4000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- the policy -------------------------------------------------------------------------------


class Periods(_Strict):
    """How long a failing body has (003 政务诚信 二（五）: 书面说明原因并限期加以整改; the seed
    leaves the length to the authority), in working days from the case's opening."""

    explanation_working_days: int = Field(ge=1, le=250)
    rectification_working_days: int = Field(ge=1, le=500)
    basis: str = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _order(self) -> Periods:
        if self.rectification_working_days < self.explanation_working_days:
            raise ValueError("rectification cannot be due before the explanation")
        return self


class DebtThreshold(_Strict):
    """One debt-risk indicator and its warning lines (003 政务诚信 三（五）: 合理确定风险预警标准
    … 较高风险 黄色预警 … 高风险 红色预警): at or over ``yellow`` a yellow warning, at or over
    ``red`` a red one."""

    code: Code
    name: str = Field(min_length=1, max_length=50)
    unit: str = Field(default="%", max_length=10)
    yellow: Decimal = Field(ge=0, max_digits=12, decimal_places=4)
    red: Decimal = Field(ge=0, max_digits=12, decimal_places=4)
    description: str = Field(default="", max_length=500)

    @model_validator(mode="after")
    def _order(self) -> DebtThreshold:
        if self.red < self.yellow:
            raise ValueError(f"indicator {self.code}: the red line is below the yellow one")
        return self


class DebtPolicy(_Strict):
    basis: str = Field(min_length=1, max_length=500)
    indicators: list[DebtThreshold] = Field(min_length=1, max_length=30)


RegionalSource = Literal[
    "failures",  # counted 政务失信 records of the year per body (lower is better)
    "uncleared",  # cases not cleared at the year's end (or today) per body (lower is better)
    "arrears_paid",  # share of the unpaid bills' amount paid (清欠进度)
    "dual_publicity",  # share of the year's 双公示 records published on time
    "commitments_kept",  # share of the year's government commitments fulfilled (守信践诺)
]


class RegionalIndicator(_Strict):
    """One indicator of the regional evaluation: its source figure turned into a score from 0
    to 1 — a share as it is, a count per body as ``1 - value / cap`` (0 at or over the cap) —
    times its weight. Where a region has nothing to measure (no bills owed, no commitments),
    ``when_none`` is its score."""

    code: Code
    name: str = Field(min_length=1, max_length=50)
    source: RegionalSource
    weight: Decimal = Field(gt=0, le=1000, max_digits=8, decimal_places=2)
    cap: Decimal | None = Field(default=None, gt=0, max_digits=8, decimal_places=2)
    when_none: Decimal = Field(default=Decimal(1), ge=0, le=1, max_digits=5, decimal_places=4)
    basis: str = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _cap(self) -> RegionalIndicator:
        if self.source in ("failures", "uncleared") and self.cap is None:
            raise ValueError(f"indicator {self.code}: a count per body needs its cap")
        return self


class RegionalModel(_Strict):
    """区域政务诚信状况评价 (003 政务诚信 二（五）): scores out of the indicators' total weight,
    the method published with the ranking."""

    title: str = Field(min_length=1, max_length=200)
    method: str = Field(min_length=1, max_length=4000)
    indicators: list[RegionalIndicator] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _unique(self) -> RegionalModel:
        codes = [i.code for i in self.indicators]
        if len(set(codes)) != len(codes):
            raise ValueError("indicator codes must be unique")
        return self


class PolicyIn(_Strict):
    periods: Periods
    debt: DebtPolicy
    regional: RegionalModel
    effective_from: dt.date | None = None

    @model_validator(mode="after")
    def _unique(self) -> PolicyIn:
        codes = [i.code for i in self.debt.indicators]
        if len(set(codes)) != len(codes):
            raise ValueError("debt indicator codes must be unique")
        return self


class PolicyOut(PolicyIn):
    version: int
    created_by: str
    created_at: dt.datetime


# --- a case's steps ---------------------------------------------------------------------------


class ExplanationIn(_Strict):
    """The body's written explanation (书面说明原因)."""

    explanation: Text


class RectificationIn(_Strict):
    """The body's report of its rectification (整改情况)."""

    rectification: Text


class PaymentIn(_Strict):
    """A payment of an unpaid bill (清欠), in 万元 as the record states the amount owed."""

    amount: Decimal = Field(gt=0, max_digits=16, decimal_places=4)
    paid_on: dt.date
    note: str | None = Field(default=None, max_length=1000)


class ExclusionIn(_Strict):
    """容错纠错: the competent body's decision that the failure meets the tolerance
    conditions (003 政务诚信 二（三）, 二（六））. Its number is required, and the decision
    document is uploaded with it."""

    decision_number: str | None = Field(default=None, max_length=100)
    reason: Text


class InterviewIn(_Strict):
    """An interview (约谈) of a body whose explanation or rectification is overdue."""

    interviewed_on: dt.date
    interviewee: str = Field(min_length=1, max_length=100)
    notes: Text


class PaymentOut(BaseModel):
    id: str
    amount: Decimal
    paid_on: dt.date
    note: str | None
    recorded_by: str
    recorded_at: dt.datetime


class CaseOut(BaseModel):
    id: str
    subject: dict[str, str | None]
    record_id: str
    provider: str
    region_code: str
    failure_kind: str
    decided_on: dt.date
    state: str
    state_name: str
    opened_at: dt.datetime
    explain_by: dt.date
    rectify_by: dt.date
    overdue: bool
    explanation: str | None
    explained_at: dt.datetime | None
    rectification: str | None
    rectification_reported_at: dt.datetime | None
    cleared_as: str | None
    cleared_at: dt.datetime | None
    amount_owed: Decimal | None
    amount_paid: Decimal
    payment_due_on: dt.date | None
    exclusion_decision: str | None
    exclusion_reason: str | None
    excluded_at: dt.datetime | None
    interviews: int
    payments: list[PaymentOut] = []


class CasesOut(BaseModel):
    total: int
    cases: list[CaseOut]


# --- debt indicators --------------------------------------------------------------------------


class DebtRowIn(_Strict):
    region_code: str = Field(pattern=r"^\d{6}$")
    year: int = Field(ge=2000, le=2100)
    indicator: Code
    value: Decimal = Field(ge=0, max_digits=12, decimal_places=4)


class DebtRowsIn(_Strict):
    rows: list[DebtRowIn] = Field(min_length=1, max_length=5000)


class DebtValueOut(BaseModel):
    indicator: str
    name: str
    value: Decimal
    unit: str
    yellow: Decimal
    red: Decimal
    level: Literal["yellow", "red"] | None


class DebtWarningOut(BaseModel):
    region_code: str
    region_name: str
    year: int
    level: Literal["yellow", "red"] | None
    level_name: str
    values: list[DebtValueOut]


class DebtWarningsOut(BaseModel):
    year: int
    basis: str
    regions: list[DebtWarningOut]


# --- the regional evaluation ------------------------------------------------------------------


class RegionalScoreOut(BaseModel):
    indicator: str
    name: str
    figure: Decimal | None
    score: Decimal
    weight: Decimal
    points: Decimal


class RegionalResultOut(BaseModel):
    rank: int
    region_code: str
    region_name: str
    level: Literal["city", "county"]
    bodies: int
    score: Decimal
    indicators: list[RegionalScoreOut]


class RegionalEvaluationOut(BaseModel):
    id: int
    year: int
    policy_version: int
    title: str
    method: str
    computed_at: dt.datetime
    cities: list[RegionalResultOut]
    counties: list[RegionalResultOut]


# --- the quarterly list -----------------------------------------------------------------------


class QuarterCaseOut(BaseModel):
    id: str
    failure_kind: str
    decided_on: dt.date
    state: str
    state_name: str
    overdue: bool
    amount_owed: Decimal | None
    amount_paid: Decimal


class QuarterBodyOut(BaseModel):
    """A body (or a civil servant) with 政务失信 records decided up to the quarter's end."""

    subject_id: str
    credit_code: str | None
    id_number: str | None
    name: str
    kind: str
    region_code: str
    region_name: str
    superior_name: str | None
    superior_credit_code: str | None
    records_in_quarter: int
    records_total: int
    uncleared: list[QuarterCaseOut]


class RecipientOut(BaseModel):
    department: str
    department_name: str
    why: str


class QuarterlyListOut(BaseModel):
    quarter: str
    first_day: dt.date
    last_day: dt.date
    basis: str
    bodies: list[QuarterBodyOut]
    persons: list[QuarterBodyOut]
    recipients: list[RecipientOut]
