"""Government integrity (政务诚信, issue 18 part 1): each 政务失信 record's case — the written
explanation, the rectification, 清欠 (payments of unpaid bills), 容错纠错 — the local debt-risk
indicators the finance department loads, and the versioned policy (periods, debt thresholds,
the regional evaluation model)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.models.base import Base, BigIntKey, JSONType, UTCDateTime, str_enum


class CaseState(enum.StrEnum):
    """A 政务失信 case (003 政务诚信 二（五）: 书面说明原因并限期加以整改; 004 §5: 及时清理政府
    失信案件)."""

    # Opened with its record: the body owes a written explanation and a rectification.
    open = "open"
    # The written explanation is in; rectification (or payment) still owed.
    explained = "explained"
    # Cleared: rectified and confirmed, or (unpaid bills) paid in full.
    cleared = "cleared"
    # 容错纠错: found to meet the tolerance conditions; not counted (二（三）, 二（六））.
    excluded = "excluded"


class GovernmentFailureCase(Base):
    """The case of one 政务失信 record (catalog item ``government_failure``): one per record,
    opened by the daily sync, closed when cleared or excluded."""

    __tablename__ = "government_failure_cases"

    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    record_id: Mapped[int] = mapped_column(BigInteger)
    # The department that pushed the record (it determined the failure, or relayed it).
    provider_id: Mapped[int]
    region_code: Mapped[str] = mapped_column(String(6))
    failure_kind: Mapped[str] = mapped_column(String(40))
    decided_on: Mapped[date]
    # 拖欠企业账款: what is owed (万元), by when it was due, and what has been paid so far.
    amount_owed: Mapped[Decimal | None] = mapped_column(Numeric(16, 4))
    amount_paid: Mapped[Decimal] = mapped_column(Numeric(16, 4), default=Decimal(0))
    payment_due_on: Mapped[date | None]
    state: Mapped[CaseState] = mapped_column(str_enum(CaseState))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The last days of the written explanation and of the rectification (working days).
    explain_by: Mapped[date]
    rectify_by: Mapped[date]
    explanation: Mapped[str | None] = mapped_column(Text)
    explained_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The body's report of what it did (整改情况), before the authority confirms it.
    rectification: Mapped[str | None] = mapped_column(Text)
    rectification_reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # "rectified" (confirmed by the authority) or "paid" (清欠 complete).
    cleared_as: Mapped[str | None] = mapped_column(String(20))
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # 容错纠错: the competent body's decision (number, document) and who recorded it.
    exclusion_decision: Mapped[str | None] = mapped_column(String(100))
    exclusion_document_id: Mapped[int | None] = mapped_column(BigInteger)
    exclusion_reason: Mapped[str | None] = mapped_column(Text)
    excluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    interviews: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        UniqueConstraint("subject_id", "record_id"),
        # Found by id alone from the API.
        Index(None, "id"),
        Index(None, "state", "region_code"),
    )


class ArrearsPayment(Base):
    """One payment of an unpaid bill (清欠进度): added, never edited."""

    __tablename__ = "arrears_payments"

    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    case_id: Mapped[int] = mapped_column(BigInteger)
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 4))
    paid_on: Mapped[date]
    note: Mapped[str | None] = mapped_column(Text)
    evidence_id: Mapped[int | None] = mapped_column(BigInteger)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index(None, "subject_id", "case_id"),)


class DebtIndicator(Base):
    """One local government debt-risk indicator of a city or county for a year, as the finance
    department loaded it (003 政务诚信 三（五））. Added, never edited: a later load of the
    same region, year and indicator supersedes the earlier one (the newest counts)."""

    __tablename__ = "debt_indicators"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    region_code: Mapped[str] = mapped_column(String(6))
    year: Mapped[int]
    indicator: Mapped[str] = mapped_column(String(40))
    value: Mapped[Decimal] = mapped_column(Numeric(12, 4))
    provider_id: Mapped[int]
    loaded_by: Mapped[str] = mapped_column(String(100))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index(None, "region_code", "year", "indicator"),)


class GovernmentPolicy(Base):
    """One version of the government-integrity policy as data: the periods of a case, the
    debt-warning thresholds, the regional evaluation model. Added, never edited: the newest
    version whose ``effective_from`` has come is in force."""

    __tablename__ = "government_policies"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    version: Mapped[int] = mapped_column(unique=True)
    spec: Mapped[dict] = mapped_column(JSONType)
    effective_from: Mapped[date]
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RegionalEvaluation(Base):
    """One run of the regional government integrity evaluation (区域政务诚信状况评价, 003 政务诚信
    二（五））: every city and county scored for a year under the policy in force, kept as
    computed so that the published ranking does not move under its readers."""

    __tablename__ = "regional_evaluations"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    year: Mapped[int]
    policy_version: Mapped[int]
    # The ranking: per region its figures, indicator scores, score and rank.
    results: Mapped[dict] = mapped_column(JSONType)
    computed_by: Mapped[str] = mapped_column(String(100))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index(None, "year"),)
