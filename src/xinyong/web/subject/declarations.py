"""Self-declaration (自主申报, 000 §（五）; 002 §（五））: the subject's list of its declarations,
the form of a category with its attachments and the truthfulness commitment, one declaration
with its timeline. Audience: subject — its own declarations only; another's is the 404 page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from xinyong.core import labels
from xinyong.core.api import BigId, db_session
from xinyong.declarations import rules
from xinyong.declarations import service as declarations
from xinyong.declarations.schemas import CATEGORIES, COMMITMENT_VERSION, DeclarationIn
from xinyong.departments.service import list_departments
from xinyong.errors import XinyongError
from xinyong.models import Declaration, DeclarationCategory, Subject
from xinyong.rights.procedures import subject_key
from xinyong.web import declaration_views as views
from xinyong.web import forms
from xinyong.web.subject.common import SUBJECT, console_page, subject_id_of
from xinyong.web.subject.uploads import MAX_MB, check_form, uploads, with_form

router = APIRouter(include_in_schema=False)

PAGE_ROWS = 50
# The form's inputs besides the category's fields.
OWN_INPUTS = ("legal_representative", "department", "confirmed", "files", "commitment_version")


def _category(code: str) -> str | None:
    return code if code in labels.DECLARATION_CATEGORIES else None


@router.get("/me/declarations", response_class=HTMLResponse, **SUBJECT)
def declarations_page(
    request: Request,
    state: str = "",
    category: str = "",
    page: str = "1",
    session: Session = db_session,
) -> Response:
    """Audience: subject. Its own declarations (GET /api/v1/declarations as the subject),
    newest first, by state and category, each with its state and, while it waits for a
    department, the last day of the verification."""
    v = forms.page_visitor(request)
    today = forms.request_today(request)
    number = forms.page_number(page)
    state = state if state in views.STATES else ""
    category = _category(category) or ""
    rows, total = declarations.declaration_page(
        session,
        v.principal,
        views.query(
            state=state, category=category, overdue="", page=number, rows=PAGE_ROWS, today=today
        ),
    )
    pages = max(1, -(-total // PAGE_ROWS))
    return console_page(
        request,
        "subject/declarations.html",
        section="declarations",
        declarations=[_row(d, today) for d in rows],
        total=total,
        state=state,
        category=category,
        states=views.STATES,
        categories=labels.DECLARATION_CATEGORIES,
        params={k: val for k, val in {"state": state, "category": category}.items() if val},
        page=number,
        pages=pages,
        has_next=number < pages,
    )


def _row(d: Declaration, today: Any) -> dict[str, Any]:
    last, overdue = views.due(d, today)
    main = next(iter(d.fields.values()), "") if d.fields else ""
    return {
        "d": d,
        "category": labels.DECLARATION_CATEGORIES[d.category.value],
        "state": labels.DECLARATION_STATES[d.state.value],
        "summary": str(main),
        "due": last,
        "overdue": overdue,
    }


# ---- The form


def _form_page(
    request: Request,
    session: Session,
    category: str | None,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    v = forms.page_visitor(request)
    subject = session.get_one(Subject, subject_id_of(v))
    today = forms.request_today(request)
    context: dict[str, Any] = {}
    if category is not None:
        spec = CATEGORIES[DeclarationCategory(category)]
        context = {
            "fields": views.form_fields(category),
            "text": rules.commitment_text(
                subject_name=subject.name,
                subject_code=subject_key(subject),
                category_name=labels.DECLARATION_CATEGORIES[category],
                declared_on=today,
            ),
            "departments": [
                (d.code, d.name) for d in list_departments(session) if d.kind in spec.sectors
            ],
            "disclosure": labels.DISCLOSURE_NAMES[spec.disclosure.value],
            "automatic": bool(spec.matches),
        }
    return console_page(
        request,
        "subject/declaration_new.html",
        status_code=status_code,
        section="declarations",
        category=category,
        category_name=labels.DECLARATION_CATEGORIES.get(category or "", ""),
        categories=views.categories(),
        organisation=views.is_organisation(subject.kind),
        commitment_version=COMMITMENT_VERSION,
        max_files=views.MAX_ATTACHMENTS,
        max_mb=MAX_MB,
        errors=errors or {},
        form=form or {},
        **context,
    )


@router.get("/me/declarations/new", response_class=HTMLResponse, **SUBJECT)
def declaration_new(
    request: Request, category: str = "", session: Session = db_session
) -> Response:
    """Audience: subject. Choose a category (资质证照, 生产经营, 合同履行, 表彰奖励, 社会公益);
    then its form: the category's fields, the attachments, and the truthfulness commitment
    shown whole with the box that confirms it."""
    return _form_page(request, session, _category(category))


@router.post("/me/declarations/new", response_class=HTMLResponse, **SUBJECT)
async def declaration_file(
    request: Request, category: str = "", session: Session = db_session
) -> Response:
    """Audience: subject. Declare (multipart: the fields and the attachments), as POST
    /api/v1/declarations declares: all or nothing; refusals come back beside their field."""
    return await with_form(request, session, _declare, category)


def _declare(
    request: Request,
    session: Session,
    form: FormData,
    problem: forms.Problem | None,
    category_code: str,
) -> Response:
    v = forms.page_visitor(request)
    check_form(v, form, problem)
    category = _category(category_code)
    if category is None:
        return _form_page(request, session, None, status_code=422)
    subject = session.get_one(Subject, subject_id_of(v))
    today = forms.request_today(request)
    raw = {f.name: forms.form_text(form, f.name, 5000) for f in views.form_fields(category)}
    shown: dict[str, Any] = {
        **raw,
        "legal_representative": forms.form_text(form, "legal_representative", 200).strip(),
        "department": forms.form_text(form, "department", 64),
        "confirmed": forms.form_text(form, "confirmed") == "yes",
    }
    try:
        if problem is not None:
            raise problem
        errors: dict[str, str] = {}
        fields: dict[str, Any] = {}
        try:
            fields = views.checked_fields(category, raw, today)
        except forms.Problem as bad:
            errors.update(bad.errors)
        organisation = views.is_organisation(subject.kind)
        if organisation and not shown["legal_representative"]:
            errors["legal_representative"] = "请填写法定代表人（负责人）姓名"
        if not shown["confirmed"]:
            errors["confirmed"] = "请阅读信息真实性承诺书全文，并勾选确认"
        files, file_problem = uploads(form, {"files": "evidence"})
        if len(files) > views.MAX_ATTACHMENTS:
            errors["files"] = f"附件最多 {views.MAX_ATTACHMENTS} 个"
        if file_problem is not None:
            errors.update(file_problem.errors)
            raise forms.Problem(errors, status=file_problem.status)
        if errors:
            raise forms.Problem(errors)
        body = forms.validated(
            DeclarationIn,
            {
                "category": category,
                "fields": fields,
                "legal_representative": shown["legal_representative"] if organisation else None,
                "department": shown["department"] or None,
                "commitment_version": COMMITMENT_VERSION,
                "confirmed": True,
            },
        )
        attachments = [
            declarations.Attachment(filename=f.filename, claimed=None, data=f.data) for f in files
        ]
        step = forms.request_step(request)
        try:
            with session.begin_nested():
                d = declarations.declare(session, step, body, attachments)
        except XinyongError as exc:
            raise forms.Problem({_field(exc.field): exc.message}, status=exc.status) from None
    except forms.Problem as bad:
        return _form_page(
            request, session, category, status_code=bad.status, errors=bad.errors, form=shown
        )
    return forms.redirect(f"/me/declarations/{d.id}", filed="1")


def _field(name: str | None) -> str:
    """The form's input a service refusal names: a category field (``fields.valid_from``),
    one of the form's own, or the form as a whole."""
    name = name or ""
    if name.startswith("fields."):
        return name.removeprefix("fields.").split(".", 1)[0]
    if name == "commitment_version":
        return "confirmed"
    return name if name in OWN_INPUTS else ""


# ---- One declaration


@router.get("/me/declarations/{declaration_id}", response_class=HTMLResponse, **SUBJECT)
def declaration_page(
    declaration_id: BigId, request: Request, filed: str = "", session: Session = db_session
) -> Response:
    """Audience: subject. One of its declarations (GET /api/v1/declarations/{id}): the fields
    as declared, the attachments, the truthfulness commitment it confirmed, the state, the
    reason of a rejection or a finding of falsehood, and the timeline of its steps."""
    d = views.visible_declaration(request, session, declaration_id)
    view = declarations.declaration_out(session, d)
    today = forms.request_today(request)
    last, overdue = views.due(d, today)
    return console_page(
        request,
        "subject/declaration.html",
        section="declarations",
        d=view,
        category_name=labels.DECLARATION_CATEGORIES[view.category],
        state_name=labels.DECLARATION_STATES[view.state],
        disclosure=labels.DISCLOSURE_NAMES[view.disclosure],
        verified_by=views.verified_by(view),
        fields=views.field_rows(view),
        findings=views.findings(view),
        confirming=views.confirming_record(session, d.subject_id, view),
        steps=views.timeline(session, view),
        due=last,
        overdue=overdue,
        filed=bool(filed),
    )
