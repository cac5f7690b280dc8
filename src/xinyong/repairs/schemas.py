"""The API's bodies for credit repair (信用修复, Measures art. 34–35; 002 §（十三）)."""

from __future__ import annotations

import builtins
from datetime import date, datetime
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xinyong.core.api import BigIdText
from xinyong.rights.schemas import EvidenceOut, EvidenceRef, StepOut

# 修复方式: 作出信用承诺、完成信用整改、通过信用核查、接受专题培训、提交信用报告、参加公益慈善活动
# (002 §（十三）; 000 §（十三））.
Way = Literal[
    "commitment", "rectification", "training", "credit_report", "public_interest", "credit_check"
]
WAYS: tuple[str, ...] = get_args(Way)
# The ways a file must prove: all but the commitment, whose signed text is in the body.
WAYS_WITH_EVIDENCE = tuple(w for w in WAYS if w != "commitment")
# What a repair's evidence file may show: the correction itself (evidence), one of the ways,
# the signed commitment scanned, or an agent's letter of authorisation.
EVIDENCE_KINDS = ("evidence", "authorisation", *WAYS)
Condition = Literal["corrected", "no_repeat_within_year", "commitment"]
NotAllowed = Literal[
    "expired", "already_repaired", "not_negative", "revoked", "corrected", "not_listed"
]


class TargetIn(BaseModel):
    """Exactly one: a negative record within its validity, or a list entry in force."""

    model_config = ConfigDict(extra="forbid")

    record: BigIdText | None = Field(default=None, description="a record id")
    list_entry: BigIdText | None = Field(default=None, description="a list entry id")

    @model_validator(mode="after")
    def _one(self) -> TargetIn:
        if (self.record is None) == (self.list_entry is None):
            raise ValueError("name exactly one of record and list_entry")
        return self


class RepairIn(BaseModel):
    """A written repair application (书面信用修复申请, Measures art. 34). Empty texts and a
    missing evidence file are not schema errors: eligibility explains them condition by
    condition (422 `repair_ineligible`)."""

    model_config = ConfigDict(extra="forbid")

    target: TargetIn
    ways: list[Way] = Field(
        max_length=len(WAYS), description="修复方式; `commitment` is required for eligibility"
    )
    corrected_on: date = Field(description="the day the failure was corrected (纠正之日)")
    correction: str = Field(
        max_length=5000, description="how the failure was corrected and its effect removed"
    )
    commitment: str = Field(
        max_length=5000, description="the signed commitment not to fail again (信用承诺)"
    )
    credit_management: str = Field(
        default="",
        max_length=5000,
        description="the credit management system the subject has set up (建立信用管理制度, "
        "Measures art. 34 (三)): for an organisation its rules and who keeps them, for a "
        "person the measures it takes; required for eligibility",
    )
    evidence: list[EvidenceRef] = Field(
        default=[],
        max_length=20,
        description="uploaded files (POST /evidence); each way but `commitment` needs a file "
        "of its kind",
    )
    subject: str | None = Field(
        default=None,
        max_length=64,
        description="credit code or ID number: the authority names the subject it acts for",
    )
    agent_name: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="an agent applying for the subject; needs an `authorisation` file",
    )

    @model_validator(mode="after")
    def _unique_ways(self) -> RepairIn:
        if len(set(self.ways)) != len(self.ways):
            raise ValueError("each way once")
        return self


class OpinionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    positive: bool = Field(description="true: the repair goes to public notice")
    text: str = Field(min_length=1, max_length=5000, description="书面信用修复意见")


class ObjectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    statement: str = Field(min_length=1, max_length=5000, description="异议理由")


class ObjectionDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    upheld: bool = Field(description="true: the objection stands and the repair is refused")
    reason: str = Field(min_length=1, max_length=2000)


class ConditionOut(BaseModel):
    condition: Condition
    met: bool
    reason: str = Field(description="中文")
    reason_en: str
    records: list[str] = Field(
        default=[], description="no_repeat_within_year: the records of the same item found"
    )


class TargetOut(BaseModel):
    type: Literal["record", "list_entry"]
    id: str
    item: str | None = Field(description="the record's catalog item")
    item_name: str | None
    # No Field() here: a `list` attribute would shadow the type in the annotations.
    list: str | None
    list_name: str | None
    # builtins.list: inside this class, ``list`` names the field above.
    items: builtins.list[str] = Field(description="the catalog items of the failure")
    determined_on: date | None = Field(description="when the failure was determined")
    department: str = Field(description="the department that gives the opinion")
    department_name: str


class EligibilityOut(BaseModel):
    eligible: bool
    target: TargetOut
    conditions: list[ConditionOut]


class RepairObjectionOut(BaseModel):
    id: str
    statement: str
    filed_by: str
    filed_at: datetime
    due_on: date
    upheld: bool | None
    decision_reason: str | None
    decided_by: str | None
    decided_at: datetime | None


class OpinionOut(BaseModel):
    positive: bool
    text: str
    by: str
    at: datetime


class RepairOut(BaseModel):
    id: str
    subject: str = Field(description="credit code, or masked ID number")
    subject_name: str
    target: TargetOut
    ways: list[str]
    corrected_on: date
    correction: str
    commitment: str
    credit_management: str
    eligibility: list[ConditionOut]
    filed_by: str
    applied_at: datetime
    state: Literal["opinion", "notice", "effective", "refused"]
    opinion_due_on: date
    opinion: OpinionOut | None
    notice_ends_on: date | None
    effective_at: datetime | None
    refused_reason: str | None
    closed_at: datetime | None
    evidence: list[EvidenceOut]
    objections: list[RepairObjectionOut]
    steps: list[StepOut]


class NoticeOut(BaseModel):
    """A repair in its public notice (Measures art. 35: 在部门网站进行公示)."""

    repair_id: str
    subject: str = Field(description="credit code, or masked ID number")
    subject_name: str
    target: TargetOut
    opinion: str = Field(description="the written repair opinion")
    notice_ends_on: date
