"""Appeals (申诉, Measures art. 33) of an objection's rejection or a refused repair."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from xinyong.core.api import BigId, db_session
from xinyong.objections import appeals
from xinyong.objections.schemas import AppealIn
from xinyong.web import forms
from xinyong.web.subject.common import SUBJECT, subject_id_of
from xinyong.web.subject.objections import render_objection, visible_objection
from xinyong.web.subject.repairs import render_repair, visible_repair
from xinyong.web.subject.uploads import check_form, checked_form, store, with_form

router = APIRouter(include_in_schema=False)


APPEAL_FIELDS = {"statement": "statement", "evidence": "files", "file": "files"}


@router.post("/me/objections/{objection_id}/appeal", response_class=HTMLResponse, **SUBJECT)
async def objection_appeal(
    objection_id: BigId, request: Request, session: Session = db_session
) -> Response:
    """Audience: subject. Appeal the objection's outcome to the credit authority (as POST
    /api/v1/appeals with procedure ``objection``), with evidence files."""
    return await with_form(request, session, _file_appeal, "objection", objection_id)


def _file_appeal(
    request: Request,
    session: Session,
    form: FormData,
    problem: forms.Problem | None,
    procedure: str,
    procedure_id: int,
) -> Response:
    v = forms.page_visitor(request)
    check_form(v, form, problem)
    sid = subject_id_of(v)
    if procedure == "objection":
        visible_objection(session, v, procedure_id)
    else:
        visible_repair(session, v, procedure_id)
    values = {"statement": forms.form_text(form, "statement").strip()}
    errors: dict[str, str] = {}
    if not values["statement"]:
        errors["statement"] = "请写明申诉的理由"
    data = {"procedure": procedure, "id": str(procedure_id), **values, "evidence": []}
    try:
        files = checked_form(
            form, problem, {"files": "evidence"}, AppealIn, data, APPEAL_FIELDS, errors
        )
        step = forms.request_step(request)

        def act() -> Any:
            body = AppealIn.model_validate({**data, "evidence": store(session, step, sid, files)})
            return appeals.file_appeal(session, step, sid, body)

        forms.attempt(session, act, APPEAL_FIELDS)
    except forms.Problem as bad:
        render = render_objection if procedure == "objection" else render_repair
        return render(
            request,
            session,
            procedure_id,
            status_code=bad.status,
            errors=bad.errors,
            form=values,
        )
    return forms.redirect(f"/me/{procedure}s/{procedure_id}", appealed="1")


@router.post("/me/repairs/{repair_id}/appeal", response_class=HTMLResponse, **SUBJECT)
async def repair_appeal(
    repair_id: BigId, request: Request, session: Session = db_session
) -> Response:
    """Audience: subject. Appeal a refused repair to the credit authority (as POST
    /api/v1/appeals with procedure ``repair``), with evidence files."""
    return await with_form(request, session, _file_appeal, "repair", repair_id)
