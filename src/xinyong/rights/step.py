"""What every step of a procedure has: who takes it and when (:class:`Step`), and the row of
the procedure it belongs to (:class:`Procedure`).

The list workflows, the rights procedures (objections, appeals, repairs), record standing, tasks
and authorisations all take their steps with these, so this module sits below all of them: it
imports nothing of theirs but the collector's context, and nothing imports back into it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from xinyong.core.auth import Principal
from xinyong.core.clock import local_date
from xinyong.records.service import CollectionContext


@dataclass
class Step:
    """Who does a step, when, in which process (ids, cipher, the collector's context)."""

    ctx: CollectionContext
    principal: Principal
    now: datetime

    @property
    def today(self) -> date:
        return local_date(self.now)


class Procedure(Protocol):
    """An objection, an appeal or a repair: a row of one subject's, with its id."""

    subject_id: int
    id: int
