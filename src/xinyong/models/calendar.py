"""The years of the working-day calendar the credit authority loads (core/calendar.py)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.models.base import Base, UTCDateTime


class CalendarYear(Base):
    """A year declared in full: its row and its days are written in one transaction, so a
    year is known exactly when this row exists. It replaces chinesecalendar's year, if any."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # The State Council General Office notice the arrangement comes from.
    basis: Mapped[str] = mapped_column(Text)
    # A fresh token per load: the key of the per-process calendar cache.
    revision: Mapped[str] = mapped_column(String(32))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    loaded_by: Mapped[str] = mapped_column(String(100))


class CalendarDay(Base):
    """A holiday (is_working_day false) or a make-up working weekend (调休上班, true) of a
    loaded year; every other day is a working day from Monday to Friday."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("calendar_years.year"), index=True)
    is_working_day: Mapped[bool]
    name: Mapped[str] = mapped_column(String(50))
