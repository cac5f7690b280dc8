"""Accounts and a department's staff: open an account, add a person with a one-time set-up
link, change its staff role, disable it; set a password by the link; name the actors of a
page. Every change is an audit entry naming the person who made it; nothing here commits."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from xinyong.accounts import repository, rules
from xinyong.accounts.rules import MIN_PASSWORD, Person, TokenHolder
from xinyong.core import audit
from xinyong.core.auth import Principal
from xinyong.core.crypto import token_hash
from xinyong.departments.service import check_binding
from xinyong.errors import Conflict, InvalidRequest
from xinyong.models import Department, Role, SetupLink, StaffRole, User

__all__ = ["MIN_PASSWORD"]

_hasher = PasswordHasher()
# Compared against when the name is unknown or the person has no password yet, so that a
# wrong name costs as long as a wrong password and timing does not tell which names exist.
_DUMMY_HASH = _hasher.hash("xinyong-no-such-user")


def hash_password(password: str) -> str:
    return _hasher.hash(rules.require_password(password))


def verify_password(stored: str | None, password: str) -> bool:
    """Whether the password is the account's; an account without a password (set-up link not
    used yet) matches nothing, at the same cost."""
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and bool(stored)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    password: str | None,
    role: Role,
    department: Department | None = None,
    subject_id: int | None = None,
    staff_role: StaffRole | None = None,
    actor: str,
    now: datetime,
) -> User:
    """An account. Without a password, the person sets one by a set-up link
    (:func:`issue_setup_link`). A staff role is for a department's person only."""
    if repository.username_taken(session, username):
        raise Conflict(
            "用户名已存在", "the user name is taken", field="username", code="user_exists"
        )
    check_binding(role, department, subject_id)
    if staff_role is not None and (department is None or role is Role.subject):
        raise InvalidRequest(
            "岗位只适用于部门人员",
            "a staff role is for a department's person",
            field="staff_role",
            code="invalid_field",
        )
    user = User(
        username=username,
        display_name=display_name,
        password_hash=hash_password(password) if password is not None else None,
        role=role,
        staff_role=staff_role,
        department_id=department.id if department else None,
        subject_id=subject_id,
        created_at=now,
    )
    session.add(user)
    session.flush()
    audit.log(
        session,
        actor=actor,
        action="user.created",
        at=now,
        subject_id=subject_id,
        target_type="user",
        target_id=user.id,
        detail={
            "username": username,
            "role": role.value,
            "staff_role": staff_role.value if staff_role else None,
            "department": department.code if department else None,
        },
    )
    return user


def issue_setup_link(session: Session, user: User, *, actor: str, now: datetime) -> str:
    """A new one-time link for the person to set its password; earlier links it has not used
    are replaced. Returns the token, which is kept only as its hash."""
    rules.require_enabled(user.disabled_at)
    for old in repository.open_setup_links(session, user.id):
        old.ended_at, old.ended_how = now, "replaced"
    token = secrets.token_urlsafe(32)
    expires = rules.setup_link_expires(now)
    session.add(
        SetupLink(
            token_hash=token_hash(token),
            user_id=user.id,
            created_by=actor,
            created_at=now,
            expires_at=expires,
        )
    )
    audit.log(
        session,
        actor=actor,
        action="user.setup_link_issued",
        at=now,
        target_type="user",
        target_id=user.id,
        detail={"username": user.username, "expires_at": expires.isoformat()},
    )
    return token


def setup_link_user(session: Session, token: str, *, now: datetime) -> User:
    """The person a usable set-up link is for; refused (404, a stable code) when the link is
    unknown, used, replaced, expired or its account disabled."""
    link = repository.setup_link(session, token_hash(token))
    user = repository.user_by_id(session, link.user_id) if link else None
    rules.require_usable_link(
        rules.link_state(
            found=link is not None and user is not None,
            ended_how=link.ended_how if link else None,
            expires_at=link.expires_at if link else None,
            disabled=user is not None and user.disabled_at is not None,
            now=now,
        )
    )
    assert user is not None
    return user


def set_password_by_link(
    session: Session, token: str, *, password: str, password_again: str, now: datetime
) -> User:
    """The person sets its own password by its link; the link is then used up."""
    link = repository.setup_link(session, token_hash(token), for_update=True)
    user = setup_link_user(session, token, now=now)
    assert link is not None
    rules.require_same_password(password, password_again)
    user.password_hash = hash_password(password)
    link.ended_at, link.ended_how = now, "used"
    audit.log(
        session,
        actor=f"user:{user.username}",
        action="user.password_set",
        at=now,
        target_type="user",
        target_id=user.id,
        detail={"by": "setup_link"},
    )
    return user


# ---- A department's staff, by its administrator


def _staff_member(session: Session, principal: Principal, user_id: int) -> User:
    rules.require_staff_manager(principal)
    user = repository.user_by_id(session, user_id, for_update=True)
    rules.require_own_staff(principal, user.department_id if user else None)
    assert user is not None
    return user


def add_staff(
    session: Session,
    principal: Principal,
    department: Department,
    *,
    username: str,
    display_name: str,
    staff_role: StaffRole,
    now: datetime,
) -> tuple[User, str]:
    """A person added to the administrator's department, with the department's role (its
    console) and the staff role given; no password: returns the account and the token of its
    one-time set-up link."""
    rules.require_staff_manager(principal)
    rules.require_own_staff(principal, department.id)
    user = create_user(
        session,
        username=rules.require_username(username.strip()),
        display_name=display_name.strip(),
        password=None,
        role=principal.role,
        department=department,
        staff_role=staff_role,
        actor=principal.actor,
        now=now,
    )
    return user, issue_setup_link(session, user, actor=principal.actor, now=now)


def change_staff_role(
    session: Session, principal: Principal, user_id: int, staff_role: StaffRole, *, now: datetime
) -> User:
    user = _staff_member(session, principal, user_id)
    rules.require_not_self(principal, user.id)
    rules.require_enabled(user.disabled_at)
    before = user.staff_role
    user.staff_role = staff_role
    audit.log(
        session,
        actor=principal.actor,
        action="user.staff_role_changed",
        at=now,
        target_type="user",
        target_id=user.id,
        before_ref=f"staff_role:{before.value if before else ''}",
        after_ref=f"staff_role:{staff_role.value}",
        detail={"username": user.username},
    )
    return user


def disable_staff(session: Session, principal: Principal, user_id: int, *, now: datetime) -> User:
    """The account no longer logs in; its sessions end and its set-up links stop working. Its
    name stays in the audit log and on every step it took."""
    user = _staff_member(session, principal, user_id)
    rules.require_not_self(principal, user.id)
    rules.require_enabled(user.disabled_at)
    user.disabled_at = now
    audit.log(
        session,
        actor=principal.actor,
        action="user.disabled",
        at=now,
        target_type="user",
        target_id=user.id,
        detail={"username": user.username},
    )
    return user


def resend_setup_link(
    session: Session, principal: Principal, user_id: int, *, now: datetime
) -> str:
    """A new set-up link for a person of the department (a lost or expired link, a forgotten
    password): the old links stop working."""
    user = _staff_member(session, principal, user_id)
    return issue_setup_link(session, user, actor=principal.actor, now=now)


# ---- Actors as people read them


def actor_labels(session: Session, actors: Iterable[str | None]) -> dict[str, str]:
    """Each actor (audit entries', steps') named as people read it (rules.actor_label), with
    the persons and tokens looked up once for all."""
    given = {a for a in actors if a}
    usernames = {u for a in given if (u := rules.username_of(a))}
    numbers = {n for a in given if (n := rules.token_of(a)) is not None}
    people = {
        user.username: Person(
            display_name=user.display_name,
            department=department,
            staff_role=user.staff_role,
            subject=user.role is Role.subject,
        )
        for user, department in repository.people_by_usernames(session, usernames)
    }
    tokens = {
        token.id: TokenHolder(department=department)
        for token, department in repository.tokens_by_ids(session, numbers)
    }
    return {a: rules.actor_label(a, people=people, tokens=tokens) for a in given}


def actor_name(session: Session, actor: str | None) -> str:
    """One actor as people read it."""
    return actor_labels(session, [actor]).get(actor or "", "")
