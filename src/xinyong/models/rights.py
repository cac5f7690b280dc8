"""The subject's rights procedures (Measures art. 31–35): objections, appeals, credit repair,
their evidence files, the documents issued to the subject, and the tasks their deadlines make.

Every table is keyed by (subject_id, id) like the archive, so it shards with the subject."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, Index, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.models.base import Base, JSONType, UTCDateTime, str_enum


class TargetType(enum.StrEnum):
    """What an objection or a repair is about."""

    record = "record"
    list_entry = "list_entry"
    # An objection only: the subject's evaluation result (Measures art. 31), by its run's id.
    evaluation = "evaluation"


class ObjectionGround(enum.StrEnum):
    """Measures art. 31 (一)–(三)."""

    # 与事实不符，存在记载错误或者遗漏
    wrong_or_incomplete = "wrong_or_incomplete"
    # 归集本办法第十四条禁止归集信息
    forbidden_data = "forbidden_data"
    # 失信信息超期限使用
    past_validity = "past_validity"


class ObjectionState(enum.StrEnum):
    # With the platform (公共信用信息工作机构) for review: 10 working days from filing.
    review = "review"
    # Referred to the provider for verification: 5 working days from referral.
    verification = "verification"
    # Found wrong: the platform corrects or revokes within 3 working days.
    correction = "correction"
    # Ended: see ``outcome``.
    closed = "closed"


class ObjectionOutcome(enum.StrEnum):
    upheld = "upheld"  # found wrong: corrected or revoked
    rejected = "rejected"  # found right: the mark is removed, the information kept


class Objection(Base):
    __tablename__ = "objections"

    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    target_type: Mapped[TargetType] = mapped_column(str_enum(TargetType))
    target_id: Mapped[int] = mapped_column(BigInteger)
    ground: Mapped[ObjectionGround] = mapped_column(str_enum(ObjectionGround))
    statement: Mapped[str] = mapped_column(Text)
    filed_by: Mapped[str] = mapped_column(String(100))
    # An agent filing with the subject's authorisation (its letter is an evidence file).
    agent_name: Mapped[str | None] = mapped_column(String(200))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[ObjectionState] = mapped_column(str_enum(ObjectionState))
    review_due_on: Mapped[date]
    referred_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verify_due_on: Mapped[date | None]
    # The provider's finding: {"found_wrong": bool, "opinion": str, "by": str, "at": iso}
    verification: Mapped[dict | None] = mapped_column(JSONType)
    outcome: Mapped[ObjectionOutcome | None] = mapped_column(str_enum(ObjectionOutcome))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    correction_due_on: Mapped[date | None]
    # {"action": "correct" | "revoke", "record_id": str, "new_record_id": str | None, ...}
    correction: Mapped[dict | None] = mapped_column(JSONType)
    corrected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        # Found by id alone from the API; sharded tables keep it per shard.
        Index(None, "id"),
        Index(None, "subject_id", "target_id"),
        # At most one open objection per target, whichever process files it.
        Index(
            "uq_objections_open",
            "subject_id",
            "target_type",
            "target_id",
            unique=True,
            postgresql_where=text("state <> 'closed'"),
            sqlite_where=text("state <> 'closed'"),
        ),
    )


class AppealState(enum.StrEnum):
    review = "review"
    closed = "closed"


class AppealOutcome(enum.StrEnum):
    upheld = "upheld"
    dismissed = "dismissed"


class Appeal(Base):
    """申诉 to the credit authority against an objection's or a repair's outcome
    (Measures art. 33); its decision names the route onward."""

    __tablename__ = "appeals"

    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # "objection" | "repair"
    procedure: Mapped[str] = mapped_column(String(20))
    procedure_id: Mapped[int] = mapped_column(BigInteger)
    statement: Mapped[str] = mapped_column(Text)
    filed_by: Mapped[str] = mapped_column(String(100))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[AppealState] = mapped_column(str_enum(AppealState))
    due_on: Mapped[date]
    outcome: Mapped[AppealOutcome | None] = mapped_column(str_enum(AppealOutcome))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    onward_route: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        # Found by id alone from the API; sharded tables keep it per shard.
        Index(None, "id"),
        Index(None, "subject_id", "procedure_id"),
    )


class RepairState(enum.StrEnum):
    # With the provider for its written opinion (configurable working days).
    opinion = "opinion"
    # Positive opinion publicly noticed for 5 working days (Measures art. 35).
    notice = "notice"
    # Took effect: the record and list entries stop counting.
    effective = "effective"
    refused = "refused"


class Repair(Base):
    """信用修复 (Measures art. 34–35)."""

    __tablename__ = "repairs"

    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    target_type: Mapped[TargetType] = mapped_column(str_enum(TargetType))
    target_id: Mapped[int] = mapped_column(BigInteger)
    # The department that gives the opinion: the record's provider, or the entry's
    # identifying department.
    department_id: Mapped[int]
    # Repair ways (修复方式): commitment, rectification, training, credit_report, ...
    ways: Mapped[list] = mapped_column(JSONType)
    corrected_on: Mapped[date]
    correction: Mapped[str] = mapped_column(Text)
    commitment: Mapped[str] = mapped_column(Text)
    # Measures art. 34 (三): 建立信用管理制度 — what the subject has set up to keep its credit.
    credit_management: Mapped[str] = mapped_column(Text, server_default="")
    # The eligibility check as explained to the subject: [{condition, met, reason}, ...]
    eligibility: Mapped[list] = mapped_column(JSONType)
    filed_by: Mapped[str] = mapped_column(String(100))
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[RepairState] = mapped_column(str_enum(RepairState))
    opinion_due_on: Mapped[date]
    # {"positive": bool, "text": str, "by": str, "at": iso}
    opinion: Mapped[dict | None] = mapped_column(JSONType)
    notice_ends_on: Mapped[date | None]
    effective_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    refused_reason: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        # Found by id alone from the API; sharded tables keep it per shard.
        Index(None, "id"),
        Index(None, "subject_id", "target_id"),
        Index(None, "state", "notice_ends_on"),
        Index(
            "uq_repairs_open",
            "subject_id",
            "target_type",
            "target_id",
            unique=True,
            postgresql_where=text("state IN ('opinion', 'notice')"),
            sqlite_where=text("state IN ('opinion', 'notice')"),
        ),
    )


class RepairObjection(Base):
    """An objection raised against a repair during its public notice (Measures art. 35:
    公示期间有异议的，信息提供单位应核实并提出意见); decided before the repair takes effect."""

    __tablename__ = "repair_objections"

    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    repair_id: Mapped[int] = mapped_column(BigInteger)
    statement: Mapped[str] = mapped_column(Text)
    filed_by: Mapped[str] = mapped_column(String(100))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_on: Mapped[date]
    upheld: Mapped[bool | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        # Found by id alone from the API; sharded tables keep it per shard.
        Index(None, "id"),
        Index(None, "subject_id", "repair_id"),
    )


class ProcedureStep(Base):
    """Each step of an objection, appeal or repair, timestamped: the timeline the subject is
    shown (it is told every step)."""

    __tablename__ = "procedure_steps"

    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    procedure: Mapped[str] = mapped_column(String(20))
    procedure_id: Mapped[int] = mapped_column(BigInteger)
    step: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    detail: Mapped[dict] = mapped_column(JSONType)

    __table_args__ = (Index(None, "subject_id", "procedure_id"),)


class EvidenceFile(Base):
    """A file a subject submits with a procedure (PDF, JPEG or PNG, at most 20 MB). Kept in
    the database, so every server process sees it and a backup holds it."""

    __tablename__ = "evidence_files"

    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set when a procedure takes the file: "objection" | "repair" | "appeal", its id, and what
    # the file shows (evidence, authorisation, rectification, training, ...).
    procedure: Mapped[str | None] = mapped_column(String(20))
    procedure_id: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str | None] = mapped_column(String(40))

    __table_args__ = (
        # Found by id alone from the API; sharded tables keep it per shard.
        Index(None, "id"),
        Index(None, "subject_id", "procedure_id"),
    )


class Document(Base):
    """A document issued to the subject and kept in its archive: decisions, the written
    apology and clarification after a wrongful listing (003 联合奖惩 §（二十四））."""

    __tablename__ = "documents"

    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    procedure: Mapped[str | None] = mapped_column(String(20))
    procedure_id: Mapped[int | None] = mapped_column(BigInteger)
    issued_by: Mapped[str] = mapped_column(String(100))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())

    # Found by id alone from the API; sharded tables keep it per shard.
    __table_args__ = (Index(None, "id"),)


class Task(Base):
    """One open step of a procedure with its due date: the departments' and the authority's
    work queue (issue 4 § deadlines as work). ``department_id`` null means the authority."""

    __tablename__ = "tasks"

    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(40))
    procedure: Mapped[str] = mapped_column(String(20))
    procedure_id: Mapped[int] = mapped_column(BigInteger)
    department_id: Mapped[int | None]
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date]
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the overdue alert went out (once per task).
    alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index(None, "subject_id", "procedure_id"),
        Index(
            "ix_tasks_open_due_on",
            "department_id",
            "due_on",
            postgresql_where=text("closed_at IS NULL"),
            sqlite_where=text("closed_at IS NULL"),
        ),
    )


class ValidityRule(Base):
    """A validity rule with its effective date (Measures art. 30 and any later policy): the
    periods, in months by severity, for failures determined on or after ``effective_from``;
    ``item_code`` narrows a rule to one catalog item. Rules are added, never edited."""

    __tablename__ = "validity_rules"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    effective_from: Mapped[date]
    item_code: Mapped[str | None] = mapped_column(String(64))
    # {"minor": 3, "general": 12, "serious": 12, "severe": 36}: severities the rule grades.
    months: Mapped[dict] = mapped_column(JSONType)
    basis: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index(None, "effective_from", "item_code", unique=True),)
