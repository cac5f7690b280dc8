"""Batches, records (公共信用信息) and their revisions. Records are immutable: a change of
standing is a new revision (Measures art. 36)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.models.base import Base, JSONType, UTCDateTime, str_enum
from xinyong.models.catalog import Category, Disclosure


class Channel(enum.StrEnum):
    """同级推送 / 省统一推送: the same record may come by both and is stored once."""

    same_level = "same_level"
    province_unified = "province_unified"


class Severity(enum.StrEnum):
    """轻微 / 一般 / 较重 / 严重 失信 (Measures art. 15, 30). Which grades a record may carry
    and for how long it counts is the validity rule in force (validity/service.py)."""

    minor = "minor"
    general = "general"
    serious = "serious"
    severe = "severe"


class Standing(enum.StrEnum):
    active = "active"
    expired = "expired"
    corrected = "corrected"
    revoked = "revoked"
    repaired = "repaired"
    # 容错纠错 (003 政务诚信 二（三）: 经认定符合容错纠错情形和条件的，可不纳入政务失信记录):
    # kept with its decision, never counted nor published.
    excluded = "excluded"


class Batch(Base):
    __tablename__ = "batches"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    provider_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    via: Mapped[str] = mapped_column(String(10))  # api | file
    filename: Mapped[str | None] = mapped_column(String(300))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    total: Mapped[int]
    accepted: Mapped[int]
    duplicates: Mapped[int]
    rejected: Mapped[int]
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    answer: Mapped[dict | None] = mapped_column(JSONType)

    __table_args__ = (
        UniqueConstraint("provider_id", "idempotency_key"),
        # The incremental evaluation pass reads the batches received since it last read
        # (evaluation/cursor.py), every few seconds in a serving process.
        Index(None, "received_at"),
    )


class Record(Base):
    __tablename__ = "records"

    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    item_code: Mapped[str] = mapped_column(String(64))
    # No foreign keys on this table: rows are written only by the collector, which takes the
    # item and the provider from the database in the same transaction, and the per-row
    # constraint triggers cost about 40 % of a bulk load (docs/adr/0002).
    catalog_item_id: Mapped[int]
    catalog_version: Mapped[int]
    category: Mapped[Category] = mapped_column(str_enum(Category))
    disclosure: Mapped[Disclosure] = mapped_column(str_enum(Disclosure))
    provider_id: Mapped[int]
    batch_id: Mapped[int] = mapped_column(BigInteger)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    source_id: Mapped[str] = mapped_column(String(100))
    severity: Mapped[Severity | None] = mapped_column(str_enum(Severity))
    determined_on: Mapped[date | None]
    # End of validity (Measures art. 30); null for items that do not expire.
    expires_on: Mapped[date | None]
    # Display-safe values: an id_number field holds its masked form here ...
    fields: Mapped[dict] = mapped_column(JSONType)
    # ... and its ciphertext here, readable only by the person and authorised roles.
    protected: Mapped[dict | None] = mapped_column(JSONType)
    standing: Mapped[Standing] = mapped_column(str_enum(Standing), default=Standing.active)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # An organisation's name as the provider pushed it with the record (null for a person):
    # the name check compares it with the names the subject was registered under (quality/).
    subject_name: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        # The same record by either channel is stored once (Measures art. 16).
        UniqueConstraint("subject_id", "provider_id", "item_code", "source_id"),
        Index(None, "batch_id"),
        # The collection report finds each provider's last push of each item it owes with one
        # probe of this index (oversight/repository.last_pushes; Measures art. 16).
        Index(None, "provider_id", "item_code", "received_at"),
        # The daily expiry (records/expiry.py) finds the active records past their validity
        # without scanning the others.
        Index(
            "ix_records_active_expires_on",
            "expires_on",
            postgresql_where=text("standing = 'active' AND expires_on IS NOT NULL"),
            sqlite_where=text("standing = 'active' AND expires_on IS NOT NULL"),
        ),
        # The daily warning sweep (risk/repository): an item's active records by
        # determination day, and the active negative records by arrival (migration 0027;
        # its expression indexes of the date_due rules' fields are the migration's only).
        Index(
            "ix_records_active_item_determined_on",
            "item_code",
            "determined_on",
            postgresql_where=text("standing = 'active' AND determined_on IS NOT NULL"),
            sqlite_where=text("standing = 'active' AND determined_on IS NOT NULL"),
        ),
        Index(
            "ix_records_active_negative_received_at",
            "received_at",
            postgresql_where=text("category = 'negative' AND standing = 'active'"),
            sqlite_where=text("category = 'negative' AND standing = 'active'"),
        ),
        # The 政务失信 records (government/service.sync_cases reads them every few seconds for
        # the ones without a case): a few thousand among millions, so a partial index.
        Index(
            "ix_records_government_failure",
            "subject_id",
            "id",
            postgresql_where=text("item_code = 'government_failure'"),
            sqlite_where=text("item_code = 'government_failure'"),
        ),
    )


class RecordRevision(Base):
    __tablename__ = "record_revisions"

    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    record_id: Mapped[int] = mapped_column(BigInteger)
    standing: Mapped[Standing] = mapped_column(str_enum(Standing))
    procedure: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(500))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index(None, "subject_id", "record_id"),)
