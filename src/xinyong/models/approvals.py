"""Decisions one person prepares and another approves (two-person approval, issue 14)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.models.base import Base, JSONType, UTCDateTime, str_enum


class DecisionOutcome(enum.StrEnum):
    approved = "approved"
    returned = "returned"
    withdrawn = "withdrawn"


class PendingDecision(Base):
    """A decision a department's 经办 prepared: which kind (approvals/kinds.py), on which
    target, with the form's values (``payload``); a 审核 of the same department approves it
    — the step is then taken, as the approver — or returns it to the preparer with a reason.
    Open while ``outcome`` is empty."""

    __tablename__ = "pending_decisions"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    kind: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int] = mapped_column(BigInteger)
    subject_id: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[dict] = mapped_column(JSONType)
    prepared_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    prepared_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[DecisionOutcome | None] = mapped_column(str_enum(DecisionOutcome))
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index(None, "department_id", "outcome"),
        Index(None, "kind", "target_id"),
        Index(None, "prepared_by"),
    )
