"""Oversight of departments (Measures art. 38–40; 004 §25): the monthly reports of collection
and use kept once their month is over, and the scoring models of the annual assessment as
loaded by the credit authority (docs/oversight.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.models.base import Base, BigIntKey, JSONType, UTCDateTime


class OversightReport(Base):
    """A month's report of one kind (``collection`` or ``use``) for all departments, kept when
    the month is over: its figures never change after (attribution by arrival, overdue as of
    the month's last day), and the annual assessment reads it back."""

    __tablename__ = "oversight_reports"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    report: Mapped[dict] = mapped_column(JSONType)
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    generated_by: Mapped[str] = mapped_column(String(100))


class ScoringModel(Base):
    """One version of the annual assessment's scoring model (oversight/schemas.ScoringModelIn):
    added, never edited; the latest is in force."""

    __tablename__ = "oversight_scoring_models"

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True, autoincrement=True)
    version: Mapped[int] = mapped_column(unique=True)
    spec: Mapped[dict] = mapped_column(JSONType)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
