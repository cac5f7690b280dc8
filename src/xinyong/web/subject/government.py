"""A government body's (or civil servant's) own 政务失信 cases (docs/government.md): each with
its deadlines, and the written explanation, the rectification report and the payments of an
unpaid bill it gives through the console (003 政务诚信 §二（五）; 004 §5)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core.api import BigId, db_session
from xinyong.errors import XinyongError
from xinyong.government import service
from xinyong.government.schemas import ExplanationIn, PaymentIn, RectificationIn
from xinyong.models import CaseState
from xinyong.web import forms
from xinyong.web.site import check_csrf
from xinyong.web.subject.common import SUBJECT, console_page

router = APIRouter(include_in_schema=False)


def _page(
    request: Request, session: Session, *, errors: dict[str, str] | None = None, status: int = 200
) -> Response:
    principal = forms.page_visitor(request).principal
    today = forms.request_today(request)
    rows, _ = service.find_cases(
        session,
        principal,
        state=None,
        region=None,
        overdue=None,
        today=today,
        limit=200,
        offset=0,
    )
    return console_page(
        request,
        "subject/government.html",
        status_code=status,
        section="government",
        cases=[service.case_out(session, c, today, with_payments=True) for c in rows],
        open_states=(CaseState.open.value, CaseState.explained.value),
        errors=errors or {},
        done=request.query_params.get("done", ""),
        today=today,
    )


@router.get("/me/government", response_class=HTMLResponse, **SUBJECT)
def government_page(request: Request, session: Session = db_session) -> Response:
    """Audience: subject. Its own 政务失信 cases (GET /api/v1/government/cases as the
    subject), newest first."""
    return _page(request, session)


@router.post("/me/government/{case_id}/{action}", response_class=HTMLResponse, **SUBJECT)
def government_step(
    case_id: BigId,
    action: str,
    request: Request,
    csrf_token: str = Form(default=""),
    text: str = Form(default=""),
    amount: str = Form(default=""),
    paid_on: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: subject. Its explanation, rectification report or a payment (``action``);
    another's case is refused as the API refuses it."""
    check_csrf(forms.page_visitor(request), csrf_token)
    step = forms.request_step(request)

    def act() -> object:
        if action == "explanation":
            body = forms.validated(ExplanationIn, {"explanation": text}, {"explanation": "text"})
            return service.explain(session, step, case_id, body)
        if action == "rectification":
            body2 = forms.validated(
                RectificationIn, {"rectification": text}, {"rectification": "text"}
            )
            return service.report_rectification(session, step, case_id, body2)
        if action == "payment":
            body3 = forms.validated(PaymentIn, {"amount": amount, "paid_on": paid_on})
            return service.record_payment(session, step, case_id, body3)
        raise XinyongError("未知的操作", "unknown action", field="action", status=404)

    try:
        forms.attempt(session, act)
    except forms.Problem as problem:
        return _page(request, session, errors=problem.errors, status=problem.status)
    return forms.redirect("/me/government", done=action)
