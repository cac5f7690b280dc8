"""Pages: appeals (申诉, Measures art. 33) to the credit authority against an objection found
unfounded or a refused repair: the list, an appeal with the outcome appealed against and its
timeline, and the decision — which names the route onward (行政复议 or 行政诉讼) in its
document (objections/appeals.decide_appeal).

The decision's POST takes it by ``_decide_appeal``: the form read into the payload of
approvals/kinds.py ``appeal.decide``, taken alone by a shared account or a token, prepared by a
person under its own name and approved by a 审核 (待审核). Whoever decided the outcome appealed
against — or prepared or approved it with another — neither prepares nor approves."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.accounts.service import actor_name
from xinyong.approvals.kinds import decided_the_objection
from xinyong.core import labels
from xinyong.core.api import BigId, db_session
from xinyong.models import Appeal, AppealState
from xinyong.objections import appeals as appeal_service
from xinyong.objections import service as objection_service
from xinyong.objections.repository import find_appeals
from xinyong.objections.schemas import AppealDecisionIn
from xinyong.repairs import service as repair_service
from xinyong.subjects.repository import subjects_by_id
from xinyong.web.authority.common import (
    AUTHORITY,
    PAGE_ROWS,
    Decision,
    console_page,
    pages_of,
    take_step,
)
from xinyong.web.department.common import step_rows, subject_key
from xinyong.web.forms import (
    Problem,
    page_number,
    page_visitor,
    request_today,
    validated,
)
from xinyong.web.site import check_csrf

router = APIRouter(include_in_schema=False)

FILTER_STATES = (*labels.APPEAL_STATES, "all")
OUTCOMES = {
    "upheld": "申诉成立：纠正原处理结果",
    "dismissed": "申诉不成立：维持原处理结果",
}


def _appealed(session: Session, appeal: Appeal) -> dict[str, Any]:
    """The procedure appealed against: its page, its outcome and who decided it."""
    if appeal.procedure == "objection":
        obj = objection_service.get_objection(session, appeal.procedure_id)
        return {
            "label": f"异议申请 {obj.id}",
            "link": f"/authority/objections/{obj.id}",
            "outcome": labels.OBJECTION_OUTCOMES.get(obj.outcome.value, "") if obj.outcome else "",
            "reason": obj.decision_reason or "",
            "decided_by": obj.decided_by,
        }
    repair = repair_service.get_repair(session, appeal.procedure_id)
    return {
        "label": f"信用修复申请 {repair.id}",
        "link": f"/authority/repairs/{repair.id}",
        "outcome": labels.REPAIR_STATES.get(repair.state.value, ""),
        "reason": repair.refused_reason or "",
        "decided_by": None,
    }


@router.get("/authority/appeals", response_class=HTMLResponse, **AUTHORITY)
def appeals_page(
    request: Request, state: str = "review", page: str = "1", session: Session = db_session
) -> Response:
    """Audience: authority. Every appeal, by state (by default those awaiting the decision,
    soonest due first), overdue marked."""
    today = request_today(request)
    state = state if state in FILTER_STATES else "review"
    number = page_number(page)
    rows, total = find_appeals(
        session,
        state=None if state == "all" else state,
        limit=PAGE_ROWS,
        offset=(number - 1) * PAGE_ROWS,
    )
    subjects = subjects_by_id(session, (a.subject_id for a in rows))
    items = []
    for appeal in rows:
        who = subjects.get(appeal.subject_id)
        items.append(
            {
                "appeal": appeal,
                "subject": subject_key(who) if who else "",
                "subject_name": who.name if who else "",
                "against": _appealed(session, appeal),
                "overdue": appeal.state is AppealState.review and appeal.due_on < today,
            }
        )
    return console_page(
        request,
        "authority/appeals.html",
        section="appeals",
        appeals=items,
        total=total,
        state=state,
        page=number,
        pages=pages_of(total),
    )


def _appeal_page(
    request: Request,
    session: Session,
    appeal_id: int,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    done: str = "",
) -> Response:
    appeal = appeal_service.get_appeal(session, appeal_id)
    view = appeal_service.appeal_out(session, appeal)
    today = request_today(request)
    against = _appealed(session, appeal)
    subject = subjects_by_id(session, [appeal.subject_id]).get(appeal.subject_id)
    me = page_visitor(request).principal
    return console_page(
        request,
        "authority/appeal.html",
        status_code=status_code,
        section="appeals",
        appeal=view,
        subject_name=subject.name if subject else "",
        against=against,
        # Whoever decided the outcome appealed against may not decide the appeal.
        same_reviewer=against["decided_by"] == me.actor
        or (
            appeal.procedure == "objection"
            and decided_the_objection(session, appeal.procedure_id, me.user_id)
        ),
        first_decider=(actor_name(session, against["decided_by"]) if against["decided_by"] else ""),
        steps=step_rows(session, view.steps),
        overdue=appeal.state is AppealState.review and appeal.due_on < today,
        outcomes=OUTCOMES,
        decision=_decide_appeal.shown(request, session, appeal.id),
        onward_route=appeal_service.ONWARD_ROUTE,
        errors=errors or {},
        form=form or {},
        done=done,
    )


@router.get("/authority/appeals/{appeal_id}", response_class=HTMLResponse, **AUTHORITY)
def appeal_page(
    appeal_id: BigId, request: Request, done: str = "", session: Session = db_session
) -> Response:
    """Audience: authority. An appeal: the subject's statement and evidence, the outcome
    appealed against, the timeline, and the decision form while it is in review."""
    return _appeal_page(request, session, appeal_id, done=done)


def _appeal_payload(values: dict[str, Any]) -> dict[str, Any]:
    """The appeal's decision form (POST .../decision): ``outcome`` upheld or dismissed,
    ``reason`` — as the kind ``appeal.decide`` takes it; either names the route onward in
    its document."""
    if values.get("outcome") not in OUTCOMES:
        raise Problem({"outcome": "请选择申诉处理结论"})
    body = validated(
        AppealDecisionIn,
        {"outcome": values["outcome"], "reason": str(values.get("reason", "")).strip()},
    )
    return {"outcome": body.outcome, "reason": body.reason}


# The appeal's decision: two persons when a person acts under its own name
# (approvals/kinds.py); neither may have taken part in the decision appealed against.
_decide_appeal = Decision("appeal.decide", _appeal_payload)


@router.post("/authority/appeals/{appeal_id}/decision", response_class=HTMLResponse, **AUTHORITY)
def appeal_decision(
    appeal_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    outcome: str = Form(default=""),
    reason: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: authority. Decide the appeal: upheld on an objection sends it to correction
    (with the wrongful-listing remedy), upheld on a repair sends it to public notice;
    dismissed keeps the outcome. The decision document names 行政复议 or 行政诉讼 onward."""
    check_csrf(page_visitor(request), csrf_token)
    values = {"outcome": outcome, "reason": reason}
    return take_step(
        request,
        session,
        _decide_appeal,
        appeal_id,
        values,
        again=lambda problem: _appeal_page(
            request,
            session,
            appeal_id,
            status_code=problem.status,
            errors=problem.errors,
            form=values,
        ),
        then=f"/authority/appeals/{appeal_id}?done=decided",
    )
