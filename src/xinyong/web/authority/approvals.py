"""Pages: 待审核 of the authority (issue 14) — decisions one person prepared, which a 审核 of
the department approves (the step is then taken) or returns to the preparer; the preparer
may withdraw its own. Shared handling: web/staffing.py; service: approvals/service.py."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core.api import BigId, db_session
from xinyong.web import staffing
from xinyong.web.authority.common import AUTHORITY

router = APIRouter(include_in_schema=False)
CONSOLE = "authority"


@router.get("/authority/approvals", response_class=HTMLResponse, **AUTHORITY)
def approvals_page(request: Request, done: str = "", session: Session = db_session) -> Response:
    """Audience: authority. The department's decisions waiting for approval, and what the visitor
    prepared (approved, returned with the reason, withdrawn)."""
    return staffing.approvals_page(request, session, CONSOLE, done=done)


@router.post("/authority/approvals/{decision_id}/approve", response_class=HTMLResponse, **AUTHORITY)
def approve(
    decision_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: authority (a 审核 of the department, not the preparer: 403 `same_person`)."""
    return staffing.decide(
        request, session, CONSOLE, decision_id, csrf_token=csrf_token, what="approve"
    )


@router.post("/authority/approvals/{decision_id}/return", response_class=HTMLResponse, **AUTHORITY)
def return_decision(
    decision_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    reason: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: authority (a 审核 of the department). Return it to the preparer, with
    the reason."""
    return staffing.decide(
        request, session, CONSOLE, decision_id, csrf_token=csrf_token, what="return", reason=reason
    )


@router.post(
    "/authority/approvals/{decision_id}/withdraw", response_class=HTMLResponse, **AUTHORITY
)
def withdraw(
    decision_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: authority (the preparer). Take back a decision not yet decided."""
    return staffing.decide(
        request, session, CONSOLE, decision_id, csrf_token=csrf_token, what="withdraw"
    )
