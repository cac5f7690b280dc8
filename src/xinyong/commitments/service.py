"""Credit commitments (信用承诺, 002 §（一）, （五）; 000 §（一）, （五）; 004 §3, §9, §12).

The authority publishes the commitment item list (信用承诺事项清单) with each item's standard
text (格式文本); a new text is a new template version. A subject signs an item online — the
current text rendered whole is stored with its SHA-256 digest, the account and the time — or
the accepting department records a paper commitment with its scan. The accepting department
accepts it and determines its fulfilment: fulfilled, breached or false (虚假承诺); the subject
may withdraw it before acceptance. Each step is a procedure step with its actor and an audit
entry, and a change on the feed; a breach or a false commitment writes the negative record the
item names, with its severity, through the normal collection path (Measures art. 12（六））.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.commitments import grouped, missing_documents, repository, rules, verification
from xinyong.commitments.items import items_out, published_items
from xinyong.commitments.schemas import (
    BreachConsequence,
    CommitmentIn,
    CommitmentItemOut,
    CommitmentItemSpec,
    CommitmentOut,
    DocumentsIn,
    FulfilmentIn,
    RevocationIn,
    WithdrawalIn,
)
from xinyong.core.auth import Principal
from xinyong.core.calendar import calendar_for
from xinyong.core.clock import local_date
from xinyong.core.labels import COMMITMENT_STATES
from xinyong.errors import Conflict, Forbidden, InvalidRequest, NotFound
from xinyong.feeds.changes import record_change
from xinyong.lists.service import collect_one, subject_ref
from xinyong.models import (
    Channel,
    Commitment,
    CommitmentChannel,
    CommitmentState,
    CommitmentType,
    Department,
    ProcedureStep,
    Role,
    Subject,
)
from xinyong.rights import evidence
from xinyong.rights.deadlines import is_over
from xinyong.rights.procedures import subject_key
from xinyong.rights.schemas import StepOut
from xinyong.rights.step import Step
from xinyong.rights.steps import add_step, steps_of, steps_out
from xinyong.subjects.service import find_subject

PROCEDURE = "commitment"
# Topic of the change feed: a commitment's steps (the item list's: items.COMMITMENT_ITEMS).
COMMITMENT = "commitment"


# --- signing ----------------------------------------------------------------------------------


def _unknown_item(code: str) -> InvalidRequest:
    return InvalidRequest(
        f"承诺事项 {code} 不存在或已停用",
        f"no active commitment item {code}",
        field="item",
        code="unknown_commitment_item",
    )


def _signer(
    session: Session, step: Step, body: CommitmentIn
) -> tuple[Subject, Department, CommitmentChannel]:
    """Who commits, to which department, how: a subject online for itself, to the department
    it names; a department on paper, for the subject it names, to itself."""
    principal = step.principal
    if principal.role is Role.subject:
        subject = session.get_one(Subject, principal.subject_id)
        if body.subject is not None:
            other = find_subject(session, body.subject, cipher=step.ctx.cipher)
            if other.id != subject.id:
                raise Forbidden(
                    "只能为本主体作出承诺",
                    "a subject commits for itself only",
                    field="subject",
                    code="not_your_subject",
                )
        if body.department is None:
            raise InvalidRequest(
                "须指明承诺受理单位",
                "name the accepting department",
                field="department",
                code="missing_department",
            )
        if not body.confirmed:
            raise InvalidRequest(
                "须阅读承诺书全文并确认",
                "read the whole text and confirm it",
                field="confirmed",
                code="not_confirmed",
            )
        return subject, grouped.department(session, body.department), CommitmentChannel.online
    if body.subject is None:
        raise InvalidRequest(
            "须指明信息主体", "name the subject", field="subject", code="missing_subject"
        )
    subject = find_subject(session, body.subject, cipher=step.ctx.cipher)
    dept = session.get(Department, principal.department_id) if principal.department_id else None
    if dept is None or (body.department is not None and body.department != dept.code):
        raise Forbidden(
            "部门只能记录向本部门作出的承诺",
            "a department records commitments made to itself only",
            field="department",
            code="not_accepting_department",
        )
    return subject, dept, CommitmentChannel.paper


def _pending(commitment_id: int | None) -> Conflict:
    return Conflict(
        "该事项已有待履约的承诺",
        "a pending commitment of this item exists for this acceptance",
        field="reference",
        code="commitment_pending",
        commitment_id=str(commitment_id) if commitment_id else None,
    )


def sign(session: Session, step: Step, body: CommitmentIn) -> Commitment:
    """A commitment signed: every check first, so that a refusal stores nothing."""
    return _sign(session, step, body).commitment


def sign_answered(session: Session, step: Step, body: CommitmentIn) -> CommitmentOut:
    """:func:`sign`, answered from what it wrote, without reading it back."""
    signed = _sign(session, step, body)
    return _out(
        signed.commitment,
        signed.subject,
        signed.department,
        signed.item_name,
        [_step_out(r) for r in signed.steps],
    )


@dataclass(frozen=True)
class _Signed:
    commitment: Commitment
    subject: Subject
    department: Department
    item_name: str
    steps: list[ProcedureStep]


def _sign(session: Session, step: Step, body: CommitmentIn) -> _Signed:
    item = published_items(session).get(body.item)
    if item is None or not item.active:
        raise _unknown_item(body.item)
    spec = item.spec
    subject, dept, channel = _signer(session, step, body)
    if dept.kind != spec.sector:
        if channel is CommitmentChannel.paper:
            raise Forbidden(
                "本部门不是该承诺事项的受理部门",
                "this department does not accept commitments of this item",
                field="item",
                code="not_accepting_department",
            )
        raise InvalidRequest(
            f"{dept.name}不受理该承诺事项",
            f"department {dept.code} does not accept commitments of this item",
            field="department",
            code="department_not_accepting",
        )
    if not rules.applies_to(spec, subject.kind.value):
        raise InvalidRequest(
            "该承诺事项不适用于本主体类型",
            f"the item does not apply to a {subject.kind.value}",
            field="item",
            code="item_not_applicable",
            subject_kinds=list(spec.subject_kinds),
        )
    missing = missing_documents.documents_named(spec, body.missing_documents)
    if item.template_version != body.template_version:
        raise Conflict(
            f"承诺书格式文本已更新为第{item.template_version}版，请阅读新版本后再签署",
            f"template version {body.template_version} is not current ({item.template_version})",
            field="template_version",
            code="template_not_current",
            current=item.template_version,
        )
    file_id = int(body.evidence_file_id) if body.evidence_file_id else None
    # An online signing in a group appends its row with the group's (commitments/grouped.py).
    defer = channel is CommitmentChannel.online and file_id is None
    pending = grouped.pending_id(session, subject.id, item.code, body.reference, defer=defer)
    if pending is not None:
        raise _pending(pending)
    # 容缺受理 only for an eligible subject (003 联合奖惩 §（八））: 409 not_eligible.
    eligible_by = None
    if missing is not None:
        facts = grouped.facts(session, subject.id, step.today)
        eligible = missing_documents.require_eligible(
            session, subject.id, step.today, facts, dept.kind
        )
        eligible_by = [r.code for r in eligible.reasons]
    if file_id is not None:
        evidence.check_unused(session, subject.id, file_id, "evidence_file_id")
    # Before any row: a deadline in a year the calendar does not know is a 409.
    due = rules.due_on(grouped.calendar(session), step.today, spec.verification)
    text = rendered_text(item.template_text, spec, subject, dept, body.reference, step.today, due)
    values: dict[str, Any] = {
        "subject_id": subject.id,
        "id": step.ctx.ids.next_id(),
        "item_code": item.code,
        "item_version": item.version,
        "type": CommitmentType(spec.type),
        "template_version": item.template_version,
        "text": text,
        "text_sha256": rules.digest(text),
        "obligations": list(spec.obligations),
        "breach": spec.breach.model_dump(mode="json"),
        "reference": body.reference,
        "department_id": dept.id,
        "channel": channel,
        "signed_by": step.principal.actor,
        "signed_at": step.now,
        "evidence_file_id": file_id,
        # A paper commitment is recorded by the department that accepts it.
        "accepted_at": step.now if channel is CommitmentChannel.paper else None,
        "due_on": due,
        "state": CommitmentState.pending,
        "missing_documents": missing,
        "documents_supplied": None if missing is None else [],
        "record_id": None,
        "closed_at": None,
    }
    # Two signings of the same acceptance at once (PostgreSQL, READ COMMITTED): the later
    # waits on uq_commitments_pending and inserts nothing; it is the 409.
    if not grouped.store(session, values, defer=defer):
        raise _pending(
            repository.pending_commitment(session, subject.id, item.code, body.reference)
        )
    # Stored (or to be, with its group): the row as it is, not one for the session to insert.
    commitment = grouped.as_stored(values)
    if file_id is not None:
        evidence.take(
            session, PROCEDURE, commitment, [(file_id, "commitment_scan")], field="evidence"
        )
    steps = [
        _step(
            session,
            step,
            commitment,
            "signed",
            item=item.code,
            template_version=item.template_version,
            text_sha256=commitment.text_sha256,
            channel=channel.value,
            department=dept.code,
            due_on=due.isoformat() if due else None,
            **(
                {}
                if missing is None
                else {"missing_documents": missing, "eligible_by": eligible_by}
            ),
        )
    ]
    if commitment.accepted_at is not None:
        steps.append(_step(session, step, commitment, "accepted", department=dept.code))
        verification.open_verification(session, step, commitment, spec)
    return _Signed(commitment, subject, dept, spec.name, steps)


def rendered_text(
    template_text: str,
    spec: CommitmentItemSpec,
    subject: Subject,
    dept: Department,
    reference: str,
    signed_on: date,
    due: date | None,
) -> str:
    """The standard text filled in for this subject, department and day (the placeholders of
    schemas.PLACEHOLDERS): what the subject reads and signs."""
    return rules.render(
        template_text,
        {
            "subject_name": subject.name,
            "subject_code": subject_key(subject),
            "item_name": spec.name,
            "procedure": spec.procedure,
            "department_name": dept.name,
            "reference": reference or "—",
            "signed_on": f"{signed_on.year}年{signed_on.month}月{signed_on.day}日",
            "due_on": f"{due.year}年{due.month}月{due.day}日" if due else "—",
        },
    )


# --- the steps after --------------------------------------------------------------------------


def _step(session: Session, step: Step, c: Commitment, name: str, **detail: Any) -> ProcedureStep:
    """A step: the row the subject is shown, its audit entry, and a feed change."""
    row = add_step(session, step, PROCEDURE, c, name, **detail)
    record_change(
        session,
        at=step.now,
        topic=COMMITMENT,
        event=name,
        subject_id=c.subject_id,
        detail={"commitment": str(c.id), "item": c.item_code, "state": c.state.value},
    )
    return row


def unknown_commitment() -> NotFound:
    return NotFound(
        "信用承诺不存在", "no such commitment", field="commitment_id", code="unknown_commitment"
    )


def may_see(principal: Principal, c: Commitment) -> bool:
    """The subject itself, its accepting department, and the authority."""
    if principal.role is Role.authority:
        return True
    if principal.role is Role.subject:
        return principal.subject_id == c.subject_id
    return principal.department_id == c.department_id


def get_commitment(
    session: Session, principal: Principal, commitment_id: int, *, for_update: bool = False
) -> Commitment:
    """The commitment as ``principal`` may see it; for anyone else 404, never a hint."""
    c = repository.get_commitment(session, commitment_id, for_update=for_update)
    if c is None or not may_see(principal, c):
        raise unknown_commitment()
    return c


def visible_scope(principal: Principal) -> tuple[int | None, int | None]:
    """(subject id, department id) a caller's reads of commitments are narrowed to: a subject
    its own, a department those made to it, the authority none. -1: a token without its
    subject or department sees nothing, never everything."""
    if principal.role is Role.subject:
        return principal.subject_id or -1, None
    if principal.role in (Role.provider, Role.user_department):
        return None, principal.department_id or -1
    return None, None


def find_commitments(
    session: Session,
    principal: Principal,
    *,
    state: str | None,
    item: str | None,
    after: int | None,
    limit: int,
) -> list[Commitment]:
    """The commitments the caller may see: a subject its own, a department those made to it,
    the authority every one; oldest first."""
    subject_id, department_id = visible_scope(principal)
    return repository.find_commitments(
        session,
        subject_id=subject_id,
        department_id=department_id,
        state=state,
        item=item,
        after=after,
        limit=limit,
    )


def _for_step(session: Session, step: Step, commitment_id: int) -> Commitment:
    """The commitment a step is about, locked. A subject finds its own only (404 for any
    other); a department that does not accept it is refused the step (403
    ``not_accepting_department``)."""
    c = repository.get_commitment(session, commitment_id, for_update=True)
    if c is None or (
        step.principal.role is Role.subject and step.principal.subject_id != c.subject_id
    ):
        raise unknown_commitment()
    return c


def _require(step: Step, c: Commitment, name: str) -> None:
    if not rules.may_take(
        name, step.principal, subject_id=c.subject_id, department_id=c.department_id
    ):
        if step.principal.role is Role.subject:
            raise Forbidden(
                "信息主体不能办理此步骤",
                "the subject may not take this step",
                code="not_accepting_department",
            )
        raise Forbidden(
            "只有承诺受理单位可以办理此步骤",
            "only the accepting department may take this step",
            code="not_accepting_department",
        )
    reason = rules.refusal(
        name, c.state, accepted=c.accepted_at is not None, due_on=c.due_on, today=step.today
    )
    if reason is not None:
        raise _refused(c, reason, rules.REFUSALS[reason])


def _refused(c: Commitment, reason: str, messages: tuple[str, str]) -> Conflict:
    """409 ``invalid_state``: the step may not follow now, and why (``detail.reason``)."""
    message, message_en = messages
    return Conflict(
        f"承诺处于“{COMMITMENT_STATES[c.state]}”状态：{message}",
        f"the commitment is {c.state.value}: {message_en}",
        code="invalid_state",
        state=c.state.value,
        reason=reason,
    )


def accept(session: Session, step: Step, commitment_id: int) -> Commitment:
    """The accepting department accepts a commitment signed online."""
    c = _for_step(session, step, commitment_id)
    _require(step, c, "accepted")
    detail: dict[str, Any] = {}
    if c.missing_documents is not None:
        # Eligibility counts on the day of acceptance, when the green channel is granted.
        reasons = missing_documents.require_eligible(
            session, c.subject_id, step.today, field=step.principal.department_kind
        ).reasons
        detail["eligible_by"] = [r.code for r in reasons]
    c.accepted_at = step.now
    _step(session, step, c, "accepted", department=step.principal.department_code, **detail)
    item = repository.all_items(session)[c.item_code]
    verification.open_verification(session, step, c, CommitmentItemSpec.model_validate(item.spec))
    return c


def supply_documents(
    session: Session, step: Step, commitment_id: int, body: DocumentsIn
) -> Commitment:
    """容缺受理: the accepting department records documents supplied within the deadline (its
    last day still in it); once every missing document is in, the commitment is fulfilled. A
    name that was not missing is 422 ``unknown_document``; after the deadline 409
    ``invalid_state`` (``past_due``): the daily sweep writes the breach."""
    c = _for_step(session, step, commitment_id)
    _require(step, c, "fulfilled")
    if c.missing_documents is None or c.due_on is None:
        raise _documents_refused(c, "not_missing_documents")
    if is_over(c.due_on, step.today):
        raise _documents_refused(c, "past_due")
    unknown = missing_documents.unknown_documents(c.missing_documents, body.documents)
    if unknown:
        raise InvalidRequest(
            f"以下材料不在容缺材料之列：{'、'.join(unknown)}",
            f"not among the missing documents: {', '.join(unknown)}",
            field="documents",
            code="unknown_document",
            documents=unknown,
        )
    file_id = int(body.evidence_file_id) if body.evidence_file_id else None
    if file_id is not None:
        evidence.check_unused(session, c.subject_id, file_id, "evidence_file_id")
        evidence.take(session, PROCEDURE, c, [(file_id, "documents")], field="evidence")
    supplied = list(dict.fromkeys([*(c.documents_supplied or []), *body.documents]))
    c.documents_supplied = supplied
    left = missing_documents.outstanding(c.missing_documents, supplied)
    detail: dict[str, Any] = {"documents": list(body.documents), "outstanding": left}
    if body.note:
        detail["note"] = body.note
    if file_id is not None:
        detail["evidence"] = [str(file_id)]
    _step(session, step, c, "documents_supplied", **detail)
    if not left:
        c.state, c.closed_at = CommitmentState.fulfilled, step.now
        _step(session, step, c, "fulfilled", note="容缺材料已在期限内全部补齐", documents=supplied)
    return c


# Why the documents step may not follow (beside rules.REFUSALS): detail.reason of the 409.
DOCUMENT_REFUSALS = {
    "not_missing_documents": (
        "该承诺不是容缺受理承诺，没有待补齐的材料",
        "the commitment is no 容缺受理: no documents are missing",
    ),
    "past_due": (
        "补齐材料的期限已届满，逾期未补齐的按违诺处理",
        "the deadline for the documents is over: the breach is determined by the daily sweep",
    ),
}


def _documents_refused(c: Commitment, reason: str) -> Conflict:
    return _refused(c, reason, DOCUMENT_REFUSALS[reason])


def withdraw(session: Session, step: Step, commitment_id: int, body: WithdrawalIn) -> Commitment:
    """The subject withdraws its commitment before it is accepted."""
    c = _for_step(session, step, commitment_id)
    _require(step, c, "withdrawn")
    c.state, c.closed_at = CommitmentState.withdrawn, step.now
    _step(session, step, c, "withdrawn", reason=body.reason)
    return c


def fulfil(session: Session, step: Step, commitment_id: int, body: FulfilmentIn) -> Commitment:
    """The accepting department's determination: fulfilled, breached or false. A breach or a
    false commitment writes the negative record the item names, with its severity, in the
    department's name (Measures art. 12（六）; 002 §（一）: 对不履约的申请人，视情节实施惩戒)."""
    c = _for_step(session, step, commitment_id)
    _require(step, c, body.outcome)
    breach = body.outcome in rules.BREACHES
    if breach and body.decision_number is None:
        raise InvalidRequest(
            "认定违诺须给出认定文书号",
            "a breach needs the decision's document number",
            field="decision_number",
            code="missing_decision_number",
        )
    file_id = int(body.evidence_file_id) if body.evidence_file_id else None
    if file_id is not None:
        evidence.check_unused(session, c.subject_id, file_id, "evidence_file_id")
    detail: dict[str, Any] = {"note": body.note}
    if breach:
        consequence = BreachConsequence.model_validate(c.breach)
        record_id = _breach_record(session, step, c, consequence, body)
        c.record_id = record_id
        detail.update(
            decision_number=body.decision_number,
            record_id=str(record_id),
            item=consequence.item,
            severity=consequence.severity,
            watch_list_eligible=consequence.watch_list_eligible,
        )
    if file_id is not None:
        evidence.take(session, PROCEDURE, c, [(file_id, "evidence")], field="evidence")
        detail["evidence"] = [str(file_id)]
    c.state, c.closed_at = CommitmentState(body.outcome), step.now
    _step(session, step, c, body.outcome, **detail)
    item_name = repository.all_items(session)[c.item_code].spec["name"]
    verification.after_determination(session, step, c, item_name)
    return c


def record_revocation(
    session: Session, step: Step, commitment_id: int, body: RevocationIn
) -> Commitment:
    """The department that granted on a 告知承诺 found false or not kept records that it
    revoked the grant (撤销许可, 行政许可法 第六十九条): a step with the decision's number, and
    the revocation task on its queue closed."""
    c = _for_step(session, step, commitment_id)
    if not rules.may_revoke(step.principal, department_id=c.department_id):
        raise Forbidden(
            "只有承诺受理单位可以记录撤销许可决定",
            "only the accepting department may record the revocation",
            code="not_accepting_department",
        )
    revoked = any(s.step == "revocation_recorded" for s in steps_of(session, c.subject_id, c.id))
    reason = rules.revocation_refusal(c.type.value, c.state, revoked=revoked)
    if reason is not None:
        raise _refused(c, reason, rules.REVOCATION_REFUSALS[reason])
    verification.close_revocation(session, step, c)
    _step(
        session,
        step,
        c,
        "revocation_recorded",
        decision_number=body.decision_number,
        note=body.note,
    )
    return c


def _breach_record(
    session: Session,
    step: Step,
    c: Commitment,
    consequence: BreachConsequence,
    body: FulfilmentIn,
) -> int:
    subject = session.get_one(Subject, c.subject_id)
    dept = session.get_one(Department, c.department_id)
    fields = rules.breach_fields(
        commitment_id=c.id,
        item_name=published_items(session)[c.item_code].spec.name,
        signed_on=local_date(c.signed_at),
        outcome=body.outcome,
        due_on=c.due_on,
        facts=body.note,
        decision_number=body.decision_number or "",
        today=step.today,
        department_name=dept.name,
    )
    raw = rules.breach_raw(
        c.id, consequence, subject_ref(step, subject), fields, determined_on=step.today
    )
    return collect_one(
        session,
        step,
        raw,
        c.subject_id,
        dept,
        Channel.same_level,
        invalid=("违诺信息无效：", "the breach record is invalid: "),
    )


# --- reading ----------------------------------------------------------------------------------


def commitment_out(session: Session, c: Commitment) -> CommitmentOut:
    subject = session.get_one(Subject, c.subject_id)
    dept = session.get_one(Department, c.department_id)
    item_name = published_items(session)[c.item_code].spec.name
    return _out(c, subject, dept, item_name, steps_out(session, c))


def _utc(at: datetime | None) -> datetime | None:
    """A time as a read of it shows it: the database gives it back in UTC, a time just set is
    in the clock's zone (the same instant)."""
    return at.astimezone(UTC) if at is not None else None


def _step_out(row: ProcedureStep) -> StepOut:
    """A step just taken as a read shows it (timestamps come back from the database in UTC)."""
    return StepOut(step=row.step, at=row.at.astimezone(UTC), actor=row.actor, detail=row.detail)


def _out(
    c: Commitment, subject: Subject, dept: Department, item_name: str, steps: list[StepOut]
) -> CommitmentOut:
    return CommitmentOut(
        id=str(c.id),
        subject=subject_key(subject),
        subject_name=subject.name,
        item=c.item_code,
        item_name=item_name,
        item_version=c.item_version,
        type=c.type.value,
        template_version=c.template_version,
        text=c.text,
        text_sha256=c.text_sha256,
        obligations=list(c.obligations),
        breach=BreachConsequence.model_validate(c.breach),
        reference=c.reference,
        department=dept.code,
        department_name=dept.name,
        channel=c.channel.value,
        signed_by=c.signed_by,
        signed_at=_utc(c.signed_at),
        evidence_file_id=str(c.evidence_file_id) if c.evidence_file_id else None,
        accepted_at=_utc(c.accepted_at),
        due_on=c.due_on,
        state=c.state.value,
        record_id=str(c.record_id) if c.record_id else None,
        closed_at=_utc(c.closed_at),
        missing_documents=c.missing_documents,
        documents_supplied=c.documents_supplied,
        steps=steps,
    )


# --- the pages --------------------------------------------------------------------------------


def applicable_items(session: Session, subject_kind: str) -> list[CommitmentItemOut]:
    """The active items a subject of this kind may commit to (004 §3: 适用对象)."""
    return [i for i in items_out(session) if rules.applies_to(i, subject_kind)]


def accepting_departments(session: Session, sector: str) -> list[Department]:
    """The departments that accept an item's commitments: those of its sector."""
    return list(
        session.execute(
            select(Department).where(Department.kind == sector).order_by(Department.code)
        ).scalars()
    )


def preview(session: Session, step: Step, body: CommitmentIn) -> dict[str, Any]:
    """What :func:`sign` would store for ``body`` today, without storing or locking anything:
    the current text rendered whole (:func:`rendered_text`, as signing renders it), its
    version, digest and deadline — the page shows it to the subject before it confirms. The
    refusals of signing that do not depend on the confirmation."""
    item = published_items(session).get(body.item)
    if item is None or not item.active:
        raise _unknown_item(body.item)
    spec = item.spec
    subject, dept, _channel = _signer(session, step, body.model_copy(update={"confirmed": True}))
    if dept.kind != spec.sector:
        raise InvalidRequest(
            f"{dept.name}不受理该承诺事项",
            f"department {dept.code} does not accept commitments of this item",
            field="department",
            code="department_not_accepting",
        )
    due = rules.due_on(calendar_for(session), step.today, spec.verification)
    text = rendered_text(item.template_text, spec, subject, dept, body.reference, step.today, due)
    return {
        "department": dept,
        "template_version": item.template_version,
        "text": text,
        "text_sha256": rules.digest(text),
        "due_on": due,
    }


def commitments_page(
    session: Session,
    principal: Principal,
    *,
    state: str | None,
    item: str | None,
    offset: int,
    limit: int,
) -> list[Commitment]:
    """A page of the commitments the caller may see (as :func:`find_commitments`), newest
    first."""
    subject_id, department_id = visible_scope(principal)
    return repository.commitments_page(
        session,
        subject_id=subject_id,
        department_id=department_id,
        state=state,
        item=item,
        offset=offset,
        limit=limit,
    )


def published_item_codes(session: Session) -> list[str]:
    """The items, retired ones too, whose commitments are published (the item list's
    ``published``: 信用承诺专栏)."""
    return sorted(code for code, i in repository.all_items(session).items() if i.spec["published"])


@dataclass(frozen=True)
class StatisticsRow:
    key: str
    name: str
    signed: int
    withdrawn: int
    pending: int
    fulfilled: int
    breached: int
    false: int
    overdue: int


@dataclass(frozen=True)
class Statistics:
    """Fulfilment per item and per accepting department (004 §9: 全过程闭环管理)."""

    by_item: list[StatisticsRow]
    by_department: list[StatisticsRow]
    total: StatisticsRow


def statistics(session: Session, today: date) -> Statistics:
    """Commitments signed, withdrawn, pending, fulfilled, breached and false, and the overdue
    verifications (accepted, pending, past their last day), per item and per department: two
    grouped queries."""
    items = repository.all_items(session)
    departments = {d.id: d for d in session.execute(select(Department)).scalars()}
    by_item = [
        StatisticsRow(str(key), items[key].spec["name"], *map(int, counts))
        for key, *counts in repository.state_counts(session, "item_code", today)
    ]
    by_department = [
        StatisticsRow(
            departments[key].code if key in departments else str(key),
            departments[key].name if key in departments else str(key),
            *map(int, counts),
        )
        for key, *counts in repository.state_counts(session, "department_id", today)
    ]
    counted = [f.name for f in fields(StatisticsRow)][2:]
    sums = [sum(getattr(r, name) for r in by_item) for name in counted]
    return Statistics(by_item, by_department, StatisticsRow("", "合计", *sums))
