"""The change feed: one ordered sequence of the changes other processes and other departments
must see — list entries (the list-change feed of the closed loop, 003 联合奖惩 §（二十一）),
the lists and measures themselves, revoked tokens — and the webhook subscriptions fed from it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.models.base import Base, JSONType, UTCDateTime


class ChangeHead(Base):
    """One row. Taking it FOR UPDATE to number a change serialises numbering with commit
    order, so a reader that has seen change n has seen every change before n."""

    __tablename__ = "change_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)


class Change(Base):
    __tablename__ = "changes"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    # list_entry | lists | measures | token | calendar
    topic: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int | None] = mapped_column(BigInteger)
    entry_id: Mapped[int | None] = mapped_column(BigInteger)
    list_code: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str | None] = mapped_column(String(10))
    field: Mapped[str | None] = mapped_column(String(64))
    # What happened: noticed, listed, withdrawn, exited, … for entries.
    event: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict] = mapped_column(JSONType)

    __table_args__ = (Index(None, "topic", "seq"),)


class Subscription(Base):
    """An implementing department's subscription to lists and fields (响应 in the loop)."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    department_id: Mapped[int] = mapped_column(index=True)
    lists: Mapped[list] = mapped_column(JSONType)
    fields: Mapped[list] = mapped_column(JSONType)
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    # The signing secret, encrypted (it must be read back to sign); shown once at creation.
    secret_cipher: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Delivery(Base):
    """One change to one webhook, retried with back-off until delivered or given up."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    subscription_id: Mapped[int]
    seq: Mapped[int] = mapped_column(BigInteger)
    # pending | delivered | failed
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("subscription_id", "seq"),
        Index(None, "status", "next_attempt_at"),
    )
