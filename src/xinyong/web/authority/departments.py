"""Pages: departments and their API tokens (departments/service)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from xinyong.catalog.schemas import SECTORS
from xinyong.core import labels
from xinyong.core.api import Int32Id, db_session
from xinyong.departments.repository import tokens_with_departments
from xinyong.departments.schemas import DepartmentIn, TokenIn
from xinyong.departments.service import (
    create_department,
    create_token,
    get_department,
    list_departments,
    revoke_token,
)
from xinyong.errors import XinyongError
from xinyong.models import Role
from xinyong.subjects.service import find_subject
from xinyong.web.authority.common import AUTHORITY, change
from xinyong.web.forms import Problem, page, page_visitor, refusal, request_now, validated
from xinyong.web.site import check_csrf

router = APIRouter(include_in_schema=False)


# The roles a token may be issued to: the public needs none.
TOKEN_ROLES = {role: name for role, name in labels.ROLE_NAMES.items() if role != Role.public}


def _departments_page(
    request: Request,
    session: Session,
    *,
    status_code: int = 200,
    department_errors: dict[str, str] | None = None,
    department_form: dict[str, str] | None = None,
    token_errors: dict[str, str] | None = None,
    token_form: dict[str, str] | None = None,
    new_token: dict[str, Any] | None = None,
    notes: dict[str, Any] | None = None,
) -> Response:
    departments = list_departments(session)
    tokens = tokens_with_departments(session, limit=500)
    return page(
        request,
        "authority/departments.html",
        status_code=status_code,
        section="departments",
        departments=departments,
        tokens=tokens,
        sectors=sorted(SECTORS),
        roles=TOKEN_ROLES,
        department_errors=department_errors or {},
        department_form=department_form or {},
        token_errors=token_errors or {},
        token_form=token_form or {},
        new_token=new_token,
        notes=notes or {},
    )


@router.get("/authority/departments", response_class=HTMLResponse, **AUTHORITY)
def departments_page(
    request: Request,
    created: str | None = None,
    revoked: int | None = None,
    session: Session = db_session,
) -> Response:
    """Audience: authority. Departments and their API tokens."""
    return _departments_page(request, session, notes={"created": created, "revoked": revoked})


@router.post("/authority/departments", response_class=HTMLResponse, **AUTHORITY)
def department_create(
    request: Request,
    csrf_token: str = Form(default=""),
    code: str = Form(default=""),
    name: str = Form(default=""),
    region_code: str = Form(default=""),
    kind: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: authority. Register a department (as POST /api/v1/departments)."""
    check_csrf(page_visitor(request), csrf_token)
    form = {"code": code, "name": name, "region_code": region_code, "kind": kind}
    try:
        data = validated(DepartmentIn, {k: value.strip() for k, value in form.items()})
        change(request, session, create_department, **data.model_dump())
    except Problem as problem:
        return _departments_page(
            request,
            session,
            status_code=problem.status,
            department_errors=problem.errors,
            department_form=form,
        )
    return RedirectResponse(f"/authority/departments?created={data.code}", status_code=303)


@router.post("/authority/tokens", response_class=HTMLResponse, **AUTHORITY)
def token_issue(
    request: Request,
    csrf_token: str = Form(default=""),
    name: str = Form(default=""),
    role: str = Form(default=""),
    department: str = Form(default=""),
    subject: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: authority. Issue a token (as POST /api/v1/tokens); it is shown once, on the
    page this answers with, and kept only as a hash."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    form = {"name": name, "role": role, "department": department, "subject": subject}
    try:
        data = validated(
            TokenIn,
            {
                "name": name.strip(),
                "role": role,
                "department": department.strip() or None,
                "subject": subject.strip() or None,
            },
        )
        try:
            with session.begin_nested():
                dept = get_department(session, data.department) if data.department else None
                subject_row = (
                    find_subject(session, data.subject, cipher=request.app.state.db.cipher)
                    if data.subject
                    else None
                )
                row, token = create_token(
                    session,
                    role=data.role,
                    name=data.name,
                    department=dept,
                    subject_id=subject_row.id if subject_row else None,
                    actor=v.principal.actor,
                    now=request_now(request),
                )
        except XinyongError as exc:
            raise refusal(exc, {"key": "subject"}, path=True) from None
    except Problem as problem:
        return _departments_page(
            request,
            session,
            status_code=problem.status,
            token_errors=problem.errors,
            token_form=form,
        )
    return _departments_page(
        request,
        session,
        status_code=201,
        new_token={
            "id": row.id,
            "name": row.name,
            "role": TOKEN_ROLES.get(row.role.value, row.role.value),
            "department": dept.name if dept else None,
            "token": token,
        },
    )


@router.post("/authority/tokens/{token_id}/revoke", response_class=HTMLResponse, **AUTHORITY)
def token_revoke(
    token_id: Int32Id,
    request: Request,
    csrf_token: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: authority. Revoke a token: every process stops accepting it (the change
    feed)."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    try:
        with session.begin_nested():
            revoke_token(session, token_id, actor=v.principal.actor, now=request_now(request))
    except XinyongError as exc:
        return _departments_page(
            request,
            session,
            status_code=exc.status,
            token_errors={"revoke": exc.message},
        )
    return RedirectResponse(f"/authority/departments?revoked={token_id}", status_code=303)
