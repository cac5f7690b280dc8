"""Departments, tokens, id nodes and the audit log."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.core.ids import NODES
from xinyong.models.base import Base, BigIntKey, JSONType, UTCDateTime, str_enum


class Role(enum.StrEnum):
    """Who may call what (domain.md § roles). ``public`` is the anonymous caller."""

    authority = "authority"
    provider = "provider"
    user_department = "user_department"
    subject = "subject"
    public = "public"


class IdNode(Base):
    """The lease of one of the 1,024 node numbers of the ids (core/ids.py, ADR 0014). Rows are
    reused, never deleted: ``ceiling_ms`` keeps the next holder above the last one's ids."""

    __tablename__ = "id_nodes"
    __table_args__ = (CheckConstraint(f"node >= 0 AND node < {NODES}", name="node_range"),)

    node: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # The holder: a random token per claim (host and pid repeat across containers and boots).
    token: Mapped[str] = mapped_column(String(32))
    hostname: Mapped[str] = mapped_column(String(100))
    pid: Mapped[int]
    # The database's clock, never the holder's.
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    leased_until: Mapped[datetime] = mapped_column(UTCDateTime())
    # Milliseconds since the ids' epoch: no holder so far put a later one into an id.
    ceiling_ms: Mapped[int] = mapped_column(BigInteger)


class Department(Base):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str] = mapped_column(String(6))
    # The sector (docs/catalog-format.md § sector codes): a provider may push an item
    # only if its sector is one of the item's sources (Measures art. 8, 16).
    kind: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The department's own 统一社会信用代码, where given: a government body's notices go to
    # the department that is its superior (003 政务诚信; government/quarterly.py).
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    subject_id: Mapped[int | None] = mapped_column(BigInteger)
    # Only the SHA-256 of the token is kept; the token itself is shown once at creation.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditEntry(Base):
    """Append-only, hash-chained log of every write and every read of non-public data
    (Measures art. 36; 000 §（十八）). ``xinyong audit verify`` recomputes the chain."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[int | None] = mapped_column(BigInteger)
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(64))
    purpose: Mapped[str | None] = mapped_column(String(200))
    before_ref: Mapped[str | None] = mapped_column(String(200))
    after_ref: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict | None] = mapped_column(JSONType)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index(None, "subject_id", "at"),)


class AuditHead(Base):
    """The chain's head, one row: taking it FOR UPDATE serialises appends (a row lock on
    PostgreSQL, the single writer on SQLite) so the chain never forks."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_id: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
