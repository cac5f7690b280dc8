"""Data quality (数据质量, Measures art. 16: 及时、准确、完整; its problems monitored): the
quality rules as versioned data, each check run with its window, the findings of the checks on
the providers' queues, the providers' 零报送 (nothing to report this period), the last push of
each item by each provider, and the duties found overdue (quality/)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.models.base import Base, BigIntKey, JSONType, UTCDateTime


class QualityRuleSet(Base):
    """One version of the quality rules and the score's formula (quality/schemas.RuleSetIn),
    published whole: the newest is in force. Versions are added, never edited."""

    __tablename__ = "quality_rule_sets"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    version: Mapped[int] = mapped_column(unique=True)
    rules: Mapped[list] = mapped_column(JSONType)
    score: Mapped[dict] = mapped_column(JSONType)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class QualityRun(Base):
    """One run of the consistency checks: ``daily`` (the scheduled job, once a day, over the
    batches received since the last run: ``since`` … ``until``), ``incremental`` (the same, by
    hand) or ``full`` (every record, ``since`` null)."""

    __tablename__ = "quality_runs"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(12))
    day: Mapped[date]
    since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    until: Mapped[datetime] = mapped_column(UTCDateTime())
    rule_set_version: Mapped[int]
    started_by: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # New findings by rule code.
    found: Mapped[dict | None] = mapped_column(JSONType)

    __table_args__ = (Index(None, "kind", "day"),)


class QualityFinding(Base):
    """A record a rule found wrong, on its provider's queue: once per rule and record, whoever
    runs the check and however often. ``fact`` is what the rule found (the name pushed, the
    decision number, the decision date, the region, the empty fields). Open until the
    provider confirms the record (``confirmed``), corrects it by a new record that replaces it
    (``corrected``) or withdraws it (``withdrawn``); ``superseded`` when the record stopped
    being in force by another procedure first."""

    __tablename__ = "quality_findings"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    rule_code: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(12))
    subject_id: Mapped[int] = mapped_column(BigInteger)
    record_id: Mapped[int] = mapped_column(BigInteger)
    provider_id: Mapped[int]
    item_code: Mapped[str] = mapped_column(String(64))
    fact: Mapped[str | None] = mapped_column(String(300))
    run_id: Mapped[int]
    state: Mapped[str] = mapped_column(String(12))
    found_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    new_record_id: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (
        UniqueConstraint("rule_code", "subject_id", "record_id"),
        Index(None, "provider_id", "state", "id"),
        Index(None, "found_at"),
        Index(None, "subject_id", "record_id"),
        Index(
            "ix_quality_findings_open_run",
            "run_id",
            "provider_id",
            postgresql_where=text("state = 'open'"),
            sqlite_where=text("state = 'open'"),
        ),
    )


class NilReturn(Base):
    """零报送: a provider's statement that it has nothing of an item to report this period,
    counted as a push of the item (Measures art. 16: 及时)."""

    __tablename__ = "quality_nil_returns"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    provider_id: Mapped[int]
    item_code: Mapped[str] = mapped_column(String(64))
    # The period of the item's update cycle the statement is for (catalog/duties.period_of).
    period_from: Mapped[date]
    period_to: Mapped[date]
    note: Mapped[str | None] = mapped_column(String(500))
    filed_by: Mapped[str] = mapped_column(String(100))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index(None, "provider_id", "item_code", "filed_at"),)


class LastPush(Base):
    """The last push of an item by a provider: the latest batch holding a record of it, or
    the latest 零报送 — kept by the checks' runs from the batches they read."""

    __tablename__ = "quality_last_pushes"

    provider_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    item_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    pushed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OverdueDuty(Base):
    """An item a provider owes and did not push in time (catalog/duties.is_overdue): one
    open at most per provider and item, with its task on the provider's queue; closed when a
    push arrives or the item is owed no more."""

    __tablename__ = "quality_overdue_duties"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    provider_id: Mapped[int]
    item_code: Mapped[str] = mapped_column(String(64))
    update_cycle: Mapped[str] = mapped_column(String(20))
    # The day the duty counts from: the last push, or the department's creation.
    last_push_on: Mapped[date]
    pushed_before: Mapped[bool]
    due_by: Mapped[date]
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # push | nil_return | not_owed
    closed_how: Mapped[str | None] = mapped_column(String(12))

    __table_args__ = (
        Index(
            "uq_quality_overdue_duties_open",
            "provider_id",
            "item_code",
            unique=True,
            postgresql_where=text("closed_at IS NULL"),
            sqlite_where=text("closed_at IS NULL"),
        ),
        Index(None, "provider_id", "opened_at"),
    )
