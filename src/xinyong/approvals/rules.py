"""Pure rules of two-person approval: 经办 prepares, 审核 approves (issue 14).

A decision that changes a subject's standing — a listing confirmed (003 联合奖惩 §（三）–（六）),
an objection verified (Measures art. 32) — is taken by two people of the deciding department:
one prepares it, another, a 审核, approves it; no one approves its own (003 联合奖惩
§（二十四）, 000 §（十八）: no change except through a lawful procedure, access by role). A
returned decision goes back to its preparer, who may prepare it anew."""

from __future__ import annotations

from xinyong.core.auth import Principal
from xinyong.errors import Conflict, Forbidden, NotFound
from xinyong.models import DecisionOutcome, StaffRole

# Who prepares and who approves.
PREPARERS = frozenset({StaffRole.handler, StaffRole.reviewer})
APPROVERS = frozenset({StaffRole.reviewer})


def needs_approval(principal: Principal) -> bool:
    """A person acting under its own name (a personal account) prepares; a shared department
    account, an API token (a system's call) or the platform's jobs act as before, alone."""
    return principal.is_personal


def require_may_prepare(principal: Principal) -> None:
    if not principal.is_personal or principal.staff_role not in PREPARERS:
        raise Forbidden(
            "只有经办或审核人员可以提交待审核的决定",
            "only a handler or a reviewer prepares a decision",
            code="not_a_preparer",
        )


def require_own_department(principal: Principal, department_id: int) -> None:
    """A decision of another department is none of the caller's business."""
    if principal.department_id != department_id:
        raise NotFound("没有该待审核事项", "no such pending decision", code="unknown_decision")


def require_open(outcome: DecisionOutcome | None) -> None:
    if outcome is not None:
        raise Conflict(
            "该事项已处理",
            f"the decision is already {outcome.value}",
            code="decision_closed",
        )


def require_may_decide(principal: Principal, department_id: int, prepared_by: int) -> None:
    """Only a 审核 of the same department approves or returns, never the person who prepared
    it."""
    require_own_department(principal, department_id)
    if principal.user_id == prepared_by:
        raise Forbidden(
            "不能审核本人提交的决定，须由本部门另一名审核人员审核",
            "the person who prepared a decision cannot approve it; another reviewer of the "
            "department must",
            code="same_person",
        )
    if not principal.is_personal or principal.staff_role not in APPROVERS:
        raise Forbidden(
            "只有本部门的审核人员可以审核",
            "only a reviewer of the department approves a decision",
            code="not_a_reviewer",
        )


def require_preparer(principal: Principal, prepared_by: int) -> None:
    """Only the person who prepared a decision withdraws it."""
    if principal.user_id != prepared_by:
        raise Forbidden(
            "只有提交人可以撤回",
            "only the person who prepared a decision withdraws it",
            code="not_the_preparer",
        )


def require_nothing_pending(open_ids: list[int]) -> None:
    if open_ids:
        raise Conflict(
            "该事项已提交审核，请等待审核结果",
            "a decision on this is already waiting for approval",
            code="already_pending",
            pending=open_ids[0],
        )
