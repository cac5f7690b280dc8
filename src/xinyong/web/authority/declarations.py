"""Pages: every self-declaration (自主申报, 000 §（五））as the credit authority oversees it —
by category, state, competent department and overdue — one declaration, and the verification
of those on the authority's own queue (routed to no department, or to the authority's own)
through the service the API calls. Audience: authority."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core import labels
from xinyong.core.api import BigId, db_session
from xinyong.declarations import service as declarations
from xinyong.departments.service import list_departments
from xinyong.rights.step import Step
from xinyong.web import declaration_views as views
from xinyong.web.authority.common import AUTHORITY, PAGE_ROWS, console_page, pages_of, take_step
from xinyong.web.department.declarations import (
    FILTER_STATES,
    declaration_context,
    list_rows,
    verification_body,
)
from xinyong.web.forms import Problem, page_number, page_visitor, request_today
from xinyong.web.site import check_csrf

router = APIRouter(include_in_schema=False)

# The department filter's value for the authority's own queue (routed to no department).
OWN_QUEUE = "platform"
OWN_QUEUE_NAME = "信用管理部门（本部门核验）"


@router.get("/authority/declarations", response_class=HTMLResponse, **AUTHORITY)
def declarations_page(
    request: Request,
    state: str = "all",
    category: str = "",
    department: str = "",
    overdue: str = "",
    page: str = "1",
    session: Session = db_session,
) -> Response:
    """Audience: authority. Every declaration (GET /api/v1/declarations as the authority):
    by state, category, competent department (or the authority's own queue) and overdue;
    pending ones soonest due first, the rest newest first."""
    v = page_visitor(request)
    today = request_today(request)
    state = state if state in FILTER_STATES else "all"
    category = category if category in labels.DECLARATION_CATEGORIES else ""
    overdue = "yes" if overdue == "yes" else ""
    depts = list_departments(session)
    by_code = {d.code: d for d in depts}
    department = department if department == OWN_QUEUE or department in by_code else ""
    number = page_number(page)
    chosen = by_code.get(department)
    rows, total = declarations.declaration_page(
        session,
        v.principal,
        views.query(
            state=state,
            category=category,
            overdue=overdue,
            page=number,
            rows=PAGE_ROWS,
            today=today,
            department_id=chosen.id if chosen else None,
            authority_queue=department == OWN_QUEUE,
        ),
    )
    names = {d.id: d.name for d in depts}
    items = list_rows(session, rows, today)
    for item in items:
        item["department"] = names.get(item["d"].department_id or 0, OWN_QUEUE_NAME)
    params = {"state": state, "category": category, "department": department, "overdue": overdue}
    pages = pages_of(total)
    return console_page(
        request,
        "authority/declarations.html",
        section="declarations",
        declarations=items,
        total=total,
        state=state,
        category=category,
        department=department,
        overdue=overdue,
        states=labels.DECLARATION_STATES,
        categories=labels.DECLARATION_CATEGORIES,
        departments=[(OWN_QUEUE, OWN_QUEUE_NAME)] + [(d.code, d.name) for d in depts],
        params={k: val for k, val in params.items() if val},
        page=number,
        pages=pages,
        has_next=number < pages,
    )


def _declaration_page(
    request: Request,
    session: Session,
    declaration_id: int,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    done: str = "",
) -> Response:
    _, context = declaration_context(request, session, declaration_id)
    return console_page(
        request,
        "authority/declaration.html",
        status_code=status_code,
        section="declarations",
        files_base="/authority/evidence",
        action=f"/authority/declarations/{declaration_id}/verification",
        errors=errors or {},
        form=form or {},
        done=done,
        **context,
    )


@router.get("/authority/declarations/{declaration_id}", response_class=HTMLResponse, **AUTHORITY)
def declaration_page(
    declaration_id: BigId, request: Request, done: str = "", session: Session = db_session
) -> Response:
    """Audience: authority. One declaration: the subject, the fields, the attachments, the
    platform's own check, the commitment, the timeline; the verification form when it is on
    the authority's own queue (a department's is verified on the department's console)."""
    return _declaration_page(request, session, declaration_id, done=done)


def _verify_declaration(
    session: Session, step: Step, declaration_id: int, values: dict[str, Any]
) -> Any:
    """The verification (POST /api/v1/declarations/{id}/verification) of one on the
    authority's queue: the form's outcome, reason and decision number."""
    d = declarations.get_declaration(session, step.principal, declaration_id)
    if not declarations.on_queue_of(step.principal, d):
        raise Problem({"": "该申报由主管部门核验，请在其部门工作台办理"}, status=409)
    body = verification_body(values["outcome"], values["reason"], values["decision_number"])
    return declarations.verify(session, step, declaration_id, body)


@router.post(
    "/authority/declarations/{declaration_id}/verification",
    response_class=HTMLResponse,
    **AUTHORITY,
)
def declaration_verification(
    declaration_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    outcome: str = Form(default=""),
    reason: str = Form(default=""),
    decision_number: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: authority. Verify a declaration on the authority's own queue: 核验属实,
    不予认可 with its reason, or 虚假申报 with its reason and decision number (a 失信 record
    in the authority's name)."""
    check_csrf(page_visitor(request), csrf_token)
    values = {"outcome": outcome, "reason": reason, "decision_number": decision_number}
    return take_step(
        request,
        session,
        _verify_declaration,
        declaration_id,
        values,
        again=lambda problem: _declaration_page(
            request,
            session,
            declaration_id,
            status_code=problem.status,
            errors=problem.errors,
            form=values,
        ),
        then=f"/authority/declarations/{declaration_id}?done={outcome}",
    )
