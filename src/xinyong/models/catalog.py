"""The public credit information catalog (公共信用信息目录), versioned (Measures art. 8)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.models.base import Base, JSONType, UTCDateTime, str_enum


class Category(enum.StrEnum):
    """Measures art. 9–13."""

    basic = "basic"
    positive = "positive"
    negative = "negative"
    other = "other"


class Disclosure(enum.StrEnum):
    """Measures art. 19: 社会公开 / 政府共享 / 授权查询."""

    public = "public"
    government = "government"
    authorised = "authorised"


class CatalogStatus(enum.StrEnum):
    draft = "draft"
    published = "published"
    superseded = "superseded"


class CatalogVersion(Base):
    __tablename__ = "catalog_versions"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    number: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[CatalogStatus] = mapped_column(str_enum(CatalogStatus))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by: Mapped[str | None] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)


class CatalogItem(Base):
    __tablename__ = "catalog_items"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("catalog_versions.id"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[Category] = mapped_column(str_enum(Category))
    disclosure: Mapped[Disclosure] = mapped_column(str_enum(Disclosure))
    subject_types: Mapped[list] = mapped_column(JSONType)
    sources: Mapped[list] = mapped_column(JSONType)
    update_cycle: Mapped[str] = mapped_column(String(20))
    legal_validity_years: Mapped[int | None]
    legal_validity_basis: Mapped[str | None] = mapped_column(Text)
    retention_years: Mapped[int]
    legal_basis: Mapped[str] = mapped_column(Text)
    act_type: Mapped[str | None] = mapped_column(String(20))
    decision_date_field: Mapped[str | None] = mapped_column(String(64))
    registers_subject: Mapped[bool] = mapped_column(default=False)
    links: Mapped[list] = mapped_column(JSONType)
    fields: Mapped[list] = mapped_column(JSONType)

    __table_args__ = (UniqueConstraint("version_id", "code"),)
