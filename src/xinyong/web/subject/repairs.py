"""Credit repair (信用修复, Measures art. 34–35): the subject's list, the application, one
repair."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from xinyong.core.api import BigId, db_session
from xinyong.core.labels import REPAIR_WAYS
from xinyong.errors import NotFound, XinyongError
from xinyong.models import Repair, TargetType
from xinyong.objections import appeals
from xinyong.objections.appeals import appeal_out
from xinyong.repairs import repository as repair_repository
from xinyong.repairs import service as repair_service
from xinyong.repairs.schemas import WAYS, WAYS_WITH_EVIDENCE, RepairIn, TargetIn
from xinyong.repairs.service import repair_out
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


REPAIR_FIELDS = {
    "target": "target",
    "ways": "ways",
    "corrected_on": "corrected_on",
    "correction": "correction",
    "commitment": "commitment",
    "credit_management": "credit_management",
    "evidence": "files",
    "file": "files",
}
# The file inputs of the repair form and the evidence kind of each (repairs/schemas
# EVIDENCE_KINDS): the correction's evidence, a scan of the signed commitment, and one per way
# that must be shown by a file.
REPAIR_INPUTS = {
    "files": "evidence",
    **{f"files_{way}": way for way in WAYS_WITH_EVIDENCE},
    "files_commitment": "commitment",
}


@router.get("/me/repairs", response_class=HTMLResponse, **SUBJECT)
def repairs_page(request: Request, session: Session = db_session) -> Response:
    """Audience: subject. The subject's repairs, newest first (GET /api/v1/repairs as the
    subject), each with its state and the date that matters now."""
    v = forms.page_visitor(request)
    sid = subject_id_of(v)
    today = forms.request_today(request)
    rows = repair_service.find_repairs(session, v.principal, state=None, after=None, limit=1000)
    items = []
    for repair in reversed(rows):
        target = target_of(session, sid, repair.target_type.value, repair.target_id, today)
        items.append({"repair": repair, "target": target["label"] if target else ""})
    return console_page(request, "subject/repairs.html", section="repairs", repairs=items)


def _repair_form(
    request: Request,
    session: Session,
    target: dict[str, Any],
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    conditions: list[dict] | None = None,
) -> Response:
    """The repair form, with why the target cannot be repaired when it cannot (repairs/service
    .not_repairable) and, after a refusal, each condition of art. 34 met or failed."""
    v = forms.page_visitor(request)
    today = forms.request_today(request)
    refusal = None
    describe: dict[str, Any] = {}
    try:
        with session.begin_nested():
            found = repair_service.find_target(
                session, subject_id_of(v), TargetIn.model_validate(target_ref(target))
            )
            reason = repair_service.not_repairable(found, today)
            if reason is not None:
                refusal = repair_service.NOT_ALLOWED[reason][0]
            describe = repair_service.describe(session, found)
    except XinyongError as exc:
        refusal = exc.message
    open_id = repair_repository.open_repair(
        session, subject_id_of(v), TargetType(target["type"]), target["id"]
    )
    return console_page(
        request,
        "subject/repair_new.html",
        status_code=status_code,
        section="repairs",
        target=target,
        describe=describe,
        refusal=refusal,
        open_id=open_id,
        errors=errors or {},
        form=form or {"ways": ["commitment"]},
        conditions=conditions,
        ways=WAYS,
        ways_with_evidence=WAYS_WITH_EVIDENCE,
        today=today,
        max_files=MAX_FILES,
        max_mb=MAX_MB,
    )


@router.get("/me/repairs/new", response_class=HTMLResponse, **SUBJECT)
def repair_new(
    request: Request, record: str = "", entry: str = "", session: Session = db_session
) -> Response:
    """Audience: subject. The written repair application (Measures art. 34) for a negative
    record in force or a black or watch list entry in force: ways, correction date and
    account, commitment, evidence per way; the conditions explained."""
    target = asked_target(
        session, forms.page_visitor(request), record, entry, forms.request_today(request)
    )
    return _repair_form(request, session, target)


@router.post("/me/repairs/new", response_class=HTMLResponse, **SUBJECT)
async def repair_apply(
    request: Request, record: str = "", entry: str = "", session: Session = db_session
) -> Response:
    """Audience: subject. Apply (multipart): the files are stored as POST /api/v1/evidence
    stores them, then the application is filed with their ids as POST /api/v1/repairs files
    it — all or nothing. Ineligible, the form comes back with each condition explained."""
    return await with_form(request, session, _apply_repair, record, entry)


def _apply_repair(
    request: Request,
    session: Session,
    form: FormData,
    problem: forms.Problem | None,
    record: str,
    entry: str,
) -> Response:
    v = forms.page_visitor(request)
    check_form(v, form, problem)
    sid = subject_id_of(v)
    target = asked_target(session, v, record, entry, forms.request_today(request))
    ways = [w for w in form.getlist("ways") if isinstance(w, str)][: len(WAYS) + 1]
    values: dict[str, Any] = {
        "ways": ways,
        "corrected_on": forms.form_text(form, "corrected_on", 40).strip(),
        "correction": forms.form_text(form, "correction").strip(),
        "commitment": forms.form_text(form, "commitment").strip(),
        "credit_management": forms.form_text(form, "credit_management").strip(),
    }
    data = {"target": target_ref(target), **values, "evidence": []}
    instead = {}
    if not values["corrected_on"]:
        del data["corrected_on"]
        instead["corrected_on"] = "请填写纠正失信行为的日期"
    try:
        files = checked_form(
            form, problem, REPAIR_INPUTS, RepairIn, data, REPAIR_FIELDS, {}, instead
        )
        step = forms.request_step(request)

        def act() -> Repair:
            body = RepairIn.model_validate({**data, "evidence": store(session, step, sid, files)})
            return repair_service.apply(session, step, sid, body)

        try:
            repair = forms.attempt(session, act, REPAIR_FIELDS)
        except forms.Problem as refused:
            missing = refused.detail.get("ways")
            if refused.errors.get("ways") and missing:
                refused.errors["ways"] = "以下修复方式须提交对应的证明材料：" + "、".join(
                    REPAIR_WAYS.get(w, w) for w in missing
                )
            raise
    except forms.Problem as bad:
        return _repair_form(
            request,
            session,
            target,
            status_code=bad.status,
            errors=bad.errors,
            form=values,
            conditions=bad.detail.get("conditions"),
        )
    return forms.redirect(f"/me/repairs/{repair.id}", filed="1")


def visible_repair(session: Session, v: Visitor, repair_id: int) -> Repair:
    try:
        repair = repair_service.get_repair(session, repair_id)
    except NotFound:
        repair = None
    if repair is None or not repair_service.may_see(v.principal, repair):
        raise repair_service.unknown_repair()
    return repair


def render_repair(
    request: Request,
    session: Session,
    repair_id: BigId,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    done: str = "",
) -> Response:
    v = forms.page_visitor(request)
    sid = subject_id_of(v)
    today = forms.request_today(request)
    repair = visible_repair(session, v, repair_id)
    appeal = appeals.appeal_of(session, sid, "repair", repair.id)
    appealable = repair_service.is_appealable(session, repair)
    appeal_by = (
        appeal_deadline(session, forms.request_step(request), repair.closed_at)
        if appealable
        else None
    )
    procedures = [("repair", repair.id)]
    if appeal is not None:
        procedures.append(("appeal", appeal.id))
    return console_page(
        request,
        "subject/repair.html",
        status_code=status_code,
        section="repairs",
        repair=repair_out(session, repair),
        appeal=appeal_out(session, appeal) if appeal is not None else None,
        appeal_by=appeal_by,
        may_appeal=appeal is None and appealable and (appeal_by is None or today <= appeal_by),
        documents=procedure_documents(session, sid, *procedures),
        names=code_names(session),
        today=today,
        errors=errors or {},
        form=form or {},
        done=done,
        max_files=MAX_FILES,
        max_mb=MAX_MB,
    )


@router.get("/me/repairs/{repair_id}", response_class=HTMLResponse, **SUBJECT)
def repair_page(
    repair_id: BigId,
    request: Request,
    filed: str = "",
    appealed: str = "",
    session: Session = db_session,
) -> Response:
    """Audience: subject. One of the subject's repairs (GET /api/v1/repairs/{id}): the
    eligibility as explained, the department's opinion and its due date, the public notice and
    its end, objections raised in it, the effect or the refusal, the timeline, the documents,
    and the appeal of a refusal where one lies."""
    done = "filed" if filed else "appealed" if appealed else ""
    return render_repair(request, session, repair_id, done=done)
