"""API shapes of objections (异议, Measures art. 31–32) and appeals (申诉, art. 33)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xinyong.core.api import BigIdText
from xinyong.rights.schemas import EvidenceOut, EvidenceRef, StepOut


class TargetIn(BaseModel):
    """Exactly one of a record, a list entry and the evaluation result of the subject."""

    model_config = ConfigDict(extra="forbid")

    record: BigIdText | None = Field(default=None, description="a record's id")
    list_entry: BigIdText | None = Field(default=None, description="a list entry's id")
    evaluation: Literal["current"] | None = Field(
        default=None,
        description="the subject's current public credit evaluation result (公共信用综合评价"
        "结果: grade, score, model, day; Measures art. 31)",
    )

    @model_validator(mode="after")
    def _one(self) -> TargetIn:
        given = [self.record, self.list_entry, self.evaluation]
        if sum(v is not None for v in given) != 1:
            raise ValueError("give exactly one of record, list_entry and evaluation")
        return self


class ObjectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target: TargetIn
    ground: Literal["wrong_or_incomplete", "forbidden_data", "past_validity"] = Field(
        description="Measures art. 31: (一) wrong or incomplete; (二) data art. 14 forbids "
        "collecting; (三) a failure record used past its validity"
    )
    statement: str = Field(min_length=1, max_length=5000, description="异议理由")
    evidence: list[EvidenceRef] = Field(default=[], max_length=20)
    subject: str | None = Field(
        default=None,
        description="credit code or ID number: the subject the authority files for (a "
        "subject's own token files for itself)",
    )
    agent_name: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="an agent filing with the subject's authorisation; then an evidence file "
        "of kind `authorisation` (the letter) is required",
    )


class VerificationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    found_wrong: bool = Field(description="the provider finds the information wrong")
    opinion: str = Field(min_length=1, max_length=5000, description="核实意见")


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["upheld", "rejected"] = Field(
        description="upheld: found wrong, to be corrected or revoked; rejected: found right, "
        "the mark is removed and the information kept"
    )
    reason: str = Field(min_length=1, max_length=5000)


class CorrectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["revoke", "correct"]
    record_id: BigIdText | None = Field(
        default=None,
        description="the record to revoke or correct: for a record objection the target "
        "itself (may be left out); for a list-entry objection one of the entry's basis records",
    )
    fields: dict[str, Any] | None = Field(
        default=None,
        description="correct only: the corrected field values, merged over the original's "
        "(null removes a field)",
    )


class AppealIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    procedure: Literal["objection", "repair"]
    id: BigIdText = Field(description="the objection's or the repair's id")
    statement: str = Field(min_length=1, max_length=5000, description="申诉理由")
    evidence: list[EvidenceRef] = Field(default=[], max_length=20)
    subject: str | None = Field(
        default=None, description="credit code or ID number: the subject the authority acts for"
    )


class AppealDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["upheld", "dismissed"]
    reason: str = Field(min_length=1, max_length=5000)


class AppealOut(BaseModel):
    id: str
    procedure: str
    procedure_id: str
    subject: str
    state: Literal["review", "closed"]
    statement: str
    filed_by: str
    filed_at: datetime
    due_on: date = Field(description="the last day for the credit authority's decision")
    outcome: Literal["upheld", "dismissed"] | None
    decision_reason: str | None
    decided_at: datetime | None
    onward_route: str | None = Field(
        description="Measures art. 33: 可依法申请行政复议或者提起行政诉讼"
    )
    evidence: list[EvidenceOut]
    steps: list[StepOut]


class ObjectionSummaryOut(BaseModel):
    id: str
    subject: str = Field(description="credit code, or masked ID number")
    subject_name: str
    target_type: Literal["record", "list_entry", "evaluation"]
    target_id: str = Field(
        description="a record's, a list entry's, or for an evaluation "
        "result the id of the run that made it"
    )
    ground: str
    state: Literal["review", "verification", "correction", "closed"]
    statement: str
    filed_by: str
    agent_name: str | None
    filed_at: datetime
    review_due_on: date = Field(description="10 working days from filing (Measures art. 32)")
    referred_at: datetime | None
    verify_due_on: date | None = Field(description="5 working days from referral (art. 32)")
    verification: dict | None
    outcome: Literal["upheld", "rejected"] | None
    decision_reason: str | None
    decided_at: datetime | None
    correction_due_on: date | None = Field(description="3 working days from upholding (art. 32)")
    correction: dict | None
    corrected_at: datetime | None
    closed_at: datetime | None


class ObjectionOut(ObjectionSummaryOut):
    evidence: list[EvidenceOut]
    steps: list[StepOut] = Field(description="the timeline the subject is shown")
    appeal: AppealOut | None


class ObjectionsOut(BaseModel):
    total: int
    objections: list[ObjectionSummaryOut]
