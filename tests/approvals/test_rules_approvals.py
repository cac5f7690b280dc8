"""The pure rules of two-person approval without a database (approvals/rules.py): who
prepares, who approves (never the preparer, never another department's person), which
decisions are still open."""

from __future__ import annotations

import pytest

from xinyong.approvals import rules
from xinyong.core.auth import SYSTEM, Principal
from xinyong.errors import Conflict, Forbidden, NotFound
from xinyong.models import DecisionOutcome, Role, StaffRole


def staff(role: StaffRole | None, *, user_id: int = 7, department_id: int = 3) -> Principal:
    return Principal(
        role=Role.provider,
        department_id=department_id,
        name=f"user:u{user_id}",
        user_id=user_id,
        username=f"u{user_id}",
        staff_role=role,
    )


SHARED = Principal(role=Role.provider, department_id=3, name="user:tax", user_id=1)
TOKEN = Principal(role=Role.provider, token_id=5, department_id=3, department_code="tax")


def test_who_needs_a_second_person() -> None:
    assert rules.needs_approval(staff(StaffRole.handler))
    assert rules.needs_approval(staff(StaffRole.reviewer))
    for alone in (SHARED, TOKEN, SYSTEM):
        assert not rules.needs_approval(alone)


@pytest.mark.parametrize("role", [StaffRole.handler, StaffRole.reviewer])
def test_a_handler_or_a_reviewer_prepares(role: StaffRole) -> None:
    rules.require_may_prepare(staff(role))


@pytest.mark.parametrize("who", [staff(StaffRole.admin), SHARED, TOKEN])
def test_no_one_else_prepares(who: Principal) -> None:
    with pytest.raises(Forbidden) as refused:
        rules.require_may_prepare(who)
    assert refused.value.code == "not_a_preparer"


def test_a_reviewer_of_the_department_approves_another_s_decision() -> None:
    rules.require_may_decide(staff(StaffRole.reviewer, user_id=8), 3, prepared_by=7)


def test_the_preparer_never_approves_its_own() -> None:
    with pytest.raises(Forbidden) as refused:
        rules.require_may_decide(staff(StaffRole.reviewer, user_id=7), 3, prepared_by=7)
    assert refused.value.code == "same_person" and refused.value.status == 403
    assert "不能审核本人提交的决定" in refused.value.message
    assert "cannot approve" in refused.value.message_en


@pytest.mark.parametrize("role", [StaffRole.handler, StaffRole.admin, None])
def test_only_a_reviewer_approves(role: StaffRole | None) -> None:
    with pytest.raises(Forbidden) as refused:
        rules.require_may_decide(staff(role, user_id=8), 3, prepared_by=7)
    assert refused.value.code == "not_a_reviewer"


def test_another_department_s_decision_is_not_found() -> None:
    with pytest.raises(NotFound) as refused:
        rules.require_may_decide(staff(StaffRole.reviewer, user_id=8, department_id=4), 3, 7)
    assert refused.value.code == "unknown_decision"


def test_only_open_decisions_are_decided() -> None:
    rules.require_open(None)
    for outcome in DecisionOutcome:
        with pytest.raises(Conflict) as closed:
            rules.require_open(outcome)
        assert closed.value.code == "decision_closed"


def test_only_the_preparer_withdraws() -> None:
    rules.require_preparer(staff(StaffRole.handler, user_id=7), 7)
    with pytest.raises(Forbidden) as refused:
        rules.require_preparer(staff(StaffRole.reviewer, user_id=8), 7)
    assert refused.value.code == "not_the_preparer"


def test_one_decision_waits_on_a_target_at_a_time() -> None:
    rules.require_nothing_pending([])
    with pytest.raises(Conflict) as refused:
        rules.require_nothing_pending([12])
    assert refused.value.code == "already_pending" and refused.value.detail == {"pending": 12}
