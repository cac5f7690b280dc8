"""API shapes of collection and the archive."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from xinyong.commitments.schemas import ArchiveCommitmentsOut


class SubjectRefIn(BaseModel):
    credit_code: str | None = Field(default=None, description="统一社会信用代码 (organisations)")
    id_number: str | None = Field(default=None, description="居民身份证号码 (natural persons)")
    name: str = Field(
        description="名称或姓名; stored NFKC-normalised, invisible characters removed (docs/api.md)"
    )


class RecordIn(BaseModel):
    item: str = Field(description="catalog item code, e.g. administrative_penalty")
    source_id: str = Field(description="the provider's own id of the record; dedup key")
    subject: SubjectRefIn
    fields: dict[str, Any] = Field(description="by field name (or Chinese label)")
    severity: Literal["minor", "general", "serious", "severe"] | None = Field(
        default=None,
        description="negative records only (Measures art. 15); the validity rule in force on "
        "determined_on must grade it (GET /validity-rules)",
    )
    determined_on: date | None = Field(
        default=None, description="date the failure was determined (Measures art. 30)"
    )


class BatchIn(BaseModel):
    channel: Literal["same_level", "province_unified"] = Field(
        description="同级推送 or 省统一推送; a record that came by either is stored once"
    )
    records: list[RecordIn] = Field(max_length=10_000)


class FieldErrorOut(BaseModel):
    field: str | None
    code: str
    message: str
    message_en: str


class RejectedOut(BaseModel):
    index: int
    errors: list[FieldErrorOut]


class BatchOut(BaseModel):
    batch_id: str
    accepted: int
    duplicates: int
    rejected: list[RejectedOut]


class RecordOut(BaseModel):
    id: str
    item: str
    item_name: str
    category: str
    disclosure: str
    standing: Literal["active", "expired", "corrected", "revoked", "repaired", "excluded"]
    provider: str
    provider_name: str
    channel: str
    batch_id: str
    catalog_version: int
    source_id: str
    severity: str | None
    determined_on: date | None
    expires_on: date | None
    received_at: datetime
    fields: dict[str, Any]
    under_objection: bool = Field(
        default=False,
        description="an objection against it is open: it stays published and in force "
        "meanwhile (Measures art. 32: 应打上标识，但不影响其公示与应用)",
    )


class NameOut(BaseModel):
    name: str
    since: datetime


class LinkOut(BaseModel):
    role: str
    direction: Literal["person", "organisation"] = Field(
        description="person: a person linked to this organisation; organisation: an "
        "organisation this person is linked to"
    )
    name: str
    key: str = Field(description="credit code, or masked ID number")
    started_at: datetime
    ended_at: datetime | None


class SubjectOut(BaseModel):
    id: str
    kind: str
    name: str
    credit_code: str | None
    id_number: str | None = Field(description="masked (first 6 + last 4) unless you may see it")
    region_code: str | None
    registering_authority: str | None
    registering_authority_name: str | None
    entity_type: str | None
    entity_type_name: str | None
    is_government_agency: bool
    created_at: datetime
    names: list[NameOut]
    links: list[LinkOut]


class DeclaredOut(BaseModel):
    """A verified declaration of the subject's own (自主申报, 000 §（五）), marked as such and
    kept apart from the records collected from departments."""

    id: str
    source: Literal["self_declared"] = "self_declared"
    category: str
    disclosure: str
    fields: dict[str, Any]
    verified_by: str | None
    verified_at: datetime | None
    declared_at: datetime


class ArchiveOut(BaseModel):
    subject: SubjectOut
    as_of: date
    visible_disclosures: list[str]
    categories: dict[str, list[RecordOut]]
    counts: dict[str, int]
    # Verified self-declarations (declarations/), apart from the categories of records.
    declarations: list[DeclaredOut] = Field(default_factory=list)
    # 信用承诺: those signed that the reader may see, and the fulfilled ones (守信).
    commitments: ArchiveCommitmentsOut = Field(default_factory=ArchiveCommitmentsOut)
