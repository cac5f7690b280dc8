"""Credit commitments made to the department (信用承诺, 002 §（一）; 004 §3, §9): its items of
the item list, the commitments made to it with filters, acceptance, the determination of
fulfilment (fulfilled, breached with the decision's number, false) with evidence, a paper
commitment recorded with its scan, and the 容缺受理 acceptance. Audience: provider and
user_department — a commitment accepted by another department is the 404 page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.commitments import items as commitment_items
from xinyong.commitments import service as commitment_service
from xinyong.commitments.schemas import CommitmentIn, CommitmentItemOut, FulfilmentIn
from xinyong.core import labels
from xinyong.core.api import BigId, db_session
from xinyong.models import Commitment, Department
from xinyong.rights import evidence
from xinyong.subjects.service import find_subject
from xinyong.web import forms
from xinyong.web.commitment_views import (
    commitment_page,
    commitment_view,
    is_overdue,
    missing_list,
)
from xinyong.web.department.common import DEPARTMENTS, PAGE_ROWS, own_department
from xinyong.web.site import check_csrf

router = APIRouter(include_in_schema=False)

RECORD_FIELDS = {
    "item": "item",
    "subject": "subject",
    "reference": "reference",
    "template_version": "item",
    "evidence_file_id": "file",
    "evidence": "file",
    "file": "file",
    "missing_documents": "missing_documents",
}
FULFIL_FIELDS = {
    "outcome": "outcome",
    "note": "note",
    "decision_number": "decision_number",
    "evidence_file_id": "file",
    "evidence": "file",
    "file": "file",
}
# The two ways a department records a commitment: a paper commitment of any of its items, and
# the 容缺受理 acceptance (an item of type missing_documents, with the documents missing).
FORMS = {
    "paper": ("记录书面承诺", None),
    "missing-documents": ("容缺受理", "missing_documents"),
}


def _own_items(session: Session, dept: Department, kind: str | None) -> list[CommitmentItemOut]:
    """The active items the department accepts (its sector), of one type when asked."""
    return [
        i
        for i in commitment_items.items_out(session)
        if i.sector == dept.kind and kind in (None, i.type)
    ]


def _form_items(session: Session, dept: Department, form: str) -> list[CommitmentItemOut]:
    """The items a form records: 容缺受理 on its own form (the documents missing, the
    eligibility check), every other type on the paper form."""
    wanted = FORMS[form][1]
    return [i for i in _own_items(session, dept, wanted) if wanted or i.type != "missing_documents"]


@router.get("/department/commitments", response_class=HTMLResponse, **DEPARTMENTS)
def commitments_page(
    request: Request,
    state: str = "",
    item: str = "",
    page: str = "1",
    session: Session = db_session,
) -> Response:
    """Audience: provider, user_department. The department's items of the commitment item list
    and the commitments made to it (GET /api/v1/commitments as a department), newest first,
    by state and item; those awaiting acceptance and overdue verifications marked."""
    v = forms.page_visitor(request)
    dept = own_department(session, v)
    today = forms.request_today(request)
    items = _own_items(session, dept, None)
    state = state if state in labels.COMMITMENT_STATES else ""
    item = item if item in {i.code for i in items} else ""
    number = forms.page_number(page)
    rows = commitment_service.commitments_page(
        session,
        v.principal,
        state=state or None,
        item=item or None,
        offset=(number - 1) * PAGE_ROWS,
        limit=PAGE_ROWS + 1,
    )
    return commitment_page(
        request,
        "commitments/department_list.html",
        department=dept,
        items=items,
        rows=[
            {"c": commitment_service.commitment_out(session, c), "overdue": is_overdue(c, today)}
            for c in rows[:PAGE_ROWS]
        ],
        filters={k: val for k, val in {"state": state, "item": item}.items() if val},
        state=state,
        item=item,
        page=number,
        has_next=len(rows) > PAGE_ROWS,
    )


async def _read_file(upload: UploadFile | None) -> tuple[str, bytes] | None:
    """An uploaded file, checked as POST /api/v1/evidence checks it (size, PDF/JPEG/PNG by
    content); None when none was chosen."""
    if upload is None or not upload.filename:
        return None
    data = await upload.read(evidence.MAX_BYTES + 1)
    if len(data) > evidence.MAX_BYTES:
        raise forms.Problem({"file": "文件不得超过 20 MB"}, status=413)
    try:
        evidence.content_type_of(data[:16])
    except evidence.UnsupportedFileType as exc:
        raise forms.Problem({"file": exc.message}, status=415) from None
    return upload.filename, data


def _record_page(
    request: Request,
    session: Session,
    kind: str,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    reasons: list[str] | None = None,
) -> Response:
    dept = own_department(session, forms.page_visitor(request))
    title, _type = FORMS[kind]
    return commitment_page(
        request,
        "commitments/department_record.html",
        status_code=status_code,
        kind=kind,
        title=title,
        items=_form_items(session, dept, kind),
        errors=errors or {},
        form=form or {},
        reasons=reasons or [],
    )


@router.get("/department/commitments/paper", response_class=HTMLResponse, **DEPARTMENTS)
def paper_form(request: Request, session: Session = db_session) -> Response:
    """Audience: provider, user_department. Record a paper commitment a subject signed at the
    counter, for the subject named, with the scan of the signed commitment: accepted at
    once."""
    return _record_page(request, session, "paper")


@router.get("/department/commitments/missing-documents", response_class=HTMLResponse, **DEPARTMENTS)
def missing_documents_form(request: Request, session: Session = db_session) -> Response:
    """Audience: provider, user_department. 容缺受理: accept an application with documents
    missing against the applicant's commitment to supply them within the item's period — the
    item, the subject, the acceptance's reference and the documents missing; a refusal of the
    eligibility check is shown with its reasons."""
    return _record_page(request, session, "missing-documents")


def _reasons(problem: forms.Problem) -> list[str]:
    """The reasons a refusal gives (409 ``not_eligible``: commitments/eligibility.Reason), each
    with its basis, cited by title and number."""
    return [
        f"{r['text']}（依据：{r['basis']}）" if r.get("basis") else r["text"]
        for r in problem.detail.get("reasons") or []
    ]


async def _record(
    request: Request,
    session: Session,
    kind: str,
    *,
    csrf_token: str,
    item: str,
    subject: str,
    reference: str,
    missing: str,
    file: UploadFile | None,
) -> Response:
    v = forms.page_visitor(request)
    check_csrf(v, csrf_token)
    dept = own_department(session, v)
    form = {"item": item[:64], "subject": subject.strip()[:40], "reference": reference[:100]}
    form["missing"] = missing[:10_000]
    try:
        chosen = next((i for i in _form_items(session, dept, kind) if i.code == item), None)
        if chosen is None:
            raise forms.Problem({"item": "请选择本部门受理的承诺事项"})
        data: dict[str, Any] = {
            "item": chosen.code,
            "template_version": chosen.template_version,
            "subject": form["subject"] or None,
            "reference": form["reference"].strip(),
        }
        if kind == "missing-documents":
            documents = missing_list(form["missing"])
            if not documents:
                raise forms.Problem({"missing_documents": "请逐行填写所缺材料"})
            data["missing_documents"] = documents
        body = forms.validated(CommitmentIn, data, RECORD_FIELDS)
        if body.subject is None:
            raise forms.Problem({"subject": "请填写承诺主体的统一社会信用代码或身份证号码"})
        upload = await _read_file(file)
        if kind == "paper" and upload is None:
            raise forms.Problem({"file": "请上传签署的承诺书扫描件"})
        step = forms.request_step(request)

        def act() -> Commitment:
            final = body
            if upload is not None:
                found = find_subject(session, body.subject or "", cipher=step.ctx.cipher)
                row = evidence.store(
                    session, step, subject_id=found.id, filename=upload[0], data=upload[1]
                )
                final = body.model_copy(update={"evidence_file_id": str(row.id)})
            return commitment_service.sign(session, step, final)

        c = forms.attempt(session, act, RECORD_FIELDS)
    except forms.Problem as problem:
        return _record_page(
            request,
            session,
            kind,
            status_code=problem.status,
            errors=problem.errors,
            form=form,
            reasons=_reasons(problem),
        )
    return forms.redirect(f"/department/commitments/{c.id}", done="recorded")


@router.post("/department/commitments/paper", response_class=HTMLResponse, **DEPARTMENTS)
async def paper_record(
    request: Request,
    csrf_token: str = Form(default=""),
    item: str = Form(default=""),
    subject: str = Form(default=""),
    reference: str = Form(default=""),
    file: UploadFile | None = File(default=None),
    session: Session = db_session,
) -> Response:
    """Audience: provider, user_department. The paper commitment (POST /api/v1/commitments by
    the department): the scan is stored as POST /api/v1/evidence stores it and the commitment
    recorded with it, all or nothing."""
    return await _record(
        request,
        session,
        "paper",
        csrf_token=csrf_token,
        item=item,
        subject=subject,
        reference=reference,
        missing="",
        file=file,
    )


@router.post(
    "/department/commitments/missing-documents", response_class=HTMLResponse, **DEPARTMENTS
)
async def missing_documents_record(
    request: Request,
    csrf_token: str = Form(default=""),
    item: str = Form(default=""),
    subject: str = Form(default=""),
    reference: str = Form(default=""),
    missing_documents: str = Form(default=""),
    file: UploadFile | None = File(default=None),
    session: Session = db_session,
) -> Response:
    """Audience: provider, user_department. The 容缺受理 acceptance (POST /api/v1/commitments
    by the department, with the documents missing); the signed commitment's scan is optional
    here."""
    return await _record(
        request,
        session,
        "missing-documents",
        csrf_token=csrf_token,
        item=item,
        subject=subject,
        reference=reference,
        missing=missing_documents,
        file=file,
    )


def _commitment_page(
    request: Request,
    session: Session,
    commitment_id: int,
    *,
    status_code: int = 200,
    errors: dict[str, dict[str, str]] | None = None,
    form: dict[str, str] | None = None,
    done: str = "",
) -> Response:
    principal = forms.page_visitor(request).principal
    today = forms.request_today(request)
    view = commitment_view(session, principal, commitment_id, today, actors=True)
    due = view["c"].due_on
    return commitment_page(
        request,
        "commitments/department_commitment.html",
        status_code=status_code,
        v=view,
        errors=errors or {},
        form=form or {},
        done=done,
        not_yet_due=due is not None and today <= due,
    )


@router.get("/department/commitments/{commitment_id}", response_class=HTMLResponse, **DEPARTMENTS)
def commitment_detail(
    commitment_id: BigId, request: Request, done: str = "", session: Session = db_session
) -> Response:
    """Audience: provider, user_department. A commitment made to the department: the text
    signed, its digest, the scan, the timeline; the acceptance, and the determination of its
    fulfilment once accepted."""
    return _commitment_page(request, session, commitment_id, done=done[:20])


@router.post(
    "/department/commitments/{commitment_id}/acceptance",
    response_class=HTMLResponse,
    **DEPARTMENTS,
)
def accept(
    commitment_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider, user_department. Accept a commitment signed online (POST
    /api/v1/commitments/{id}/acceptance)."""
    check_csrf(forms.page_visitor(request), csrf_token)
    try:
        forms.attempt(
            session,
            lambda: commitment_service.accept(session, forms.request_step(request), commitment_id),
        )
    except forms.Problem as problem:
        return _commitment_page(
            request,
            session,
            commitment_id,
            status_code=problem.status,
            errors={"accept": problem.errors},
        )
    return forms.redirect(f"/department/commitments/{commitment_id}", done="accepted")


@router.post(
    "/department/commitments/{commitment_id}/fulfilment",
    response_class=HTMLResponse,
    **DEPARTMENTS,
)
async def fulfil(
    commitment_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    outcome: str = Form(default=""),
    note: str = Form(default=""),
    decision_number: str = Form(default=""),
    file: UploadFile | None = File(default=None),
    session: Session = db_session,
) -> Response:
    """Audience: provider, user_department. Determine the fulfilment (POST
    /api/v1/commitments/{id}/fulfilment): fulfilled; breached, after the deadline, with the
    decision's number; or false — a breach or a false commitment writes the negative record
    the item names. An evidence file is stored with it, all or nothing."""
    v = forms.page_visitor(request)
    check_csrf(v, csrf_token)
    form = {"outcome": outcome[:20], "note": note[:2000], "decision_number": decision_number[:100]}
    try:
        body = forms.validated(
            FulfilmentIn,
            {
                "outcome": outcome,
                "note": note.strip(),
                "decision_number": decision_number.strip() or None,
            },
            FULFIL_FIELDS,
        )
        upload = await _read_file(file)
        step = forms.request_step(request)

        def act() -> Commitment:
            final = body
            if upload is not None:
                c = commitment_service.get_commitment(session, v.principal, commitment_id)
                row = evidence.store(
                    session, step, subject_id=c.subject_id, filename=upload[0], data=upload[1]
                )
                final = body.model_copy(update={"evidence_file_id": str(row.id)})
            return commitment_service.fulfil(session, step, commitment_id, final)

        forms.attempt(session, act, FULFIL_FIELDS)
    except forms.Problem as problem:
        return _commitment_page(
            request,
            session,
            commitment_id,
            status_code=problem.status,
            errors={"fulfil": problem.errors},
            form=form,
        )
    return forms.redirect(f"/department/commitments/{commitment_id}", done="determined")


@router.get("/department/commitments/files/{file_id}", **DEPARTMENTS)
def commitment_file(file_id: BigId, request: Request, session: Session = db_session) -> Response:
    """Audience: provider, user_department. A file of a commitment made to the department (the
    scan, the evidence of its fulfilment), read and audited as GET /api/v1/evidence/{id}."""
    return forms.evidence_download(request, session, file_id)
