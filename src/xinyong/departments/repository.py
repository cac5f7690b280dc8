"""Named reads of the departments' and tokens' tables for the pages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from xinyong.models import ApiToken, Department, Role, User


def department_by_id(session: Session, department_id: int) -> Department:
    """A department by its id (a logged-in department's own: it exists)."""
    return session.get_one(Department, department_id)


def authority_department_ids(session: Session) -> list[int]:
    """The credit authority's departments (kind ``credit_authority``): where the warnings
    addressed to the authority are sent (risk/sweep.py)."""
    query = select(Department.id).where(Department.kind == "credit_authority")
    return list(session.execute(query).scalars())


def tokens_with_departments(session: Session, *, limit: int) -> list[Any]:
    """API tokens, live ones first, newest first, each with its department's code and name."""
    return list(
        session.execute(
            select(ApiToken, Department.code, Department.name)
            .outerjoin(Department, Department.id == ApiToken.department_id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
            .limit(limit)
        ).all()
    )


def provider_departments(session: Session) -> list[Department]:
    """The departments that push records (信息提供单位): those with a live provider token or an
    enabled provider account — the role by which a department pushes (docs/quality.md)."""
    token = select(ApiToken.department_id).where(
        ApiToken.role == Role.provider, ApiToken.revoked_at.is_(None)
    )
    account = select(User.department_id).where(
        User.role == Role.provider, User.disabled_at.is_(None)
    )
    query = (
        select(Department)
        .where(or_(Department.id.in_(token), Department.id.in_(account)))
        .order_by(Department.id)
    )
    return list(session.execute(query).scalars())
