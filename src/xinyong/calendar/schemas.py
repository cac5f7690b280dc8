"""A year of the working-day calendar as exchanged by file and API (docs/calendar-format.md)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class CalendarDayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: dt.date
    name: str = Field(min_length=1, max_length=50)


class CalendarYearIn(BaseModel):
    """One year's arrangement as the State Council General Office publishes it: the holidays
    (放假) and the weekend days worked in lieu (调休上班)."""

    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=2000, le=2100)
    # The notice it comes from (国务院办公厅关于××年部分节假日安排的通知, 国办发明电〔…〕…号).
    basis: str = Field(min_length=1, max_length=500)
    holidays: list[CalendarDayIn] = Field(min_length=1)
    working_weekends: list[CalendarDayIn] = []

    @field_validator("holidays", "working_weekends")
    @classmethod
    def _days(cls, days: list[CalendarDayIn], info: ValidationInfo) -> list[CalendarDayIn]:
        year = info.data.get("year")
        seen: set[dt.date] = set()
        for day in days:
            if year is not None and day.date.year != year:
                raise ValueError(f"{day.date} is not in {year}")
            if day.date in seen:
                raise ValueError(f"{day.date} is listed twice")
            seen.add(day.date)
        if info.field_name == "working_weekends":
            for day in days:
                if day.date.weekday() < 5:
                    raise ValueError(
                        f"{day.date} is a {WEEKDAYS[day.date.weekday()]}: a make-up working "
                        "day (调休上班) is a Saturday or Sunday"
                    )
            holidays = {h.date for h in info.data.get("holidays", [])}
            both = sorted(seen & holidays)
            if both:
                raise ValueError(f"{both[0]} is both a holiday and a working weekend")
        return days


class CalendarYearOut(CalendarYearIn):
    """The file format, and where the arrangement comes from."""

    source: Literal["chinesecalendar", "authority"]
    loaded_at: dt.datetime | None
    loaded_by: str | None
    working_days: int
