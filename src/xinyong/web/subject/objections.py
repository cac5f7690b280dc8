"""Objections (异议, Measures art. 31–32): the subject's list, the form, one objection."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from xinyong.core.api import BigId, db_session
from xinyong.core.labels import OBJECTION_GROUNDS
from xinyong.errors import NotFound
from xinyong.models import Objection, ObjectionOutcome, ObjectionState, TargetType
from xinyong.objections import service as objection_service
from xinyong.objections.appeals import objection_out
from xinyong.objections.evaluation import open_objection_id
from xinyong.objections.schemas import ObjectionIn
from xinyong.web import forms
from xinyong.web.site import Visitor
from xinyong.web.subject.common import (
    SUBJECT,
    appeal_deadline,
    asked_target,
    code_names,
    console_page,
    procedure_documents,
    subject_id_of,
    target_of,
    target_ref,
)
from xinyong.web.subject.uploads import (
    MAX_FILES,
    MAX_MB,
    check_form,
    checked_form,
    store,
    with_form,
)

router = APIRouter(include_in_schema=False)

# Objections on a page of /me/objections.
PAGE_ROWS = 50
OBJECTION_FIELDS = {
    "target": "target",
    "ground": "ground",
    "statement": "statement",
    "evidence": "files",
    "file": "files",
}


def _current_due(obj: Objection) -> date | None:
    """The due date of the step under way (Measures art. 32)."""
    if obj.state is ObjectionState.review:
        return obj.review_due_on
    if obj.state is ObjectionState.verification:
        return obj.verify_due_on
    if obj.state is ObjectionState.correction:
        return obj.correction_due_on
    return None


@router.get("/me/objections", response_class=HTMLResponse, **SUBJECT)
def objections_page(
    request: Request, page: str = "1", filed: str = "", session: Session = db_session
) -> Response:
    """Audience: subject. The subject's objections, newest first (GET /api/v1/objections as
    the subject), each with its state and the due date of the step under way."""
    v = forms.page_visitor(request)
    sid = subject_id_of(v)
    today = forms.request_today(request)
    number = forms.page_number(page)
    rows, total = objection_service.find_objections(
        session,
        v.principal,
        state=None,
        subject_id=None,
        limit=PAGE_ROWS,
        offset=(number - 1) * PAGE_ROWS,
    )
    items = []
    for obj in rows:
        target = target_of(session, sid, obj.target_type.value, obj.target_id, today)
        due = _current_due(obj)
        items.append(
            {
                "objection": obj,
                "target": target["label"] if target else f"{obj.target_id}",
                "due": due,
                "overdue": due is not None and due < today,
            }
        )
    return console_page(
        request,
        "subject/objections.html",
        section="objections",
        objections=items,
        total=total,
        page=number,
        pages=max(1, -(-total // PAGE_ROWS)),
        filed=forms.parse_int(filed),
    )


def _objection_form(
    request: Request,
    session: Session,
    target: dict[str, Any],
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    sid = subject_id_of(forms.page_visitor(request))
    if target["type"] == TargetType.evaluation.value:
        open_id = open_objection_id(session, sid)
    else:
        open_id = objection_service.open_objection(
            session, sid, TargetType(target["type"]), target["id"]
        )
    return console_page(
        request,
        "subject/objection_new.html",
        status_code=status_code,
        section="objections",
        target=target,
        open_id=open_id,
        errors=errors or {},
        form=form or {},
        max_files=MAX_FILES,
        max_mb=MAX_MB,
    )


@router.get("/me/objections/new", response_class=HTMLResponse, **SUBJECT)
def objection_new(
    request: Request,
    record: str = "",
    entry: str = "",
    evaluation: str = "",
    session: Session = db_session,
) -> Response:
    """Audience: subject. The objection form for one of the subject's records or list
    entries, or (``?evaluation=current``) its current evaluation result: ground (Measures
    art. 31), statement and evidence files."""
    target = asked_target(
        session,
        forms.page_visitor(request),
        record,
        entry,
        forms.request_today(request),
        evaluation,
    )
    form = {"ground": "past_validity"} if target.get("standing") == "expired" else {}
    return _objection_form(request, session, target, form=form)


@router.post("/me/objections/new", response_class=HTMLResponse, **SUBJECT)
async def objection_file(
    request: Request,
    record: str = "",
    entry: str = "",
    evaluation: str = "",
    session: Session = db_session,
) -> Response:
    """Audience: subject. File the objection (multipart: the fields and the evidence files):
    each file is stored as POST /api/v1/evidence stores it, then the objection is filed with
    their ids as POST /api/v1/objections files it — all or nothing."""
    return await with_form(request, session, _file_objection, record, entry, evaluation)


def _file_objection(
    request: Request,
    session: Session,
    form: FormData,
    problem: forms.Problem | None,
    record: str,
    entry: str,
    evaluation: str,
) -> Response:
    v = forms.page_visitor(request)
    check_form(v, form, problem)
    sid = subject_id_of(v)
    target = asked_target(session, v, record, entry, forms.request_today(request), evaluation)
    values = {
        "ground": forms.form_text(form, "ground", 40),
        "statement": forms.form_text(form, "statement").strip(),
    }
    errors: dict[str, str] = {}
    if values["ground"] not in OBJECTION_GROUNDS:
        errors["ground"] = "请选择异议理由"
    if not values["statement"]:
        errors["statement"] = "请写明异议的事实和理由"
    data = {"target": target_ref(target), **values, "evidence": []}
    try:
        files = checked_form(
            form, problem, {"files": "evidence"}, ObjectionIn, data, OBJECTION_FIELDS, errors
        )
        step = forms.request_step(request)

        def act() -> Objection:
            body = ObjectionIn.model_validate(
                {**data, "evidence": store(session, step, sid, files)}
            )
            return objection_service.file_objection(session, step, sid, body)

        obj = forms.attempt(session, act, OBJECTION_FIELDS)
    except forms.Problem as bad:
        return _objection_form(
            request, session, target, status_code=bad.status, errors=bad.errors, form=values
        )
    return forms.redirect(f"/me/objections/{obj.id}", filed="1")


def visible_objection(session: Session, v: Visitor, objection_id: int) -> Objection:
    try:
        obj = objection_service.get_objection(session, objection_id)
    except NotFound:
        obj = None
    if obj is None or not objection_service.may_see(session, v.principal, obj):
        # Never confirm that another subject's objection exists.
        raise NotFound("异议申请不存在", "no such objection", code="unknown_objection")
    return obj


def render_objection(
    request: Request,
    session: Session,
    objection_id: BigId,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    done: str = "",
) -> Response:
    v = forms.page_visitor(request)
    sid = subject_id_of(v)
    today = forms.request_today(request)
    obj = visible_objection(session, v, objection_id)
    view = objection_out(session, obj)
    appeal_by = None
    if obj.outcome is ObjectionOutcome.rejected and obj.state is ObjectionState.closed:
        appeal_by = appeal_deadline(session, forms.request_step(request), obj.closed_at)
    may_appeal = (
        view.appeal is None
        and obj.outcome is ObjectionOutcome.rejected
        and obj.state is ObjectionState.closed
        and (appeal_by is None or today <= appeal_by)
    )
    procedures = [("objection", obj.id)]
    if view.appeal is not None:
        procedures.append(("appeal", int(view.appeal.id)))
    due = _current_due(obj)
    return console_page(
        request,
        "subject/objection.html",
        status_code=status_code,
        section="objections",
        objection=view,
        target=target_of(session, sid, obj.target_type.value, obj.target_id, today),
        due=due,
        overdue=due is not None and due < today,
        appeal_by=appeal_by,
        may_appeal=may_appeal,
        documents=procedure_documents(session, sid, *procedures),
        names=code_names(session),
        errors=errors or {},
        form=form or {},
        done=done,
        max_files=MAX_FILES,
        max_mb=MAX_MB,
    )


@router.get("/me/objections/{objection_id}", response_class=HTMLResponse, **SUBJECT)
def objection_page(
    objection_id: BigId,
    request: Request,
    filed: str = "",
    appealed: str = "",
    session: Session = db_session,
) -> Response:
    """Audience: subject. One of the subject's objections (GET /api/v1/objections/{id}): its
    state, the due dates, the timeline of its steps, the outcome, the documents, and the
    appeal — or the appeal form where an appeal lies (a rejection, within its period)."""
    done = "filed" if filed else "appealed" if appealed else ""
    return render_objection(request, session, objection_id, done=done)
