"""The shape of a credit list (红名单 / 黑名单 / 重点关注对象名单) as data, and the API's bodies.

Lists are data, not code: each names its identifying sector ("谁主管、谁认定、谁负责",
003 联合奖惩 §（五）), its published identification standard (§（三）), the catalog items that may
serve as basis (§（四）), its default validity and its notice periods (§（六））."""

from __future__ import annotations

import builtins
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xinyong.catalog.schemas import SECTORS
from xinyong.core.api import BigIdField
from xinyong.core.citations import cite_en
from xinyong.models import CreditList

ListKind = Literal["red", "black", "watch"]


class ListSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")
    name: str = Field(min_length=1, max_length=200)
    kind: ListKind
    # The supervisory field (tax, court_enforcement, safety_production, …) and its name.
    field: str = Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")
    field_name: str = Field(min_length=1, max_length=100)
    # Departments of this kind (Department.kind) are the only ones that may list here.
    identifying_sector: str
    # The published identification standard (认定标准) and the documents it rests on.
    standard: str = Field(min_length=1)
    legal_basis: str = Field(min_length=1)
    # Catalog items whose active records may serve as the basis of an entry.
    basis_items: list[str] = Field(min_length=1)
    # How long an entry stays listed from its confirmation, in years, unless the entry says less.
    validity_years: int = Field(gt=0, le=10)
    # red: public notice (公示) period; black: prior notice (事前告知) period to state its case;
    # watch: none. Working days, counted by the official calendar (lists/rules.notice_end).
    notice_days: int = Field(ge=0, le=60)
    # Rectification deadline (限期整改, 002 §（九）) from confirmation, in calendar days; None
    # where not ordered.
    rectification_days: int | None = Field(default=None, gt=0, le=365)
    # After leaving a black list the subject stays under 重点监测 (003 联合奖惩 §（十七）), for
    # this many calendar days.
    monitoring_days: int | None = Field(default=None, gt=0, le=3650)
    # Red and black lists are published (003 联合奖惩 §（二十））; watch lists are shared.
    disclosure: Literal["public", "government"]

    @model_validator(mode="after")
    def _check(self) -> ListSpec:
        if self.identifying_sector not in SECTORS:
            raise ValueError(f"unknown identifying_sector {self.identifying_sector}")
        if self.kind == "red" and self.notice_days < 1:
            raise ValueError(
                f"a red list needs a public notice period ({cite_en('003 联合奖惩 §（六）1')})"
            )
        if self.kind == "black" and self.notice_days < 1:
            raise ValueError(
                f"a black list needs a prior-notice period ({cite_en('003 联合奖惩 §（六）2')})"
            )
        if self.kind != "black" and self.monitoring_days:
            raise ValueError("monitoring after exit applies to black lists only")
        if self.kind == "red" and self.rectification_days:
            raise ValueError("a red list orders no rectification")
        return self


def spec_of(row: CreditList) -> ListSpec:
    """A stored list's spec, as the model it was published from."""
    return ListSpec.model_validate(row.spec)


class ListsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lists: list[ListSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> ListsIn:
        codes = [x.code for x in self.lists]
        if len(set(codes)) != len(codes):
            raise ValueError("list codes must be unique")
        return self


class ListOut(ListSpec):
    model_config = ConfigDict(extra="ignore")

    active_entries: int | None = None


class PersonIn(BaseModel):
    """A directly responsible person named in a black-list entry (Measures art. 29)."""

    model_config = ConfigDict(extra="forbid")

    id_number: str
    name: str = Field(min_length=1, max_length=100)
    position: str | None = Field(default=None, max_length=100)


class EntryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field(description="credit code or ID number")
    basis_records: list[BigIdField] = Field(
        min_length=1, description="ids of active records of the list's basis items"
    )
    reason: str = Field(min_length=1, max_length=2000, description="认定事由")
    # A shorter period than the list's default, where the decision sets one.
    listed_until: date | None = None
    responsible_persons: list[PersonIn] = Field(default=[], max_length=50)


class StepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)


class ExitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Literal["repair", "revocation"]
    explanation: str = Field(min_length=1, max_length=2000)


class ObjectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    statement: str = Field(min_length=1, max_length=5000, description="陈述申辩 / 异议理由")


class ObjectionDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    upheld: bool = Field(description="true: the objection stands and the entry is withdrawn")
    reason: str = Field(min_length=1, max_length=2000)


class InterviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    interview_type: Literal["提示约谈", "警示约谈"]
    interviewed_on: date
    interviewee_name: str = Field(min_length=1, max_length=100)
    interviewee_position: str | None = Field(default=None, max_length=100)
    content: str = Field(min_length=1, max_length=5000)


class StepOut(BaseModel):
    step: str
    at: datetime
    actor: str
    detail: dict


class ObjectionOut(BaseModel):
    id: str
    statement: str
    filed_by: str
    filed_at: datetime
    upheld: bool | None
    decision_reason: str | None
    decided_at: datetime | None


class EntryOut(BaseModel):
    id: str
    list: str
    list_name: str
    kind: ListKind
    field: str
    subject: str
    subject_name: str
    state: str
    reason: str
    # ``list`` is a field here, so the type is named from builtins.
    basis_records: builtins.list[str]
    department: str
    created_at: datetime
    notice_ends_on: date | None
    confirmed_at: datetime | None
    listed_until: date | None
    rectify_by: date | None
    rectified_at: datetime | None
    exited_at: datetime | None
    exit_reason: str | None
    monitoring_until: date | None
    benefits_recall: bool
    under_objection: bool = Field(
        description="a subject's objection to the entry is being handled (Measures art. 32): "
        "the entry stays in force meanwhile"
    )
    steps: builtins.list[StepOut]
    objections: builtins.list[ObjectionOut]
