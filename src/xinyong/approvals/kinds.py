"""The kinds of decision that take two persons, each a registry entry: what it is called, how
it is carried out (the service call the single-person form made), which subject it concerns,
where a page shows its target, and how its form's values read.

Adding a kind (say the authority's decision on a repair) is one entry in :data:`KINDS`::

    "repair.decide": Kind(
        label="信用修复决定",
        execute=lambda session, step, target_id, payload: repairs.decide(
            session, step, target_id, approved=payload["approved"], reason=payload["reason"]
        ),
        subject_of=lambda session, target_id: repairs.get_repair(session, target_id).subject_id,
        link="/authority/repairs/{target_id}",
    ),

and, in the page whose form takes the step, ``approvals.service.prepare(session, step,
"repair.decide", repair_id, payload)`` when ``approvals.rules.needs_approval(principal)``
(see web/department/lists.py, ``entry_confirm``, or web/authority/common.py, ``take_step``).
The payload is JSON: the form's values as the service takes them. ``execute`` runs twice — at
preparation, as the preparer, inside a savepoint that is rolled back (so a step that cannot be
taken is refused at once), and at approval, as the approver, for real."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from xinyong.approvals import repository
from xinyong.core import labels
from xinyong.errors import Conflict
from xinyong.lists import repository as lists_repository
from xinyong.lists import service as lists_service
from xinyong.models import DecisionOutcome
from xinyong.objections import appeals as appeal_service
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


# ---- The authority's decisions (web/authority/: the pages parse the form into the payload)


def _decide_objection(session: Session, step: Step, target_id: int, payload: dict[str, Any]) -> Any:
    return objection_service.decide(
        session, step, target_id, outcome=str(payload["outcome"]), reason=str(payload["reason"])
    )


def _objection_decision_reads(payload: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        ("审核结论", labels.OBJECTION_OUTCOMES.get(str(payload.get("outcome")), "")),
        ("理由", str(payload.get("reason", ""))),
    ]


def decided_the_objection(session: Session, objection_id: int, user_id: int | None) -> bool:
    """Whether the person prepared or approved the objection's review decision (two persons
    decided it: the approver is its ``decided_by``, the preparer took part as much)."""
    if user_id is None:
        return False
    decision = repository.latest_decision_on(session, "objection.decide", objection_id)
    return (
        decision is not None
        and decision.outcome == DecisionOutcome.approved
        and user_id in (decision.prepared_by, decision.decided_by)
    )


def _decide_appeal(session: Session, step: Step, target_id: int, payload: dict[str, Any]) -> Any:
    """Measures art. 33: an appeal is heard by someone other than who decided the outcome
    appealed against — the service refuses its ``decided_by``; here also whoever prepared or
    approved that decision with another (run as the preparer at preparation, as the approver
    at approval: neither may have taken part)."""
    appeal = appeal_service.get_appeal(session, target_id)
    if appeal.procedure == "objection" and decided_the_objection(
        session, appeal.procedure_id, step.principal.user_id
    ):
        raise Conflict(
            "作出原处理决定的人员不能处理对该决定的申诉",
            "whoever prepared or approved the decision appealed against may not decide the appeal",
            code="same_reviewer",
        )
    decided = appeal_service.decide_appeal(
        session, step, target_id, outcome=str(payload["outcome"]), reason=str(payload["reason"])
    )
    session.flush()
    return decided


def _appeal_decision_reads(payload: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        ("申诉处理结论", labels.APPEAL_OUTCOMES.get(str(payload.get("outcome")), "")),
        ("理由", str(payload.get("reason", ""))),
    ]


def _revoke_entry(session: Session, step: Step, target_id: int, payload: dict[str, Any]) -> Any:
    entry = lists_service.exit_entry(
        session, step, target_id, reason="revocation", explanation=str(payload["explanation"])
    )
    session.flush()
    return entry


def _revocation_reads(payload: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        ("退出原因", labels.EXIT_REASONS["revocation"]),
        ("说明", str(payload.get("explanation", ""))),
    ]


# Whose procedure a decision concerns, by its target (the 待审核 page and the audit entry).
def _entry_subject(session: Session, target_id: int) -> int:
    return lists_repository.get_entry(session, target_id).subject_id


def _objection_subject(session: Session, target_id: int) -> int:
    return objection_service.get_objection(session, target_id).subject_id


def _appeal_subject(session: Session, target_id: int) -> int:
    return appeal_service.get_appeal(session, target_id).subject_id


KINDS: dict[str, Kind] = {
    # 003 联合奖惩 §（三）–（六）: confirmation and publication of a list entry.
    "list_entry.confirm": Kind(
        label="确认列入名单并公布",
        execute=_confirm_entry,
        subject_of=_entry_subject,
        link="/department/lists/entries/{target_id}",
    ),
    # Measures art. 32: the provider's verification of an objection.
    "objection.verify": Kind(
        label="异议核实结论",
        execute=_verify_objection,
        subject_of=_objection_subject,
        link="/department/objections/{target_id}",
        describe=_verification_reads,
    ),
    # Measures art. 31–32: the platform's review decision on an objection.
    "objection.decide": Kind(
        label="异议审核决定",
        execute=_decide_objection,
        subject_of=_objection_subject,
        link="/authority/objections/{target_id}",
        describe=_objection_decision_reads,
    ),
    # 000 §（十九）, Measures art. 33: the authority's decision on an appeal.
    "appeal.decide": Kind(
        label="申诉处理决定",
        execute=_decide_appeal,
        subject_of=_appeal_subject,
        link="/authority/appeals/{target_id}",
        describe=_appeal_decision_reads,
    ),
    # 003 联合奖惩 §（二十四）: the revocation of a wrongful listing, with its remedy.
    "list_entry.revoke": Kind(
        label="撤销错误列入的名单",
        execute=_revoke_entry,
        subject_of=_entry_subject,
        link="/authority/entries/{target_id}",
        describe=_revocation_reads,
    ),
}
