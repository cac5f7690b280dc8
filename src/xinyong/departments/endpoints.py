"""Departments and tokens, managed by the authority."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from xinyong.core.api import Int32Id, clock, current_principal, database, db_session, endpoint
from xinyong.core.auth import Principal
from xinyong.db import Database
from xinyong.departments.schemas import DepartmentIn, DepartmentOut, TokenIn, TokenOut
from xinyong.departments.service import (
    create_department,
    create_token,
    get_department,
    list_departments,
    revoke_token,
)
from xinyong.models import ApiToken, Department, Role
from xinyong.subjects.service import find_subject

router = APIRouter(tags=["departments"])


@router.get(
    "/departments",
    response_model=list[DepartmentOut],
    **endpoint(Role.authority, Role.provider, Role.user_department, summary="Departments"),
)
def list_all_departments(session: Session = db_session) -> list[DepartmentOut]:
    return [
        DepartmentOut.model_validate(d, from_attributes=True) for d in list_departments(session)
    ]


@router.post(
    "/departments",
    response_model=DepartmentOut,
    status_code=201,
    **endpoint(
        Role.authority,
        errors={
            409: ["department_exists"],
            422: ["invalid_kind", "invalid_region_code", "invalid_credit_code"],
        },
        summary="Register a department",
    ),
)
def register_department(
    data: DepartmentIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> DepartmentOut:
    dept = create_department(
        session, **data.model_dump(), actor=principal.actor, now=clock(request).now()
    )
    return DepartmentOut.model_validate(dept, from_attributes=True)


@router.post(
    "/tokens",
    response_model=TokenOut,
    status_code=201,
    **endpoint(
        Role.authority,
        errors={
            404: ["department_not_found", "subject_not_found"],
            422: ["missing_field", "invalid_field", "invalid_credit_code", "invalid_id_number"],
        },
        summary="Issue a department API token (shown once)",
    ),
)
def issue_token(
    data: TokenIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
    db: Database = Depends(database),
) -> TokenOut:
    """Department tokens carry the department's role; a subject token lets a subject read its
    whole archive. The token is in this answer only: it is stored as a hash."""
    dept = get_department(session, data.department) if data.department else None
    subject = find_subject(session, data.subject, cipher=db.cipher) if data.subject else None
    row, token = create_token(
        session,
        role=data.role,
        name=data.name,
        department=dept,
        subject_id=subject.id if subject else None,
        actor=principal.actor,
        now=clock(request).now(),
    )
    return _token_out(row, dept, token)


@router.post(
    "/tokens/{token_id}/revoke",
    response_model=TokenOut,
    **endpoint(Role.authority, errors={404: ["token_not_found"]}, summary="Revoke a token"),
)
def revoke(
    token_id: Int32Id,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> TokenOut:
    row = revoke_token(session, token_id, actor=principal.actor, now=clock(request).now())
    dept = session.get(Department, row.department_id) if row.department_id else None
    return _token_out(row, dept)


def _token_out(row: ApiToken, dept: Department | None, token: str | None = None) -> TokenOut:
    return TokenOut(
        id=row.id,
        name=row.name,
        role=row.role.value,
        department=dept.code if dept else None,
        prefix=row.prefix,
        created_at=row.created_at,
        token=token,
    )
