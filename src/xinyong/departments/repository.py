"""Named reads of the departments' and tokens' tables for the pages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.models import ApiToken, Department


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
