"""Risk warnings (风险预警, issue 17 part 2): the warning rules as versioned data, each warning
the daily sweep found (once per rule, subject and basis fact), the people and departments that
want them by e-mail or SMS, and the message outbox that sends them once."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.models.base import Base, BigIntKey, JSONType, UTCDateTime, str_enum


class Audience(enum.StrEnum):
    """Whom a warning is for: the subject itself, the department that supervises it (the
    provider of the record the warning rests on), or the credit authority."""

    subject = "subject"
    department = "department"
    authority = "authority"


class WarningSeverity(enum.StrEnum):
    """提示 / 预警 / 严重预警."""

    notice = "notice"
    warning = "warning"
    serious = "serious"


class WarningRule(Base):
    """One version of a warning rule. Rules are added, never edited: a new version of the same
    code replaces the old one from its creation, and a version with ``enabled`` false retires
    the code. A fact warned under an earlier version is not warned again (the key of a
    warning holds the code, not the version)."""

    __tablename__ = "warning_rules"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    condition: Mapped[dict] = mapped_column(JSONType)
    audience: Mapped[Audience] = mapped_column(str_enum(Audience))
    severity: Mapped[WarningSeverity] = mapped_column(str_enum(WarningSeverity))
    basis_title: Mapped[str] = mapped_column(String(200))
    basis_number: Mapped[str] = mapped_column(String(100))
    basis_article: Mapped[str | None] = mapped_column(String(100))
    enabled: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("code", "version"),)


class RiskWarning(Base):
    """A warning: rule, subject and the basis fact (a record and its phase, a grade change)
    are its key, so a re-run or a second process never makes it twice. ``reason`` is what
    the subject and the department read of why; it is written with the deliveries."""

    __tablename__ = "warnings"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    rule_id: Mapped[int] = mapped_column(BigInteger)
    rule_code: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[int] = mapped_column(BigInteger)
    fact: Mapped[str] = mapped_column(String(100))
    audience: Mapped[Audience] = mapped_column(str_enum(Audience))
    # The supervising department for audience ``department``; null: the authority.
    department_id: Mapped[int | None]
    severity: Mapped[WarningSeverity] = mapped_column(str_enum(WarningSeverity))
    record_id: Mapped[int | None] = mapped_column(BigInteger)
    due_on: Mapped[date | None]
    reason: Mapped[dict | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When its task, feed change and messages were made (in the sweep's transaction).
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("rule_code", "subject_id", "fact"),
        Index(None, "subject_id"),
        Index(None, "department_id", "id"),
        Index(
            "ix_warnings_undelivered",
            "id",
            postgresql_where=text("delivered_at IS NULL"),
            sqlite_where=text("delivered_at IS NULL"),
        ),
    )


class RiskSweep(Base):
    """One row per day the daily sweep ran (as of that day): the scheduled job sweeps once a
    day; ``xinyong risk sweep`` sweeps whenever it is run."""

    __tablename__ = "risk_sweeps"

    day: Mapped[date] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    warnings: Mapped[int]


class WarningContact(Base):
    """Where a subject or a department wants its warnings sent: an e-mail address or a mobile
    number. Ended, never edited."""

    __tablename__ = "warning_contacts"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    subject_id: Mapped[int | None] = mapped_column(BigInteger)
    department_id: Mapped[int | None]
    channel: Mapped[str] = mapped_column(String(10))  # email | sms
    address: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index(None, "subject_id"), Index(None, "department_id"))


class OutboxMessage(Base):
    """One message of one warning to one address, sent once by whichever process claims it
    first, retried with back-off, kept when given up."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    warning_id: Mapped[int] = mapped_column(BigInteger)
    channel: Mapped[str] = mapped_column(String(10))
    recipient: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # pending | sent | failed
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("warning_id", "channel", "recipient"),
        Index(None, "status", "next_attempt_at"),
    )
