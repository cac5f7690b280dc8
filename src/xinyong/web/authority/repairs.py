"""Pages: credit repairs (信用修复, Measures art. 34–35) as the credit authority oversees them
(repairs/service). The written opinion and the verification of an objection in the notice are
the providing department's (its console, web/department/repairs.py); the daily job makes a
noticed repair take effect. The authority's own steps are an objection in a repair's public
notice, here, and the appeal against a refusal (web/authority/appeals.py).

The objection's POST files it by one call of ``_object_to_repair`` (the step, the repair and
the form's values in, the service's answer out)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.accounts.service import actor_labels
from xinyong.core import labels
from xinyong.core.api import BigId, db_session
from xinyong.models import Repair, RepairObjection, RepairState
from xinyong.objections.repository import appeal_of
from xinyong.repairs import service as repair_service
from xinyong.repairs.rules import notice_over
from xinyong.repairs.schemas import ObjectionIn as RepairObjectionIn
from xinyong.repairs.service import repair_out
from xinyong.rights.step import Step
from xinyong.subjects.repository import subjects_by_id
from xinyong.web.authority.common import (
    AUTHORITY,
    PAGE_ROWS,
    console_page,
    take_step,
)
from xinyong.web.department.common import step_rows, subject_key
from xinyong.web.forms import (
    page_visitor,
    parse_int,
    request_today,
    validated,
)
from xinyong.web.site import check_csrf

router = APIRouter(include_in_schema=False)


def _due(repair: Repair) -> date | None:
    """The last day of the step under way: the opinion, or the notice."""
    if repair.state is RepairState.opinion:
        return repair.opinion_due_on
    if repair.state is RepairState.notice:
        return repair.notice_ends_on
    return None


def _row(session: Session, repair: Repair, today: date) -> dict[str, Any]:
    subject = subjects_by_id(session, [repair.subject_id]).get(repair.subject_id)
    target = repair_service.describe(session, repair_service.load_target(session, repair))
    due = _due(repair)
    return {
        "repair": repair,
        "subject": subject_key(subject) if subject else "",
        "subject_name": subject.name if subject else "",
        "target": target["label"],
        "department": target["department_name"],
        "due": due,
        "overdue": repair.state is RepairState.opinion and due is not None and due < today,
    }


@router.get("/authority/repairs", response_class=HTMLResponse, **AUTHORITY)
def repairs_page(
    request: Request, state: str = "", after: str = "", session: Session = db_session
) -> Response:
    """Audience: authority. Every repair (GET /api/v1/repairs as the authority), oldest
    first, by state; the opinions overdue marked."""
    v = page_visitor(request)
    today = request_today(request)
    state = state if state in labels.REPAIR_STATES else ""
    rows = repair_service.find_repairs(
        session, v.principal, state=state or None, after=parse_int(after), limit=PAGE_ROWS + 1
    )
    return console_page(
        request,
        "authority/repairs.html",
        section="repairs",
        repairs=[_row(session, r, today) for r in rows[:PAGE_ROWS]],
        more=rows[PAGE_ROWS - 1].id if len(rows) > PAGE_ROWS else None,
        state=state,
    )


def _repair_page(
    request: Request,
    session: Session,
    repair_id: int,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    done: str = "",
) -> Response:
    repair = repair_service.get_repair(session, repair_id)
    today = request_today(request)
    view = repair_out(session, repair)
    appeal = appeal_of(session, repair.subject_id, repair_service.PROCEDURE, repair.id)
    return console_page(
        request,
        "authority/repair.html",
        status_code=status_code,
        section="repairs",
        repair=view,
        row=_row(session, repair, today),
        appeal=appeal,
        # Art. 35: objections are taken up to and including the notice's last day.
        in_notice=repair.state is RepairState.notice
        and not notice_over(repair.notice_ends_on, today),
        steps=step_rows(session, view.steps),
        filers=actor_labels(session, (o.filed_by for o in view.objections)),
        today=today,
        errors=errors or {},
        form=form or {},
        done=done,
    )


@router.get("/authority/repairs/{repair_id}", response_class=HTMLResponse, **AUTHORITY)
def repair_page(
    repair_id: BigId, request: Request, done: str = "", session: Session = db_session
) -> Response:
    """Audience: authority. A repair: eligibility as explained, the correction and the
    commitment, evidence, the department's opinion, objections in its notice, the timeline,
    any appeal, and the form of an objection while it is in public notice."""
    return _repair_page(request, session, repair_id, done=done)


def _object_to_repair(
    session: Session, step: Step, repair_id: int, values: dict[str, Any]
) -> RepairObjection:
    """An objection in the repair's public notice (POST /api/v1/repairs/{id}/objections): the
    providing department verifies it before the repair may take effect."""
    body = validated(RepairObjectionIn, {"statement": str(values.get("statement", "")).strip()})
    return repair_service.file_objection(session, step, repair_id, body.statement)


@router.post("/authority/repairs/{repair_id}/objections", response_class=HTMLResponse, **AUTHORITY)
def repair_objection(
    repair_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    statement: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: authority. Object to a repair in its public notice (art. 35): the department
    that gave the opinion verifies it within its due date."""
    check_csrf(page_visitor(request), csrf_token)
    values = {"statement": statement}
    return take_step(
        request,
        session,
        _object_to_repair,
        repair_id,
        values,
        again=lambda problem: _repair_page(
            request,
            session,
            repair_id,
            status_code=problem.status,
            errors=problem.errors,
            form=values,
        ),
        then=f"/authority/repairs/{repair_id}?done=objected",
    )
