"""Credit reports (信用报告, 002 §（三）; 000 §（三）,（十六）): the register of every report
issued — its number, whose it is, for whom and on what basis, the moment it is as of, its
content and the SHA-256 of that content. The PDF is a rendering of the content, signed when it
is served; the register is what ``/verify/{number}`` answers from."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.models.base import Base, JSONType, UTCDateTime, str_enum


class ReportBasis(enum.StrEnum):
    """Why the requester may have the report (credit_reports/rules.report_basis)."""

    # The subject's own report, free (Measures art. 7, 22).
    own = "own"
    # A department's 信用审查 inside its procedures (Measures art. 25).
    review = "review"
    # A department or institution holding the subject's live authorisation (Measures art. 22).
    authorised = "authorised"


class CreditReport(Base):
    __tablename__ = "credit_reports"

    # XY-YYYYMMDD-XXXX-XXXX-XXXX (credit_reports/rules.new_number): unguessable.
    number: Mapped[str] = mapped_column(String(32), primary_key=True)
    subject_id: Mapped[int] = mapped_column(BigInteger)
    basis: Mapped[ReportBasis] = mapped_column(str_enum(ReportBasis))
    # Who asked for it, as the audit log names it, and its department if it has one.
    requested_by: Mapped[str] = mapped_column(String(100))
    department_id: Mapped[int | None]
    purpose: Mapped[str] = mapped_column(String(200))
    # The moment the report is as of: what was received and in force by then.
    as_of: Mapped[datetime] = mapped_column(UTCDateTime())
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # SHA-256 (hex) of the canonical JSON of ``content`` (credit_reports/rules.digest).
    sha256: Mapped[str] = mapped_column(String(64))
    # What the verification page shows of it: the subject masked, the as-of, the counts.
    summary: Mapped[dict] = mapped_column(JSONType)
    content: Mapped[dict] = mapped_column(JSONType)
    # The reports of one request for a list of subjects share it.
    batch: Mapped[str | None] = mapped_column(String(32))

    __table_args__ = (Index(None, "subject_id", "issued_at"), Index(None, "batch"))
