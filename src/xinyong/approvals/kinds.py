"""The kinds of decision that take two persons, each a registry entry: what it is called, how
it is carried out (the service call the single-person form made), which subject it concerns,
where a page shows its target, and how its form's values read.

Adding a kind (say the authority's appeal decision) is one entry in :data:`KINDS`::

    "appeal.decide": Kind(
        label="申诉处理决定",
        execute=lambda session, step, target_id, payload: appeals.decide(
            session, step, target_id, upheld=payload["upheld"], reason=payload["reason"]
        ),
        subject_of=lambda session, target_id: appeals.get_appeal(session, target_id).subject_id,
        link="/authority/appeals/{target_id}",
    ),

and, in the page whose form takes the step, ``approvals.service.prepare(session, step,
"appeal.decide", appeal_id, payload)`` when ``approvals.rules.needs_approval(principal)``
(see web/department/lists.py, ``entry_confirm``). The payload is JSON: the form's values as
the service takes them. ``execute`` runs twice — at preparation, as the preparer, inside a
savepoint that is rolled back (so a step that cannot be taken is refused at once), and at
approval, as the approver, for real."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from xinyong.lists import repository as lists_repository
from xinyong.lists import service as lists_service
from xinyong.objections import service as objection_service
from xinyong.rights.step import Step

Executor = Callable[[Session, Step, int, dict[str, Any]], Any]


@dataclass(frozen=True)
class Kind:
    label: str  # what is decided, as people read it
    execute: Executor
    subject_of: Callable[[Session, int], int | None]
    link: str  # the target's page, ``{target_id}`` filled in
    # The payload's values by their Chinese names, for the 待审核 page.
    describe: Callable[[dict[str, Any]], list[tuple[str, str]]] = field(default=lambda payload: [])


def _confirm_entry(session: Session, step: Step, target_id: int, payload: dict[str, Any]) -> Any:
    return lists_service.confirm_entry(session, step, target_id)


def _verify_objection(session: Session, step: Step, target_id: int, payload: dict[str, Any]) -> Any:
    return objection_service.verify(
        session,
        step,
        target_id,
        found_wrong=bool(payload["found_wrong"]),
        opinion=str(payload["opinion"]),
    )


def _verification_reads(payload: dict[str, Any]) -> list[tuple[str, str]]:
    found = "信息有误（异议成立）" if payload.get("found_wrong") else "信息无误（异议不成立）"
    return [("核实结论", found), ("核实意见", str(payload.get("opinion", "")))]


KINDS: dict[str, Kind] = {
    # 003 联合奖惩 §（三）–（六）: confirmation and publication of a list entry.
    "list_entry.confirm": Kind(
        label="确认列入名单并公布",
        execute=_confirm_entry,
        subject_of=lambda session, target_id: (
            lists_repository.get_entry(session, target_id).subject_id
        ),
        link="/department/lists/entries/{target_id}",
    ),
    # Measures art. 32: the provider's verification of an objection.
    "objection.verify": Kind(
        label="异议核实结论",
        execute=_verify_objection,
        subject_of=lambda session, target_id: (
            objection_service.get_objection(session, target_id).subject_id
        ),
        link="/department/objections/{target_id}",
        describe=_verification_reads,
    ),
}
