"""Pure rules of personal accounts: the user name, the password, who manages a department's
staff, the set-up link's life, and how an actor is named for people to read.

Access by role (000 §（十八）; 001 §（十九）): a person acts under its own name, in its own
department, with its own staff role; the department's 管理员 opens and closes its staff's
accounts, and never its own (another administrator, or the authority's operator with the
command line, does that)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from xinyong.core.auth import Principal
from xinyong.core.labels import ROLE_NAMES, STAFF_ROLES
from xinyong.errors import Conflict, Forbidden, InvalidRequest, NotFound
from xinyong.models import StaffRole

MIN_PASSWORD = 10
# A set-up link works this long after it is issued (long enough for a weekend's post).
SETUP_LINK_HOURS = 72
# Lower-case letters, digits and . _ - ; a department's prefix is a convention
# (``js-trading_center.zhangwei``), not a rule.
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")

STAFF_ROLE_NAMES = {role: STAFF_ROLES[role.value] for role in StaffRole}


def require_username(username: str) -> str:
    if not USERNAME.fullmatch(username):
        raise InvalidRequest(
            "用户名应为 2–64 位小写字母、数字或 . _ -，并以字母或数字开头",
            "a user name is 2–64 lower-case letters, digits, '.', '_' or '-', "
            "beginning with a letter or a digit",
            field="username",
            code="invalid_username",
        )
    return username


def require_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidRequest(
            f"密码至少 {MIN_PASSWORD} 位",
            f"a password needs at least {MIN_PASSWORD} characters",
            field="password",
            code="weak_password",
        )
    return password


def require_same_password(password: str, again: str) -> None:
    if password != again:
        raise InvalidRequest(
            "两次输入的密码不一致",
            "the two passwords differ",
            field="password_again",
            code="passwords_differ",
        )


def require_staff_manager(principal: Principal) -> None:
    """Only a department's 管理员 manages its staff."""
    if principal.staff_role is not StaffRole.admin or principal.department_id is None:
        raise Forbidden(
            "只有本部门的管理员可以管理人员账号",
            "only the department's administrator manages its staff accounts",
            code="not_staff_admin",
        )


def require_own_staff(principal: Principal, department_id: int | None) -> None:
    """A person of another department (or a subject's account) is none of its business: not
    found, as if it did not exist."""
    if department_id is None or department_id != principal.department_id:
        raise NotFound("没有该人员", "no such person in the department", code="unknown_user")


def require_not_self(principal: Principal, user_id: int) -> None:
    """An administrator neither disables nor demotes itself: the department would be left
    without one by a slip of the hand."""
    if principal.user_id == user_id:
        raise Forbidden(
            "不能停用或变更本人的账号",
            "an administrator does not disable or change its own account",
            code="own_account",
        )


def require_enabled(disabled_at: datetime | None) -> None:
    if disabled_at is not None:
        raise Conflict("该账号已停用", "the account is disabled", code="account_disabled")


def setup_link_expires(now: datetime) -> datetime:
    return now + timedelta(hours=SETUP_LINK_HOURS)


@dataclass(frozen=True)
class LinkState:
    """What the stored link says: usable, or why not."""

    usable: bool
    reason: str = ""  # "used", "replaced", "expired", "disabled", "unknown"


def link_state(
    *,
    found: bool,
    ended_how: str | None,
    expires_at: datetime | None,
    disabled: bool,
    now: datetime,
) -> LinkState:
    """A set-up link works once, before it expires, for an account still enabled; a newer
    link replaces it."""
    if not found or expires_at is None:
        return LinkState(False, "unknown")
    if ended_how:
        return LinkState(False, ended_how)
    if disabled:
        return LinkState(False, "disabled")
    if now >= expires_at:
        return LinkState(False, "expired")
    return LinkState(True)


LINK_REFUSALS = {
    "unknown": "设置密码链接无效",
    "used": "设置密码链接已使用过，每个链接只能使用一次",
    "replaced": "该链接已被新的链接取代，请使用最新收到的链接",
    "expired": f"设置密码链接已过期（有效期 {SETUP_LINK_HOURS} 小时），请联系本部门管理员重新发送",
    "disabled": "该账号已停用",
}


def require_usable_link(state: LinkState) -> None:
    if not state.usable:
        raise NotFound(
            LINK_REFUSALS.get(state.reason, LINK_REFUSALS["unknown"]),
            f"the set-up link is {state.reason}",
            code="setup_link_" + state.reason,
        )


# ---- How an actor is named (pages, CSV exports, documents)


@dataclass(frozen=True)
class Person:
    """What the audit names of a person who logged in."""

    display_name: str
    department: str | None
    staff_role: StaffRole | None
    subject: bool = False


@dataclass(frozen=True)
class TokenHolder:
    """What the audit names of an API token: its number and its department."""

    department: str | None


TOKEN_ACTOR = re.compile(r"(?P<role>[a-z_]+)(?::(?P<code>[^#]+))?#t(?P<id>\d+)")


def token_of(actor: str) -> int | None:
    """The API token's number in a token's actor (``provider:amr#t3``), else None."""
    found = TOKEN_ACTOR.fullmatch(actor)
    return int(found["id"]) if found else None


def username_of(actor: str) -> str | None:
    """The user name in a person's actor (``user:NAME``), else None."""
    return actor[5:] if actor.startswith("user:") and len(actor) > 5 else None


def actor_label(
    actor: str | None,
    *,
    people: dict[str, Person] | None = None,
    tokens: dict[int, TokenHolder] | None = None,
) -> str:
    """The actor of an audit entry or a step as people read it: a person by name, department
    and staff role (``张三（南京市市场监督管理局·经办）``); an API token as the system interface
    it is (``系统接口（令牌 3，江苏省公共信用信息中心）``); the platform's jobs as 系统. ``people``
    by user name and ``tokens`` by number are what the caller looked up (service.actor_labels)."""
    if not actor:
        return ""
    username = username_of(actor)
    if username is not None:
        person = (people or {}).get(username)
        if person is None:
            return "平台用户"
        if person.subject:
            return f"{person.display_name}（{ROLE_NAMES['subject']}）"
        where = "·".join(
            x
            for x in (
                # A shared department account is named as its department: said once.
                person.department if person.department != person.display_name else None,
                STAFF_ROLE_NAMES.get(person.staff_role) if person.staff_role else None,
            )
            if x
        )
        return f"{person.display_name}（{where}）" if where else person.display_name
    number = token_of(actor)
    if number is not None:
        holder = (tokens or {}).get(number)
        found = TOKEN_ACTOR.fullmatch(actor)
        assert found is not None
        # Never the department's code: its name as looked up, else the role's.
        whose = (holder.department if holder else None) or ROLE_NAMES.get(found["role"])
        return f"系统接口（令牌 {number}，{whose}）" if whose else f"系统接口（令牌 {number}）"
    if actor == "system":
        return "系统"
    if actor == "public":
        return ROLE_NAMES["public"]
    if actor == "demo":
        return "演示数据"
    if actor.startswith("cli:"):
        return f"命令行（操作系统用户 {actor[4:]}）"
    return actor
