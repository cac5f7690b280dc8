"""Validity rules as exchanged by the API and by file (docs/workflows/validity.md)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from xinyong.models import Severity

# 1 month to 100 years: a period set by a rule, never open-ended.
Months = Annotated[int, Field(ge=1, le=1200)]


class ValidityRuleIn(BaseModel):
    """A validity rule: the periods, in months from the day a failure was determined, for the
    severities it grades (Measures art. 30); for one catalog item or, without ``item_code``,
    for all."""

    model_config = ConfigDict(extra="forbid")

    # Failures determined on or after this day fall under the rule.
    effective_from: dt.date
    item_code: str | None = Field(default=None, min_length=1, max_length=64)
    months: dict[Severity, Months] = Field(min_length=1)
    # The policy text it comes from (title, document number, article).
    basis: str = Field(min_length=1, max_length=2000)

    @field_validator("months")
    @classmethod
    def _in_severity_order(cls, months: dict[Severity, int]) -> dict[Severity, int]:
        return {s: months[s] for s in Severity if s in months}


class ValidityRuleOut(ValidityRuleIn):
    id: int
    created_by: str
    created_at: dt.datetime
