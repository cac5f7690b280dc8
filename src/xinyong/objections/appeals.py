"""Appeals (申诉, Measures art. 33: 信息主体对异议处理结果不服或有异议的，可向本级信用主管部门提出
申诉；对申诉结果不服的，可以依法申请行政复议或者提起诉讼).

    review ──(decide: dismissed | upheld)──► closed

An appeal lies against an adverse outcome — an objection found unfounded (rejected), a repair
refused — within ``appeal_filing_working_days`` working days of that decision, once per
procedure. The credit authority decides within ``appeal_review_working_days``; whoever decided
the objection may not decide its appeal (separation of duties). Every outcome names the route
onward. Upheld on an objection, the objection is found wrong after all and goes to correction
(with the wrongful-listing remedy); upheld on a repair, the repair procedure takes it up."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from xinyong.core.auth import Principal
from xinyong.core.calendar import calendar_for
from xinyong.core.citations import cite
from xinyong.core.clock import local_date
from xinyong.core.labels import DOCUMENT_KINDS, PROCEDURE_NAMES
from xinyong.errors import Conflict, NotFound
from xinyong.models import (
    Appeal,
    AppealOutcome,
    AppealState,
    Objection,
    Repair,
    Role,
    Subject,
)
from xinyong.objections import rules, service
from xinyong.objections.repository import appeal_of as appeal_of
from xinyong.objections.schemas import AppealIn, AppealOut, ObjectionOut
from xinyong.repairs.service import appeal_upheld, get_repair, is_appealable, unknown_repair
from xinyong.rights import documents, evidence
from xinyong.rights.deadlines import is_over
from xinyong.rights.procedures import get_procedure, subject_key
from xinyong.rights.step import Step
from xinyong.rights.steps import add_step, steps_of, steps_out
from xinyong.tasks.service import APPEAL_REVIEW, close_tasks, open_task

PROCEDURE = "appeal"
# Measures art. 33: 对申诉结果不服的，可以依法申请行政复议或者提起诉讼.
ONWARD_ROUTE = "可依法申请行政复议或者提起行政诉讼"


def unknown_appeal() -> NotFound:
    return NotFound("申诉不存在", "no such appeal", field="appeal_id", code="unknown_appeal")


def get_appeal(session: Session, appeal_id: int, *, for_update: bool = False) -> Appeal:
    return get_procedure(session, Appeal, appeal_id, unknown_appeal, for_update=for_update)


def may_see(principal: Principal, appeal: Appeal) -> bool:
    return principal.role is Role.authority or (
        principal.role is Role.subject and principal.subject_id == appeal.subject_id
    )


def appeal_out(session: Session, appeal: Appeal) -> AppealOut:
    """An appeal as the API and the pages show it."""
    subject = session.get_one(Subject, appeal.subject_id)
    return AppealOut(
        id=str(appeal.id),
        procedure=appeal.procedure,
        procedure_id=str(appeal.procedure_id),
        subject=subject_key(subject),
        state=appeal.state.value,
        statement=appeal.statement,
        filed_by=appeal.filed_by,
        filed_at=appeal.filed_at,
        due_on=appeal.due_on,
        outcome=appeal.outcome.value if appeal.outcome else None,
        decision_reason=appeal.decision_reason,
        decided_at=appeal.decided_at,
        onward_route=appeal.onward_route,
        evidence=[
            evidence.evidence_out(f)
            for f in evidence.files_of(session, appeal.subject_id, appeal.id)
        ],
        steps=steps_out(session, appeal),
    )


def objection_summary(obj: Objection, subject: Subject) -> dict:
    """An objection's fields as the API lists them (ObjectionSummaryOut)."""
    return {
        "id": str(obj.id),
        "subject": subject_key(subject),
        "subject_name": subject.name,
        "target_type": obj.target_type.value,
        "target_id": str(obj.target_id),
        "ground": obj.ground.value,
        "state": obj.state.value,
        "statement": obj.statement,
        "filed_by": obj.filed_by,
        "agent_name": obj.agent_name,
        "filed_at": obj.filed_at,
        "review_due_on": obj.review_due_on,
        "referred_at": obj.referred_at,
        "verify_due_on": obj.verify_due_on,
        "verification": obj.verification,
        "outcome": obj.outcome.value if obj.outcome else None,
        "decision_reason": obj.decision_reason,
        "decided_at": obj.decided_at,
        "correction_due_on": obj.correction_due_on,
        "correction": obj.correction,
        "corrected_at": obj.corrected_at,
        "closed_at": obj.closed_at,
    }


def objection_out(session: Session, obj: Objection) -> ObjectionOut:
    """An objection as the API and the pages show it: its evidence, steps and appeal."""
    session.flush()
    subject = session.get_one(Subject, obj.subject_id)
    appeal = appeal_of(session, obj.subject_id, service.PROCEDURE, obj.id)
    return ObjectionOut(
        **objection_summary(obj, subject),
        evidence=[
            evidence.evidence_out(f) for f in evidence.files_of(session, obj.subject_id, obj.id)
        ],
        steps=steps_out(session, obj),
        appeal=appeal_out(session, appeal) if appeal is not None else None,
    )


def _not_appealable(state: str, outcome: str | None) -> Conflict:
    return Conflict(
        "只能对异议不成立的处理结果或不予修复的决定提出申诉",
        "only an objection found unfounded (rejected) or a refused repair may be appealed",
        field="id",
        code="not_appealable",
        state=state,
        outcome=outcome,
    )


def _refuse_second(session: Session, subject_id: int, procedure: str, pid: int) -> None:
    existing = appeal_of(session, subject_id, procedure, pid)
    if existing is not None:
        raise Conflict(
            "已就该处理结果提出过申诉",
            "this outcome has been appealed already",
            field="id",
            code="appeal_exists",
            appeal_id=str(existing.id),
        )


def _appealed(session: Session, subject_id: int, body: AppealIn) -> tuple[Objection | Repair, date]:
    """The procedure appealed against, and the day its outcome was decided. It must be the
    subject's own (else 404: another subject's procedure is never confirmed to exist),
    appealed once only, and an adverse outcome."""
    pid = int(body.id)
    if body.procedure == "objection":
        obj = service.get_objection(session, pid, for_update=True)
        if obj.subject_id != subject_id:
            raise service.unknown_objection(field="id")
        _refuse_second(session, subject_id, body.procedure, pid)
        if not rules.objection_appealable(obj.state, obj.outcome) or obj.closed_at is None:
            raise _not_appealable(obj.state.value, obj.outcome.value if obj.outcome else None)
        return obj, local_date(obj.closed_at)
    repair = get_procedure(
        session, Repair, pid, lambda: unknown_repair(field="id"), for_update=True
    )
    if repair.subject_id != subject_id:
        raise unknown_repair(field="id")
    _refuse_second(session, subject_id, body.procedure, pid)
    if not is_appealable(session, repair) or repair.closed_at is None:
        raise _not_appealable(repair.state.value, None)
    return repair, local_date(repair.closed_at)


def file_appeal(session: Session, step: Step, subject_id: int, body: AppealIn) -> Appeal:
    appealed, decided_on = _appealed(session, subject_id, body)
    pid = int(body.id)
    deadline = service.appeal_deadline(session, step, decided_on)
    if is_over(deadline, step.today):
        raise Conflict(
            f"申诉期限已于 {deadline} 届满",
            f"the period to appeal ended on {deadline}",
            field="id",
            code="appeal_too_late",
            decided_on=decided_on.isoformat(),
            deadline=deadline.isoformat(),
        )
    appeal = Appeal(
        subject_id=subject_id,
        id=step.ctx.ids.next_id(),
        procedure=body.procedure,
        procedure_id=pid,
        statement=body.statement,
        filed_by=step.principal.actor,
        filed_at=step.now,
        state=AppealState.review,
        due_on=rules.appeal_due_on(
            calendar_for(session), step.today, step.ctx.settings.appeal_review_working_days
        ),
    )
    session.add(appeal)
    files = evidence.take(
        session, PROCEDURE, appeal, [(int(e.file_id), e.kind) for e in body.evidence]
    )
    open_task(
        session,
        step,
        subject_id=subject_id,
        kind=APPEAL_REVIEW,
        procedure=PROCEDURE,
        procedure_id=appeal.id,
        department_id=None,
        title=f"处理申诉 {appeal.id}（{PROCEDURE_NAMES[body.procedure]} {pid}）",
        due_on=appeal.due_on,
    )
    add_step(
        session,
        step,
        PROCEDURE,
        appeal,
        "filed",
        against=body.procedure,
        against_id=str(pid),
        evidence=[str(f.id) for f in files],
        due_on=appeal.due_on.isoformat(),
    )
    if body.procedure == "objection":
        add_step(session, step, service.PROCEDURE, appealed, "appealed", appeal_id=str(appeal.id))
    return appeal


def _first_decider(session: Session, appeal: Appeal) -> tuple[str | None, Objection | Repair]:
    if appeal.procedure == "objection":
        obj = service.get_objection(session, appeal.procedure_id, for_update=True)
        return obj.decided_by, obj
    repair = get_repair(session, appeal.procedure_id, for_update=True)
    # The repair's last step is its refusal: who refused it.
    steps = steps_of(session, repair.subject_id, repair.id)
    return (steps[-1].actor if steps else None), repair


def decide_appeal(
    session: Session, step: Step, appeal_id: int, *, outcome: str, reason: str
) -> Appeal:
    appeal = get_appeal(session, appeal_id, for_update=True)
    if not rules.APPEAL_TRANSITIONS["decide"].follows(appeal.state):
        raise Conflict("该申诉已处理", "the appeal is decided already", code="already_decided")
    first, decided = _first_decider(session, appeal)
    if not rules.may_decide_appeal(first, step.principal.actor):
        # An appeal is heard by someone other than who made the decision appealed against.
        raise Conflict(
            "作出原处理决定的人员不能处理对该决定的申诉",
            "whoever decided the outcome appealed against may not decide the appeal",
            code="same_reviewer",
        )
    upheld = outcome == AppealOutcome.upheld.value
    if upheld and isinstance(decided, Objection):
        # Reopened for correction, it may not stand beside a newer objection on its target.
        other = service.open_objection(
            session, decided.subject_id, decided.target_type, decided.target_id
        )
        if other is not None:
            raise service.objection_open(other)
    appeal.state = AppealState.closed
    appeal.outcome = AppealOutcome(outcome)
    appeal.decision_reason = reason
    appeal.decided_by = step.principal.actor
    appeal.decided_at = step.now
    appeal.onward_route = ONWARD_ROUTE
    close_tasks(session, step, subject_id=appeal.subject_id, procedure_id=appeal.id)
    add_step(
        session,
        step,
        PROCEDURE,
        appeal,
        outcome,
        reason=reason,
        onward_route=ONWARD_ROUTE,
    )
    subject = session.get_one(Subject, appeal.subject_id)
    what = PROCEDURE_NAMES[appeal.procedure]
    result = (
        f"申诉成立，原{what}处理结果予以纠正。" if upheld else f"申诉不成立，维持原{what}处理结果。"
    )
    documents.issue(
        session,
        step,
        PROCEDURE,
        appeal,
        kind="appeal_decision",
        title=f"{DOCUMENT_KINDS['appeal_decision']}（申诉 {appeal.id}）",
        body=(
            f"{subject.name}：\n"
            f"你（单位）于 {local_date(appeal.filed_at).isoformat()} "
            f"对{what} {appeal.procedure_id} 的处理结果提出的申诉，经审查：{reason}\n"
            f"决定：{result}\n"
            f"对本申诉处理结果不服的，{ONWARD_ROUTE}（{cite('Measures art. 33')}）。"
        ),
    )
    if not upheld:
        return appeal
    if isinstance(decided, Objection):
        decided.decision_reason = reason
        decided.decided_by = step.principal.actor
        decided.decided_at = step.now
        service.uphold(session, step, decided, reason=reason, appeal_id=appeal.id)
    else:
        # The repair procedure owns what an upheld appeal does to a repair.
        appeal_upheld(session, step, decided, reason)
    return appeal
