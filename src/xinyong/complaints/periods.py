"""The handling periods of complaints as data (default_periods.json, or the file of
``XINYONG_COMPLAINT_PERIODS_FILE``): the acceptance and the handling period, each in working
or calendar days and with its basis, the handling period's one extension where a rule allows
it (经负责人批准，可以延长), and a sector's own where a law or rule of its field sets
another (法律、法规、规章另有规定的，从其规定). Read once per process and file; a complaint keeps
the periods it was given (``Complaint.periods``)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


class PeriodIn(BaseModel):
    """One handling period: its length in working or calendar days, from which event it runs,
    and its basis as people read it."""

    model_config = ConfigDict(extra="forbid")

    days: int = Field(ge=1, le=366)
    day_kind: Literal["working", "calendar"]
    # acceptance: from the filing (or the referral); handling: from the acceptance; its
    # extension: from the handling period's last day.
    from_: Literal["filed", "accepted", "handling_due"] = Field(alias="from")
    basis: str = Field(min_length=1, max_length=500)


class SectorPeriodsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    acceptance: PeriodIn | None = None
    handling: PeriodIn | None = None
    extension: PeriodIn | None = None


class PeriodsFileIn(BaseModel):
    """The handling periods as data (default_periods.json): one pair for every sector, and a
    sector's own where a law or rule of its field sets another (从其规定)."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1)
    title: str = Field(min_length=1, max_length=200)
    periods: SectorPeriodsIn
    sectors: dict[str, SectorPeriodsIn] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _both(self) -> PeriodsFileIn:
        if self.periods.acceptance is None or self.periods.handling is None:
            raise ValueError("periods names both acceptance and handling")
        return self


PERIODS_FILE = "default_periods.json"


def load_periods(path: Path | None = None) -> PeriodsFileIn:
    """The periods of ``path`` (the setting), else the shipped defaults; a file that is not
    valid raises ``ValueError`` naming it."""
    if path is None:
        raw = resources.files("xinyong.complaints").joinpath(PERIODS_FILE).read_text("utf-8")
        where = PERIODS_FILE
    else:
        where = str(path)
        try:
            raw = path.read_text("utf-8")
        except OSError as exc:
            raise ValueError(f"{where}: cannot read the complaint periods file: {exc}") from None
    try:
        return PeriodsFileIn.model_validate(json.loads(raw))
    except (ValidationError, json.JSONDecodeError) as exc:
        raise ValueError(f"{where}: not a valid complaint periods file: {exc}") from None


def periods_for(spec: PeriodsFileIn, sector: str) -> dict[str, dict[str, Any]]:
    """The acceptance and handling periods (and the extension, where there is one) for a
    complaint of ``sector``, as stored on it (with the file's version), a sector's own where it
    has one."""
    own = spec.sectors.get(sector, SectorPeriodsIn())
    out: dict[str, dict[str, Any]] = {"version": {"version": spec.version}}
    for name in ("acceptance", "handling", "extension"):
        period = getattr(own, name) or getattr(spec.periods, name)
        if period is not None:
            out[name] = period.model_dump(by_alias=True)
    return out


@cache
def periods_spec(path: Path | None = None) -> PeriodsFileIn:
    """:func:`load_periods`, once per process and path."""
    return load_periods(path)
