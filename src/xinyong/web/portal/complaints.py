"""Complaints on the portal (失信举报, 003 联合奖惩 §（十五））: the form that reports a subject's
failure, named or anonymous, with attachments; the receipt page that shows the receipt code
once; and the look-up where the informant follows the complaint with that code. For everyone,
each page read as the public: whoever is logged in, a complaint is the public's.

No challenge with images: a field no person fills (hidden from sight and from assistive
technology, ``website``) and the per-address limit (``XINYONG_COMPLAINTS_PER_HOUR``) keep
machines out; CSRF as every form of the site."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from xinyong.complaints import reading, rules
from xinyong.complaints import service as complaints
from xinyong.complaints.schemas import ComplaintIn
from xinyong.core import labels
from xinyong.core.api import db_session
from xinyong.core.ratelimit import client_address
from xinyong.errors import NotFound, XinyongError
from xinyong.web import forms
from xinyong.web.portal.common import EVERYONE, count_look_up, portal_page
from xinyong.web.site import audience, check_csrf
from xinyong.web.subject.uploads import MAX_MB, check_form, uploads, with_form

router = APIRouter(include_in_schema=False)
PAGE = audience(*EVERYONE)

# The form's text inputs, with their longest value.
INPUTS = {
    "subject_type": 20,
    "credit_code": 40,
    "org_name": 200,
    "person_name": 200,
    "id_number": 40,
    "facts": 5000,
    "happened_on": 20,
    "place": 200,
    "sector": 40,
    "department": 64,
    "named": 10,
    "informant_name": 100,
    "informant_phone": 30,
    "informant_email": 200,
    "informant_address": 200,
    "website": 200,
}
# A field of the body (or of a service's refusal) → the form's input beside which it shows.
FIELDS = {
    "subject": "subject",
    "subject.credit_code": "credit_code",
    "subject.id_number": "id_number",
    "subject.name": "person_name",
    "informant": "informant_name",
    "informant.name": "informant_name",
    "informant.phone": "informant_phone",
    "informant.email": "informant_email",
    "informant.address": "informant_address",
    "facts": "facts",
    "happened_on": "happened_on",
    "place": "place",
    "sector": "sector",
    "department": "department",
    "files": "files",
}
MESSAGES = {
    "informant_phone": "请填写正确的电话号码（数字，可含 +、-、括号）",
    "informant_email": "请填写正确的电子邮箱地址",
    "happened_on": "请填写日期（年-月-日）",
}


def _form_page(
    request: Request,
    session: Session,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    options = reading.options(session, request.app.state.db.settings)
    return portal_page(
        request,
        "complaint_new.html",
        status_code=status_code,
        options=options,
        day_kinds=labels.COMPLAINT_DAY_KINDS,
        period_from=labels.COMPLAINT_PERIOD_FROM,
        max_files=rules.MAX_ATTACHMENTS,
        max_mb=MAX_MB,
        errors=errors or {},
        form=form or {"subject_type": "organisation", "named": "no"},
        today=forms.request_today(request),
    )


@router.get("/complaints/new", response_class=HTMLResponse, **PAGE)
def complaint_new(request: Request, session: Session = db_session) -> Response:
    """Audience: everyone. The form of a complaint: the subject (an organisation's credit code,
    or a person's name and ID number), what happened, when and where, the sector, optionally
    the department, the attachments, and the informant's name and contact — or none, anonymous.
    The periods it will be handled in, with their basis."""
    return _form_page(request, session)


@router.post("/complaints/new", response_class=HTMLResponse, **PAGE)
async def complaint_post(request: Request, session: Session = db_session) -> Response:
    """Audience: everyone. File the complaint (multipart: the form and its attachments) as
    POST /api/v1/complaints files it: all or nothing; a refusal comes back beside its field.
    The answer is the receipt page, with the code shown this once."""
    return await with_form(request, session, _file)


def body_of(shown: dict[str, str]) -> dict[str, Any]:
    """The form as the API's body (ComplaintIn)."""
    person = shown["subject_type"] == "person"
    subject = (
        {"id_number": shown["id_number"] or None, "name": shown["person_name"] or None}
        if person
        else {"credit_code": shown["credit_code"] or None, "name": shown["org_name"] or None}
    )
    named = shown["named"] == "yes"
    informant = {
        "name": shown["informant_name"] or None,
        "phone": shown["informant_phone"] or None,
        "email": shown["informant_email"] or None,
        "address": shown["informant_address"] or None,
    }
    return {
        "subject": subject,
        "facts": shown["facts"].strip(),
        "happened_on": shown["happened_on"] or None,
        "place": shown["place"].strip(),
        "sector": shown["sector"],
        "department": shown["department"] or None,
        "informant": informant if named else None,
    }


def validated(data: dict[str, Any]) -> ComplaintIn:
    """The body, or every message of the form at once (the first for each input)."""
    try:
        return ComplaintIn.model_validate(data)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            path = ".".join(str(p) for p in error.get("loc", ()))
            name = FIELDS.get(path, FIELDS.get(path.split(".")[0], ""))
            errors.setdefault(name, MESSAGES.get(name) or forms.pydantic_message(error))
        raise forms.Problem(errors) from None


def _file(
    request: Request, session: Session, form: FormData, problem: forms.Problem | None
) -> Response:
    v = forms.page_visitor(request)
    check_form(v, form, problem)
    shown = {name: forms.form_text(form, name, limit).strip() for name, limit in INPUTS.items()}
    shown["facts"] = forms.form_text(form, "facts", INPUTS["facts"])
    try:
        if problem is not None:
            raise problem
        if shown["website"]:  # a field no person sees: a machine filled it
            raise forms.Problem({"": "提交未成功：表单中有不应填写的内容，请刷新页面后重新填写"})
        files, file_problem = uploads(form, {"files": "evidence"})
        errors: dict[str, str] = {}
        if len(files) > rules.MAX_ATTACHMENTS:
            errors["files"] = f"附件最多 {rules.MAX_ATTACHMENTS} 个"
        if file_problem is not None:
            errors.update(file_problem.errors)
        try:
            body = validated(body_of(shown))
        except forms.Problem as bad:
            raise forms.Problem({**bad.errors, **errors}) from None
        if errors:
            raise forms.Problem(errors, status=file_problem.status if file_problem else 422)
        attachments = [
            complaints.Attachment(filename=f.filename, claimed=None, data=f.data) for f in files
        ]
        limiter, address = request.app.state.complaints, client_address(request)
        try:
            with session.begin_nested():
                c, code = complaints.file_complaint(
                    session,
                    forms.request_step(request),
                    body,
                    attachments,
                    admit=lambda: complaints.admit_filing(limiter, address),
                )
        except XinyongError as exc:
            name = FIELDS.get(exc.field or "", "")
            raise forms.Problem({name: exc.message}, status=exc.status) from None
    except forms.Problem as bad:
        return _form_page(request, session, status_code=bad.status, errors=bad.errors, form=shown)
    dept = reading.department_of(session, c)
    return portal_page(
        request,
        "complaint_filed.html",
        status_code=201,
        receipt_code=rules.shown_receipt(code),
        department_name=dept.name if dept else reading.AUTHORITY_QUEUE,
        accept_due_on=c.accept_due_on,
        basis=c.periods["acceptance"]["basis"],
        named=c.informant is not None,
    )


# ---- Following a complaint


@router.get("/complaints/receipt", response_class=HTMLResponse, **PAGE)
def receipt_form(request: Request) -> Response:
    """Audience: everyone. The form where the informant types the receipt code."""
    return portal_page(request, "complaint_receipt.html", found=None, errors={})


@router.post("/complaints/receipt", response_class=HTMLResponse, **PAGE)
def receipt_page(
    request: Request,
    csrf_token: str = Form(default=""),
    receipt_code: str = Form(default="", max_length=100),
    session: Session = db_session,
) -> Response:
    """Audience: everyone. The complaint of the code typed (as POST
    /api/v1/complaint-receipts): its progress and the department's replies, never anything
    of anyone else. The code is posted, never put in an address; visitors not logged in are
    limited per address as every anonymous look-up."""
    check_csrf(forms.page_visitor(request), csrf_token)
    count_look_up(request)
    try:
        found = reading.receipt(session, receipt_code)
    except NotFound as exc:
        return portal_page(
            request,
            "complaint_receipt.html",
            status_code=404,
            found=None,
            errors={"receipt_code": exc.message},
        )
    return portal_page(request, "complaint_receipt.html", found=found, errors={})
