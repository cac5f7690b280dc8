"""Pages: objections (异议) as the platform handles them (objections/service; Measures art.
31–32): the list with its filters, an objection with the information objected to and its
timeline, and the platform's three steps — the referral to the providing department, the
review decision, and the correction of what was found wrong.

Each step's POST takes it by one call of a small function of this module (``_refer_objection``,
``_correct_objection``): the step, the objection and the form's values in, the service's
answer out. The review decision is a decision of two persons when a person acts under its own
name (``_decide_objection``: its form read into the payload of approvals/kinds.py
``objection.decide``, prepared by one, approved by a 审核 on 待审核); a shared account or a
token takes it alone."""

from __future__ import annotations

from datetime import date
from typing import Any

import anyio
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from xinyong.core import labels
from xinyong.core.api import BigId, db_session
from xinyong.departments.repository import department_by_id
from xinyong.errors import XinyongError
from xinyong.lists.repository import entry_of_subject
from xinyong.lists.rules import is_in_force
from xinyong.models import Objection, ObjectionState, TargetType
from xinyong.objections import service as objection_service
from xinyong.objections.appeals import objection_out
from xinyong.objections.evaluation import objected_result
from xinyong.objections.schemas import CorrectionIn, DecisionIn
from xinyong.records.repository import record_with_item_name, subject_records_by_ids
from xinyong.rights.step import Step
from xinyong.subjects.repository import subjects_by_id
from xinyong.subjects.service import find_subject
from xinyong.web.authority.common import (
    AUTHORITY,
    PAGE_ROWS,
    Act,
    Decision,
    console_page,
    item_labels,
    pages_of,
    take_step,
)
from xinyong.web.department.common import list_names, step_rows, subject_key
from xinyong.web.forms import (
    Problem,
    evidence_download,
    page_number,
    page_visitor,
    request_today,
    validated,
)
from xinyong.web.site import check_csrf

router = APIRouter(include_in_schema=False)

FILTER_STATES = (*labels.OBJECTION_STATES, "all")
# The outcomes of the review decision as the form offers them.
DECISIONS = {
    "upheld": "异议成立：信息确有错误，转入更正（3 个工作日内），据此列入的名单立即撤销",
    "rejected": "异议不成立：维持原信息，去除异议标识",
}
CORRECTIONS = {
    "correct": "更正：按下列字段生成更正后的记录，原记录不再公示和使用",
    "revoke": "撤销：该记录不再公示和使用",
}


def _due(obj: Objection) -> date | None:
    """The last day of the step under way (the platform's review, the provider's
    verification, the platform's correction), None once closed."""
    return {
        ObjectionState.review: obj.review_due_on,
        ObjectionState.verification: obj.verify_due_on,
        ObjectionState.correction: obj.correction_due_on,
    }.get(obj.state)


def _target(
    session: Session, obj: Objection, today: date, *, records: bool = True
) -> dict[str, Any]:
    """What the objection is about as the authority reads it: the record (with its fields by
    their labels), or the list entry and the records it rests on — each a record the
    correction may take (``records``: the page of one objection; a table names it only). An
    evaluation result: as it stood when the objection was filed."""
    if obj.target_type is TargetType.evaluation:
        result = objected_result(session, obj) or {}
        grade = labels.GRADE_TITLES.get(result.get("grade", ""), "")
        return {
            "label": f"公共信用综合评价结果（评价日 {result.get('evaluated_on', '')}，信用等级 "
            f"{grade}，得分 {result.get('score', '')}，{result.get('model', '')}）",
            "records": [],
            "entry": None,
            "evaluation": True,
        }
    if obj.target_type is TargetType.record:
        row = record_with_item_name(session, obj.subject_id, obj.target_id)
        if row is None:
            return {"label": f"信用记录 {obj.target_id}", "records": [], "entry": None}
        record, name = row
        return {
            "label": f"{name}（记录编号 {record.id}）",
            "records": [_record_view(session, record, name)] if records else [],
            "entry": None,
        }
    entry = entry_of_subject(session, obj.subject_id, obj.target_id)
    if entry is None:
        return {"label": f"名单条目 {obj.target_id}", "records": [], "entry": None}
    name = list_names(session).get(entry.list_code, "名单")
    basis = (
        subject_records_by_ids(session, obj.subject_id, [int(r) for r in entry.basis_records])
        if records
        else []
    )
    return {
        "label": f"{name}（名单条目编号 {entry.id}）",
        "records": [_record_view(session, r, None) for r in basis],
        "entry": {
            "id": entry.id,
            "list_name": name,
            "state": entry.state.value,
            "in_force": is_in_force(entry, today),
            "reason": entry.reason,
        },
    }


def _record_view(session: Session, record: Any, item_name: str | None) -> dict[str, Any]:
    """A record with its fields by their labels (in the order the record has them)."""
    name, names = item_labels(session, record.item_code)
    return {
        "id": record.id,
        "item_name": item_name or name,
        "source_id": record.source_id,
        "determined_on": record.determined_on,
        "standing": record.standing.value,
        "fields": [
            {"name": k, "label": names.get(k, k), "value": "" if v is None else str(v)}
            for k, v in record.fields.items()
        ],
    }


@router.get("/authority/objections", response_class=HTMLResponse, **AUTHORITY)
def objections_page(
    request: Request,
    state: str = "review",
    subject: str = "",
    page: str = "1",
    session: Session = db_session,
) -> Response:
    """Audience: authority. Every objection (GET /api/v1/objections as the authority), newest
    first, by state (by default those under the platform's review) and by subject (its credit
    code or ID number); each with the due day of its step, overdue marked."""
    v = page_visitor(request)
    today = request_today(request)
    state = state if state in FILTER_STATES else "review"
    number = page_number(page)
    key = subject.strip()[:64]
    error = ""
    subject_id = None
    if key:
        try:
            subject_id = find_subject(session, key, cipher=request.app.state.db.cipher).id
        except XinyongError as exc:
            error = exc.message
    rows: list[Objection] = []
    total = 0
    if not error:
        rows, total = objection_service.find_objections(
            session,
            v.principal,
            state=None if state == "all" else state,
            subject_id=subject_id,
            limit=PAGE_ROWS,
            offset=(number - 1) * PAGE_ROWS,
        )
    subjects = subjects_by_id(session, (o.subject_id for o in rows))
    items = []
    for obj in rows:
        who = subjects.get(obj.subject_id)
        due = _due(obj)
        items.append(
            {
                "objection": obj,
                "subject": subject_key(who) if who else "",
                "subject_name": who.name if who else "",
                "target": _target(session, obj, today, records=False)["label"],
                "due": due,
                "overdue": due is not None and due < today,
            }
        )
    return console_page(
        request,
        "authority/objections.html",
        section="objections",
        objections=items,
        total=total,
        state=state,
        subject=key,
        error=error,
        page=number,
        pages=pages_of(total),
        today=today,
    )


def _objection_page(
    request: Request,
    session: Session,
    objection_id: int,
    *,
    status_code: int = 200,
    errors: dict[str, dict[str, str]] | None = None,
    forms: dict[str, dict[str, Any]] | None = None,
    done: str = "",
) -> Response:
    obj = objection_service.get_objection(session, objection_id)
    view = objection_out(session, obj)
    today = request_today(request)
    due = _due(obj)
    return console_page(
        request,
        "authority/objection.html",
        status_code=status_code,
        section="objections",
        objection=view,
        steps=step_rows(session, view.steps),
        target=_target(session, obj, today),
        department=_verifier_name(session, obj),
        due=due,
        overdue=due is not None and due < today,
        decisions=DECISIONS,
        corrections=CORRECTIONS,
        decision=_decide_objection.shown(request, session, obj.id),
        errors=errors or {},
        forms=forms or {},
        done=done,
    )


def _verifier_name(session: Session, obj: Objection) -> str:
    """The department that verifies (the record's provider, the entry's identifying one)."""
    try:
        return department_by_id(session, objection_service.verifying_department(session, obj)).name
    except XinyongError:
        return ""


@router.get("/authority/objections/{objection_id}", response_class=HTMLResponse, **AUTHORITY)
def objection_page(
    objection_id: BigId, request: Request, done: str = "", session: Session = db_session
) -> Response:
    """Audience: authority. An objection: the subject's statement and evidence, the
    information objected to, the provider's verification, the timeline, and the form of the
    platform's step now open (referral and decision in review, correction after upholding)."""
    return _objection_page(request, session, objection_id, done=done)


# ---- The platform's steps: one call each, of the step, the objection and the form's values


def _refer_objection(
    session: Session, step: Step, objection_id: int, values: dict[str, Any]
) -> Objection:
    """Refer to the providing department for verification (POST .../referral)."""
    return objection_service.refer(session, step, objection_id)


def _decision_payload(values: dict[str, Any]) -> dict[str, Any]:
    """The review decision's form (POST .../decision): ``outcome`` upheld or rejected,
    ``reason`` — as the kind ``objection.decide`` takes it."""
    if values.get("outcome") not in DECISIONS:
        raise Problem({"outcome": "请选择审核结论"})
    body = validated(
        DecisionIn, {"outcome": values["outcome"], "reason": str(values.get("reason", "")).strip()}
    )
    return {"outcome": body.outcome, "reason": body.reason}


# The review decision: two persons when a person acts under its own name (approvals/kinds.py).
_decide_objection = Decision("objection.decide", _decision_payload)


def _correct_objection(
    session: Session, step: Step, objection_id: int, values: dict[str, Any]
) -> Objection:
    """The correction (POST .../correction): ``action`` correct or revoke, ``record_id`` (for a
    list entry: one of its basis records), ``fields`` (correct: the values changed)."""
    if values.get("action") not in CORRECTIONS:
        raise Problem({"action": "请选择更正或撤销"})
    data: dict[str, Any] = {"action": values["action"]}
    if values.get("record_id"):
        data["record_id"] = values["record_id"]
    if values["action"] == "correct":
        data["fields"] = values.get("fields") or {}
        if not data["fields"]:
            raise Problem({"fields": "请修改至少一个字段的值"})
    body = validated(CorrectionIn, data)
    return objection_service.correct(session, step, objection_id, body)


def _acted(
    request: Request,
    session: Session,
    objection_id: int,
    form: str,
    act: Act | Decision,
    values: dict[str, Any],
    done: str,
    *,
    shown: dict[str, Any] | None = None,
) -> Response:
    """Take the step (a refusal re-renders the page with its message by the form)."""
    return take_step(
        request,
        session,
        act,
        objection_id,
        values,
        again=lambda problem: _objection_page(
            request,
            session,
            objection_id,
            status_code=problem.status,
            errors={form: problem.errors},
            forms={form: shown if shown is not None else values},
        ),
        then=f"/authority/objections/{objection_id}?done={done}",
    )


@router.post(
    "/authority/objections/{objection_id}/referral", response_class=HTMLResponse, **AUTHORITY
)
def objection_referral(
    objection_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: authority. Refer the objection to the department that provided the
    information (POST /api/v1/objections/{id}/referral): it verifies within 5 working days."""
    check_csrf(page_visitor(request), csrf_token)
    return _acted(request, session, objection_id, "refer", _refer_objection, {}, "referred")


@router.post(
    "/authority/objections/{objection_id}/decision", response_class=HTMLResponse, **AUTHORITY
)
def objection_decision(
    objection_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    outcome: str = Form(default=""),
    reason: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: authority. The review decision (POST /api/v1/objections/{id}/decision):
    upheld goes to correction and ends a wrongful listing at once; rejected closes it."""
    check_csrf(page_visitor(request), csrf_token)
    values = {"outcome": outcome, "reason": reason}
    return _acted(request, session, objection_id, "decide", _decide_objection, values, "decided")


def _correction_values(form: FormData) -> tuple[dict[str, Any], dict[str, Any]]:
    """The correction's values from its form: the fields of the chosen record whose value
    was changed (each field ``f.<record id>.<name>``, its value as shown in ``o.…``)."""
    action = str(form.get("action") or "")
    record_id = str(form.get("record_id") or "").strip()
    fields: dict[str, Any] = {}
    given: dict[str, str] = {}
    for name, value in form.multi_items():
        if not isinstance(value, str) or not name.startswith("f."):
            continue
        _, rid, field = name.split(".", 2) if name.count(".") >= 2 else ("", "", "")
        given[name] = value[:5000]
        if rid == record_id and value.strip() != str(form.get(f"o.{rid}.{field}") or "").strip():
            fields[field] = value.strip()
    values = {"action": action, "record_id": record_id, "fields": fields}
    return values, {"action": action, "record_id": record_id, **given}


@router.post(
    "/authority/objections/{objection_id}/correction", response_class=HTMLResponse, **AUTHORITY
)
async def objection_correction(
    objection_id: BigId, request: Request, session: Session = db_session
) -> Response:
    """Audience: authority. Correct or revoke what was found wrong (POST
    /api/v1/objections/{id}/correction): a correction is a new record in the original's
    place, published where it was; the original is never edited."""
    form = await request.form(max_files=0, max_fields=500)

    def act() -> Response:
        check_csrf(page_visitor(request), str(form.get("csrf_token") or ""))
        values, shown = _correction_values(form)
        return _acted(
            request,
            session,
            objection_id,
            "correct",
            _correct_objection,
            values,
            "corrected",
            shown=shown,
        )

    try:
        return await anyio.to_thread.run_sync(act)
    finally:
        await form.close()


@router.get("/authority/evidence/{file_id}", **AUTHORITY)
def evidence_file(file_id: BigId, request: Request, session: Session = db_session) -> Response:
    """Audience: authority. An evidence file of a procedure, read (and audited) as GET
    /api/v1/evidence/{id} reads it."""
    return evidence_download(request, session, file_id)
