"""Credit lists, their entries, each entry's steps and the objections raised in its notice
period (003 联合奖惩 §（三）–（六）, （十七）; Measures art. 17)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.models.base import Base, JSONType, UTCDateTime, str_enum


class ListKind(enum.StrEnum):
    red = "red"
    black = "black"
    watch = "watch"


class EntryState(enum.StrEnum):
    # red: in public notice (公示); black: in prior notice (事前告知); watch: candidate.
    notice = "notice"
    candidate = "candidate"
    # Confirmed and published: measures apply.
    listed = "listed"
    # An objection was upheld before confirmation: never listed.
    withdrawn = "withdrawn"
    # Left the list (exit_reason says why); measures stop at once.
    exited = "exited"


# An entry in one of these states is live: a subject has at most one live entry per list.
LIVE_STATES = (EntryState.notice, EntryState.candidate, EntryState.listed)


class ExitReason(enum.StrEnum):
    expiry = "expiry"
    repair = "repair"
    # Listed in error (003 联合奖惩 §（二十四））.
    revocation = "revocation"
    # Removed from a red list when black-listed (003 联合奖惩 §（六）2).
    black_listed = "black_listed"


class CreditList(Base):
    __tablename__ = "credit_lists"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[ListKind] = mapped_column(str_enum(ListKind))
    field: Mapped[str] = mapped_column(String(64))
    identifying_sector: Mapped[str] = mapped_column(String(40))
    # The whole lists.schemas.ListSpec as published.
    spec: Mapped[dict] = mapped_column(JSONType)
    version: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ListEntry(Base):
    __tablename__ = "list_entries"

    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    list_id: Mapped[int]
    # Denormalised from the list so that the check's snapshot is one scan of this table.
    list_code: Mapped[str] = mapped_column(String(64))
    kind: Mapped[ListKind] = mapped_column(str_enum(ListKind))
    department_id: Mapped[int]
    state: Mapped[EntryState] = mapped_column(str_enum(EntryState))
    reason: Mapped[str] = mapped_column(Text)
    basis_records: Mapped[list] = mapped_column(JSONType)
    # Directly responsible persons named by the department (Measures art. 29): subject ids.
    responsible_persons: Mapped[list] = mapped_column(JSONType, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Last day of the notice period (公示 / 事前告知); confirmation is possible after it.
    notice_ends_on: Mapped[date | None]
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # First day on which the entry no longer counts (like records.expires_on).
    listed_until: Mapped[date | None]
    rectify_by: Mapped[date | None]
    rectified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    exited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    exit_reason: Mapped[ExitReason | None] = mapped_column(str_enum(ExitReason))
    # 重点监测 after leaving a black list: first day no longer monitored.
    monitoring_until: Mapped[date | None]
    # Red-list benefits to recall: black-listed later, or red-listed in error.
    benefits_recall: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        Index(None, "state", "list_code"),
        # One live entry per subject and list, whichever process writes it.
        Index(
            "uq_list_entries_live",
            "subject_id",
            "list_id",
            unique=True,
            postgresql_where=text("state IN ('notice', 'candidate', 'listed')"),
            sqlite_where=text("state IN ('notice', 'candidate', 'listed')"),
        ),
    )


class ListEntryStep(Base):
    """Each step of an entry's workflow, timestamped and shown to the subject."""

    __tablename__ = "list_entry_steps"

    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    entry_id: Mapped[int] = mapped_column(BigInteger)
    step: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    detail: Mapped[dict] = mapped_column(JSONType)

    __table_args__ = (Index(None, "subject_id", "entry_id"),)


class ListObjection(Base):
    """An objection or statement of case (陈述申辩) against an entry in its notice period."""

    __tablename__ = "list_objections"

    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    entry_id: Mapped[int] = mapped_column(BigInteger)
    statement: Mapped[str] = mapped_column(Text)
    filed_by: Mapped[str] = mapped_column(String(100))
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    upheld: Mapped[bool | None]
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index(None, "subject_id", "entry_id"),)
