"""Notices (通报、通知) the credit authority sends to departments, and each recipient's
acknowledgement (签收): the monthly notices of collection, 双公示 and use (Measures art. 40; 004
§25), and whatever else the authority sends with them (docs/notices.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.models.base import Base, BigIntKey, UTCDateTime


class Notice(Base):
    """One notice as sent: never edited. ``kind`` says what it is (``collection_monthly``,
    ``government_failures_quarterly`` …); a kind's notice of a period is sent once."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    # The period it reports on, as a label (2026-11, 2026-Q3); null for a notice of no period.
    period: Mapped[str | None] = mapped_column(String(20))
    # The notice itself: a self-contained HTML document, and its PDF.
    body_html: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    # The rules it rests on, as a person reads them (core/citations.cite).
    basis: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("kind", "period"),)


class NoticeRecipient(Base):
    """A department a notice is addressed to, and who of it acknowledged it, when."""

    __tablename__ = "notice_recipients"

    notice_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    department_id: Mapped[int] = mapped_column(primary_key=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (Index(None, "department_id", "notice_id"),)
