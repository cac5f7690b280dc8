"""政务失信 cases (003 政务诚信 二（三）–（六）; 004 §5) and the government-integrity policy.

Every 政务失信 record (catalog item ``government_failure``) of a government body or a civil
servant gets a case, opened by the daily sync (``sync_cases``, in the jobs): the body owes a
written explanation and a rectification by their last days, each a task on the credit
authority's queue, which interviews the body when one is missed. Unpaid bills (拖欠企业账款)
clear when paid in full (清欠), payment by payment; other failures when the authority confirms
the rectification the body reported. A failure the competent body finds to meet the tolerance
conditions (容错纠错) is excluded with its decision: the record's standing becomes
``excluded`` through a revision, and it counts nowhere. Each step is a procedure step shown to
the subject, an audit entry and a change on the feed (topic ``government``), which the checks'
snapshot reads: honours are refused to a body while a case of it is not cleared (二（五））."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from xinyong.core import audit
from xinyong.core.auth import Principal
from xinyong.core.calendar import calendar_for
from xinyong.core.clock import local_date
from xinyong.core.labels import CASE_CLEARED_AS, CASE_STATES
from xinyong.errors import Conflict, Forbidden, InvalidRequest, NotFound
from xinyong.feeds.changes import GOVERNMENT, record_change
from xinyong.government import repository, rules
from xinyong.government.schemas import (
    CaseOut,
    ExclusionIn,
    ExplanationIn,
    InterviewIn,
    PaymentIn,
    PaymentOut,
    PolicyIn,
    PolicyOut,
    RectificationIn,
)
from xinyong.models import (
    ArrearsPayment,
    CaseState,
    Department,
    GovernmentFailureCase,
    GovernmentPolicy,
    Role,
    Standing,
    Subject,
)
from xinyong.records.standing import change_standing, get_record
from xinyong.rights import evidence
from xinyong.rights.step import Step
from xinyong.rights.steps import add_step
from xinyong.tasks.service import (
    GOVERNMENT_EXPLANATION,
    GOVERNMENT_RECTIFICATION,
    close_tasks,
    open_task,
)

PROCEDURE = "government_failure"


# --- the policy -------------------------------------------------------------------------------


def default_policy() -> PolicyIn:
    """The shipped policy (government/default_policy.json)."""
    raw = resources.files("xinyong.government").joinpath("default_policy.json").read_text("utf-8")
    return PolicyIn.model_validate(json.loads(raw))


@dataclass(frozen=True)
class Policy:
    version: int  # 0: the shipped one, never published
    spec: PolicyIn


def policy_in_force(session: Session, today: date) -> Policy:
    """The newest published version in force on ``today``, else the shipped policy."""
    row = session.execute(
        select(GovernmentPolicy)
        .where(GovernmentPolicy.effective_from <= today)
        .order_by(GovernmentPolicy.version.desc())
        .limit(1)
    ).scalar_one_or_none()
    if row is None:
        return Policy(0, default_policy())
    return Policy(row.version, PolicyIn.model_validate(row.spec))


def policy_row(session: Session, version: int) -> GovernmentPolicy | None:
    return session.execute(
        select(GovernmentPolicy).where(GovernmentPolicy.version == version)
    ).scalar_one_or_none()


def policy_of_version(session: Session, version: int) -> PolicyIn:
    """A version as published (0: the shipped policy)."""
    row = policy_row(session, version)
    return default_policy() if row is None else PolicyIn.model_validate(row.spec)


def publish_policy(session: Session, step: Step, body: PolicyIn) -> PolicyOut:
    """A new version, in force from its ``effective_from`` (today when not given): never
    back-dated, so that no deadline already counted changes under a case (as validity rules
    are never retroactive)."""
    effective = body.effective_from or step.today
    if effective < step.today:
        raise InvalidRequest(
            "生效日期不能早于今天",
            "effective_from cannot be in the past",
            field="effective_from",
            code="retroactive_policy",
        )
    latest = session.execute(select(func.max(GovernmentPolicy.version))).scalar_one()
    spec = body.model_copy(update={"effective_from": effective})
    row = GovernmentPolicy(
        version=(latest or 0) + 1,
        spec=spec.model_dump(mode="json"),
        effective_from=effective,
        created_by=step.principal.actor,
        created_at=step.now,
    )
    session.add(row)
    session.flush()
    audit.log(
        session,
        actor=step.principal.actor,
        action="government.policy_published",
        at=step.now,
        target_type="government_policy",
        target_id=row.version,
        detail={"effective_from": effective.isoformat()},
    )
    return policy_out(row)


def policy_out(row: GovernmentPolicy) -> PolicyOut:
    return PolicyOut.model_validate(
        {
            **row.spec,
            "version": row.version,
            "created_by": row.created_by,
            "created_at": row.created_at,
        }
    )


# --- opening cases ----------------------------------------------------------------------------

# The 政务失信 records without a case. The partial index on records (item_code =
# 'government_failure', migration 0026) keeps this a read of those few rows, however many
# records the platform holds: the jobs run it every few seconds.
_UNOPENED = text(
    """
    SELECT r.subject_id, r.id, r.provider_id, r.fields, r.determined_on,
           s.region_code, d.region_code
    FROM records r
    JOIN subjects s ON s.id = r.subject_id
    JOIN departments d ON d.id = r.provider_id
    WHERE r.item_code = 'government_failure' AND r.standing = 'active'
      AND NOT EXISTS (
        SELECT 1 FROM government_failure_cases c
        WHERE c.subject_id = r.subject_id AND c.record_id = r.id
      )
    ORDER BY r.subject_id, r.id
    """
)


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(str(value))


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def sync_cases(session: Session, step: Step) -> int:
    """Open a case for every 政务失信 record that has none; returns how many. A civil servant's
    case is of the region of the body the record names, else of the providing department."""
    rows = session.execute(_UNOPENED).all()
    if not rows:
        return 0
    policy = policy_in_force(session, step.today).spec
    calendar = calendar_for(session)
    due = rules.deadlines(step.today, policy.periods, calendar)
    for subject_id, record_id, provider_id, fields, determined_on, region, provider_region in rows:
        fields = fields if isinstance(fields, dict) else json.loads(fields)
        body_code = str(fields.get("body_credit_code") or "")
        # A civil servant's case is of the region of the body its record names.
        region = (body_code[2:8] if len(body_code) == 18 else None) or region or provider_region
        kind = str(fields.get("failure_kind") or "其他失信")
        case = GovernmentFailureCase(
            subject_id=subject_id,
            id=step.ctx.ids.next_id(),
            record_id=record_id,
            provider_id=provider_id,
            region_code=region,
            failure_kind=kind,
            decided_on=_date(fields.get("decided_on")) or _date(determined_on) or step.today,
            amount_owed=_decimal(fields.get("amount_owed")) if kind == rules.UNPAID_BILLS else None,
            amount_paid=Decimal(0),
            payment_due_on=_date(fields.get("payment_due_on")),
            state=CaseState.open,
            opened_at=step.now,
            explain_by=due.explain_by,
            rectify_by=due.rectify_by,
            interviews=0,
        )
        session.add(case)
        session.flush()
        for task_kind, what, due_on in (
            (GOVERNMENT_EXPLANATION, "书面说明原因", case.explain_by),
            (GOVERNMENT_RECTIFICATION, "限期整改", case.rectify_by),
        ):
            open_task(
                session,
                step,
                subject_id=subject_id,
                kind=task_kind,
                procedure=PROCEDURE,
                procedure_id=case.id,
                department_id=None,
                title=f"政务失信：{kind}（{what}）",
                due_on=due_on,
            )
        _step(session, step, case, "opened", explain_by=case.explain_by.isoformat(),
              rectify_by=case.rectify_by.isoformat(), record_id=str(record_id))  # fmt: skip
    return len(rows)


def _step(
    session: Session, step: Step, case: GovernmentFailureCase, name: str, **detail: Any
) -> None:
    """The step shown to the subject with its audit entry (rights/steps), and the change on
    the feed."""
    add_step(session, step, PROCEDURE, case, name, **detail)
    record_change(
        session,
        at=step.now,
        topic=GOVERNMENT,
        event=name,
        ids=step.ctx.ids,
        subject_id=case.subject_id,
        detail={"case": str(case.id), "state": case.state.value},
    )


# --- reading ----------------------------------------------------------------------------------


def _not_found() -> NotFound:
    return NotFound("政务失信案件不存在", "no such case", field="case", code="unknown_case")


def get_case(session: Session, case_id: int, *, for_update: bool = False) -> GovernmentFailureCase:
    query = select(GovernmentFailureCase).where(GovernmentFailureCase.id == case_id)
    if for_update:
        query = query.with_for_update()
    case = session.execute(query).scalar_one_or_none()
    if case is None:
        raise _not_found()
    return case


def may_read(principal: Principal, case: GovernmentFailureCase) -> bool:
    """The authority, the department that provided the record, and the body itself."""
    if principal.role is Role.authority:
        return True
    if principal.role is Role.subject:
        return principal.subject_id == case.subject_id
    return principal.department_id is not None and principal.department_id == case.provider_id


def readable_case(session: Session, principal: Principal, case_id: int) -> GovernmentFailureCase:
    case = get_case(session, case_id)
    if not may_read(principal, case):
        raise _not_found()  # not even its existence is shown to others
    return case


def find_cases(
    session: Session,
    principal: Principal,
    *,
    state: CaseState | None,
    region: str | None,
    overdue: bool | None,
    today: date,
    limit: int,
    offset: int,
) -> tuple[list[GovernmentFailureCase], int]:
    """The cases the caller may read (:func:`may_read`), filtered; newest decision first."""
    c = GovernmentFailureCase
    query = select(c)
    if principal.role is Role.subject:
        query = query.where(c.subject_id == principal.subject_id)
    elif principal.role is not Role.authority:
        query = query.where(c.provider_id == principal.department_id)
    if state is not None:
        query = query.where(c.state == state)
    if region:
        query = query.where(c.region_code.startswith(region))
    if overdue is not None:
        late = c.state.in_(rules.UNCLEARED) & (
            (c.explained_at.is_(None) & (c.explain_by < today)) | (c.rectify_by < today)
        )
        query = query.where(late if overdue else ~late)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(
        query.order_by(c.decided_on.desc(), c.id.desc()).limit(limit).offset(offset)
    ).scalars()
    return list(rows), total


def payments_of(session: Session, case: GovernmentFailureCase) -> list[ArrearsPayment]:
    return list(
        session.execute(
            select(ArrearsPayment)
            .where(ArrearsPayment.subject_id == case.subject_id, ArrearsPayment.case_id == case.id)
            .order_by(ArrearsPayment.paid_on, ArrearsPayment.id)
        ).scalars()
    )


def case_out(
    session: Session, case: GovernmentFailureCase, today: date, *, with_payments: bool = False
) -> CaseOut:
    subject = session.get(Subject, case.subject_id)
    provider = session.get(Department, case.provider_id)
    payments = payments_of(session, case) if with_payments else []
    return CaseOut(
        id=str(case.id),
        subject={
            "credit_code": subject.credit_code if subject else None,
            "id_number": subject.id_masked if subject else None,
            "name": subject.name if subject else None,
        },
        record_id=str(case.record_id),
        provider=provider.name if provider else "",
        region_code=case.region_code,
        failure_kind=case.failure_kind,
        decided_on=case.decided_on,
        state=case.state.value,
        state_name=CASE_STATES[case.state.value],
        opened_at=case.opened_at,
        explain_by=case.explain_by,
        rectify_by=case.rectify_by,
        overdue=_lapse(case, today) is not None,
        explanation=case.explanation,
        explained_at=case.explained_at,
        rectification=case.rectification,
        rectification_reported_at=case.rectification_reported_at,
        cleared_as=case.cleared_as,
        cleared_at=case.cleared_at,
        amount_owed=_amount(case.amount_owed),
        amount_paid=Decimal(case.amount_paid or 0).quantize(rules.FOUR),
        payment_due_on=case.payment_due_on,
        exclusion_decision=case.exclusion_decision,
        exclusion_reason=case.exclusion_reason,
        excluded_at=case.excluded_at,
        interviews=case.interviews,
        payments=[
            PaymentOut(
                id=str(p.id),
                amount=_amount(p.amount),
                paid_on=p.paid_on,
                note=p.note,
                recorded_by=p.recorded_by,
                recorded_at=p.recorded_at,
            )
            for p in payments
        ],
    )


def _amount(value: Decimal | None) -> Decimal | None:
    """万元 to four places, as stored, whether read back or just computed."""
    return None if value is None else Decimal(value).quantize(rules.FOUR)


def _lapse(case: GovernmentFailureCase, today: date) -> rules.Lapse | None:
    return rules.overdue(
        case.state, case.explained_at is not None, case.explain_by, case.rectify_by, today
    )


@dataclass(frozen=True)
class PublicCase:
    """What the portal shows of a case beside its record (二（四）: 依法依规逐步公开政府部门和
    公务员行政处罚等政务失信记录): its progress, never the body's own words."""

    failure_kind: str
    decided_on: date
    state_name: str
    cleared_as: str | None
    cleared_on: date | None
    amount_owed: Decimal | None
    amount_paid: Decimal


def public_cases_of(session: Session, subject_id: int) -> list[PublicCase]:
    """The counted cases of a subject (not 容错纠错 ones), newest decision first."""
    return [
        PublicCase(
            failure_kind=c.failure_kind,
            decided_on=c.decided_on,
            state_name=CASE_STATES[c.state.value],
            cleared_as=CASE_CLEARED_AS.get(c.cleared_as or ""),
            cleared_on=local_date(c.cleared_at) if c.cleared_at else None,
            amount_owed=_amount(c.amount_owed),
            amount_paid=Decimal(c.amount_paid or 0).quantize(rules.FOUR),
        )
        for c in repository.cases_of(session, subject_id)
        if c.state in rules.COUNTED
    ]


# --- steps ------------------------------------------------------------------------------------


def _require(action: rules.Action, case: GovernmentFailureCase, today: date) -> None:
    found = rules.refusal(
        action,
        state=case.state,
        failure_kind=case.failure_kind,
        explained=case.explained_at is not None,
        reported=case.rectification_reported_at is not None,
        lapse=_lapse(case, today),
    )
    if found is not None:
        raise Conflict(found.message, found.message_en, field="case", code=found.code)


def _body_or_authority(step: Step, case: GovernmentFailureCase) -> None:
    """The body explains, reports and pays for itself; the authority may record it for a
    body that answered on paper."""
    p = step.principal
    if p.role is Role.authority or (p.role is Role.subject and p.subject_id == case.subject_id):
        return
    raise Forbidden(
        "只有失信机关本身或信用管理部门可以办理",
        "only the body itself or the credit authority may do this",
        code="not_the_body",
    )


def _authority(step: Step) -> None:
    if step.principal.role is not Role.authority:
        raise Forbidden(
            "只有信用管理部门可以办理",
            "only the credit authority may do this",
            code="authority_only",
        )


def explain(
    session: Session, step: Step, case_id: int, body: ExplanationIn
) -> GovernmentFailureCase:
    """The written explanation (书面说明原因, 二（五））."""
    case = get_case(session, case_id, for_update=True)
    _body_or_authority(step, case)
    _require("explain", case, step.today)
    case.explanation = body.explanation
    case.explained_at = step.now
    case.state = CaseState.explained
    close_tasks(
        session, step, subject_id=case.subject_id, procedure_id=case.id, kind=GOVERNMENT_EXPLANATION
    )
    _step(session, step, case, "explained")
    return case


def report_rectification(
    session: Session, step: Step, case_id: int, body: RectificationIn
) -> GovernmentFailureCase:
    """The body's report of its rectification, for the authority to confirm."""
    case = get_case(session, case_id, for_update=True)
    _body_or_authority(step, case)
    _require("report", case, step.today)
    case.rectification = body.rectification
    case.rectification_reported_at = step.now
    _step(session, step, case, "rectification_reported")
    return case


def confirm_rectification(session: Session, step: Step, case_id: int) -> GovernmentFailureCase:
    """The authority finds the rectification done: the case is cleared (004 §5: 及时清理)."""
    _authority(step)
    case = get_case(session, case_id, for_update=True)
    _require("confirm", case, step.today)
    _clear(session, step, case, "rectified")
    return case


def _clear(session: Session, step: Step, case: GovernmentFailureCase, how: str) -> None:
    case.state = CaseState.cleared
    case.cleared_as = how
    case.cleared_at = step.now
    close_tasks(session, step, subject_id=case.subject_id, procedure_id=case.id)
    _step(session, step, case, "cleared", cleared_as=how)


def record_payment(
    session: Session, step: Step, case_id: int, body: PaymentIn
) -> tuple[GovernmentFailureCase, ArrearsPayment]:
    """A payment of an unpaid bill (清欠进度); paid in full, the case clears (004 §5)."""
    case = get_case(session, case_id, for_update=True)
    _body_or_authority(step, case)
    _require("pay", case, step.today)
    if body.paid_on > step.today:
        raise InvalidRequest(
            "付款日期不能晚于今天",
            "paid_on cannot be in the future",
            field="paid_on",
            code="future_payment",
        )
    payment = ArrearsPayment(
        subject_id=case.subject_id,
        id=step.ctx.ids.next_id(),
        case_id=case.id,
        amount=body.amount,
        paid_on=body.paid_on,
        note=body.note,
        recorded_by=step.principal.actor,
        recorded_at=step.now,
    )
    session.add(payment)
    case.amount_paid = (case.amount_paid or Decimal(0)) + body.amount
    _step(session, step, case, "payment", amount=str(body.amount), paid_on=body.paid_on.isoformat(),
          paid=str(case.amount_paid))  # fmt: skip
    if rules.paid_in_full(case.amount_owed, case.amount_paid):
        _clear(session, step, case, "paid")
    return case, payment


def exclude(
    session: Session,
    step: Step,
    case_id: int,
    body: ExclusionIn,
    *,
    document: tuple[str, bytes] | None,
) -> GovernmentFailureCase:
    """容错纠错 (二（三）: 经认定符合容错纠错情形和条件的，可不纳入政务失信记录; 二（六）: 严格规范
    认定容错的程序): by the authority or the department that provided the record, with the
    decision's number and document. The record's standing becomes ``excluded`` through a
    revision; the case closes; the exclusion is audited."""
    case = get_case(session, case_id, for_update=True)
    p = step.principal
    if not (
        p.role is Role.authority
        or (p.department_id is not None and p.department_id == case.provider_id)
    ):
        raise Forbidden(
            "只有信用管理部门或认定该失信记录的部门可以认定容错",
            "only the credit authority or the providing department may exclude a failure",
            code="not_competent",
        )
    if not body.decision_number or document is None or not document[1]:
        raise InvalidRequest(
            "容错纠错须附认定决定的文号和决定书",
            "a tolerance exclusion needs its decision number and decision document",
            field="decision_number" if not body.decision_number else "document",
            code="tolerance_decision_required",
        )
    _require("exclude", case, step.today)
    filename, data = document
    stored = evidence.store(session, step, subject_id=case.subject_id, filename=filename, data=data)
    evidence.take(session, PROCEDURE, case, [(stored.id, "tolerance_decision")], field="document")
    record = get_record(session, case.subject_id, case.record_id, for_update=True)
    change_standing(
        session,
        step,
        record,
        Standing.excluded,
        procedure=PROCEDURE,
        reason=f"容错纠错：{body.decision_number}",
        detail={"case": str(case.id), "decision_number": body.decision_number},
    )
    case.state = CaseState.excluded
    case.exclusion_decision = body.decision_number
    case.exclusion_document_id = stored.id
    case.exclusion_reason = body.reason
    case.excluded_at = step.now
    close_tasks(session, step, subject_id=case.subject_id, procedure_id=case.id)
    _step(session, step, case, "excluded", decision_number=body.decision_number,
          document=str(stored.id), sha256=stored.sha256)  # fmt: skip
    return case


def interview(
    session: Session, step: Step, case_id: int, body: InterviewIn
) -> GovernmentFailureCase:
    """An interview (约谈) of a body late with its explanation or rectification, as for a list
    entry's missed rectification (002 §（九））."""
    _authority(step)
    case = get_case(session, case_id, for_update=True)
    _require("interview", case, step.today)
    case.interviews += 1
    _step(session, step, case, "interviewed", interviewed_on=body.interviewed_on.isoformat(),
          interviewee=body.interviewee, notes=body.notes,
          lapse=_lapse(case, step.today))  # fmt: skip
    return case
