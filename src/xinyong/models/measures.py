"""The measures list, checks made inside departments' procedures and their feedback
(003 联合奖惩 §（十六）, （二十一）; Measures art. 28)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.models.base import Base, JSONType, UTCDateTime


class Measure(Base):
    __tablename__ = "measures"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    # The whole measures.schemas.MeasureSpec as published.
    spec: Mapped[dict] = mapped_column(JSONType)
    version: Mapped[int]
    # A retired measure stays for the history of the checks that named it.
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Check(Base):
    """One check (逢办必查) by one department: the log Measures art. 24 asks for."""

    __tablename__ = "checks"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    department_id: Mapped[int]
    actor: Mapped[str] = mapped_column(String(100))
    scenario: Mapped[str] = mapped_column(String(40))
    purpose: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    subjects: Mapped[int]
    found: Mapped[int]
    # Subjects per overall decision: {"intercept": n, "prompt": n, ...}.
    decisions: Mapped[dict] = mapped_column(JSONType)

    __table_args__ = (Index(None, "department_id", "at"),)


class CheckHit(Base):
    """A measure a check reached for one subject: what feedback is given against."""

    __tablename__ = "check_hits"

    check_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    measure_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    action: Mapped[str] = mapped_column(String(20))
    entry_id: Mapped[int] = mapped_column(BigInteger)


class CheckFeedback(Base):
    """Whether the department applied a measure it was shown, and why not (反馈)."""

    __tablename__ = "check_feedback"

    check_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    subject_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    measure_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    department_id: Mapped[int]
    applied: Mapped[bool]
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index(None, "department_id", "measure_code"),)
