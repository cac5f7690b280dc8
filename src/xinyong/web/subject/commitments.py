"""Credit commitments (信用承诺, 002 §（一）; 004 §3, §9): the items that apply to the subject,
signing one online — the current standard text rendered whole, read and confirmed — the
subject's commitments with their state and timeline, and withdrawing one before acceptance.
Audience: subject (its own commitments only; another's is the 404 page)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.commitments import service as commitment_service
from xinyong.commitments.schemas import CommitmentIn, WithdrawalIn
from xinyong.core import labels
from xinyong.core.api import BigId, db_session
from xinyong.errors import NotFound, XinyongError
from xinyong.models import Commitment, Subject
from xinyong.web import forms
from xinyong.web.commitment_views import commitment_page, commitment_view, missing_list
from xinyong.web.site import check_csrf
from xinyong.web.subject.common import SUBJECT, subject_id_of

router = APIRouter(include_in_schema=False)

# Rows of the subject's table on one page.
PAGE_ROWS = 20
SIGN_FIELDS = {
    "item": "item",
    "department": "department",
    "reference": "reference",
    "confirmed": "confirmed",
    "template_version": "template_version",
    "missing_documents": "missing",
}


def _subject(session: Session, request: Request) -> Subject:
    return session.get_one(Subject, subject_id_of(forms.page_visitor(request)))


@router.get("/me/commitments", response_class=HTMLResponse, **SUBJECT)
def commitments_page(
    request: Request, state: str = "", page: str = "1", session: Session = db_session
) -> Response:
    """Audience: subject. The subject's commitments, newest first, by state (GET
    /api/v1/commitments as the subject), and the items of the item list that apply to it,
    each with a link to sign it online."""
    v = forms.page_visitor(request)
    state = state if state in labels.COMMITMENT_STATES else ""
    number = forms.page_number(page)
    rows = commitment_service.commitments_page(
        session,
        v.principal,
        state=state or None,
        item=None,
        offset=(number - 1) * PAGE_ROWS,
        limit=PAGE_ROWS + 1,
    )
    subject = _subject(session, request)
    return commitment_page(
        request,
        "commitments/subject_list.html",
        commitments=[commitment_service.commitment_out(session, c) for c in rows[:PAGE_ROWS]],
        items=commitment_service.applicable_items(session, subject.kind.value),
        state=state,
        page=number,
        has_next=len(rows) > PAGE_ROWS,
    )


def _sign_page(
    request: Request,
    session: Session,
    item: str,
    department: str,
    reference: str,
    missing: str = "",
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    changed: bool = False,
) -> Response:
    """The signing form of one item: the accepting department to choose, then the whole text
    as it would be signed today (commitments/service.preview) and the confirmation."""
    subject = _subject(session, request)
    spec = next(
        (
            i
            for i in commitment_service.applicable_items(session, subject.kind.value)
            if i.code == item
        ),
        None,
    )
    if spec is None:
        raise NotFound(
            "承诺事项不存在、已停用或不适用于本主体",
            "no active commitment item of this code applies to you",
            field="item",
            code="unknown_commitment_item",
        )
    departments = commitment_service.accepting_departments(session, spec.sector)
    if not department and len(departments) == 1:
        department = departments[0].code
    errors = dict(errors or {})
    preview = None
    if department:
        body = CommitmentIn(
            item=item, template_version=1, department=department, reference=reference
        )
        try:
            with session.begin_nested():
                preview = commitment_service.preview(session, forms.request_step(request), body)
        except XinyongError as exc:
            errors.setdefault(forms.field_of(exc, SIGN_FIELDS) or "", exc.message)
    return commitment_page(
        request,
        "commitments/subject_sign.html",
        status_code=status_code,
        item=spec,
        departments=departments,
        form={"department": department, "reference": reference, "missing": missing},
        preview=preview,
        errors=errors,
        changed=changed,
    )


@router.get("/me/commitments/new", response_class=HTMLResponse, **SUBJECT)
def sign_form(
    request: Request,
    item: str = "",
    department: str = "",
    reference: str = "",
    missing: str = "",
    session: Session = db_session,
) -> Response:
    """Audience: subject. Sign an item online: choose the accepting department and give the
    acceptance's reference (受理编号) if there is one; the page then shows the commitment's
    whole text, rendered from the current standard text as it will be stored, to read and
    confirm. For a 容缺受理 item, the documents missing, one a line."""
    return _sign_page(
        request, session, item[:64], department[:64], reference.strip()[:100], missing[:10_000]
    )


@router.post("/me/commitments/new", response_class=HTMLResponse, **SUBJECT)
def sign(
    request: Request,
    csrf_token: str = Form(default=""),
    item: str = Form(default=""),
    department: str = Form(default=""),
    reference: str = Form(default=""),
    missing: str = Form(default=""),
    template_version: str = Form(default=""),
    text_sha256: str = Form(default=""),
    confirmed: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: subject. Sign (POST /api/v1/commitments as the subject): the text read must be
    the text stored — a newer standard text or another day's deadline shows the new text
    again to be read — and the subject must confirm it."""
    check_csrf(forms.page_visitor(request), csrf_token)
    item, department, reference = item[:64], department[:64], reference.strip()[:100]
    missing = missing[:10_000]
    step = forms.request_step(request)
    try:
        body = forms.validated(
            CommitmentIn,
            {
                "item": item,
                "department": department or None,
                "reference": reference,
                "template_version": forms.parse_int(template_version, high=2**31 - 1) or 1,
                "confirmed": confirmed == "yes",
                "missing_documents": missing_list(missing) or None,
            },
            SIGN_FIELDS,
        )
        shown = forms.attempt(
            session, lambda: commitment_service.preview(session, step, body), SIGN_FIELDS
        )
        if (
            shown["text_sha256"] != text_sha256
            or shown["template_version"] != body.template_version
        ):
            return _sign_page(
                request,
                session,
                item,
                department,
                reference,
                missing,
                status_code=409,
                changed=True,
            )
        if not body.confirmed:
            raise forms.Problem({"confirmed": "请阅读承诺书全文后勾选确认"})
        signed: Commitment = forms.attempt(
            session, lambda: commitment_service.sign(session, step, body), SIGN_FIELDS
        )
    except forms.Problem as problem:
        return _sign_page(
            request,
            session,
            item,
            department,
            reference,
            missing,
            status_code=problem.status,
            errors=problem.errors,
        )
    return forms.redirect(f"/me/commitments/{signed.id}", done="signed")


def _commitment_page(
    request: Request,
    session: Session,
    commitment_id: int,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    done: str = "",
) -> Response:
    principal = forms.page_visitor(request).principal
    today = forms.request_today(request)
    return commitment_page(
        request,
        "commitments/subject_commitment.html",
        status_code=status_code,
        v=commitment_view(session, principal, commitment_id, today, actors=False),
        errors=errors or {},
        form=form or {},
        done=done,
    )


@router.get("/me/commitments/{commitment_id}", response_class=HTMLResponse, **SUBJECT)
def commitment_detail(
    commitment_id: BigId, request: Request, done: str = "", session: Session = db_session
) -> Response:
    """Audience: subject. One of its commitments (GET /api/v1/commitments/{id}): the text
    signed, its digest, state, deadline, files and timeline; withdrawal while it has not been
    accepted."""
    return _commitment_page(request, session, commitment_id, done=done[:20])


@router.post("/me/commitments/{commitment_id}/withdrawal", response_class=HTMLResponse, **SUBJECT)
def withdraw(
    commitment_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    reason: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: subject. Withdraw the commitment before its acceptance (POST
    /api/v1/commitments/{id}/withdrawal)."""
    check_csrf(forms.page_visitor(request), csrf_token)
    try:
        body = forms.validated(WithdrawalIn, {"reason": reason.strip()})
        forms.attempt(
            session,
            lambda: commitment_service.withdraw(
                session, forms.request_step(request), commitment_id, body
            ),
            {"reason": "reason"},
        )
    except forms.Problem as problem:
        return _commitment_page(
            request,
            session,
            commitment_id,
            status_code=problem.status,
            errors=problem.errors,
            form={"reason": reason},
        )
    return forms.redirect(f"/me/commitments/{commitment_id}", done="withdrawn")
