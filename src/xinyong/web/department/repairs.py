"""Pages: repairs awaiting a provider's opinion and objections raised in their notice
(repairs/service)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.accounts.service import actor_labels
from xinyong.core import labels
from xinyong.core.api import BigId, db_session
from xinyong.models import Repair, RepairState
from xinyong.repairs import service as repair_service
from xinyong.repairs.schemas import ObjectionDecisionIn as RepairObjectionDecisionIn
from xinyong.repairs.schemas import OpinionIn
from xinyong.repairs.service import repair_out
from xinyong.subjects.repository import subjects_by_id
from xinyong.web.department.common import PAGE_ROWS, PROVIDERS, console_page, step_rows, subject_key
from xinyong.web.forms import (
    Problem,
    attempt,
    page_visitor,
    parse_int,
    redirect,
    request_step,
    request_today,
    validated,
)
from xinyong.web.site import check_csrf

router = APIRouter(include_in_schema=False)


def _repair_row(session: Session, repair: Repair, today: date) -> dict[str, Any]:
    """A repair as the department's tables show it."""
    subject = subjects_by_id(session, [repair.subject_id]).get(repair.subject_id)
    target = repair_service.describe(session, repair_service.load_target(session, repair))
    return {
        "repair": repair,
        "subject": subject_key(subject) if subject else "",
        "subject_name": subject.name if subject else "",
        "target": target["label"],
        "overdue": repair.state is RepairState.opinion and repair.opinion_due_on < today,
    }


@router.get("/department/repairs", response_class=HTMLResponse, **PROVIDERS)
def repairs_page(
    request: Request, state: str = "", after: str = "", session: Session = db_session
) -> Response:
    """Audience: provider. Repairs awaiting the department's written opinion (soonest due
    first), objections raised in a repair's public notice that it must verify, and all its
    repairs by state (GET /api/v1/repairs as a provider)."""
    v = page_visitor(request)
    today = request_today(request)
    awaiting = repair_service.find_repairs(
        session, v.principal, state="opinion", after=None, limit=1000
    )
    awaiting.sort(key=lambda r: (r.opinion_due_on, r.id))
    pending: list[dict[str, Any]] = []
    for repair in repair_service.find_repairs(
        session, v.principal, state="notice", after=None, limit=1000
    ):
        for objection in repair_service.objections_of(session, repair):
            if objection.decided_at is None:
                pending.append(
                    {
                        "objection": objection,
                        "repair": _repair_row(session, repair, today),
                        "overdue": objection.due_on < today,
                    }
                )
    pending.sort(key=lambda p: (p["objection"].due_on, p["objection"].id))
    state = state if state in labels.REPAIR_STATES else ""
    listed = repair_service.find_repairs(
        session, v.principal, state=state or None, after=parse_int(after), limit=PAGE_ROWS + 1
    )
    return console_page(
        request,
        "department/repairs.html",
        section="repairs",
        awaiting=[_repair_row(session, r, today) for r in awaiting],
        pending=pending,
        repairs=[_repair_row(session, r, today) for r in listed[:PAGE_ROWS]],
        newer=listed[PAGE_ROWS - 1].id if len(listed) > PAGE_ROWS else None,
        state=state,
        today=today,
    )


def _repair_page(
    request: Request,
    session: Session,
    repair_id: int,
    *,
    status_code: int = 200,
    errors: dict[str, dict[str, str]] | None = None,
    forms: dict[str, dict[str, str]] | None = None,
    done: str = "",
) -> Response:
    v = page_visitor(request)
    repair = repair_service.get_repair(session, repair_id)
    if not repair_service.may_see(v.principal, repair):
        raise repair_service.unknown_repair()
    today = request_today(request)
    view = repair_out(session, repair)
    return console_page(
        request,
        "department/repair.html",
        status_code=status_code,
        section="repairs",
        repair=view,
        steps=step_rows(session, view.steps),
        actors=actor_labels(session, (o.filed_by for o in view.objections)),
        overdue=repair.state is RepairState.opinion and repair.opinion_due_on < today,
        today=today,
        errors=errors or {},
        forms=forms or {},
        done=done,
    )


@router.get("/department/repairs/{repair_id}", response_class=HTMLResponse, **PROVIDERS)
def repair_page(
    repair_id: BigId, request: Request, done: str = "", session: Session = db_session
) -> Response:
    """Audience: provider. A repair of information the department gave: the eligibility as
    explained to the subject, the correction and commitment, evidence files, the timeline,
    the opinion form and the objections raised in its notice."""
    return _repair_page(request, session, repair_id, done=done)


@router.post("/department/repairs/{repair_id}/opinion", response_class=HTMLResponse, **PROVIDERS)
def repair_opinion(
    repair_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    positive: str = Form(default=""),
    text: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider. The written repair opinion (POST /api/v1/repairs/{id}/opinion):
    positive goes to public notice, negative refuses with the route of appeal."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    form = {"positive": positive, "text": text}
    try:
        if positive not in ("yes", "no"):
            raise Problem({"positive": "请选择是否同意修复"})
        body = validated(OpinionIn, {"positive": positive == "yes", "text": text.strip()})
        attempt(
            session,
            lambda: repair_service.give_opinion(
                session, request_step(request), repair_id, positive=body.positive, text=body.text
            ),
        )
    except Problem as problem:
        return _repair_page(
            request,
            session,
            repair_id,
            status_code=problem.status,
            errors={"opinion": problem.errors},
            forms={"opinion": form},
        )
    return redirect(f"/department/repairs/{repair_id}", done="opinion")


@router.post(
    "/department/repairs/{repair_id}/objections/{objection_id}/decision",
    response_class=HTMLResponse,
    **PROVIDERS,
)
def repair_objection_decision(
    repair_id: BigId,
    objection_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    upheld: str = Form(default=""),
    reason: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider. Verify an objection raised in the repair's public notice (POST
    /api/v1/repairs/{id}/objections/{oid}/decision): upheld refuses the repair."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    form = {"upheld": upheld, "reason": reason, "objection": str(objection_id)}
    try:
        if upheld not in ("yes", "no"):
            raise Problem({"upheld": "请选择：异议成立或不成立"})
        body = validated(
            RepairObjectionDecisionIn, {"upheld": upheld == "yes", "reason": reason.strip()}
        )
        attempt(
            session,
            lambda: repair_service.decide_objection(
                session,
                request_step(request),
                repair_id,
                objection_id,
                upheld=body.upheld,
                reason=body.reason,
            ),
        )
    except Problem as problem:
        return _repair_page(
            request,
            session,
            repair_id,
            status_code=problem.status,
            errors={"decide": problem.errors},
            forms={"decide": form},
        )
    return redirect(f"/department/repairs/{repair_id}", done="decide")
