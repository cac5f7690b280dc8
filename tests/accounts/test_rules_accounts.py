"""The pure rules of personal accounts without a database (accounts/rules.py): user names,
passwords, who manages a department's staff, a set-up link's life on the hour before, of and
after its expiry, and how actors are named for people to read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from xinyong.accounts import rules
from xinyong.accounts.rules import Person, TokenHolder
from xinyong.core.auth import SYSTEM, Principal
from xinyong.errors import Forbidden, InvalidRequest, NotFound
from xinyong.models import Role, StaffRole

NOW = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)


def staff(role: StaffRole | None, *, user_id: int = 7, department_id: int = 3) -> Principal:
    return Principal(
        role=Role.provider,
        department_id=department_id,
        name="user:x",
        user_id=user_id,
        username="x",
        staff_role=role,
    )


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("js-trading_center.zhangwei", True),
        ("ab", True),
        ("a", False),
        ("Zhang", False),
        ("zhang wei", False),
        (".zhang", False),
        ("张伟", False),
        ("a" * 64, True),
        ("a" * 65, False),
    ],
)
def test_user_names(name: str, ok: bool) -> None:
    if ok:
        assert rules.require_username(name) == name
    else:
        with pytest.raises(InvalidRequest) as refused:
            rules.require_username(name)
        assert refused.value.code == "invalid_username"


def test_passwords() -> None:
    assert rules.require_password("x" * rules.MIN_PASSWORD)
    with pytest.raises(InvalidRequest) as weak:
        rules.require_password("x" * (rules.MIN_PASSWORD - 1))
    assert weak.value.code == "weak_password"
    with pytest.raises(InvalidRequest) as differ:
        rules.require_same_password("a long secret", "a long secreT")
    assert differ.value.code == "passwords_differ"


@pytest.mark.parametrize("role", [StaffRole.handler, StaffRole.reviewer, None])
def test_only_the_administrator_manages_staff(role: StaffRole | None) -> None:
    rules.require_staff_manager(staff(StaffRole.admin))
    with pytest.raises(Forbidden) as refused:
        rules.require_staff_manager(staff(role))
    assert refused.value.code == "not_staff_admin"
    with pytest.raises(Forbidden):
        rules.require_staff_manager(SYSTEM)


def test_own_department_and_not_oneself() -> None:
    admin = staff(StaffRole.admin, user_id=1, department_id=3)
    rules.require_own_staff(admin, 3)
    for other in (4, None):
        with pytest.raises(NotFound) as unknown:
            rules.require_own_staff(admin, other)
        assert unknown.value.code == "unknown_user"
    rules.require_not_self(admin, 2)
    with pytest.raises(Forbidden) as itself:
        rules.require_not_self(admin, 1)
    assert itself.value.code == "own_account"


def state(**over):  # type: ignore[no-untyped-def]
    given = {
        "found": True,
        "ended_how": None,
        "expires_at": rules.setup_link_expires(NOW),
        "disabled": False,
        "now": NOW,
    }
    return rules.link_state(**{**given, **over})


def test_a_set_up_link_works_until_it_expires() -> None:
    expires = rules.setup_link_expires(NOW)
    assert expires - NOW == timedelta(hours=rules.SETUP_LINK_HOURS)
    assert state(now=expires - timedelta(seconds=1)).usable
    assert state(now=expires).reason == "expired"
    assert state(now=expires + timedelta(hours=1)).reason == "expired"


@pytest.mark.parametrize(
    ("over", "reason"),
    [
        ({"found": False}, "unknown"),
        ({"ended_how": "used"}, "used"),
        ({"ended_how": "replaced"}, "replaced"),
        ({"disabled": True}, "disabled"),
    ],
)
def test_a_set_up_link_works_once(over: dict, reason: str) -> None:
    found = state(**over)
    assert (found.usable, found.reason) == (False, reason)
    with pytest.raises(NotFound) as refused:
        rules.require_usable_link(found)
    assert refused.value.code == f"setup_link_{reason}"
    assert refused.value.message == rules.LINK_REFUSALS[reason]


PEOPLE = {
    "nj-amr.zhangsan": Person("张三", "南京市市场监督管理局", StaffRole.handler),
    "nj-amr": Person("南京市市场监督管理局", "南京市市场监督管理局", None),
    "demo-person": Person("李四", None, None, subject=True),
}
TOKENS = {3: TokenHolder("江苏省公共信用信息中心")}


@pytest.mark.parametrize(
    ("actor", "label"),
    [
        ("user:nj-amr.zhangsan", "张三（南京市市场监督管理局·经办）"),
        ("user:nj-amr", "南京市市场监督管理局"),
        ("user:demo-person", "李四（信息主体）"),
        ("user:gone", "平台用户"),
        ("authority:js-credit#t3", "系统接口（令牌 3，江苏省公共信用信息中心）"),
        ("provider:nj-amr#t9", "系统接口（令牌 9，信息提供单位）"),
        ("subject#t12", "系统接口（令牌 12，信息主体）"),
        ("authority#t4", "系统接口（令牌 4，信用管理部门）"),
        ("system", "系统"),
        ("public", "社会公众"),
        ("demo", "演示数据"),
        ("cli:ops", "命令行（操作系统用户 ops）"),
        ("", ""),
        (None, ""),
    ],
)
def test_actors_as_people_read_them(actor: str | None, label: str) -> None:
    assert rules.actor_label(actor, people=PEOPLE, tokens=TOKENS) == label
