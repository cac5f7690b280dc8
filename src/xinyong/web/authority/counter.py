"""Pages: an objection (Measures art. 31), an appeal (art. 33) or a repair application (art.
34) filed at the credit authority's counter for a subject (objections/rules
``TRANSITIONS["file"]``, ``APPEAL_TRANSITIONS["file"]``, repairs/rules ``TRANSITIONS["apply"]``:
the subject or the authority files) — the same services as POST /api/v1/objections, /appeals
and /repairs with ``subject``, the evidence files stored for the
subject as POST /api/v1/evidence stores them, all or nothing. The multipart form is read as the
subject console reads its own (web/subject/uploads.py)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from xinyong.core import labels
from xinyong.core.api import db_session
from xinyong.models import Appeal, Objection, Repair
from xinyong.objections import appeals as appeal_service
from xinyong.objections import service as objection_service
from xinyong.objections.schemas import AppealIn, ObjectionIn
from xinyong.repairs import service as repair_service
from xinyong.repairs.schemas import WAYS, WAYS_WITH_EVIDENCE, RepairIn
from xinyong.subjects.service import find_subject
from xinyong.web import forms
from xinyong.web.authority.common import AUTHORITY, console_page
from xinyong.web.subject.uploads import (
    MAX_FILES,
    MAX_MB,
    check_form,
    checked_form,
    store,
    with_form,
)

router = APIRouter(include_in_schema=False)

# The form's file inputs and the evidence kind of each.
FILES = {"files": "evidence", "authorisation": "authorisation"}
# The API's (and the service's) field names as the form names them.
FIELDS = {
    "subject": "subject",
    "key": "subject",
    "target": "target_id",
    "ground": "ground",
    "statement": "statement",
    "agent_name": "agent_name",
    "evidence": "files",
}
TARGETS = {"record": "信用记录", "list_entry": "名单条目"}


def _counter_page(
    request: Request,
    session: Session,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    return console_page(
        request,
        "authority/objection_new.html",
        status_code=status_code,
        section="objections",
        grounds=labels.OBJECTION_GROUNDS,
        targets=TARGETS,
        errors=errors or {},
        form=form or {},
        max_files=MAX_FILES,
        max_mb=MAX_MB,
    )


@router.get("/authority/objections/new", response_class=HTMLResponse, **AUTHORITY)
def objection_new(
    request: Request, subject: str = "", record: str = "", session: Session = db_session
) -> Response:
    """Audience: authority. The form of an objection filed at the counter for a subject."""
    form = {"subject": subject[:64], "target_kind": "record", "target_id": record[:20]}
    return _counter_page(request, session, form=form)


@router.post("/authority/objections/new", response_class=HTMLResponse, **AUTHORITY)
async def objection_file(request: Request, session: Session = db_session) -> Response:
    """Audience: authority. File the objection for the subject named (multipart: the fields
    and the evidence files; an agent's needs the letter of authorisation)."""
    return await with_form(request, session, _file_at_counter)


def _values(form: FormData) -> dict[str, str]:
    return {
        "subject": forms.form_text(form, "subject", 64).strip(),
        "target_kind": forms.form_text(form, "target_kind", 20),
        "target_id": forms.form_text(form, "target_id", 40).strip(),
        "ground": forms.form_text(form, "ground", 40),
        "statement": forms.form_text(form, "statement").strip(),
        "agent_name": forms.form_text(form, "agent_name", 200).strip(),
    }


def _file_at_counter(
    request: Request, session: Session, form: FormData, problem: forms.Problem | None
) -> Response:
    check_form(forms.page_visitor(request), form, problem)
    values = _values(form) if problem is None else {}
    errors: dict[str, str] = {}
    if not values.get("subject"):
        errors["subject"] = "请填写信息主体的统一社会信用代码或身份证号码"
    if values.get("target_kind") not in TARGETS or not values.get("target_id"):
        errors["target_id"] = "请选择异议对象并填写其编号"
    if values.get("ground") not in labels.OBJECTION_GROUNDS:
        errors["ground"] = "请选择异议理由"
    kind = values.get("target_kind") if values.get("target_kind") in TARGETS else "record"
    data: dict[str, Any] = {
        "target": {kind: values.get("target_id") or "0"},
        "ground": values.get("ground", ""),
        "statement": values.get("statement", ""),
        "agent_name": values.get("agent_name") or None,
        "evidence": [],
    }
    try:
        files = checked_form(form, problem, FILES, ObjectionIn, data, FIELDS, errors)
        step = forms.request_step(request)

        def act() -> Objection:
            sid = find_subject(session, values["subject"], cipher=request.app.state.db.cipher).id
            body = ObjectionIn.model_validate(
                {**data, "evidence": store(session, step, sid, files)}
            )
            return objection_service.file_objection(session, step, sid, body)

        obj = forms.attempt(session, act, FIELDS)
    except forms.Problem as bad:
        return _counter_page(
            request, session, status_code=bad.status, errors=bad.errors, form=values
        )
    return forms.redirect(f"/authority/objections/{obj.id}", done="filed")


# ---- An appeal at the counter

APPEAL_FILES = {"files": "evidence"}
APPEAL_FIELDS = {
    "subject": "subject",
    "key": "subject",
    "procedure": "procedure",
    "id": "procedure_id",
    "statement": "statement",
    "evidence": "files",
}


def _appeal_page(
    request: Request,
    session: Session,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    return console_page(
        request,
        "authority/appeal_new.html",
        status_code=status_code,
        section="appeals",
        procedures={"objection": "异议申请", "repair": "信用修复申请"},
        errors=errors or {},
        form=form or {},
        max_files=MAX_FILES,
        max_mb=MAX_MB,
    )


@router.get("/authority/appeals/new", response_class=HTMLResponse, **AUTHORITY)
def appeal_new(
    request: Request, subject: str = "", objection: str = "", session: Session = db_session
) -> Response:
    """Audience: authority. The form of an appeal filed at the counter for a subject."""
    form = {"subject": subject[:64], "procedure": "objection", "procedure_id": objection[:20]}
    return _appeal_page(request, session, form=form)


@router.post("/authority/appeals/new", response_class=HTMLResponse, **AUTHORITY)
async def appeal_file(request: Request, session: Session = db_session) -> Response:
    """Audience: authority. File the appeal for the subject named, against an objection found
    unfounded or a refused repair, within the period to appeal."""
    return await with_form(request, session, _appeal_at_counter)


def _appeal_at_counter(
    request: Request, session: Session, form: FormData, problem: forms.Problem | None
) -> Response:
    check_form(forms.page_visitor(request), form, problem)
    values = (
        {
            "subject": forms.form_text(form, "subject", 64).strip(),
            "procedure": forms.form_text(form, "procedure", 20),
            "procedure_id": forms.form_text(form, "procedure_id", 40).strip(),
            "statement": forms.form_text(form, "statement").strip(),
        }
        if problem is None
        else {}
    )
    errors: dict[str, str] = {}
    if not values.get("subject"):
        errors["subject"] = "请填写信息主体的统一社会信用代码或身份证号码"
    if values.get("procedure") not in ("objection", "repair") or not values.get("procedure_id"):
        errors["procedure_id"] = "请选择申诉对象并填写其编号"
    data: dict[str, Any] = {
        "procedure": values.get("procedure") or "objection",
        "id": values.get("procedure_id") or "0",
        "statement": values.get("statement", ""),
        "evidence": [],
    }
    try:
        files = checked_form(form, problem, APPEAL_FILES, AppealIn, data, APPEAL_FIELDS, errors)
        step = forms.request_step(request)

        def act() -> Appeal:
            cipher = request.app.state.db.cipher
            sid = find_subject(session, values["subject"], cipher=cipher).id
            refs = store(session, step, sid, files)
            body = AppealIn.model_validate({**data, "evidence": refs})
            appeal = appeal_service.file_appeal(session, step, sid, body)
            session.flush()
            return appeal

        appeal = forms.attempt(session, act, APPEAL_FIELDS)
    except forms.Problem as bad:
        status = bad.status
        return _appeal_page(request, session, status_code=status, errors=bad.errors, form=values)
    return forms.redirect(f"/authority/appeals/{appeal.id}", done="filed")


# ---- A repair application at the counter

REPAIR_FILES = {
    "files": "evidence",
    **{f"files_{way}": way for way in WAYS_WITH_EVIDENCE},
    "files_commitment": "commitment",
    "authorisation": "authorisation",
}
REPAIR_FIELDS = {
    "subject": "subject",
    "key": "subject",
    "target": "target_id",
    "ways": "ways",
    "corrected_on": "corrected_on",
    "correction": "correction",
    "commitment": "commitment",
    "credit_management": "credit_management",
    "agent_name": "agent_name",
    "evidence": "files",
    "file": "files",
}


def _repair_page(
    request: Request,
    session: Session,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    conditions: list | None = None,
) -> Response:
    return console_page(
        request,
        "authority/repair_new.html",
        status_code=status_code,
        section="repairs",
        targets=TARGETS,
        ways=WAYS,
        ways_with_evidence=WAYS_WITH_EVIDENCE,
        conditions=conditions or [],
        condition_names=labels.CONDITIONS,
        errors=errors or {},
        form=form or {},
        max_files=MAX_FILES,
        max_mb=MAX_MB,
    )


@router.get("/authority/repairs/new", response_class=HTMLResponse, **AUTHORITY)
def repair_new(request: Request, subject: str = "", session: Session = db_session) -> Response:
    """Audience: authority. The form of a repair application filed at the counter."""
    form = {"subject": subject[:64], "target_kind": "record", "ways": ["commitment"]}
    return _repair_page(request, session, form=form)


@router.post("/authority/repairs/new", response_class=HTMLResponse, **AUTHORITY)
async def repair_apply(request: Request, session: Session = db_session) -> Response:
    """Audience: authority. Apply for the subject named: eligible, the providing department
    is asked for its opinion; not, the form comes back with each condition explained."""
    return await with_form(request, session, _repair_at_counter)


def _repair_at_counter(
    request: Request, session: Session, form: FormData, problem: forms.Problem | None
) -> Response:
    check_form(forms.page_visitor(request), form, problem)
    values: dict[str, Any] = {}
    if problem is None:
        values = {
            "subject": forms.form_text(form, "subject", 64).strip(),
            "target_kind": forms.form_text(form, "target_kind", 20),
            "target_id": forms.form_text(form, "target_id", 40).strip(),
            "ways": [w for w in form.getlist("ways") if isinstance(w, str)][: len(WAYS) + 1],
            "corrected_on": forms.form_text(form, "corrected_on", 40).strip(),
            "correction": forms.form_text(form, "correction").strip(),
            "commitment": forms.form_text(form, "commitment").strip(),
            "credit_management": forms.form_text(form, "credit_management").strip(),
            "agent_name": forms.form_text(form, "agent_name", 200).strip(),
        }
    errors: dict[str, str] = {}
    if not values.get("subject"):
        errors["subject"] = "请填写信息主体的统一社会信用代码或身份证号码"
    if values.get("target_kind") not in TARGETS or not values.get("target_id"):
        errors["target_id"] = "请选择修复对象并填写其编号"
    kind = values.get("target_kind") if values.get("target_kind") in TARGETS else "record"
    data: dict[str, Any] = {
        "target": {kind: values.get("target_id") or "0"},
        **{k: values.get(k, "") for k in ("ways", "correction", "commitment", "credit_management")},
        "agent_name": values.get("agent_name") or None,
        "evidence": [],
    }
    instead = {}
    if values.get("corrected_on"):
        data["corrected_on"] = values["corrected_on"]
    else:
        instead["corrected_on"] = "请填写纠正失信行为的日期"
    try:
        files = checked_form(
            form, problem, REPAIR_FILES, RepairIn, data, REPAIR_FIELDS, errors, instead
        )
        step = forms.request_step(request)

        def act() -> Repair:
            cipher = request.app.state.db.cipher
            sid = find_subject(session, values["subject"], cipher=cipher).id
            refs = store(session, step, sid, files)
            repair = repair_service.apply(
                session, step, sid, RepairIn.model_validate({**data, "evidence": refs})
            )
            session.flush()
            return repair

        try:
            repair = forms.attempt(session, act, REPAIR_FIELDS)
        except forms.Problem as refused:
            missing = refused.detail.get("ways")
            if refused.errors.get("ways") and missing:
                refused.errors["ways"] = "以下修复方式须提交对应的证明材料：" + "、".join(
                    labels.REPAIR_WAYS.get(w, "") for w in missing
                )
            raise
    except forms.Problem as bad:
        return _repair_page(
            request,
            session,
            status_code=bad.status,
            errors=bad.errors,
            form=values,
            conditions=bad.detail.get("conditions"),
        )
    return forms.redirect(f"/authority/repairs/{repair.id}", done="filed")
