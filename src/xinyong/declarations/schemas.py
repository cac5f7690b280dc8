"""The categories of self-declaration as data, and the API shapes of declarations.

000 §（五）: 鼓励市场主体自主自愿申报资质证照、生产经营、合同履行、表彰奖励、社会公益等信用信息，
并对信息真实性作出公开信用承诺 … 相关部门要充分利用 … 政府部门核查等方式对申报信息予以验证。
经验证的自主申报信息可作为开展信用评价和生成信用报告的参考. 002 §（五） and 001 §（五） the
same (自愿注册). Each category is one pydantic model of its fields (what a subject states), and
one row of ``CATEGORIES``: who may read it once verified, which sectors are competent to verify
it, and which of the subject's records may confirm it without a department."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xinyong.commitments.schemas import BreachConsequence
from xinyong.models import DeclarationCategory, Disclosure
from xinyong.rights.schemas import EvidenceOut, StepOut


def _text(max_length: int = 200) -> Any:
    return Field(min_length=1, max_length=max_length)


def _amount(**kw: Any) -> Any:
    """万元, two decimals, as the catalog's amounts."""
    return Field(ge=0, max_digits=14, decimal_places=2, **kw)


Level = Literal["国家级", "省级", "市级", "县级", "其他"]


class _Fields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class QualificationFields(_Fields):
    """资质证照: a licence, certificate or qualification the subject holds."""

    licence_name: str = _text()
    licence_number: str = _text(100)
    issuing_authority: str = _text()
    valid_from: date
    # None: without an end (长期有效).
    valid_to: date | None = None

    @model_validator(mode="after")
    def _period(self) -> QualificationFields:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self


class OperationFields(_Fields):
    """生产经营: the subject's figures for a period it names; at least one figure."""

    period_from: date
    period_to: date
    revenue: Decimal | None = _amount(default=None)
    employees: int | None = Field(default=None, ge=0, le=10_000_000)
    tax_paid: Decimal | None = _amount(default=None)
    description: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _figures(self) -> OperationFields:
        if self.period_to < self.period_from:
            raise ValueError("period_to is before period_from")
        if self.revenue is None and self.employees is None and self.tax_paid is None:
            raise ValueError("state at least one of revenue, employees, tax_paid")
        return self


class ContractFields(_Fields):
    """合同履行: a contract the subject performed."""

    counterparty: str = _text()
    counterparty_code: str | None = Field(default=None, pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$")
    contract_subject: str = _text()
    amount: Decimal = _amount()
    signed_on: date | None = None
    performed_on: date

    @model_validator(mode="after")
    def _order(self) -> ContractFields:
        if self.signed_on is not None and self.performed_on < self.signed_on:
            raise ValueError("performed_on is before signed_on")
        return self


class HonourFields(_Fields):
    """表彰奖励: an honour or award conferred on the subject."""

    title: str = _text()
    awarding_body: str = _text()
    awarded_on: date
    level: Level | None = None
    document_number: str | None = Field(default=None, min_length=1, max_length=100)


class PublicInterestFields(_Fields):
    """社会公益: volunteer service, a donation or other public-interest work."""

    activity: str = _text()
    held_on: date
    organiser: str = _text()
    hours: Decimal | None = Field(default=None, ge=0, max_digits=8, decimal_places=1)
    amount: Decimal | None = _amount(default=None)
    description: str | None = Field(default=None, max_length=2000)


@dataclass(frozen=True)
class Match:
    """A record of catalog ``item`` that confirms a declaration: each of ``keys`` (declared
    field → record field) present and equal; each of ``also`` equal where both state it; the
    record's ``status`` field, if it has one, among ``good``."""

    item: str
    keys: dict[str, str]
    also: dict[str, str] = field(default_factory=dict)
    status: str | None = None
    good: tuple[str, ...] = ()


@dataclass(frozen=True)
class CategorySpec:
    model: type[_Fields]
    disclosure: Disclosure
    # The sectors competent to verify it; a subject may name a department of one of them.
    sectors: tuple[str, ...]
    # Where it goes when the subject names none (the department of this sector nearest the
    # subject; none at all: the credit authority's own queue).
    default_sector: str
    # Dates that cannot be after the day of the declaration.
    past_dates: tuple[str, ...]
    # The subject's records that may confirm it (000 §（五）: 信用信息共享平台 … 予以验证);
    # none: only a department can judge.
    matches: tuple[Match, ...] = ()


# Every sector here may provide the catalog's broken_commitment item, which a false
# declaration writes in the name of the department that finds it (tests check).
CATEGORIES: dict[DeclarationCategory, CategorySpec] = {
    DeclarationCategory.qualification: CategorySpec(
        model=QualificationFields,
        disclosure=Disclosure.public,
        sectors=(
            "market_regulation",
            "housing_construction",
            "transport",
            "health",
            "drug_administration",
            "education",
            "human_resources",
            "emergency_management",
            "natural_resources",
            "ecology_environment",
            "judicial_administration",
            "commerce",
            "finance",
            "other",
        ),
        default_sector="market_regulation",
        past_dates=("valid_from",),
        matches=(
            Match(
                "administrative_licensing",
                keys={"licence_number": "licence_number"},
                also={"valid_from": "valid_from", "valid_to": "valid_to"},
                status="current_status",
                good=("正常",),
            ),
            Match(
                "qualification",
                keys={"licence_number": "certificate_number"},
                also={"valid_from": "valid_from", "valid_to": "valid_to"},
                status="status",
                good=("有效",),
            ),
        ),
    ),
    DeclarationCategory.operation: CategorySpec(
        model=OperationFields,
        disclosure=Disclosure.government,
        sectors=("tax", "market_regulation", "human_resources", "other"),
        default_sector="tax",
        past_dates=("period_to",),
    ),
    DeclarationCategory.contract: CategorySpec(
        model=ContractFields,
        disclosure=Disclosure.government,
        sectors=(
            "market_regulation",
            "development_reform",
            "commerce",
            "housing_construction",
            "transport",
            "finance",
            "other",
        ),
        default_sector="market_regulation",
        past_dates=("signed_on", "performed_on"),
    ),
    DeclarationCategory.honour: CategorySpec(
        model=HonourFields,
        disclosure=Disclosure.public,
        sectors=(
            "development_reform",
            "credit_authority",
            "market_regulation",
            "human_resources",
            "civil_affairs",
            "education",
            "health",
            "tax",
            "other",
        ),
        default_sector="development_reform",
        past_dates=("awarded_on",),
        matches=(
            Match(
                "commendation", keys={"title": "honour_name"}, also={"awarded_on": "conferred_on"}
            ),
            Match(
                "administrative_reward",
                keys={"title": "reward_name"},
                also={"awarded_on": "decided_on"},
                status="current_status",
                good=("正常",),
            ),
        ),
    ),
    DeclarationCategory.public_interest: CategorySpec(
        model=PublicInterestFields,
        disclosure=Disclosure.public,
        sectors=("civil_affairs", "other"),
        default_sector="civil_affairs",
        past_dates=("held_on",),
        matches=(
            Match(
                "volunteer_service",
                keys={"activity": "activity_name"},
                also={"held_on": "started_on"},
            ),
        ),
    ),
}

# What a false declaration leads to: a breach of its truthfulness commitment (Measures art.
# 12（六）; 002 §（一）: 虚假承诺 … 视情节实施惩戒), a general failure that may ground closer
# supervision (002 §（五）: 违背信用承诺的 … 列入重点监管范围).
FALSE_DECLARATION = BreachConsequence(
    item="broken_commitment", severity="general", watch_list_eligible=True
)

# The truthfulness commitment (信息真实性承诺), a standard text as commitments have theirs;
# placeholders as commitments.schemas.PLACEHOLDER reads them. A new text is a new version.
COMMITMENT_VERSION = 1
COMMITMENT_TEXT = (
    "信用信息自主申报真实性承诺书\n"
    "本主体{subject_name}（{subject_code}）自主申报{category_name}信息，现郑重承诺：\n"
    "一、所申报的信息及所附材料真实、准确、完整，不存在虚假记载、误导性陈述或重大遗漏；\n"
    "二、同意公共信用信息平台对申报信息进行整合、共享与应用，并通过登记信息、已归集的公共"
    "信用信息和主管部门核查等方式予以验证；\n"
    "三、申报信息经认定虚假的，愿意承担违背信用承诺的责任，相关信息记入信用记录，并依法依规"
    "接受相应的失信约束措施。\n"
    "承诺日期：{declared_on}"
)


class DeclarationIn(BaseModel):
    """A declaration as the subject makes it (the ``declaration`` part of the form)."""

    model_config = ConfigDict(extra="forbid")

    # Checked against CATEGORIES by the service (422 unknown_declaration_category).
    category: str = Field(min_length=1, max_length=32)
    # The category's fields (one of the *Fields models), checked by the service.
    fields: dict[str, Any]
    # An organisation's legal representative as the subject states it (not for a person).
    legal_representative: str | None = Field(default=None, min_length=1, max_length=100)
    # The competent department to verify it, by code; none: the platform routes it.
    department: str | None = Field(default=None, min_length=1, max_length=64)
    # The version of the truthfulness text the subject read, and that it confirms it.
    commitment_version: int = Field(ge=1, le=2**31 - 1)
    confirmed: bool = False


class VerificationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # verified; rejected (not shown true); false (shown untrue: a breach of its commitment).
    outcome: Literal["verified", "rejected", "false"]
    reason: str = Field(min_length=1, max_length=2000)
    # The determination's document number (认定文书号): a false declaration's record names it.
    decision_number: str | None = Field(default=None, min_length=1, max_length=100)


class FieldOut(BaseModel):
    name: str
    required: bool
    type: str


class CategoryOut(BaseModel):
    code: str
    disclosure: Literal["public", "government", "authorised"]
    sectors: list[str]
    default_sector: str
    # The catalog items whose records may confirm it automatically.
    confirmed_by: list[str]
    fields: list[FieldOut]


class CategoriesOut(BaseModel):
    commitment_version: int
    commitment_text: str
    max_attachments: int
    max_attachment_bytes: int
    categories: list[CategoryOut]


class DeclarationOut(BaseModel):
    id: str
    subject: str
    subject_name: str
    category: str
    fields: dict[str, Any]
    legal_representative: str | None
    disclosure: Literal["public", "government", "authorised"]
    commitment_version: int
    text: str
    text_sha256: str
    department: str | None
    department_name: str | None
    declared_by: str
    declared_at: datetime
    due_on: date | None
    state: Literal["pending", "verified", "rejected", "false"]
    verified_by: Literal["automatic", "department"] | None
    verified_at: datetime | None
    confirming_record_id: str | None
    reason: str | None
    record_id: str | None
    closed_at: datetime | None
    attachments: list[EvidenceOut]
    steps: list[StepOut]
