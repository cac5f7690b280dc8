"""Two-person approval: prepare a decision (经办), approve it or return it (审核), withdraw it
(the preparer). The decision is carried out at approval by its kind's executor (kinds.py), as
the approver; the audit entry of the approval names both persons. Nothing here commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from xinyong.accounts.repository import user_by_id
from xinyong.approvals import repository, rules
from xinyong.approvals.kinds import KINDS, Kind
from xinyong.core import audit
from xinyong.errors import InvalidRequest
from xinyong.models import DecisionOutcome, PendingDecision
from xinyong.rights.step import Step


def kind_of(kind: str) -> Kind:
    try:
        return KINDS[kind]
    except KeyError:
        raise InvalidRequest(
            f"未知的审核事项类型 {kind}",
            f"unknown kind of decision {kind}",
            field="kind",
            code="unknown_decision_kind",
        ) from None


def _audit(
    session: Session, step: Step, decision: PendingDecision, action: str, **detail: Any
) -> None:
    audit.log(
        session,
        actor=step.principal.actor,
        action=f"approval.{action}",
        at=step.now,
        subject_id=decision.subject_id,
        target_type="pending_decision",
        target_id=decision.id,
        after_ref=f"{decision.kind}:{decision.target_id}",
        detail={"kind": decision.kind, "target_id": str(decision.target_id), **detail},
    )


def _person(session: Session, user_id: int) -> str:
    """How the audit names the person with this account (``user:NAME``)."""
    user = user_by_id(session, user_id)
    return f"user:{user.username}" if user else f"user#{user_id}"


def prepare(
    session: Session, step: Step, kind: str, target_id: int, payload: dict[str, Any]
) -> PendingDecision:
    """A decision prepared by a 经办 (or 审核), waiting for a 审核's approval. The step is tried
    at once, as the preparer, and undone: one that cannot be taken (wrong state, another
    department's, too early) is refused now, with the service's own message."""
    p = step.principal
    rules.require_may_prepare(p)
    spec = kind_of(kind)
    rules.require_nothing_pending(repository.open_decision_ids(session, kind, target_id))
    trial = session.begin_nested()
    try:
        spec.execute(session, step, target_id, payload)
    finally:
        trial.rollback()
    assert p.department_id is not None and p.user_id is not None
    decision = PendingDecision(
        department_id=p.department_id,
        kind=kind,
        target_id=target_id,
        subject_id=spec.subject_of(session, target_id),
        payload=payload,
        prepared_by=p.user_id,
        prepared_at=step.now,
    )
    session.add(decision)
    session.flush()
    _audit(session, step, decision, "prepared", prepared_by=p.actor, payload=payload)
    return decision


def _open(session: Session, step: Step, decision_id: int) -> PendingDecision:
    """The decision, locked, if it is of the caller's department and still open."""
    decision = repository.decision(session, decision_id, for_update=True)
    rules.require_own_department(step.principal, decision.department_id if decision else -1)
    assert decision is not None
    rules.require_open(decision.outcome)
    return decision


def approve(session: Session, step: Step, decision_id: int) -> PendingDecision:
    """A 审核 of the department approves: the step is taken now, as the approver; the audit
    entry names the preparer and the approver. A step that can no longer be taken (the
    target moved on) is refused and the decision stays open, to be returned."""
    decision = _open(session, step, decision_id)
    rules.require_may_decide(step.principal, decision.department_id, decision.prepared_by)
    kind_of(decision.kind).execute(session, step, decision.target_id, dict(decision.payload))
    decision.outcome = DecisionOutcome.approved
    decision.decided_by = step.principal.user_id
    decision.decided_at = step.now
    _audit(
        session,
        step,
        decision,
        "approved",
        prepared_by=_person(session, decision.prepared_by),
        prepared_at=decision.prepared_at.isoformat(),
        approved_by=step.principal.actor,
        payload=decision.payload,
    )
    return decision


def return_decision(
    session: Session, step: Step, decision_id: int, *, reason: str
) -> PendingDecision:
    """A 审核 returns the decision to its preparer with the reason; nothing is carried out.
    The preparer may prepare it anew."""
    decision = _open(session, step, decision_id)
    rules.require_may_decide(step.principal, decision.department_id, decision.prepared_by)
    decision.outcome = DecisionOutcome.returned
    decision.decided_by = step.principal.user_id
    decision.decided_at = step.now
    decision.reason = reason
    _audit(
        session,
        step,
        decision,
        "returned",
        prepared_by=_person(session, decision.prepared_by),
        returned_by=step.principal.actor,
        reason=reason,
    )
    return decision


def withdraw(session: Session, step: Step, decision_id: int) -> PendingDecision:
    """The preparer takes back a decision nobody has decided yet."""
    decision = _open(session, step, decision_id)
    rules.require_preparer(step.principal, decision.prepared_by)
    decision.outcome = DecisionOutcome.withdrawn
    decision.decided_by = step.principal.user_id
    decision.decided_at = step.now
    _audit(session, step, decision, "withdrawn", prepared_by=step.principal.actor)
    return decision
