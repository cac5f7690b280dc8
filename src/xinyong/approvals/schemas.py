"""The bodies of the 待审核 page's forms."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ReturnIn(BaseModel):
    """A decision returned to its preparer, with the reason."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)
