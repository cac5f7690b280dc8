"""The shape of a rights procedure's steps (objections and appeals, Measures art. 31–33;
repairs, art. 34–35): each step may follow some states, leads to others, and is taken by some
roles. The tables themselves are in objections/rules.py and repairs/rules.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from xinyong.models import Role

S = TypeVar("S")


@dataclass(frozen=True)
class Transition(Generic[S]):
    """A step: the states it may follow (none: it opens the procedure), the states it may lead
    to, and the roles of the callers who may take it (none: only the platform's own job)."""

    after: tuple[S, ...]
    to: tuple[S, ...]
    by: tuple[Role, ...]

    def follows(self, state: S) -> bool:
        return state in self.after

    def taken_by(self, role: Role) -> bool:
        return role in self.by
