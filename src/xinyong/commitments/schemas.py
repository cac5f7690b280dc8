"""The commitment item list (信用承诺事项清单) as data, and the API shapes of commitments.

002 §（一）: 建立健全信用承诺制度 … 各地区、各部门要以清单形式公开承诺事项, standard texts
(格式文本) and the breach consequences; 000 §（一） the same for Jiangsu; 004 §3, §9 the
province's 2022 points (告知承诺, 容缺受理, 主动型 and 行业自律型 commitments). The five
types are in docs/domain.md § Commitments and declarations."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from xinyong.catalog.schemas import SECTORS
from xinyong.core.api import BigIdText
from xinyong.rights.schemas import StepOut

CommitmentTypeCode = Literal[
    "approval_substitute", "missing_documents", "self_discipline", "voluntary", "repair"
]
SubjectKindCode = Literal["legal_person", "non_legal_person_org", "natural_person"]
SeverityCode = Literal["minor", "general", "serious", "severe"]
Outcome = Literal["fulfilled", "breached", "false"]

# The placeholders a standard text may hold; the platform fills them when a subject signs.
PLACEHOLDERS = {
    "subject_name": "承诺主体名称",
    "subject_code": "统一社会信用代码或身份证号码（脱敏）",
    "item_name": "承诺事项",
    "procedure": "所属事项",
    "department_name": "承诺受理单位",
    "reference": "受理编号",
    "signed_on": "承诺日期",
    "due_on": "履约期限",
}
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# The item list's own rules (the validators below): each problem's type, the field it is about,
# and what a person reads, with the values of the error's context.
ITEM_PROBLEMS = {
    "unknown_sector": ("sector", "行业代码 {sector} 不存在"),
    "unknown_placeholder": ("template", "格式文本中有不认识的占位符：{names}"),
    "verification_required": ("verification", "告知承诺和容缺受理须写明核查方式和期限"),
    "due_on_without_deadline": ("template", "没有核查期限，格式文本中不能有 {{due_on}}"),
    "duplicate_code": ("items", "事项代码重复：{codes}"),
}


class Verification(BaseModel):
    """How and by when fulfilment is verified (核查): within ``days`` days of the signing,
    working days by the official calendar or calendar days, as the item's basis says."""

    model_config = ConfigDict(extra="forbid")

    method: str = Field(min_length=1, max_length=500, description="核查方式")
    days: int = Field(ge=1, le=366)
    day_kind: Literal["working", "calendar"]


class BreachConsequence(BaseModel):
    """What a breach or a false commitment leads to: a negative record of ``item`` (a catalog
    item code) with ``severity``, which may be the basis of a watch-list entry (重点监管)."""

    model_config = ConfigDict(extra="forbid")

    item: str = Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")
    severity: SeverityCode
    watch_list_eligible: bool


class CommitmentItemSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")
    name: str = Field(min_length=1, max_length=200)
    type: CommitmentTypeCode
    # The procedure or business the item belongs to (所属事项或业务).
    procedure: str = Field(min_length=1, max_length=200)
    subject_kinds: list[SubjectKindCode] = Field(min_length=1)
    # The accepting department's sector (承诺受理部门).
    sector: str
    legal_basis: str = Field(min_length=1)
    # Whether commitments of this item are published to society (信用承诺专栏).
    published: bool
    verification: Verification | None = None
    breach: BreachConsequence
    obligations: list[str] = Field(min_length=1)
    # The standard text (格式文本), with placeholders from PLACEHOLDERS.
    template: str = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> CommitmentItemSpec:
        code = self.code
        if self.sector not in SECTORS:
            raise PydanticCustomError(
                "unknown_sector",
                "commitment item {code}: unknown sector {sector}",
                {"code": code, "sector": self.sector},
            )
        unknown = set(PLACEHOLDER.findall(self.template)) - set(PLACEHOLDERS)
        if unknown:
            raise PydanticCustomError(
                "unknown_placeholder",
                "commitment item {code}: unknown placeholders {names}",
                {"code": code, "names": "、".join(sorted(unknown))},
            )
        if self.type in ("approval_substitute", "missing_documents") and self.verification is None:
            raise PydanticCustomError(
                "verification_required",
                "commitment item {code}: this type is verified by a deadline",
                {"code": code},
            )
        if self.verification is None and "{due_on}" in self.template:
            raise PydanticCustomError(
                "due_on_without_deadline",
                "commitment item {code}: no deadline to fill in {{due_on}}",
                {"code": code},
            )
        return self


class CommitmentItemsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[CommitmentItemSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> CommitmentItemsIn:
        codes = [i.code for i in self.items]
        if len(set(codes)) != len(codes):
            twice = sorted({c for c in codes if codes.count(c) > 1})
            raise PydanticCustomError(
                "duplicate_code",
                "commitment item codes must be unique: {codes}",
                {"codes": "、".join(twice)},
            )
        return self


class CommitmentItemOut(CommitmentItemSpec):
    model_config = ConfigDict(extra="ignore")

    version: int
    template_version: int


DocumentName = Annotated[str, Field(min_length=1, max_length=200)]


class CommitmentIn(BaseModel):
    """A commitment signed: online by the subject for itself (``department`` names the
    accepting department, ``confirmed`` says the subject read the whole text), or on paper,
    recorded by the accepting department for the ``subject`` it names, with the scan."""

    model_config = ConfigDict(extra="forbid")

    item: str = Field(min_length=1, max_length=64)
    template_version: int = Field(ge=1, le=2**31 - 1)
    subject: str | None = Field(
        default=None, max_length=40, description="credit code or ID number (a department's)"
    )
    department: str | None = Field(
        default=None, max_length=64, description="the accepting department's code (a subject's)"
    )
    reference: str = Field(default="", max_length=100, description="受理编号")
    confirmed: bool = False
    evidence_file_id: BigIdText | None = Field(
        default=None, description="the scan of a paper commitment (POST /evidence)"
    )
    # 容缺受理: the documents missing at the acceptance, to be supplied by the deadline.
    missing_documents: list[DocumentName] | None = Field(
        default=None, max_length=50, description="容缺材料名称（容缺受理事项必填）"
    )


class FulfilmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    note: str = Field(min_length=1, max_length=2000)
    # The determination's document number (认定文书号): a breach's record names it.
    decision_number: str | None = Field(default=None, min_length=1, max_length=100)
    evidence_file_id: BigIdText | None = None


class DocumentsIn(BaseModel):
    """Documents of a 容缺受理 supplied to the accepting department (补齐容缺材料)."""

    model_config = ConfigDict(extra="forbid")

    documents: list[DocumentName] = Field(min_length=1, max_length=50)
    note: str | None = Field(default=None, max_length=2000)
    evidence_file_id: BigIdText | None = None


class WithdrawalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)


class CommitmentOut(BaseModel):
    id: str
    subject: str
    subject_name: str
    item: str
    item_name: str
    item_version: int
    type: CommitmentTypeCode
    template_version: int
    text: str
    text_sha256: str
    obligations: list[str]
    breach: BreachConsequence
    reference: str
    department: str
    department_name: str
    channel: Literal["online", "paper"]
    signed_by: str
    signed_at: datetime
    evidence_file_id: str | None
    accepted_at: datetime | None
    due_on: date | None
    state: Literal["pending", "fulfilled", "breached", "false", "withdrawn"]
    record_id: str | None
    closed_at: datetime | None
    # 容缺受理: the documents missing at the acceptance and those supplied since.
    missing_documents: list[str] | None = None
    documents_supplied: list[str] | None = None
    steps: list[StepOut]


class RevocationIn(BaseModel):
    """The department revoked what it granted on a commitment found false or not kept."""

    model_config = ConfigDict(extra="forbid")

    # The revocation decision's document number (撤销决定文书号).
    decision_number: str = Field(min_length=1, max_length=100)
    note: str = Field(default="", max_length=2000)


StateCode = Literal["pending", "fulfilled", "breached", "false", "withdrawn"]


class CommitmentFactOut(BaseModel):
    """A commitment as the archive and the portal show it, with the national portal's fields:
    承诺类型 (``type_name``), 承诺事由 (``matter``: the procedure it was made for), 做出承诺日期
    (``signed_on``), 承诺受理单位 (``department_name``), 承诺履约状态 (``state_name``)."""

    id: str
    item: str
    item_name: str
    type: CommitmentTypeCode
    type_name: str
    matter: str
    signed_on: date
    department: str
    department_name: str
    state: StateCode
    state_name: str
    # The day its fulfilment was determined: a positive fact (守信) from then on.
    fulfilled_on: date | None
    # Whether society sees it (the item's commitments are published).
    public: bool


class ArchiveCommitmentsOut(BaseModel):
    """The commitments in a subject's archive: every one signed that the reader may see, and
    those fulfilled (履约), the positive facts among them (守信)."""

    signed: list[CommitmentFactOut] = Field(default_factory=list)
    fulfilled: list[CommitmentFactOut] = Field(default_factory=list)
