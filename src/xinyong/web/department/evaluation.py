"""Page: a subject's public credit evaluation as a department looks it up inside a procedure
(a licence, an inspection, a subsidy): the grade, its grade for the department's field, and
every point traced. The purpose — the procedure it serves — is required, and the read is
logged with it (evaluation/reading.log_read, as the archive's reads are: 004 §14; Measures
art. 36), so the subject sees it among the reads of its information."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.checks.rules import require_purpose
from xinyong.core.api import db_session
from xinyong.errors import XinyongError
from xinyong.evaluation.reading import log_read
from xinyong.subjects.service import find_subject
from xinyong.web.department.common import DEPARTMENTS, console_page, subject_key
from xinyong.web.evaluation_views import LABELS, evaluation_of, signed
from xinyong.web.forms import page_visitor, request_now

router = APIRouter(include_in_schema=False)

PURPOSE_NEEDED = "请说明用途：本次查询所服务的办理事项（如行政许可申请编号）"


@router.get("/department/evaluation", response_class=HTMLResponse, **DEPARTMENTS)
def evaluation_page(
    request: Request, subject: str = "", purpose: str = "", session: Session = db_session
) -> Response:
    """Audience: provider, user_department. The form (a subject's credit code or ID number,
    and the purpose: the procedure the look-up serves); with both, the subject's grade, its
    grade for the department's field and the explanation, the read logged with its purpose.
    A missing purpose or an unknown subject is the form again with its message (422, 404)."""
    v = page_visitor(request)
    form = {"subject": subject.strip()[:40], "purpose": purpose.strip()[:200]}
    context: dict[str, Any] = {
        "section": "evaluation",
        "form": form,
        "grade_labels": LABELS,
        "signed": signed,
    }
    if not form["subject"]:
        return console_page(request, "department/evaluation.html", ev=None, errors={}, **context)
    errors: dict[str, str] = {}
    status = 200
    try:
        found = find_subject(session, form["subject"], cipher=request.app.state.db.cipher)
    except XinyongError as exc:
        errors["subject"], status = exc.message, exc.status
    if not errors:
        try:
            log_read(
                session,
                v.principal,
                found.id,
                now=request_now(request),
                purpose=require_purpose(form["purpose"]),
                what="result",
            )
        except XinyongError as exc:
            errors["purpose"], status = PURPOSE_NEEDED, exc.status
    if errors:
        return console_page(
            request,
            "department/evaluation.html",
            status_code=status,
            ev=None,
            errors=errors,
            **context,
        )
    ev = evaluation_of(request.app.state.db, session, found.id, now=request_now(request), links={})
    field = v.principal.department_kind
    form["subject"] = subject_key(found)  # a full ID number is never shown back
    return console_page(
        request,
        "department/evaluation.html",
        ev=ev,
        errors={},
        shown=subject_key(found),
        subject_name=found.name,
        own_field=next((f for f in ev.field_grades if f.field == field), None),
        field=field,
        **context,
    )
