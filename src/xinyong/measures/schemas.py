"""The measures list (联合奖惩措施清单) as data.

003 联合奖惩 §（十六）: the list states for each measure its initiating department, how information
is shared, its target, the measure itself and its legal basis; §（十一）–（十五） and §（七）–（十）
give the punishments and rewards, §（二十一） the closed loop that implements them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from xinyong.catalog.schemas import SECTORS
from xinyong.core.labels import SCENARIOS

Action = Literal["intercept", "prompt", "facilitate"]
# A check's overall decision: the strongest action reached, or clear.
DECISION_ORDER = ("intercept", "prompt", "facilitate", "clear")

# Whom a measure reaches: the listed subject itself, or a person linked to a listed
# organisation (Measures art. 29; 003 联合奖惩 §（十一）; 002 §（十二））.
Target = Literal[
    "subject", "legal_representative", "principal", "actual_controller", "responsible_person"
]


class MeasureSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,63}$")
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["reward", "punishment"]
    type: Literal["administrative", "market", "industry", "social"]
    # What the implementing department does (实施措施), in the list's words.
    content: str = Field(min_length=1)
    # The lists that trigger it: by code, and/or every list of a kind.
    trigger_lists: list[str] = []
    trigger_kinds: list[Literal["red", "black", "watch"]] = []
    targets: list[Target] = Field(min_length=1)
    # scenario -> action there.
    scenarios: dict[str, Action] = Field(min_length=1)
    initiating_sectors: list[str] = Field(min_length=1)
    implementing_sectors: list[str] = Field(min_length=1)
    sharing: str = Field(min_length=1, description="信息共享方式")
    legal_basis: str = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> MeasureSpec:
        if not self.trigger_lists and not self.trigger_kinds:
            raise ValueError(f"measure {self.code} is triggered by no list")
        unknown = set(self.scenarios) - set(SCENARIOS)
        if unknown:
            raise ValueError(f"measure {self.code}: unknown scenarios {sorted(unknown)}")
        actions = set(self.scenarios.values())
        if self.kind == "reward" and actions - {"facilitate"}:
            raise ValueError(f"reward {self.code} may only facilitate")
        if self.kind == "punishment" and "facilitate" in actions:
            raise ValueError(f"punishment {self.code} may not facilitate")
        if self.kind == "reward" and set(self.trigger_kinds) - {"red"}:
            raise ValueError(f"reward {self.code} may follow red lists only")
        if self.kind == "punishment" and "red" in self.trigger_kinds:
            raise ValueError(f"punishment {self.code} may not follow a red list")
        sectors = set(self.initiating_sectors) | set(self.implementing_sectors)
        if sectors - SECTORS:
            raise ValueError(f"measure {self.code}: unknown sectors {sorted(sectors - SECTORS)}")
        return self


class MeasuresIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    measures: list[MeasureSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> MeasuresIn:
        codes = [m.code for m in self.measures]
        if len(set(codes)) != len(codes):
            raise ValueError("measure codes must be unique")
        return self


class MeasureOut(MeasureSpec):
    model_config = ConfigDict(extra="ignore")

    version: int
