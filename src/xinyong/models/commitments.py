"""Credit commitments (信用承诺, 002 §（一）, （五）; 000 §（一）, （五）; 004 §3, §9): the
commitment item list the authority publishes, the versioned standard texts (格式文本), and each
commitment a subject signs, with its fulfilment."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, Index, String, Text, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.models.base import Base, JSONType, UTCDateTime, str_enum


class CommitmentType(enum.StrEnum):
    """The five types in practice (docs/domain.md § Commitments and declarations)."""

    approval_substitute = "approval_substitute"  # 审批替代型（告知承诺）
    missing_documents = "missing_documents"  # 容缺受理型
    self_discipline = "self_discipline"  # 行业自律型
    voluntary = "voluntary"  # 主动型
    repair = "repair"  # 信用修复型


class CommitmentState(enum.StrEnum):
    """pending → fulfilled | breached | false (虚假承诺); withdrawn before acceptance."""

    pending = "pending"
    fulfilled = "fulfilled"
    breached = "breached"
    false = "false"
    withdrawn = "withdrawn"


class CommitmentChannel(enum.StrEnum):
    online = "online"  # signed by the subject itself
    paper = "paper"  # a paper commitment a department records


class CommitmentItem(Base):
    """One item of the commitment item list (信用承诺事项清单), as published."""

    __tablename__ = "commitment_items"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    # The whole commitments.schemas.CommitmentItemSpec as published.
    spec: Mapped[dict] = mapped_column(JSONType)
    version: Mapped[int]
    # A retired item stays for the commitments signed under it.
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CommitmentTemplate(Base):
    """A version of an item's standard text (格式文本), with its placeholders: the newest is
    current; older ones stay for the commitments signed under them."""

    __tablename__ = "commitment_templates"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    item_code: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("item_code", "version"),)


class Commitment(Base):
    """A commitment of one subject: the exact text it signed, with its SHA-256 digest."""

    __tablename__ = "commitments"

    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    item_code: Mapped[str] = mapped_column(String(64))
    item_version: Mapped[int]
    type: Mapped[CommitmentType] = mapped_column(str_enum(CommitmentType))
    template_version: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64))
    obligations: Mapped[list] = mapped_column(JSONType)
    # What a breach leads to, as the item stated when it was signed: {item, severity,
    # watch_list_eligible} (a later revision of the item does not change it).
    breach: Mapped[dict] = mapped_column(JSONType)
    # The acceptance or business it belongs to (受理编号), "" for none.
    reference: Mapped[str] = mapped_column(String(100))
    # The accepting department (承诺受理单位).
    department_id: Mapped[int]
    channel: Mapped[CommitmentChannel] = mapped_column(str_enum(CommitmentChannel))
    signed_by: Mapped[str] = mapped_column(String(100))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The scan of a paper commitment (evidence_files).
    evidence_file_id: Mapped[int | None] = mapped_column(BigInteger)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The last day of fulfilment; none for an item without a verification period.
    due_on: Mapped[date | None]
    state: Mapped[CommitmentState] = mapped_column(str_enum(CommitmentState))
    # The negative record a breach or a false commitment wrote.
    record_id: Mapped[int | None] = mapped_column(BigInteger)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # 容缺受理: the documents missing at the acceptance, and those supplied since (names);
    # null for the other types (migration 0015).
    missing_documents: Mapped[list | None] = mapped_column(JSONType)
    documents_supplied: Mapped[list | None] = mapped_column(JSONType)

    __table_args__ = (
        # Found by id alone from the API; sharded tables keep it per shard.
        Index(None, "id"),
        Index(None, "department_id", "state"),
        Index(None, "state", "due_on"),
        Index(
            "uq_commitments_pending",
            "subject_id",
            "item_code",
            "reference",
            unique=True,
            postgresql_where=sql_text("state = 'pending'"),
            sqlite_where=sql_text("state = 'pending'"),
        ),
    )
