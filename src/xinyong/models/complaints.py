"""Complaints and tip-offs about failures (失信举报, 003 联合奖惩 §（十五）: 建立完善失信举报制度，
鼓励公众 … 举报 … 严格保护举报人合法权益): what the public reports, where it went, what the
competent department found, and the record it pushed when the report was substantiated.

A complaint is keyed by its own id, not by the subject's: the subject it names may be unknown to
the platform, and nothing of a complaint may be found through a subject's own id (its query
log, its files, its steps). The informant's identity is kept encrypted (``informant``) and
never leaves the complaint except to the department handling it, each read logged."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.models.base import Base, JSONType, UTCDateTime, str_enum
from xinyong.models.subject import SubjectKind


class ComplaintState(enum.StrEnum):
    """received → accepted | not_accepted; accepted → substantiated | unsubstantiated."""

    received = "received"  # 已收到: awaiting the competent department's acceptance
    accepted = "accepted"  # 已受理: being handled
    not_accepted = "not_accepted"  # 不予受理 (with its reason)
    substantiated = "substantiated"  # 查证属实 (the department's record linked)
    unsubstantiated = "unsubstantiated"  # 查无实据 (with the reply)


class Complaint(Base):
    """One report by the public about a subject's failure."""

    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # The SHA-256 of the receipt code (举报回执码) the informant follows it with: the code is
    # random (80 bits) and shown once; only its hash is kept, as tokens' are.
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The subject as the informant named it: an organisation by its credit code, a person by
    # name and ID number (found by keyed hash, stored encrypted, shown masked: as subjects).
    subject_kind: Mapped[SubjectKind] = mapped_column(str_enum(SubjectKind))
    credit_code: Mapped[str | None] = mapped_column(String(18))
    id_hash: Mapped[str | None] = mapped_column(String(40))
    id_cipher: Mapped[str | None] = mapped_column(String(120))
    id_masked: Mapped[str | None] = mapped_column(String(18))
    subject_name: Mapped[str] = mapped_column(String(200))
    # The platform's subject of that key, when it holds one (at filing, or once the
    # substantiating record created it).
    subject_id: Mapped[int | None] = mapped_column(BigInteger)
    # GB/T 2260 region the routing went by (the credit code's or ID number's, or the
    # subject's registered one).
    region_code: Mapped[str | None] = mapped_column(String(6))
    # The failure's sector as the informant chose it (a department kind, core/labels
    # SECTOR_NAMES); the competent department (null: the credit authority's own queue).
    sector: Mapped[str] = mapped_column(String(40))
    department_id: Mapped[int | None]
    # What happened, when and where.
    facts: Mapped[str] = mapped_column(Text)
    happened_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(200))
    # The informant's name and contact (JSON), AES-GCM encrypted; null: anonymous.
    informant: Mapped[str | None] = mapped_column(Text)
    state: Mapped[ComplaintState] = mapped_column(str_enum(ComplaintState))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The handling periods applied, with their basis (complaints/default_periods.json).
    periods: Mapped[dict] = mapped_column(JSONType)
    accept_due_on: Mapped[date]
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    handle_due_on: Mapped[date | None]
    # Why it was not accepted; the department's reply on concluding.
    reason: Mapped[str | None] = mapped_column(Text)
    reply: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The department's own record a substantiated complaint led to (records/).
    record_id: Mapped[int | None] = mapped_column(BigInteger)
    record_source_id: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (
        Index(None, "department_id", "state"),
        Index(None, "state", "accept_due_on"),
        Index(None, "subject_id"),
    )
