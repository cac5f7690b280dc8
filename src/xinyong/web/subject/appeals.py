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
from xinyong.web.subject.common import (
    SUBJECT,
    Problem,
    _attempt,
    _redirect,
    _sid,
    _step,
    _text,
    _validated,
    _visitor,
)
from xinyong.web.subject.objections import _objection_page, _visible_objection
from xinyong.web.subject.repairs import _repair_page, _visible_repair
from xinyong.web.subject.uploads import _check_form, _store, _uploads, _with_form

router = APIRouter(include_in_schema=False)


APPEAL_FIELDS = {"statement": "statement", "evidence": "files", "file": "files"}


@router.post("/me/objections/{objection_id}/appeal", response_class=HTMLResponse, **SUBJECT)
async def objection_appeal(
    objection_id: BigId, request: Request, session: Session = db_session
) -> Response:
    """Audience: subject. Appeal the objection's outcome to the credit authority (as POST
    /api/v1/appeals with procedure ``objection``), with evidence files."""
    return await _with_form(request, session, _file_appeal, "objection", objection_id)


def _file_appeal(
    request: Request,
    session: Session,
    form: FormData,
    problem: Problem | None,
    procedure: str,
    procedure_id: int,
) -> Response:
    v = _visitor(request)
    _check_form(v, form, problem)
    sid = _sid(v)
    if procedure == "objection":
        _visible_objection(session, v, procedure_id)
    else:
        _visible_repair(session, v, procedure_id)
    values = {"statement": _text(form, "statement").strip()}
    try:
        if problem is not None:
            raise problem
        files, file_problem = _uploads(form, {"files": "evidence"})
        errors: dict[str, str] = {}
        data = {"procedure": procedure, "id": str(procedure_id), **values, "evidence": []}
        if not values["statement"]:
            errors["statement"] = "请写明申诉的理由"
        try:
            _validated(AppealIn, data, APPEAL_FIELDS)
        except Problem as bad:
            for name, message in bad.errors.items():
                errors.setdefault(name, message)
        if file_problem is not None:
            errors.update(file_problem.errors)
            raise Problem(errors, status=file_problem.status)
        if errors:
            raise Problem(errors)
        step = _step(request, v)

        def act() -> Any:
            body = AppealIn.model_validate({**data, "evidence": _store(session, step, sid, files)})
            return appeals.file_appeal(session, step, sid, body)

        _attempt(session, act, APPEAL_FIELDS)
    except Problem as bad:
        page = _objection_page if procedure == "objection" else _repair_page
        return page(
            request,
            session,
            procedure_id,
            status_code=bad.status,
            errors=bad.errors,
            form=values,
        )
    return _redirect(f"/me/{procedure}s/{procedure_id}", appealed="1")


@router.post("/me/repairs/{repair_id}/appeal", response_class=HTMLResponse, **SUBJECT)
async def repair_appeal(
    repair_id: BigId, request: Request, session: Session = db_session
) -> Response:
    """Audience: subject. Appeal a refused repair to the credit authority (as POST
    /api/v1/appeals with procedure ``repair``), with evidence files."""
    return await _with_form(request, session, _file_appeal, "repair", repair_id)
