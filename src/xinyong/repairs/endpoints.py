"""Credit repair (信用修复, Measures art. 34–35) under /api/v1."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from xinyong.core.api import BigId, current_principal, cursor, database, db_session, endpoint
from xinyong.core.auth import Principal
from xinyong.db import Database
from xinyong.models import Role, Subject
from xinyong.repairs import rules, service
from xinyong.repairs.schemas import (
    ConditionOut,
    EligibilityOut,
    NoticeOut,
    ObjectionDecisionIn,
    ObjectionIn,
    OpinionIn,
    RepairIn,
    RepairObjectionOut,
    RepairOut,
    TargetOut,
)
from xinyong.repairs.service import repair_objection_out, repair_out
from xinyong.rights.endpoints import acting_subject, request_step
from xinyong.rights.procedures import subject_key

router = APIRouter(tags=["repairs"])

EVERYONE = (Role.public, Role.subject, Role.provider, Role.user_department, Role.authority)
APPLICANTS = rules.TRANSITIONS["apply"].by
READERS = (Role.subject, Role.provider, Role.authority)
REPAIR_404 = {404: ["unknown_repair"]}
DEPARTMENT_403 = {403: ["not_opinion_department"]}
# Filing and its dry run answer the same: who the subject is, what the target is, whether it
# may be repaired, and whether the evidence is sound.
ASSESS_ERRORS = {
    403: ["not_your_subject"],
    404: ["unknown_entry", "subject_not_found"],
    409: ["repair_not_allowed", "repair_open", "file_in_use"],
    422: [
        "missing_subject",
        "invalid_credit_code",
        "invalid_id_number",
        "unknown_evidence_kind",
        "unknown_file",
        "missing_way_evidence",
        "missing_authorisation",
    ],
}


@router.post(
    "/repairs",
    status_code=201,
    response_model=RepairOut,
    **endpoint(
        *APPLICANTS,
        errors={
            **ASSESS_ERRORS,
            409: [*ASSESS_ERRORS[409], "calendar_year_unknown"],
            422: [*ASSESS_ERRORS[422], "repair_ineligible"],
        },
        summary="Apply for credit repair (信用修复申请)",
    ),
)
def post_repair(
    body: RepairIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
    db: Database = Depends(database),
) -> RepairOut:
    """For a negative record within its validity, or a black or watch list entry in force
    (else 409 `repair_not_allowed`, `detail.reason`: expired, already_repaired, not_negative,
    revoked, corrected, not_listed). The three conditions of Measures art. 34 are checked and
    explained; failing any, 422 `repair_ineligible` with `detail.conditions` (each
    `{condition, met, reason, reason_en}`) and `detail.failed`. Eligible, the department that
    gave the information is asked for its written opinion by `opinion_due_on` (a task on its
    queue). A subject applies for itself; the authority names the `subject` it acts for."""
    subject_id = acting_subject(session, principal, body.subject, db, field="subject")
    repair = service.apply(session, request_step(request, principal), subject_id, body)
    session.flush()
    return repair_out(session, repair)


@router.post(
    "/repairs/eligibility",
    response_model=EligibilityOut,
    **endpoint(
        *APPLICANTS, errors=ASSESS_ERRORS, summary="Check repair eligibility, filing nothing"
    ),
)
def post_eligibility(
    body: RepairIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
    db: Database = Depends(database),
) -> EligibilityOut:
    """The same body and checks as `POST /repairs`; the answer explains each condition of
    Measures art. 34 whether met or not, and nothing is filed or attached."""
    subject_id = acting_subject(session, principal, body.subject, db, field="subject")
    assessment = service.assess(session, request_step(request, principal), subject_id, body)
    return EligibilityOut(
        eligible=assessment.eligible,
        target=TargetOut.model_validate(service.describe(session, assessment.target)),
        conditions=[ConditionOut.model_validate(c) for c in assessment.conditions],
    )


@router.get(
    "/repairs",
    response_model=list[RepairOut],
    **endpoint(*READERS, summary="Repairs: the subject's own, the department's, or all"),
)
def get_repairs(
    state: Literal["opinion", "notice", "effective", "refused"] | None = Query(default=None),
    after: int | None = cursor("repair id to continue after"),
    limit: int = Query(default=100, ge=1, le=1000),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> list[RepairOut]:
    """A subject sees its own repairs, a provider those it gives the opinion on, the
    authority every one; oldest first."""
    rows = service.find_repairs(session, principal, state=state, after=after, limit=limit)
    return [repair_out(session, r) for r in rows]


@router.get(
    # {repair_id:int}: /repairs/eligibility is its own operation, and any other word is 404.
    "/repairs/{repair_id:int}",
    response_model=RepairOut,
    **endpoint(
        *READERS,
        errors={404: [*REPAIR_404[404], "not_found"]},
        summary="A repair with its steps and deadlines",
    ),
)
def get_repair(
    repair_id: BigId, principal: Principal = current_principal, session: Session = db_session
) -> RepairOut:
    """Eligibility as explained, steps, evidence metadata, due dates and objections. Another
    subject's repair, or another department's, is `unknown_repair`."""
    repair = service.get_repair(session, repair_id)
    if not service.may_see(principal, repair):
        raise service.unknown_repair()
    return repair_out(session, repair)


@router.post(
    "/repairs/{repair_id}/opinion",
    response_model=RepairOut,
    **endpoint(
        *rules.TRANSITIONS["opinion"].by,
        errors={**DEPARTMENT_403, **REPAIR_404, 409: ["invalid_state", "calendar_year_unknown"]},
        summary="Give the written repair opinion (书面信用修复意见)",
    ),
)
def post_opinion(
    repair_id: BigId,
    body: OpinionIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> RepairOut:
    """By the department that gave the information only. Positive: public notice for 5 working
    days (Measures art. 35). Negative: refused, with a decision document in the subject's
    archive naming the appeal to the credit authority (art. 33)."""
    repair = service.give_opinion(
        session, request_step(request, principal), repair_id, positive=body.positive, text=body.text
    )
    session.flush()
    return repair_out(session, repair)


@router.post(
    "/repairs/{repair_id}/objections",
    status_code=201,
    response_model=RepairObjectionOut,
    **endpoint(
        *rules.TRANSITIONS["object"].by,
        errors={
            **REPAIR_404,
            409: ["notice_over", "not_in_notice", "calendar_year_unknown"],
        },
        summary="Object to a repair in its public notice",
    ),
)
def post_objection(
    repair_id: BigId,
    body: ObjectionIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> RepairObjectionOut:
    """Up to and including the notice's last day (after it, 409 `notice_over`). The department
    that gave the opinion verifies it (Measures art. 35) within its due date, and the repair
    does not take effect before it is decided."""
    objection = service.file_objection(
        session, request_step(request, principal), repair_id, body.statement
    )
    return repair_objection_out(objection)


@router.post(
    "/repairs/{repair_id}/objections/{objection_id}/decision",
    response_model=RepairOut,
    **endpoint(
        *rules.TRANSITIONS["decide_objection"].by,
        errors={
            **DEPARTMENT_403,
            404: ["unknown_repair", "unknown_objection"],
            409: ["already_decided", "invalid_state", "calendar_year_unknown"],
        },
        summary="Decide an objection to a repair (核实并提出意见)",
    ),
)
def post_objection_decision(
    repair_id: BigId,
    objection_id: BigId,
    body: ObjectionDecisionIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> RepairOut:
    """Upheld: the repair is refused (decision document, appeal route). Not upheld: the repair
    goes on, and takes effect at once when the notice is over and no objection is pending."""
    repair = service.decide_objection(
        session,
        request_step(request, principal),
        repair_id,
        objection_id,
        upheld=body.upheld,
        reason=body.reason,
    )
    session.flush()
    return repair_out(session, repair)


@router.get(
    "/repair-notices",
    response_model=list[NoticeOut],
    **endpoint(*EVERYONE, summary="Repairs in public notice (信用修复公示)"),
)
def get_notices(
    after: int | None = cursor("repair id to continue after"),
    limit: int = Query(default=100, ge=1, le=1000),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> list[NoticeOut]:
    """Each repair in its notice period (Measures art. 35): the subject, the item or list, the
    written opinion and the notice's last day. Objections: `POST /repairs/{id}/objections`.
    Departments see every notice; others those of public information only."""
    rows = service.in_notice(
        session, public_only=not principal.is_department, after=after, limit=limit
    )
    out = []
    for repair in rows:
        subject = session.get_one(Subject, repair.subject_id)
        target = service.load_target(session, repair)
        out.append(
            NoticeOut(
                repair_id=str(repair.id),
                subject=subject_key(subject),
                subject_name=subject.name,
                target=TargetOut.model_validate(service.describe(session, target)),
                opinion=repair.opinion["text"],  # type: ignore[index]  # set in notice
                notice_ends_on=repair.notice_ends_on,
            )
        )
    return out
