"""Named reads of the accounts' tables: ``users`` and ``user_setup_links`` (this domain owns
them; others read them here)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.models import ApiToken, Department, SetupLink, User


def user_by_id(session: Session, user_id: int, *, for_update: bool = False) -> User | None:
    query = select(User).where(User.id == user_id)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def user_by_username(session: Session, username: str) -> User | None:
    return session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def username_taken(session: Session, username: str) -> bool:
    return session.execute(select(User.id).where(User.username == username)).first() is not None


def staff_of_department(session: Session, department_id: int) -> list[User]:
    """A department's accounts: enabled first, then by user name."""
    return list(
        session.execute(
            select(User)
            .where(User.department_id == department_id)
            .order_by(User.disabled_at.is_not(None), User.username)
        ).scalars()
    )


def users_by_ids(session: Session, ids: Iterable[int]) -> dict[int, User]:
    wanted = set(ids)
    if not wanted:
        return {}
    return {u.id: u for u in session.execute(select(User).where(User.id.in_(wanted))).scalars()}


def people_by_usernames(session: Session, usernames: Iterable[str]) -> list[tuple[User, Any]]:
    """Accounts by user name, each with its department's name (None for a subject's)."""
    wanted = set(usernames)
    if not wanted:
        return []
    return list(
        session.execute(
            select(User, Department.name)
            .outerjoin(Department, Department.id == User.department_id)
            .where(User.username.in_(wanted))
        ).all()
    )


def tokens_by_ids(session: Session, ids: Iterable[int]) -> list[tuple[ApiToken, Any]]:
    """API tokens by number, each with its department's name."""
    wanted = set(ids)
    if not wanted:
        return []
    return list(
        session.execute(
            select(ApiToken, Department.name)
            .outerjoin(Department, Department.id == ApiToken.department_id)
            .where(ApiToken.id.in_(wanted))
        ).all()
    )


def setup_link(session: Session, token_hash: str, *, for_update: bool = False) -> SetupLink | None:
    query = select(SetupLink).where(SetupLink.token_hash == token_hash)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def open_setup_links(session: Session, user_id: int) -> list[SetupLink]:
    """A person's links not used or replaced (expired ones included)."""
    return list(
        session.execute(
            select(SetupLink).where(SetupLink.user_id == user_id, SetupLink.ended_at.is_(None))
        ).scalars()
    )


def users_with_live_links(session: Session, user_ids: Iterable[int], *, now: datetime) -> set[int]:
    """Which of these people hold a set-up link still usable (not used, replaced or
    expired)."""
    wanted = set(user_ids)
    if not wanted:
        return set()
    return set(
        session.execute(
            select(SetupLink.user_id).where(
                SetupLink.user_id.in_(wanted),
                SetupLink.ended_at.is_(None),
                SetupLink.expires_at > now,
            )
        ).scalars()
    )
