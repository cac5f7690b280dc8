"""People who log in to the pages: accounts with argon2 password hashes, server-side sessions
(the cookie holds a random token, the table only its SHA-256), CSRF tokens bound to the
session, and log-in throttling (000 §（十八）: access by role, safe by default).

A logged-in person acts with the same rules as an API token of its role: :func:`principal_of`
gives the :class:`Principal` every service already checks."""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from xinyong.accounts.rules import MIN_PASSWORD
from xinyong.accounts.service import create_user, hash_password, needs_rehash, verify_password
from xinyong.core import audit
from xinyong.core.auth import Principal
from xinyong.core.crypto import token_hash
from xinyong.errors import XinyongError
from xinyong.models import Department, LoginAttempt, User, WebSession

# Opening an account and hashing a password are the accounts domain's (accounts/service.py);
# named here too for the callers that open accounts beside the pages' sessions.
__all__ = ["MIN_PASSWORD", "create_user", "hash_password"]

SESSION_COOKIE = "xy_session"
# The CSRF token of forms shown before log-in (double submit: cookie and form field agree).
ANON_CSRF_COOKIE = "xy_csrf"
# Throttling: failures in the window lock the name, or the address, until the window passes.
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_ADDRESS = 20


class TooManyAttempts(XinyongError):
    status = 429
    code = "too_many_attempts"


def _failures(session: Session, column: Any, value: str, since: datetime) -> int:
    return session.execute(
        select(func.count()).where(
            column == value, LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False)
        )
    ).scalar_one()


def authenticate(
    session: Session, *, username: str, password: str, address: str, now: datetime
) -> User | None:
    """The user, or None for a wrong name or password (the caller cannot tell which).
    Raises :class:`TooManyAttempts` while the name or the address is throttled; every attempt
    is recorded."""
    since = now - THROTTLE_WINDOW
    if (
        _failures(session, LoginAttempt.username, username, since) >= MAX_FAILURES_PER_NAME
        or _failures(session, LoginAttempt.address, address, since) >= MAX_FAILURES_PER_ADDRESS
    ):
        raise TooManyAttempts(
            "登录失败次数过多，请 15 分钟后再试",
            "too many failed log-ins; try again in 15 minutes",
            field="username",
        )
    user = session.execute(
        select(User).where(User.username == username, User.disabled_at.is_(None))
    ).scalar_one_or_none()
    ok = verify_password(user.password_hash if user else None, password) and user is not None
    session.add(LoginAttempt(username=username[:64], address=address[:64], at=now, succeeded=ok))
    if not ok or user is None:
        return None
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def start_session(session: Session, user: User, *, now: datetime, hours: float) -> str:
    """A new session with a new token — never one the browser brought (session fixation) —
    and its own CSRF token. Returns the cookie's token."""
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=token_hash(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    # Sessions past their end are of no use to anyone: clear them while here.
    session.execute(delete(WebSession).where(WebSession.expires_at < now))
    audit.log(
        session,
        actor=f"user:{user.username}",
        action="user.logged_in",
        at=now,
        subject_id=user.subject_id,
        target_type="user",
        target_id=user.id,
    )
    return token


def end_session(session: Session, token: str | None, *, now: datetime) -> None:
    if not token:
        return
    row = session.get(WebSession, token_hash(token))
    if row is not None:
        user = session.get_one(User, row.user_id)
        session.delete(row)
        audit.log(
            session,
            actor=f"user:{user.username}",
            action="user.logged_out",
            at=now,
            target_type="user",
            target_id=user.id,
        )


def load_session(
    session: Session, token: str | None, *, now: datetime
) -> tuple[WebSession, User] | None:
    if not token:
        return None
    row = session.get(WebSession, token_hash(token))
    if row is None or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or user.disabled_at is not None:
        return None
    return row, user


def principal_of(session: Session, user: User) -> Principal:
    """The person as the services see it: its role and department, named ``user:NAME`` in
    every step, check, upload and read it makes, with its name as shown and its staff role."""
    dept = session.get(Department, user.department_id) if user.department_id else None
    return Principal(
        role=user.role,
        department_id=dept.id if dept else None,
        department_code=dept.code if dept else None,
        department_kind=dept.kind if dept else None,
        department_name=dept.name if dept else None,
        subject_id=user.subject_id,
        name=f"user:{user.username}",
        user_id=user.id,
        username=user.username,
        person=user.display_name,
        staff_role=user.staff_role,
    )


def same_token(given: str | None, expected: str | None) -> bool:
    return bool(given) and bool(expected) and hmac.compare_digest(str(given), str(expected))


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a path on this site: never another host (open redirect)."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(c) < 32 for c in target)
    ):
        return default
    return target
