"""Self-declaration (自主申报 / 自愿注册, 002 §（五）; 000 §（五）; 001 §（五）; 004 §12):
information a subject reports about itself — qualifications, operations, contract
performance, honours, public-interest work — with a commitment that it is true, verified by
the platform or by the competent department before it counts."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.models.base import Base, JSONType, UTCDateTime, str_enum
from xinyong.models.catalog import Disclosure


class DeclarationCategory(enum.StrEnum):
    """The five kinds of information 000 §（五） names."""

    qualification = "qualification"  # 资质证照
    operation = "operation"  # 生产经营
    contract = "contract"  # 合同履行
    honour = "honour"  # 表彰奖励
    public_interest = "public_interest"  # 社会公益


class DeclarationState(enum.StrEnum):
    """pending → verified | rejected | false (虚假申报); verified → false when found false later."""

    pending = "pending"
    verified = "verified"
    rejected = "rejected"
    false = "false"


class Declaration(Base):
    """One declaration of one subject: what it declared, the truthfulness commitment it
    confirmed (the exact text and its SHA-256), where it went for verification, its outcome."""

    __tablename__ = "declarations"

    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    category: Mapped[DeclarationCategory] = mapped_column(str_enum(DeclarationCategory))
    # The category's fields as declared (declarations/schemas.py, one model per category).
    fields: Mapped[dict] = mapped_column(JSONType)
    # The legal representative the subject declares (an organisation's 申报主体信息).
    legal_representative: Mapped[str | None] = mapped_column(String(100))
    # Who may read it once verified (Measures art. 19), by its category: what a licence or an
    # honour says is public; figures of operations and contracts are shared among departments.
    disclosure: Mapped[Disclosure] = mapped_column(str_enum(Disclosure))
    # The truthfulness commitment (信息真实性承诺): its version, the text rendered whole and
    # its digest, as commitments keep theirs.
    commitment_version: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64))
    # The competent department that verifies it and may later find it false; null: the
    # credit authority's own queue.
    department_id: Mapped[int | None]
    declared_by: Mapped[str] = mapped_column(String(100))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The last day of the department's verification (none when verified automatically).
    due_on: Mapped[date | None]
    state: Mapped[DeclarationState] = mapped_column(str_enum(DeclarationState))
    # "automatic" (the platform, against registration and records) or "department".
    verified_by: Mapped[str | None] = mapped_column(String(20))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The subject's record that confirmed it automatically.
    confirming_record_id: Mapped[int | None] = mapped_column(BigInteger)
    # Why it was rejected or found false.
    reason: Mapped[str | None] = mapped_column(Text)
    # The negative record (broken_commitment) a false declaration wrote.
    record_id: Mapped[int | None] = mapped_column(BigInteger)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        # Found by id alone from the API; sharded tables keep it per shard.
        Index(None, "id"),
        Index(None, "department_id", "state"),
        Index(None, "subject_id", "state"),
    )
