"""Pages: self-declarations routed to the department for verification (谁主管、谁核验;
declarations/service): the list by state with the overdue ones marked, one declaration with
its fields, attachments, the platform's findings and timeline, and the verification form —
核验属实, 不予认可, or 虚假申报 (which writes a 失信 record in the department's name).
Audience: provider and user_department — their own declarations only; others are 404."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core import labels
from xinyong.core.api import BigId, db_session
from xinyong.declarations import service as declarations
from xinyong.declarations.schemas import VerificationIn
from xinyong.errors import NotFound
from xinyong.models import Declaration, DeclarationState
from xinyong.rights import evidence
from xinyong.subjects.repository import subjects_by_id
from xinyong.web import declaration_views as views
from xinyong.web.declaration_views import visible_declaration
from xinyong.web.department.common import DEPARTMENTS, PAGE_ROWS, console_page, subject_key
from xinyong.web.forms import (
    Problem,
    attempt,
    evidence_download,
    page_number,
    page_visitor,
    redirect,
    request_step,
    request_today,
    validated,
)
from xinyong.web.site import check_csrf

router = APIRouter(include_in_schema=False)

# The outcomes as the form offers them (declarations/schemas VerificationIn).
OUTCOMES = {
    "verified": "核验属实",
    "rejected": "不予认可（未能证实申报信息属实）",
    "false": "虚假申报（申报信息不实，违背信息真实性承诺）",
}
# A verified declaration can only be found false later (declarations/rules.TRANSITIONS).
OPEN_OUTCOMES = {
    DeclarationState.pending: ("verified", "rejected", "false"),
    DeclarationState.verified: ("false",),
}
FILTER_STATES = (*labels.DECLARATION_STATES, "all")


def list_rows(session: Session, rows: list[Declaration], today: Any) -> list[dict[str, Any]]:
    """Each declaration of a list with its subject, category, state and due day."""
    subjects = subjects_by_id(session, (d.subject_id for d in rows))
    out = []
    for d in rows:
        who = subjects.get(d.subject_id)
        last, overdue = views.due(d, today)
        out.append(
            {
                "d": d,
                "subject": subject_key(who) if who else "",
                "subject_name": who.name if who else "",
                "category": labels.DECLARATION_CATEGORIES[d.category.value],
                "state": labels.DECLARATION_STATES[d.state.value],
                "due": last,
                "overdue": overdue,
            }
        )
    return out


@router.get("/department/declarations", response_class=HTMLResponse, **DEPARTMENTS)
def declarations_page(
    request: Request,
    state: str = "pending",
    category: str = "",
    overdue: str = "",
    page: str = "1",
    session: Session = db_session,
) -> Response:
    """Audience: provider, user_department. The declarations routed to the department (GET
    /api/v1/declarations as a department): by default those awaiting its verification,
    soonest due first, overdue marked; by state, category, overdue."""
    v = page_visitor(request)
    today = request_today(request)
    state = state if state in FILTER_STATES else "pending"
    category = category if category in labels.DECLARATION_CATEGORIES else ""
    overdue = "yes" if overdue == "yes" else ""
    number = page_number(page)
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
        ),
    )
    pages = max(1, -(-total // PAGE_ROWS))
    params = {"state": state, "category": category, "overdue": overdue}
    return console_page(
        request,
        "department/declarations.html",
        section="declarations",
        declarations=list_rows(session, rows, today),
        total=total,
        state=state,
        category=category,
        overdue=overdue,
        states=labels.DECLARATION_STATES,
        categories=labels.DECLARATION_CATEGORIES,
        params={k: val for k, val in params.items() if val},
        page=number,
        pages=pages,
        has_next=number < pages,
    )


def declaration_context(
    request: Request, session: Session, declaration_id: int
) -> tuple[Declaration, dict[str, Any]]:
    """What a console's page of one declaration shows (the department's and the
    authority's), or 404 for one the visitor may not see."""
    v = page_visitor(request)
    d = visible_declaration(request, session, declaration_id)
    view = declarations.declaration_out(session, d)
    last, overdue = views.due(d, request_today(request))
    mine = declarations.on_queue_of(v.principal, d)
    return d, {
        "d": view,
        "category_name": labels.DECLARATION_CATEGORIES[view.category],
        "state_name": labels.DECLARATION_STATES[view.state],
        "disclosure": labels.DISCLOSURE_NAMES[view.disclosure],
        "verified_by": views.verified_by(view),
        "fields": views.field_rows(view),
        "findings": views.findings(view),
        "confirming": views.confirming_record(session, d.subject_id, view),
        "steps": views.timeline(session, view),
        "due": last,
        "overdue": overdue,
        "outcomes": {k: OUTCOMES[k] for k in OPEN_OUTCOMES.get(d.state, ())} if mine else {},
    }


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
        "department/declaration.html",
        status_code=status_code,
        section="declarations",
        files_base=f"/department/declarations/{declaration_id}/files",
        action=f"/department/declarations/{declaration_id}/verification",
        errors=errors or {},
        form=form or {},
        done=done,
        **context,
    )


@router.get("/department/declarations/{declaration_id}", response_class=HTMLResponse, **DEPARTMENTS)
def declaration_page(
    declaration_id: BigId, request: Request, done: str = "", session: Session = db_session
) -> Response:
    """Audience: provider, user_department. A declaration routed to the department: the
    subject, the fields declared, the attachments (downloadable), the platform's own check,
    the truthfulness commitment, the timeline, and the verification form while one is open."""
    return _declaration_page(request, session, declaration_id, done=done)


def verification_body(outcome: str, reason: str, decision_number: str) -> VerificationIn:
    """The verification form as the API's body: a reason required to reject or find false
    (核验属实 may go without: 经核验属实), the decision's number to find false."""
    if outcome not in OUTCOMES:
        raise Problem({"outcome": "请选择核验结论"})
    reason = reason.strip()
    errors = {}
    if outcome != "verified" and not reason:
        errors["reason"] = "请写明理由" if outcome == "rejected" else "请写明认定虚假的事实和理由"
    number = decision_number.strip()
    if outcome == "false" and not number:
        errors["decision_number"] = "认定虚假申报须填写认定文书号"
    if errors:
        raise Problem(errors)
    return validated(
        VerificationIn,
        {
            "outcome": outcome,
            "reason": reason or "经核验属实",
            "decision_number": number if outcome == "false" else None,
        },
    )


@router.post(
    "/department/declarations/{declaration_id}/verification",
    response_class=HTMLResponse,
    **DEPARTMENTS,
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
    """Audience: provider, user_department. The department's verification (POST
    /api/v1/declarations/{id}/verification): 核验属实, 不予认可 with its reason, or 虚假申报
    with its reason and decision number — which writes the broken_commitment record in the
    department's name."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    form = {"outcome": outcome, "reason": reason, "decision_number": decision_number}
    visible_declaration(request, session, declaration_id)  # 404 for another's
    try:
        body = verification_body(outcome, reason, decision_number)
        attempt(
            session,
            lambda: declarations.verify(session, request_step(request), declaration_id, body),
        )
    except Problem as problem:
        return _declaration_page(
            request,
            session,
            declaration_id,
            status_code=problem.status,
            errors=problem.errors,
            form=form,
        )
    return redirect(f"/department/declarations/{declaration_id}", done=outcome)


@router.get("/department/declarations/{declaration_id}/files/{file_id}", **DEPARTMENTS)
def declaration_file(
    declaration_id: BigId, file_id: BigId, request: Request, session: Session = db_session
) -> Response:
    """Audience: provider, user_department. An attachment of a declaration routed to the
    department, read (and audited) as GET /api/v1/evidence/{id} reads it; others are 404."""
    d = visible_declaration(request, session, declaration_id)
    if all(f.id != file_id for f in evidence.files_of(session, d.subject_id, d.id)):
        raise NotFound("附件不存在", "no such attachment", field="file_id", code="unknown_file")
    return evidence_download(request, session, file_id)
