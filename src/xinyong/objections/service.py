"""Objections (异议, Measures art. 31–32) against a record or a list entry of the subject.

    review ──(refer)──► verification ──(provider verifies)──► review
    review ──(decide: rejected)──► closed            the mark goes, the information stays
    review ──(decide: upheld)──► correction ──(revoke | correct)──► closed

Deadlines (working days, rules.py): the platform reviews within 10 from filing, the
provider verifies within 5 from referral, a record found wrong is corrected within 3 from the
finding (art. 32). Each open step is a task on the queue of whoever must act. While the
objection is open the target is marked but stays published and in force (art. 32: 异议信息处理
期间，应打上标识，但不影响其公示与应用; 003 联合奖惩 §（二十四）: 信息核实期间不停止执行联合惩戒
措施). A subject found wrongly listed leaves the list at once, at the finding, and is given a
written apology and clarification (003 联合奖惩 §（二十四））. Every step is a procedure step the
subject is shown, and an audit entry."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from xinyong.core import audit
from xinyong.core.auth import Principal
from xinyong.core.calendar import calendar_for
from xinyong.core.citations import cite
from xinyong.core.labels import OBJECTION_GROUNDS, OBJECTION_STATES, STANDING_NAMES
from xinyong.errors import Conflict, Forbidden, InvalidRequest, NotFound
from xinyong.lists.repository import get_entry, live_entries_based_on
from xinyong.lists.service import collect_one, leave_list, subject_ref
from xinyong.models import (
    LIVE_STATES,
    CatalogItem,
    CreditList,
    Department,
    EntryState,
    ExitReason,
    ListEntry,
    Objection,
    ObjectionGround,
    ObjectionOutcome,
    ObjectionState,
    Record,
    Standing,
    Subject,
    TargetType,
)
from xinyong.objections import evaluation, rules
from xinyong.objections.decision import issue_decision
from xinyong.objections.repository import PROCEDURE, open_evaluation_objection, open_objection
from xinyong.objections.repository import find_objections as find_objections
from xinyong.objections.schemas import CorrectionIn, ObjectionIn
from xinyong.records.repository import source_ids_of_item
from xinyong.records.standing import change_standing, get_record
from xinyong.rights import evidence, procedures
from xinyong.rights.deadlines import is_over
from xinyong.rights.procedures import get_procedure, own_target
from xinyong.rights.remedy import Finding, remedy
from xinyong.rights.step import Step
from xinyong.rights.steps import add_step
from xinyong.subjects.rules import effective_standing
from xinyong.tasks.service import (
    OBJECTION_CORRECTION,
    OBJECTION_REVIEW,
    OBJECTION_VERIFICATION,
    close_tasks,
    open_task,
)

# Imported "as" itself: find_objections is read through the service by the pages (web/) and
# the endpoints.

CORRECTION_MARK = "#更正"


def unknown_objection(field: str = "objection_id") -> NotFound:
    return NotFound("异议申请不存在", "no such objection", field=field, code="unknown_objection")


def get_objection(session: Session, objection_id: int, *, for_update: bool = False) -> Objection:
    return get_procedure(session, Objection, objection_id, unknown_objection, for_update=for_update)


def may_see(session: Session, principal: Principal, obj: Objection) -> bool:
    """The subject itself, the authority, and a department that has (or had) a step of it."""
    return procedures.may_see(session, principal, obj.subject_id, obj.id)


# --- filing -------------------------------------------------------------------------------------


@dataclass
class Target:
    type: TargetType
    id: int


def _not_yours(field: str) -> Forbidden:
    return Forbidden(
        "该信息不属于该主体，只能对本主体的信息提出异议",
        "the information is not the subject's: a subject objects to its own only",
        field=field,
        code="not_your_subject",
    )


def _record_target(record: Record, ground: ObjectionGround, today: date) -> Target:
    standing = effective_standing(record.standing, record.expires_on, today)
    refusal = rules.record_refusal(standing, ground)
    if refusal == "target_not_active":
        raise Conflict(
            f"该记录状态为“{STANDING_NAMES[standing.value]}”，不能再提出异议",
            f"the record is {standing.value} already",
            field="target.record",
            code=refusal,
            standing=standing.value,
        )
    if refusal == "target_expired":
        raise Conflict(
            "该记录已过有效期，只能以“超期限使用”为由提出异议",
            "the record has expired: only ground past_validity applies",
            field="ground",
            code=refusal,
            expires_on=record.expires_on.isoformat() if record.expires_on else None,
        )
    return Target(TargetType.record, record.id)


def _entry_target(entry: ListEntry, ground: ObjectionGround, today: date) -> Target:
    refusal = rules.entry_refusal(entry, ground, today)
    if refusal == "target_expired":
        raise Conflict(
            "该名单条目已届满，只能以“超期限使用”为由提出异议",
            "the entry's period has ended: only ground past_validity applies",
            field="ground",
            code=refusal,
            listed_until=entry.listed_until.isoformat() if entry.listed_until else None,
        )
    if refusal == "target_not_active":
        raise Conflict(
            "该名单条目已撤销、退出或修复，不能再提出异议",
            "the entry was withdrawn or has left its list",
            field="target.list_entry",
            code=refusal,
            state=entry.state.value,
            exit_reason=entry.exit_reason.value if entry.exit_reason else None,
        )
    return Target(TargetType.list_entry, entry.id)


def objection_open(objection_id: int | None) -> Conflict:
    return Conflict(
        "该信息已有未办结的异议申请",
        "an objection against this information is open already",
        field="target",
        code="objection_open",
        objection_id=str(objection_id) if objection_id else None,
    )


def file_objection(session: Session, step: Step, subject_id: int, body: ObjectionIn) -> Objection:
    """Measures art. 31: the subject (or its authorised agent) objects, with evidence."""
    if evidence.lacks_authorisation(body.agent_name, {e.kind for e in body.evidence}):
        raise InvalidRequest(
            "代理人提出异议须提交信息主体的授权委托书（证明材料类型 authorisation）",
            "an agent must submit the subject's letter of authorisation (evidence of kind "
            "authorisation)",
            field="evidence",
            code="missing_authorisation",
        )
    ground = ObjectionGround(body.ground)
    today = step.today
    result = None
    if body.target.evaluation is not None:
        # The current result, as it stands now, is kept in the filed step.
        result = evaluation.current_result(session, subject_id)
        target = Target(TargetType.evaluation, int(result["run_id"]))
    else:
        try:
            row = own_target(session, subject_id, body.target, _not_yours)
        except NotFound as exc:  # no such list entry
            exc.field = "target.list_entry"
            raise
        if isinstance(row, Record):
            target = _record_target(row, ground, today)
        else:
            target = _entry_target(row, ground, today)
    if target.type is TargetType.evaluation:
        existing = open_evaluation_objection(session, subject_id)
    else:
        existing = open_objection(session, subject_id, target.type, target.id)
    if existing is not None:
        raise objection_open(existing)
    obj = Objection(
        subject_id=subject_id,
        id=step.ctx.ids.next_id(),
        target_type=target.type,
        target_id=target.id,
        ground=ground,
        statement=body.statement,
        filed_by=step.principal.actor,
        agent_name=body.agent_name,
        filed_at=step.now,
        state=ObjectionState.review,
        review_due_on=rules.review_due_on(calendar_for(session), today),
    )
    try:
        # The partial unique index uq_objections_open settles a race the check above lost.
        with session.begin_nested():
            session.add(obj)
            session.flush()
    except IntegrityError:
        raise objection_open(open_objection(session, subject_id, target.type, target.id)) from None
    files = evidence.take(
        session, PROCEDURE, obj, [(int(e.file_id), e.kind) for e in body.evidence]
    )
    open_task(
        session,
        step,
        subject_id=subject_id,
        kind=OBJECTION_REVIEW,
        procedure=PROCEDURE,
        procedure_id=obj.id,
        department_id=None,
        title=f"审核异议申请 {obj.id}（{OBJECTION_GROUNDS[ground]}）",
        due_on=obj.review_due_on,
    )
    add_step(
        session,
        step,
        PROCEDURE,
        obj,
        "filed",
        target_type=target.type.value,
        target_id=str(target.id),
        ground=ground.value,
        agent_name=body.agent_name,
        evidence=[str(f.id) for f in files],
        review_due_on=obj.review_due_on.isoformat(),
        # What the subject is told: the mark, and that publication and measures go on.
        marked=True,
        still_in_force=True,
        **({"result": result} if result is not None else {}),
    )
    return obj


# --- review and verification --------------------------------------------------------------------


def _require_step(obj: Objection, name: str, *, code: str = "invalid_state") -> None:
    if not rules.TRANSITIONS[name].follows(obj.state):
        raise Conflict(
            f"异议申请当前状态为“{OBJECTION_STATES[obj.state]}”，不能办理此步骤",
            f"the objection is in state {obj.state.value}",
            code=code,
            state=obj.state.value,
        )


def verifying_department(session: Session, obj: Objection) -> int:
    """Who verifies (art. 32 信息提供单位): the record's provider, or the entry's identifying
    department (谁认定、谁负责, 003 联合奖惩 §（五））."""
    if obj.target_type is TargetType.record:
        return get_record(session, obj.subject_id, obj.target_id).provider_id
    if obj.target_type is TargetType.evaluation:
        raise evaluation.no_provider()
    return get_entry(session, obj.target_id).department_id


def refer(session: Session, step: Step, objection_id: int) -> Objection:
    """Measures art. 32: 异议信息需提交信息提供单位核实的 — to the provider, 5 working days."""
    obj = get_objection(session, objection_id, for_update=True)
    _require_step(obj, "refer")
    dept = session.get_one(Department, verifying_department(session, obj))
    obj.state = ObjectionState.verification
    obj.referred_at = step.now
    obj.verify_due_on = rules.verify_due_on(calendar_for(session), step.today)
    open_task(
        session,
        step,
        subject_id=obj.subject_id,
        kind=OBJECTION_VERIFICATION,
        procedure=PROCEDURE,
        procedure_id=obj.id,
        department_id=dept.id,
        title=f"核实异议信息 {obj.id}",
        due_on=obj.verify_due_on,
    )
    add_step(
        session,
        step,
        PROCEDURE,
        obj,
        "referred",
        department=dept.name,
        verify_due_on=obj.verify_due_on.isoformat(),
    )
    return obj


def verify(
    session: Session, step: Step, objection_id: int, *, found_wrong: bool, opinion: str
) -> Objection:
    """The provider's finding goes back to the platform, which decides (art. 32)."""
    obj = get_objection(session, objection_id, for_update=True)
    p = step.principal
    if not rules.may_verify(p, verifying_department(session, obj)):
        raise Forbidden(
            "只有信息提供单位（认定单位）可以核实该异议",
            "only the department that provided the information verifies it",
            code="not_verifying_department",
        )
    _require_step(obj, "verify")
    obj.verification = {
        "found_wrong": found_wrong,
        "opinion": opinion,
        "by": p.actor,
        "at": step.now.isoformat(),
    }
    obj.state = ObjectionState.review
    close_tasks(
        session, step, subject_id=obj.subject_id, procedure_id=obj.id, kind=OBJECTION_VERIFICATION
    )
    add_step(
        session,
        step,
        PROCEDURE,
        obj,
        "verified",
        found_wrong=found_wrong,
        opinion=opinion,
    )
    return obj


# --- the decision -------------------------------------------------------------------------------


def _describe_target(session: Session, obj: Objection) -> str:
    if obj.target_type is TargetType.evaluation:
        return evaluation.describe(session, obj)
    if obj.target_type is TargetType.record:
        record = get_record(session, obj.subject_id, obj.target_id)
        name = session.get_one(CatalogItem, record.catalog_item_id).name
        return f"信用记录 {obj.target_id}（{name}）"
    entry = get_entry(session, obj.target_id)
    lst = session.get_one(CreditList, entry.list_id)
    return f"名单条目 {obj.target_id}（{lst.spec['name']}）"


def decide(
    session: Session, step: Step, objection_id: int, *, outcome: str, reason: str
) -> Objection:
    """The platform's review ends (art. 32): found right, the mark goes and the information
    stays; found wrong, to correction within 3 working days — and a wrongful listing ends now."""
    obj = get_objection(session, objection_id, for_update=True)
    if obj.state is ObjectionState.verification:
        raise Conflict(
            f"异议信息正在由信息提供单位核实（至 {obj.verify_due_on}），核实后再作决定",
            f"the provider is verifying (due {obj.verify_due_on}); decide after its finding",
            code="verification_pending",
            verify_due_on=obj.verify_due_on.isoformat() if obj.verify_due_on else None,
        )
    _require_step(obj, "decide", code="already_decided")
    obj.decision_reason = reason
    obj.decided_by = step.principal.actor
    obj.decided_at = step.now
    close_tasks(
        session, step, subject_id=obj.subject_id, procedure_id=obj.id, kind=OBJECTION_REVIEW
    )
    if outcome == ObjectionOutcome.rejected.value:
        _reject(session, step, obj)
    else:
        uphold(session, step, obj, reason=reason)
    return obj


def appeal_deadline(session: Session, step: Step, decided_on: date) -> date:
    """The last day to appeal to the credit authority (art. 33; the period is a setting)."""
    days = step.ctx.settings.appeal_filing_working_days
    return rules.appeal_deadline(calendar_for(session), decided_on, days)


def _reject(session: Session, step: Step, obj: Objection) -> None:
    obj.outcome = ObjectionOutcome.rejected
    obj.state = rules.state_after_decision(obj.outcome)
    obj.closed_at = step.now
    appeal_by = appeal_deadline(session, step, step.today)
    add_step(
        session,
        step,
        PROCEDURE,
        obj,
        "rejected",
        reason=obj.decision_reason,
        mark_removed=True,
        appeal_by=appeal_by.isoformat(),
    )
    days = step.ctx.settings.appeal_filing_working_days
    _issue_decision(
        session,
        step,
        obj,
        f"经审核：{obj.decision_reason}\n"
        f"决定：异议不成立，维持原信息，去除异议标识（{cite('Measures art. 32')}）。\n"
        f"如对本处理结果不服，可自本决定作出之日起 {days} 个工作日内（至 {appeal_by}）"
        "向信用主管部门提出申诉（同办法第三十三条）。",
    )


PURGED = "（已依法删除）"


def _purge_fields(session: Session, step: Step, record: Record, obj: Objection) -> None:
    """Data that law forbids collecting (Measures art. 14: 宗教信仰、基因、血型、疾病和病史) is not
    kept as history either, once an objection finds the record carries it (art. 31 (二)): the
    original's field values are removed — revoked or corrected, it keeps its place, item and
    dates in the archive — and the audit entry keeps the SHA-256 of what was removed, so that the
    removal can be proved without the data."""
    removed = json.dumps(record.fields, ensure_ascii=False, sort_keys=True)
    record.fields = {name: PURGED for name in record.fields}
    audit.log(
        session,
        actor=step.principal.actor,
        action="record.fields_purged",
        at=step.now,
        subject_id=record.subject_id,
        target_type="record",
        target_id=record.id,
        detail={
            "objection_id": str(obj.id),
            "fields": sorted(record.fields),
            "sha256": hashlib.sha256(removed.encode()).hexdigest(),
        },
    )


def _issue_decision(session: Session, step: Step, obj: Objection, finding: str) -> None:
    issue_decision(session, step, obj, _describe_target(session, obj), finding)


def uphold(
    session: Session, step: Step, obj: Objection, *, reason: str, appeal_id: int | None = None
) -> None:
    """Found wrong — by the platform's review, or by the credit authority on appeal: the
    record is to be corrected or revoked within 3 working days (art. 32), and any listing that
    rests on the wrong information ends at once (003 联合奖惩 §（二十四））."""
    obj.outcome = ObjectionOutcome.upheld
    obj.state = rules.state_after_decision(obj.outcome)
    obj.closed_at = None
    obj.correction_due_on = rules.correction_due_on(calendar_for(session), step.today)
    re_evaluate = obj.target_type is TargetType.evaluation
    open_task(
        session,
        step,
        subject_id=obj.subject_id,
        kind=OBJECTION_CORRECTION,
        procedure=PROCEDURE,
        procedure_id=obj.id,
        department_id=None,
        title=f"{'重新评价' if re_evaluate else '更正或撤销'}异议信息 {obj.id}",
        due_on=obj.correction_due_on,
    )
    add_step(
        session,
        step,
        PROCEDURE,
        obj,
        "upheld",
        reason=reason,
        correction_due_on=obj.correction_due_on.isoformat(),
        appeal_id=str(appeal_id) if appeal_id is not None else None,
    )
    if re_evaluate:
        evaluation.upheld(session, step, obj)
        return
    _end_wrongful_listings(session, step, obj, reason)


def _end_wrongful_listings(session: Session, step: Step, obj: Objection, reason: str) -> None:
    """003 联合奖惩 §（二十四）: 因工作失误导致 … 被误列入“黑名单”的 … 及时更正 … 书面道歉并
    进行澄清，恢复其名誉; 被误列入“红名单”的 … 收回其受到联合激励获得的权益. The entries
    revoked here are the target entry, or the live entries resting on the target record."""
    if obj.target_type is TargetType.list_entry:
        entries = [get_entry(session, obj.target_id, for_update=True)]
    else:
        entries = live_entries_based_on(session, obj.subject_id, obj.target_id)
    revoked: list[tuple[ListEntry, EntryState]] = []
    for entry in entries:
        if entry.state not in LIVE_STATES:
            continue
        before = entry.state
        leave_list(
            session,
            step,
            entry,
            ExitReason.revocation,
            explanation=f"异议 {obj.id} 经核实成立：{reason}",
        )
        revoked.append((entry, before))
    if not revoked:
        return
    related = remedy(
        session,
        step,
        Finding(
            procedure=PROCEDURE,
            of=obj,
            reference=f"异议 {obj.id}",
            finding="经核实，你（单位）提出的异议成立：",
            reason=reason,
            record_note=(
                f"所涉信用信息将于 {obj.correction_due_on} 前予以更正或撤销，"
                f"更正结果在原发布和提供范围内公示（{cite('Measures art. 32')}）。"
            ),
        ),
        revoked,
    )
    add_step(
        session,
        step,
        PROCEDURE,
        obj,
        "listing_revoked",
        related_person_records=related,
        entries=[
            {
                "entry_id": str(e.id),
                "list": e.list_code,
                "kind": e.kind.value,
                "state": e.state.value,
                "benefits_recall": e.benefits_recall,
            }
            for e, _ in revoked
        ],
    )


def _correction_record(session: Session, obj: Objection, body: CorrectionIn) -> Record:
    given = int(body.record_id) if body.record_id is not None else None
    if obj.target_type is TargetType.record:
        if given is not None and given != obj.target_id:
            raise InvalidRequest(
                "只能更正或撤销异议所指的记录",
                "only the record objected to may be corrected or revoked",
                field="record_id",
                code="invalid_record",
            )
        return get_record(session, obj.subject_id, obj.target_id, for_update=True)
    if given is None:
        raise InvalidRequest(
            "对名单条目的异议，须指明要更正或撤销的认定依据记录",
            "name the basis record of the entry to correct or revoke",
            field="record_id",
            code="missing_record",
        )
    entry = get_entry(session, obj.target_id)
    if str(given) not in {str(r) for r in entry.basis_records}:
        raise InvalidRequest(
            "该记录不是此名单条目的认定依据",
            "the record is not a basis of the entry",
            field="record_id",
            code="invalid_record",
            basis_records=[str(r) for r in entry.basis_records],
        )
    return get_record(session, obj.subject_id, given, for_update=True)


def _collect_correction(session: Session, step: Step, record: Record, fields: dict) -> int:
    """The corrected record: a new record of the same item, subject, provider, severity,
    determination day and channel — so it is published wherever the original was (art. 32) —
    collected like any other, with the corrected fields merged over the original's."""
    subject = session.get_one(Subject, record.subject_id)
    provider = session.get_one(Department, record.provider_id)
    original = dict(record.fields)
    # The stored values of ID-number fields are masked; the collector wants them whole.
    original.update({k: step.ctx.cipher.decrypt(v) for k, v in (record.protected or {}).items()})
    base = record.source_id.split(CORRECTION_MARK)[0]
    siblings = source_ids_of_item(session, record.subject_id, record.provider_id, record.item_code)
    n = 1 + sum(1 for s in siblings if s.startswith(base + CORRECTION_MARK))
    raw = {
        "item": record.item_code,
        "source_id": f"{base}{CORRECTION_MARK}{n}",
        "subject": subject_ref(step, subject),
        "fields": {**original, **fields},
        "severity": record.severity.value if record.severity else None,
        "determined_on": record.determined_on.isoformat() if record.determined_on else None,
    }
    return collect_one(
        session,
        step,
        raw,
        record.subject_id,
        provider,
        record.channel,
        invalid=("更正后的信息无效：", "the corrected record is invalid: "),
    )


def correct(session: Session, step: Step, objection_id: int, body: CorrectionIn) -> Objection:
    """Measures art. 32: 确实有误的 … 在3个工作日内进行修正，更正发布，并在原发布和提供范围内予以
    公示. The original is never edited (art. 36): it becomes corrected (or revoked) by a
    revision, which goes on the feed with the new record's id."""
    obj = get_objection(session, objection_id, for_update=True)
    _require_step(obj, "correct")
    if obj.target_type is TargetType.evaluation:
        raise evaluation.no_correction()
    if body.action == "correct" and not body.fields:
        raise InvalidRequest(
            "更正须给出更正后的字段值",
            "give the corrected fields",
            field="fields",
            code="missing_fields",
        )
    if body.action == "revoke" and body.fields:
        raise InvalidRequest(
            "撤销不带字段值", "a revocation takes no fields", field="fields", code="invalid_request"
        )
    record = _correction_record(session, obj, body)
    reason = f"异议 {obj.id} 经核实成立：{obj.decision_reason}"
    new_id: int | None = None
    # Past its validity today even if the daily job has not yet marked it (Measures art. 30).
    expired = effective_standing(record.standing, record.expires_on, step.today) is Standing.expired
    if expired:
        # Used past its validity (art. 31 (三)): the record itself stands as history and is
        # published and used no more (art. 30); the entries resting on it were revoked at the
        # decision. There is nothing to correct, and revoking it would rewrite its history.
        if body.action == "correct":
            raise Conflict(
                "该记录已过有效期，不再公示和使用，无需更正",
                "the record has expired: it is no longer published or used",
                field="action",
                code="target_expired",
            )
    elif body.action == "revoke":
        change_standing(
            session,
            step,
            record,
            Standing.revoked,
            procedure=PROCEDURE,
            reason=reason,
            detail={"objection_id": str(obj.id)},
        )
    else:
        new_id = _collect_correction(session, step, record, body.fields or {})
        change_standing(
            session,
            step,
            record,
            Standing.corrected,
            procedure=PROCEDURE,
            reason=reason,
            detail={"objection_id": str(obj.id), "new_record_id": str(new_id)},
        )
    if obj.ground is ObjectionGround.forbidden_data:
        _purge_fields(session, step, record, obj)
    obj.correction = {
        "action": body.action,
        "record_id": str(record.id),
        "new_record_id": str(new_id) if new_id is not None else None,
        "fields": sorted((body.fields or {}).keys()),
        "by": step.principal.actor,
    }
    # Set with the state correction (uphold), the only state a correction follows.
    due = obj.correction_due_on
    assert due is not None
    obj.corrected_at = step.now
    obj.state = ObjectionState.closed
    obj.closed_at = step.now
    close_tasks(session, step, subject_id=obj.subject_id, procedure_id=obj.id)
    add_step(
        session,
        step,
        PROCEDURE,
        obj,
        ("expiry_confirmed" if expired else "corrected" if body.action == "correct" else "revoked"),
        record_id=str(record.id),
        new_record_id=str(new_id) if new_id is not None else None,
        late=is_over(due, step.today),
    )
    done = (
        f"原记录 {record.id} 已过有效期，不再公示和使用；据其实施的名单和措施已撤销。"
        if expired
        else f"原记录 {record.id} 已撤销，不再公示和使用。"
        if new_id is None
        else f"原记录 {record.id} 已更正，更正后的记录为 {new_id}，"
        "在原发布和提供范围内公示，原记录不再公示和使用。"
    )
    _issue_decision(
        session,
        step,
        obj,
        f"经核实成立：{obj.decision_reason}\n"
        f"决定：{done}（{cite('Measures art. 32')}）\n"
        "如对更正后的信息仍有异议，可就更正后的信息另行提出异议。",
    )
    return obj
