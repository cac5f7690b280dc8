"""Objections (异议) and appeals (申诉) under /api/v1 (Measures art. 31–33;
docs/workflows/objection.md)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from xinyong.core.api import BigId, current_principal, database, db_session, endpoint, page_offset
from xinyong.core.auth import Principal
from xinyong.db import Database
from xinyong.models import Objection, Role
from xinyong.objections import appeals, rules, service
from xinyong.objections.appeals import appeal_out, objection_out, objection_summary
from xinyong.objections.schemas import (
    AppealDecisionIn,
    AppealIn,
    AppealOut,
    CorrectionIn,
    DecisionIn,
    ObjectionIn,
    ObjectionOut,
    ObjectionsOut,
    ObjectionSummaryOut,
    VerificationIn,
)
from xinyong.rights.endpoints import acting_subject, request_step
from xinyong.subjects.repository import subjects_by_id
from xinyong.subjects.service import find_subject

router = APIRouter(tags=["objections"])

KEY_422 = ["invalid_credit_code", "invalid_id_number"]
OBJECTION_404 = {404: ["unknown_objection"]}
CALENDAR = "calendar_year_unknown"
# What the collector may answer about a corrected record's fields (docs/api.md, row errors).
FIELD_ERRORS = ["missing_field", "invalid_field", "unknown_field", "forbidden_field", "future_date"]


def _visible_objection(session: Session, principal: Principal, objection_id: int) -> Objection:
    obj = service.get_objection(session, objection_id)
    if not service.may_see(session, principal, obj):
        # Never confirm that another subject's objection exists.
        raise service.unknown_objection()
    return obj


@router.post(
    "/objections",
    status_code=201,
    response_model=ObjectionOut,
    **endpoint(
        *rules.TRANSITIONS["file"].by,
        errors={
            403: ["not_your_subject"],
            404: ["subject_not_found", "unknown_entry"],
            409: [
                "target_not_active",
                "target_expired",
                "objection_open",
                "not_evaluated",
                "file_in_use",
                CALENDAR,
            ],
            422: ["missing_subject", "missing_authorisation", "unknown_file", *KEY_422],
        },
        summary="File an objection (异议申请) against a record, a list entry or the evaluation "
        "result",
    ),
)
def post_objection(
    body: ObjectionIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
    db: Database = Depends(database),
) -> ObjectionOut:
    """Measures art. 31: a subject objects to its own information only (403 `not_your_subject`
    for another's); the authority files for the subject it names in `subject`; an agent
    (`agent_name`) needs an evidence file of kind `authorisation`. Grounds: wrong or
    incomplete, forbidden data, past validity (the only ground left for an expired target).
    One open objection per target (409 `objection_open`). The platform reviews within 10
    working days (`review_due_on`); meanwhile the target is marked `under_objection` in the
    archive but **stays published and in force** (art. 32).

    `target.evaluation: "current"` objects to the subject's current evaluation result
    (公共信用综合评价结果; 409 `not_evaluated` without one): `target_id` is the id of the run that
    made it, and the `filed` step keeps its grade, score, model and day. Upheld, the subject
    is evaluated again by the next daily jobs, which close the objection with the new result
    (step `re_evaluated`)."""
    subject_id = acting_subject(session, principal, body.subject, db, field="subject")
    obj = service.file_objection(session, request_step(request, principal), subject_id, body)
    return objection_out(session, obj)


@router.get(
    "/objections",
    response_model=ObjectionsOut,
    **endpoint(
        Role.subject,
        Role.provider,
        Role.authority,
        errors={404: ["subject_not_found"], 422: KEY_422},
        summary="Objections: a subject's own, a department's to verify, or all",
    ),
)
def get_objections(
    state: Literal["review", "verification", "correction", "closed"] | None = Query(default=None),
    subject: str | None = Query(default=None, description="credit code or ID number"),
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int = page_offset(),
    principal: Principal = current_principal,
    session: Session = db_session,
    db: Database = Depends(database),
) -> ObjectionsOut:
    """A subject sees its own; a provider those it has (or had) to verify; the authority all.
    Newest first."""
    subject_id = find_subject(session, subject, cipher=db.cipher).id if subject else None
    rows, total = service.find_objections(
        session, principal, state=state, subject_id=subject_id, limit=limit, offset=offset
    )
    subjects = subjects_by_id(session, {o.subject_id for o in rows})
    return ObjectionsOut(
        total=total,
        objections=[
            ObjectionSummaryOut(**objection_summary(o, subjects[o.subject_id])) for o in rows
        ],
    )


@router.get(
    "/objections/{objection_id}",
    response_model=ObjectionOut,
    **endpoint(
        Role.subject,
        Role.provider,
        Role.authority,
        errors=OBJECTION_404,
        summary="An objection with its timeline, evidence, deadlines, outcome and appeal",
    ),
)
def get_objection(
    objection_id: BigId, principal: Principal = current_principal, session: Session = db_session
) -> ObjectionOut:
    """What the subject is told (art. 32): every step with its time, the due date of the step
    under way, the outcome and its reasons, and the appeal if any. Another subject's objection
    is 404, as if it did not exist."""
    return objection_out(session, _visible_objection(session, principal, objection_id))


@router.post(
    "/objections/{objection_id}/referral",
    response_model=ObjectionOut,
    **endpoint(
        *rules.TRANSITIONS["refer"].by,
        errors={**OBJECTION_404, 409: ["invalid_state", "not_referable", CALENDAR]},
        summary="Refer an objection to the provider for verification",
    ),
)
def post_referral(
    objection_id: BigId,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> ObjectionOut:
    """In review only. The record's provider (for a list entry, its identifying department)
    verifies within 5 working days (art. 32); the task lands on its queue. An evaluation
    result has no provider: 409 `not_referable`."""
    obj = service.refer(session, request_step(request, principal), objection_id)
    return objection_out(session, obj)


@router.post(
    "/objections/{objection_id}/verification",
    response_model=ObjectionOut,
    **endpoint(
        *rules.TRANSITIONS["verify"].by,
        errors={
            403: ["not_verifying_department"],
            **OBJECTION_404,
            409: ["invalid_state"],
        },
        summary="The provider's verification (核实) of an objection",
    ),
)
def post_verification(
    objection_id: BigId,
    body: VerificationIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> ObjectionOut:
    """Only the department the objection was referred to; the objection goes back to the
    platform's review with the finding."""
    obj = service.verify(
        session,
        request_step(request, principal),
        objection_id,
        found_wrong=body.found_wrong,
        opinion=body.opinion,
    )
    return objection_out(session, obj)


@router.post(
    "/objections/{objection_id}/decision",
    response_model=ObjectionOut,
    **endpoint(
        *rules.TRANSITIONS["decide"].by,
        errors={**OBJECTION_404, 409: ["verification_pending", "already_decided", CALENDAR]},
        summary="Decide an objection: upheld or rejected",
    ),
)
def post_decision(
    objection_id: BigId,
    body: DecisionIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> ObjectionOut:
    """Rejected: closed, the mark removed, the information kept, a decision document naming
    the appeal period. Upheld: to correction within 3 working days, and any list entry that is
    the target or rests on the target record is revoked at once — measures stop, a red entry's
    benefits are flagged for recall — with a written apology and clarification (003 联合奖惩
    §（二十四））."""
    obj = service.decide(
        session,
        request_step(request, principal),
        objection_id,
        outcome=body.outcome,
        reason=body.reason,
    )
    return objection_out(session, obj)


@router.post(
    "/objections/{objection_id}/correction",
    response_model=ObjectionOut,
    **endpoint(
        *rules.TRANSITIONS["correct"].by,
        errors={
            404: ["unknown_objection", "unknown_record"],
            409: ["invalid_state", "record_not_active", "re_evaluation_pending"],
            422: ["invalid_record", "missing_record", "missing_fields", *FIELD_ERRORS],
        },
        summary="Correct or revoke the information found wrong",
    ),
)
def post_correction(
    objection_id: BigId,
    body: CorrectionIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> ObjectionOut:
    """`revoke`: the record stops being published and used. `correct`: the original becomes
    `corrected` and a new record with the corrected fields is collected in its place, published
    where the original was. Either way the change goes on the list-change feed (topic
    `record`). Still accepted after `correction_due_on` (the task is then overdue). An
    objection to an evaluation result is closed by its re-evaluation instead: 409
    `re_evaluation_pending`."""
    obj = service.correct(session, request_step(request, principal), objection_id, body)
    return objection_out(session, obj)


@router.post(
    "/appeals",
    status_code=201,
    response_model=AppealOut,
    **endpoint(
        *rules.APPEAL_TRANSITIONS["file"].by,
        errors={
            403: ["not_your_subject"],
            404: ["subject_not_found", "unknown_objection", "unknown_repair"],
            409: ["not_appealable", "appeal_exists", "appeal_too_late", "file_in_use", CALENDAR],
            422: ["missing_subject", "unknown_file", *KEY_422],
        },
        summary="Appeal (申诉) to the credit authority against an objection's or repair's outcome",
    ),
)
def post_appeal(
    body: AppealIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
    db: Database = Depends(database),
) -> AppealOut:
    """Measures art. 33: against an objection found unfounded (rejected) or a refused repair,
    within `appeal_filing_working_days` working days of that decision (the last day counts;
    after it 409 `appeal_too_late`), once per procedure (409 `appeal_exists`). The credit
    authority decides within `appeal_review_working_days`."""
    subject_id = acting_subject(session, principal, body.subject, db, field="subject")
    appeal = appeals.file_appeal(session, request_step(request, principal), subject_id, body)
    session.flush()
    return appeal_out(session, appeal)


@router.get(
    "/appeals/{appeal_id}",
    response_model=AppealOut,
    **endpoint(
        Role.subject,
        Role.authority,
        errors={404: ["unknown_appeal"]},
        summary="An appeal with its timeline and outcome",
    ),
)
def get_appeal(
    appeal_id: BigId, principal: Principal = current_principal, session: Session = db_session
) -> AppealOut:
    """The subject's own, or any for the authority; others 404."""
    appeal = appeals.get_appeal(session, appeal_id)
    if not appeals.may_see(principal, appeal):
        raise appeals.unknown_appeal()
    return appeal_out(session, appeal)


@router.post(
    "/appeals/{appeal_id}/decision",
    response_model=AppealOut,
    **endpoint(
        *rules.APPEAL_TRANSITIONS["decide"].by,
        errors={
            404: ["unknown_appeal"],
            409: [
                "already_decided",
                "same_reviewer",
                "objection_open",
                # an upheld appeal on a repair the repair procedure cannot take up again
                "repair_not_allowed",
                "repair_open",
                CALENDAR,
            ],
        },
        summary="Decide an appeal: upheld or dismissed",
    ),
)
def post_appeal_decision(
    appeal_id: BigId,
    body: AppealDecisionIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> AppealOut:
    """By someone other than who decided the outcome appealed against (409 `same_reviewer`).
    Either outcome names the route onward (`onward_route`: administrative review or
    litigation, art. 33) in a decision document. Upheld on an objection: it is found wrong and
    goes to correction with a new 3-working-day deadline, with the wrongful-listing remedy;
    upheld on a repair: the repair procedure takes it up."""
    appeal = appeals.decide_appeal(
        session,
        request_step(request, principal),
        appeal_id,
        outcome=body.outcome,
        reason=body.reason,
    )
    session.flush()
    return appeal_out(session, appeal)
