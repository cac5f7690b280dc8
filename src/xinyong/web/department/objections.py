"""Pages: objections referred to a provider for verification (objections/service), and the
evidence files of the procedures it handles."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.approvals.repository import latest_decision_on
from xinyong.approvals.rules import needs_approval
from xinyong.catalog.service import labelled_fields
from xinyong.core import labels
from xinyong.core.api import BigId, db_session
from xinyong.errors import NotFound
from xinyong.lists.repository import entry_of_subject
from xinyong.models import Objection, ObjectionState, TargetType
from xinyong.objections import service as objection_service
from xinyong.objections.appeals import objection_out
from xinyong.objections.schemas import VerificationIn
from xinyong.records.repository import record_with_item_name
from xinyong.subjects.repository import subjects_by_id
from xinyong.web.department.common import (
    PAGE_ROWS,
    PROVIDERS,
    console_page,
    list_names,
    step_rows,
    subject_key,
)
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
from xinyong.web.staffing import prepare

# The verification is a decision of two persons when a person acts under its own name
# (approvals/kinds.py).
VERIFY = "objection.verify"

router = APIRouter(include_in_schema=False)


def _target_label(session: Session, obj: Objection) -> dict[str, Any]:
    """What an objection is about, as the department reads it."""
    if obj.target_type is TargetType.record:
        row = record_with_item_name(session, obj.subject_id, obj.target_id)
        if row is None:
            return {"label": f"信用记录 {obj.target_id}", "record": None, "link": None}
        record, name = row
        return {
            "label": f"{name}（记录编号 {record.id}）",
            "record": record,
            "fields": labelled_fields(session, record.item_code, record.fields),
            "link": None,
        }
    entry = entry_of_subject(session, obj.subject_id, obj.target_id)
    name = list_names(session).get(entry.list_code, entry.list_code) if entry else "名单条目"
    return {
        "label": f"{name}（名单条目编号 {obj.target_id}）",
        "record": None,
        "link": f"/department/lists/entries/{obj.target_id}" if entry else None,
    }


@router.get("/department/objections", response_class=HTMLResponse, **PROVIDERS)
def objections_page(
    request: Request, state: str = "verification", page: str = "1", session: Session = db_session
) -> Response:
    """Audience: provider. Objections referred to the department (GET /api/v1/objections as a
    provider): by default those awaiting its verification, soonest due first on the page."""
    v = page_visitor(request)
    today = request_today(request)
    state = state if state in (*labels.OBJECTION_STATES, "all") else "verification"
    number = page_number(page)
    rows, total = objection_service.find_objections(
        session,
        v.principal,
        state=None if state == "all" else state,
        subject_id=None,
        limit=PAGE_ROWS,
        offset=(number - 1) * PAGE_ROWS,
    )
    subjects = subjects_by_id(session, (o.subject_id for o in rows))
    items = []
    for obj in rows:
        due = obj.verify_due_on if obj.state is ObjectionState.verification else None
        subject = subjects.get(obj.subject_id)
        items.append(
            {
                "objection": obj,
                "subject": subject_key(subject) if subject else "",
                "subject_name": subject.name if subject else "",
                "target": _target_label(session, obj)["label"],
                "due": due,
                "overdue": due is not None and due < today,
            }
        )
    if state == "verification":
        items.sort(key=lambda i: (i["due"] or date.max, i["objection"].id))
    return console_page(
        request,
        "department/objections.html",
        section="objections",
        objections=items,
        total=total,
        state=state,
        page=number,
        pages=max(1, -(-total // PAGE_ROWS)),
        today=today,
    )


def _objection_page(
    request: Request,
    session: Session,
    objection_id: int,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    done: str = "",
) -> Response:
    v = page_visitor(request)
    obj = objection_service.get_objection(session, objection_id)
    if not objection_service.may_see(session, v.principal, obj):
        raise NotFound("异议申请不存在", "no such objection", code="unknown_objection")
    view = objection_out(session, obj)
    today = request_today(request)
    latest = latest_decision_on(session, VERIFY, obj.id)
    pending = latest if latest is not None and latest.outcome is None else None
    returned = latest if latest is not None and latest.outcome == "returned" else None
    return console_page(
        request,
        "department/objection.html",
        status_code=status_code,
        section="objections",
        objection=view,
        steps=step_rows(session, view.steps),
        target=_target_label(session, obj),
        verifying=obj.state is ObjectionState.verification
        and pending is None
        and objection_service.verifying_department(session, obj) == v.principal.department_id,
        pending_verification=pending,
        returned_verification=returned,
        two_person=needs_approval(v.principal),
        overdue=obj.state is ObjectionState.verification
        and obj.verify_due_on is not None
        and obj.verify_due_on < today,
        errors=errors or {},
        form=form or {},
        done=done,
    )


@router.get("/department/objections/{objection_id}", response_class=HTMLResponse, **PROVIDERS)
def objection_page(
    objection_id: BigId, request: Request, done: str = "", session: Session = db_session
) -> Response:
    """Audience: provider. An objection referred to the department: the subject's statement,
    the information objected to, the evidence, the timeline, and the verification form."""
    return _objection_page(request, session, objection_id, done=done)


@router.post(
    "/department/objections/{objection_id}/verification",
    response_class=HTMLResponse,
    **PROVIDERS,
)
def objection_verification(
    objection_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    found_wrong: str = Form(default=""),
    opinion: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider. The department's verification (核实) of an objection (POST
    /api/v1/objections/{id}/verification): the information is wrong or right, and why. A
    person acting under its own name prepares it; a 审核 of the department approves it."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    form = {"found_wrong": found_wrong, "opinion": opinion}
    try:
        if found_wrong not in ("yes", "no"):
            raise Problem({"found_wrong": "请选择核实结论"})
        body = validated(
            VerificationIn, {"found_wrong": found_wrong == "yes", "opinion": opinion.strip()}
        )
        if needs_approval(v.principal):
            payload = {"found_wrong": body.found_wrong, "opinion": body.opinion}
            prepare(request, session, VERIFY, objection_id, payload)
            return redirect(f"/department/objections/{objection_id}", done="prepared")
        attempt(
            session,
            lambda: objection_service.verify(
                session,
                request_step(request),
                objection_id,
                found_wrong=body.found_wrong,
                opinion=body.opinion,
            ),
        )
    except Problem as problem:
        return _objection_page(
            request,
            session,
            objection_id,
            status_code=problem.status,
            errors=problem.errors,
            form=form,
        )
    return redirect(f"/department/objections/{objection_id}", done="verified")


@router.get("/department/evidence/{file_id}", **PROVIDERS)
def evidence_file(file_id: BigId, request: Request, session: Session = db_session) -> Response:
    """Audience: provider. An evidence file of a procedure the department handles, read (and
    audited) exactly as GET /api/v1/evidence/{id} reads it; others are 404."""
    return evidence_download(request, session, file_id)
