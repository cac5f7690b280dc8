"""Credit repair (信用修复, Measures art. 34–35; 002 §（十三）; 000 §（十三））.

A subject applies, within the failure's validity (在其失信信息使用期限内, art. 34), to repair a
negative record or its entry on a black or watch list. The platform checks the three conditions
of art. 34 and explains each; the department that gave the information (the record's provider,
the entry's identifying department) gives its written opinion within a configurable period; a
positive opinion is publicly noticed for 5 working days (art. 35); an objection raised in that
window is verified by the same department and decided first; then the repair takes effect —
the record stops being published and used, the entries based on it leave their lists (exit
notice, measures end), the original stays as archive (art. 35: 原始失信信息应当转为档案保存),
and the change goes out on the feed so that other platforms stop too (002 §（十三）: 及时停止公示
其失信记录，终止实施联合惩戒措施). docs/workflows/repair.md draws the states.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from xinyong.core.auth import Principal
from xinyong.core.calendar import calendar_for
from xinyong.core.citations import cite, cite_en
from xinyong.core.labels import REPAIR_STATES
from xinyong.errors import Conflict, Forbidden, InvalidRequest, NotFound
from xinyong.lists.repository import get_entry, live_entries_based_on
from xinyong.lists.service import leave_list
from xinyong.models import (
    CatalogItem,
    CreditList,
    Department,
    ExitReason,
    ListEntry,
    Record,
    Repair,
    RepairObjection,
    RepairState,
    Role,
    Standing,
    Subject,
    TargetType,
)
from xinyong.records.repository import records_of_items_determined_within, subject_records_by_ids
from xinyong.records.standing import change_standing, get_record
from xinyong.repairs import rules
from xinyong.repairs.repository import find_repairs as find_repairs
from xinyong.repairs.repository import in_notice as in_notice
from xinyong.repairs.repository import (
    notices_over_for_update,
    open_repair,
    repair_objection_for_update,
)
from xinyong.repairs.repository import objections_of as objections_of
from xinyong.repairs.rules import COUNTED, NOT_ALLOWED, Assessment, Target, not_repairable
from xinyong.repairs.rules import OPEN_STATES as OPEN_STATES
from xinyong.repairs.schemas import (
    EVIDENCE_KINDS,
    ConditionOut,
    NotAllowed,
    OpinionOut,
    RepairIn,
    RepairObjectionOut,
    RepairOut,
    TargetIn,
    TargetOut,
)
from xinyong.rights import documents, evidence
from xinyong.rights.procedures import get_procedure, own_target, subject_key
from xinyong.rights.step import Step
from xinyong.rights.steps import add_step, steps_of, steps_out
from xinyong.tasks.service import REPAIR_OBJECTION, REPAIR_OPINION, close_tasks, open_task

# Imported "as" themselves: find_repairs, in_notice, objections_of and OPEN_STATES are read
# through the service by the pages (web/) and the endpoints.

PROCEDURE = "repair"
# A repair objection's task is its own procedure, so that deciding one closes its task alone.
OBJECTION_PROCEDURE = "repair_objection"
MEASURES = cite("Measures")


# --- the target -----------------------------------------------------------------------------


def _entry_target(session: Session, entry: ListEntry) -> Target:
    ids = [int(r) for r in entry.basis_records]
    return rules.entry_target(entry, subject_records_by_ids(session, entry.subject_id, ids))


def _not_your_subject() -> Forbidden:
    return Forbidden(
        "只能对本主体的信息申请信用修复",
        "a subject may repair its own information only",
        field="target",
        code="not_your_subject",
    )


def find_target(session: Session, subject_id: int, body: TargetIn) -> Target:
    """The subject's record or list entry, locked: one application per target at a time
    (403 for another subject's, issue 4 § bad input)."""
    # The error names the target as a whole, whichever of its fields was given.
    row = own_target(session, subject_id, body, lambda _field: _not_your_subject())
    return rules.record_target(row) if isinstance(row, Record) else _entry_target(session, row)


def load_target(session: Session, repair: Repair, *, for_update: bool = False) -> Target:
    if repair.target_type == TargetType.record:
        record = get_record(session, repair.subject_id, repair.target_id, for_update=for_update)
        return rules.record_target(record)
    return _entry_target(session, get_entry(session, repair.target_id, for_update=for_update))


def _refuse_not_repairable(reason: NotAllowed) -> Conflict:
    message, message_en = NOT_ALLOWED[reason]
    return Conflict(
        f"不能申请信用修复：{message}",
        f"no repair possible: {message_en}",
        field="target",
        code="repair_not_allowed",
        reason=reason,
    )


def _open_repair(session: Session, target: Target) -> int | None:
    return open_repair(session, target.subject_id, target.type, target.id)


def _refuse_open(repair_id: int) -> Conflict:
    return Conflict(
        "该信息已有正在办理的信用修复申请",
        "an open repair exists for this target",
        field="target",
        code="repair_open",
        repair_id=str(repair_id),
    )


# --- eligibility (art. 34) --------------------------------------------------------------------


def _files(session: Session, subject_id: int, body: RepairIn) -> list[tuple[int, str]]:
    """The evidence named, checked without taking it (the eligibility answer files nothing):
    known kinds, each file the subject's own, unused, and named once."""
    files: list[tuple[int, str]] = []
    for index, ref in enumerate(body.evidence):
        where = f"evidence[{index}]"
        if ref.kind not in EVIDENCE_KINDS:
            raise InvalidRequest(
                f"证明材料类别 {ref.kind} 无效",
                f"unknown evidence kind {ref.kind}",
                field=f"{where}.kind",
                code="unknown_evidence_kind",
                kinds=list(EVIDENCE_KINDS),
            )
        file_id = int(ref.file_id)
        if file_id in {f for f, _ in files}:
            raise InvalidRequest(
                "同一证明材料只能提交一次",
                "each file may be named once",
                field=f"{where}.file_id",
                code="invalid_request",
            )
        evidence.check_unused(session, subject_id, file_id, f"{where}.file_id")
        files.append((file_id, ref.kind))
    kinds = {kind for _, kind in files}
    missing = rules.missing_way_evidence(body.ways, kinds)
    if missing:
        raise InvalidRequest(
            f"修复方式 {', '.join(missing)} 缺少对应的证明材料",
            f"ways {missing} need an evidence file of their kind",
            field="ways",
            code="missing_way_evidence",
            ways=missing,
        )
    if evidence.lacks_authorisation(body.agent_name, kinds):
        raise InvalidRequest(
            "代理人申请须提交授权委托书（证明材料类别 authorisation）",
            "an agent's application needs the letter of authorisation (kind authorisation)",
            field="evidence",
            code="missing_authorisation",
        )
    return files


def _repeats(session: Session, target: Target, corrected_on: date) -> list[Record]:
    """Records of the same item(s) determined within 1 year after the correction (art. 34(二),
    rules.repeat_window)."""
    if not target.items:
        return []
    after, upto = rules.repeat_window(corrected_on)
    found = records_of_items_determined_within(
        session, target.subject_id, target.items, after, upto, COUNTED
    )
    return rules.repeats(target, found)


def assess(session: Session, step: Step, subject_id: int, body: RepairIn) -> Assessment:
    """Everything short of filing: the target may be repaired (409 with the reason), no
    repair of it is open (409), the evidence is sound (422), and the conditions."""
    target = find_target(session, subject_id, body.target)
    reason = not_repairable(target, step.today)
    if reason is not None:
        raise _refuse_not_repairable(reason)
    open_id = _open_repair(session, target)
    if open_id is not None:
        raise _refuse_open(open_id)
    files = _files(session, subject_id, body)
    found = _repeats(session, target, body.corrected_on)
    return Assessment(target, files, rules.conditions(target, body, files, found, step.today))


# --- describing -------------------------------------------------------------------------------


def describe(session: Session, target: Target) -> dict[str, Any]:
    """The target as people read it: its item or list, and the department that answers."""
    dept = session.get_one(Department, target.department_id)
    out: dict[str, Any] = {
        "type": target.type.value,
        "id": str(target.id),
        "item": None,
        "item_name": None,
        "list": None,
        "list_name": None,
        "items": target.items,
        "determined_on": target.determined_on,
        "department": dept.code,
        "department_name": dept.name,
    }
    if target.record is not None:
        out["item"] = target.record.item_code
        out["item_name"] = session.get_one(CatalogItem, target.record.catalog_item_id).name
        out["label"] = f"{out['item_name']}（记录编号 {target.id}）"
    else:
        assert target.entry is not None
        lst = session.get_one(CreditList, target.entry.list_id)
        out["list"] = lst.code
        out["list_name"] = lst.spec["name"]
        out["label"] = f"{lst.spec['name']}（名单条目编号 {target.id}）"
    return out


# --- the procedure ----------------------------------------------------------------------------


def ineligible(assessment: Assessment) -> InvalidRequest:
    failed = [c for c in assessment.conditions if not c["met"]]
    return InvalidRequest(
        f"不符合信用修复条件（{cite('Measures art. 34')}）："
        + "；".join(c["reason"] for c in failed),
        f"not eligible for repair ({cite_en('Measures art. 34')}): "
        + "; ".join(c["reason_en"] for c in failed),
        field=None,
        code="repair_ineligible",
        conditions=assessment.conditions,
        failed=[c["condition"] for c in failed],
    )


def apply(session: Session, step: Step, subject_id: int, body: RepairIn) -> Repair:
    """File an eligible application: the department is asked for its written opinion."""
    assessment = assess(session, step, subject_id, body)
    if not assessment.eligible:
        raise ineligible(assessment)
    target = assessment.target
    # Before any row: a period running into a year the calendar does not know is a 409.
    opinion_due = rules.opinion_due_on(
        calendar_for(session), step.today, step.ctx.settings.repair_opinion_working_days
    )
    repair = Repair(
        subject_id=subject_id,
        id=step.ctx.ids.next_id(),
        target_type=target.type,
        target_id=target.id,
        department_id=target.department_id,
        ways=list(body.ways),
        corrected_on=body.corrected_on,
        correction=body.correction,
        commitment=body.commitment,
        credit_management=body.credit_management,
        eligibility=assessment.conditions,
        filed_by=step.principal.actor,
        applied_at=step.now,
        state=RepairState.opinion,
        opinion_due_on=opinion_due,
    )
    session.add(repair)
    evidence.take(session, PROCEDURE, repair, assessment.files)
    desc = describe(session, target)
    add_step(
        session,
        step,
        PROCEDURE,
        repair,
        "applied",
        target={"type": target.type.value, "id": str(target.id)},
        ways=repair.ways,
        corrected_on=body.corrected_on.isoformat(),
        evidence=[str(f) for f, _ in assessment.files],
        agent_name=body.agent_name,
    )
    add_step(session, step, PROCEDURE, repair, "eligible", conditions=assessment.conditions)
    add_step(
        session,
        step,
        PROCEDURE,
        repair,
        "opinion_requested",
        department=desc["department"],
        opinion_due_on=opinion_due.isoformat(),
    )
    subject = session.get_one(Subject, subject_id)
    open_task(
        session,
        step,
        subject_id=subject_id,
        kind=REPAIR_OPINION,
        procedure=PROCEDURE,
        procedure_id=repair.id,
        department_id=target.department_id,
        title=f"信用修复意见：{subject.name}，{desc['label']}",
        due_on=opinion_due,
    )
    return repair


def get_repair(session: Session, repair_id: int, *, for_update: bool = False) -> Repair:
    return get_procedure(session, Repair, repair_id, unknown_repair, for_update=for_update)


def unknown_repair(field: str = "repair_id") -> NotFound:
    return NotFound("信用修复申请不存在", "no such repair", field=field, code="unknown_repair")


def may_see(principal: Principal, repair: Repair) -> bool:
    if principal.role is Role.authority:
        return True
    if principal.role is Role.subject:
        return principal.subject_id == repair.subject_id
    return principal.role is Role.provider and principal.department_id == repair.department_id


def _require_department(step: Step, repair: Repair) -> None:
    if not rules.is_opinion_department(step.principal, repair.department_id):
        raise Forbidden(
            "只有该信息的提供单位可以办理此步骤",
            "only the department that gave the information may take this step",
            code="not_opinion_department",
        )


def _require_step(repair: Repair, name: str) -> None:
    if not rules.TRANSITIONS[name].follows(repair.state):
        raise _invalid_state(repair)


def _invalid_state(repair: Repair) -> Conflict:
    return Conflict(
        f"信用修复申请处于“{REPAIR_STATES[repair.state]}”状态，不能办理此步骤",
        f"the repair is {repair.state.value}: this step is not open",
        code="invalid_state",
        state=repair.state.value,
    )


def give_opinion(
    session: Session, step: Step, repair_id: int, *, positive: bool, text: str
) -> Repair:
    """The written repair opinion (书面信用修复意见, art. 35) of the department."""
    repair = get_repair(session, repair_id, for_update=True)
    _require_department(step, repair)
    _require_step(repair, "opinion")
    repair.opinion = {
        "positive": positive,
        "text": text,
        "by": step.principal.actor,
        "at": step.now.isoformat(),
    }
    close_tasks(
        session, step, subject_id=repair.subject_id, procedure_id=repair.id, kind=REPAIR_OPINION
    )
    add_step(session, step, PROCEDURE, repair, "opinion", positive=positive, text=text)
    if positive:
        _start_notice(session, step, repair)
    else:
        _refuse(session, step, repair, reason=text, stage="opinion")
    return repair


def _start_notice(session: Session, step: Step, repair: Repair, **detail: Any) -> None:
    # Art. 35: 在部门网站进行公示，公示期为5个工作日 (counted from the day after the opinion).
    repair.notice_ends_on = rules.notice_ends_on(calendar_for(session), step.today)
    repair.state = RepairState.notice
    add_step(
        session,
        step,
        PROCEDURE,
        repair,
        "public_notice",
        notice_ends_on=repair.notice_ends_on.isoformat(),
        **detail,
    )


def repair_objection_out(o: RepairObjection) -> RepairObjectionOut:
    """An objection in a repair's notice as the API shows it."""
    return RepairObjectionOut(
        id=str(o.id),
        statement=o.statement,
        filed_by=o.filed_by,
        filed_at=o.filed_at,
        due_on=o.due_on,
        upheld=o.upheld,
        decision_reason=o.decision_reason,
        decided_by=o.decided_by,
        decided_at=o.decided_at,
    )


def repair_out(session: Session, repair: Repair) -> RepairOut:
    """A repair as the API and the pages show it: its target, evidence, objections, steps."""
    subject = session.get_one(Subject, repair.subject_id)
    target = load_target(session, repair)
    return RepairOut(
        id=str(repair.id),
        subject=subject_key(subject),
        subject_name=subject.name,
        target=TargetOut.model_validate(describe(session, target)),
        ways=list(repair.ways),
        corrected_on=repair.corrected_on,
        correction=repair.correction,
        commitment=repair.commitment,
        credit_management=repair.credit_management,
        eligibility=[ConditionOut.model_validate(c) for c in repair.eligibility],
        filed_by=repair.filed_by,
        applied_at=repair.applied_at,
        state=repair.state.value,
        opinion_due_on=repair.opinion_due_on,
        opinion=OpinionOut.model_validate(repair.opinion) if repair.opinion else None,
        notice_ends_on=repair.notice_ends_on,
        effective_at=repair.effective_at,
        refused_reason=repair.refused_reason,
        closed_at=repair.closed_at,
        evidence=[
            evidence.evidence_out(f)
            for f in evidence.files_of(session, repair.subject_id, repair.id)
        ],
        objections=[repair_objection_out(o) for o in objections_of(session, repair)],
        steps=steps_out(session, repair),
    )


def _pending(session: Session, repair: Repair) -> list[RepairObjection]:
    return objections_of(session, repair, pending=True)


def _close(session: Session, step: Step, repair: Repair) -> None:
    """The repair ends: its open tasks close, and objections still undecided become moot
    (decided without an outcome) so that nothing waits on a closed repair."""
    close_tasks(session, step, subject_id=repair.subject_id, procedure_id=repair.id)
    for objection in _pending(session, repair):
        objection.decided_at = step.now
        objection.decided_by = step.principal.actor
        objection.decision_reason = "信用修复已办结，异议无需再核实"
        close_tasks(session, step, subject_id=repair.subject_id, procedure_id=objection.id)
    repair.closed_at = step.now


def _appeal_route(step: Step) -> str:
    days = step.ctx.settings.appeal_filing_working_days
    return (
        f"如对本决定不服，可自本决定作出之日起{days}个工作日内向信用管理部门提出申诉"
        f"（{MEASURES}第三十三条）；对申诉结果不服的，可以依法申请行政复议或者提起诉讼。"
    )


def _issue(session: Session, step: Step, repair: Repair, title: str, body: str) -> None:
    subject = session.get_one(Subject, repair.subject_id)
    label = describe(session, load_target(session, repair))["label"]
    documents.issue(
        session,
        step,
        PROCEDURE,
        repair,
        kind="repair_decision",
        title=title,
        body=f"信息主体：{subject.name}（{subject_key(subject)}）\n修复对象：{label}\n{body}",
    )


def _refuse(
    session: Session,
    step: Step,
    repair: Repair,
    *,
    reason: str,
    stage: str,
    appealable: bool = True,
    **detail: Any,
) -> None:
    """The repair is refused (or, when its target is gone, ends without effect): a decision
    document with the route onward — an appeal to the credit authority (art. 33)."""
    repair.state = RepairState.refused
    repair.refused_reason = reason
    _close(session, step, repair)
    add_step(
        session,
        step,
        PROCEDURE,
        repair,
        "refused",
        stage=stage,
        reason=reason,
        appealable=appealable,
        **detail,
    )
    if appealable:
        _issue(
            session,
            step,
            repair,
            "不予信用修复决定书",
            f"不予信用修复的理由：{reason}\n"
            f"依据{MEASURES}第三十四条、第三十五条，决定不予信用修复。\n{_appeal_route(step)}",
        )
    else:
        _issue(session, step, repair, "信用修复终止通知书", f"{reason}\n本次信用修复申请终止。")


def is_appealable(session: Session, repair: Repair) -> bool:
    """Refused — by the provider's opinion, an upheld objection in the notice, a repeat — and
    not merely ended because its target went away first (that leaves nothing to decide)."""
    steps = steps_of(session, repair.subject_id, repair.id)
    refusals = [s.detail for s in steps if s.step == "refused"]
    return rules.is_appealable(repair.state, repair.closed_at is not None, refusals)


def file_objection(session: Session, step: Step, repair_id: int, statement: str) -> RepairObjection:
    """An objection in the repair's public notice (art. 35: 公示期间有异议的，信息提供单位应核实
    并提出意见), up to and including the notice's last day."""
    repair = get_repair(session, repair_id, for_update=True)
    p = step.principal
    if (
        p.role is Role.subject
        and p.subject_id != repair.subject_id
        and repair.notice_ends_on is None
    ):
        # Never noticed: nothing public to object to, and no hint that it exists.
        raise unknown_repair()
    if repair.state == RepairState.effective or (
        repair.state == RepairState.notice and rules.notice_over(repair.notice_ends_on, step.today)
    ):
        raise Conflict(
            f"公示期已于 {repair.notice_ends_on} 结束",
            f"the public notice ended on {repair.notice_ends_on}",
            code="notice_over",
            notice_ends_on=repair.notice_ends_on.isoformat() if repair.notice_ends_on else None,
        )
    if not rules.TRANSITIONS["object"].follows(repair.state):
        raise Conflict(
            "该信用修复申请不在公示期",
            "the repair is not in its public notice",
            code="not_in_notice",
            state=repair.state.value,
        )
    due = rules.objection_due_on(
        calendar_for(session), step.today, step.ctx.settings.repair_objection_working_days
    )
    objection = RepairObjection(
        subject_id=repair.subject_id,
        id=step.ctx.ids.next_id(),
        repair_id=repair.id,
        statement=statement,
        filed_by=p.actor,
        filed_at=step.now,
        due_on=due,
    )
    session.add(objection)
    add_step(
        session,
        step,
        PROCEDURE,
        repair,
        "objection_filed",
        objection_id=str(objection.id),
        statement=statement,
        due_on=due.isoformat(),
    )
    subject = session.get_one(Subject, repair.subject_id)
    open_task(
        session,
        step,
        subject_id=repair.subject_id,
        kind=REPAIR_OBJECTION,
        procedure=OBJECTION_PROCEDURE,
        procedure_id=objection.id,
        department_id=repair.department_id,
        title=f"核实信用修复公示异议：{subject.name}，修复申请 {repair.id}",
        due_on=due,
    )
    return objection


def decide_objection(
    session: Session, step: Step, repair_id: int, objection_id: int, *, upheld: bool, reason: str
) -> Repair:
    """The department's verification of an objection: upheld, the repair is refused; not
    upheld, it goes on — and takes effect at once if the notice is over and nothing else
    is pending."""
    repair = get_repair(session, repair_id, for_update=True)
    _require_department(step, repair)
    objection = repair_objection_for_update(session, repair, objection_id)
    if objection is None:
        raise NotFound(
            "异议不存在", "no such objection", field="objection_id", code="unknown_objection"
        )
    if objection.decided_at is not None:
        raise Conflict("该异议已处理", "the objection is decided already", code="already_decided")
    _require_step(repair, "decide_objection")
    objection.upheld = upheld
    objection.decision_reason = reason
    objection.decided_by = step.principal.actor
    objection.decided_at = step.now
    close_tasks(session, step, subject_id=repair.subject_id, procedure_id=objection.id)
    add_step(
        session,
        step,
        PROCEDURE,
        repair,
        "objection_decided",
        objection_id=str(objection.id),
        upheld=upheld,
        reason=reason,
    )
    if upheld:
        _refuse(
            session,
            step,
            repair,
            reason=f"公示期间异议经核实成立：{reason}",
            stage="objection",
            objection_id=str(objection.id),
        )
    elif rules.notice_over(repair.notice_ends_on, step.today) and not _pending(session, repair):
        _take_effect(session, step, repair)
    return repair


# --- taking effect ----------------------------------------------------------------------------


def take_effect_due(session: Session, step: Step) -> int:
    """The daily job's part for repairs: each repair whose notice ended before today with no
    objection undecided takes effect. Idempotent (an effective repair is no longer in notice);
    after downtime it does the backlog, each on the day it is processed. Returns how many took
    effect."""
    count = 0
    for repair in notices_over_for_update(session, step.today):
        if _pending(session, repair):
            continue  # decided first (art. 35); its decision lets the repair take effect
        if _take_effect(session, step, repair):
            count += 1
    return count


def _take_effect(session: Session, step: Step, repair: Repair) -> bool:
    target = load_target(session, repair, for_update=True)
    gone = not_repairable(target, step.today)
    if gone is not None:
        # Expired, revoked or corrected meanwhile: there is nothing left to repair.
        _refuse(
            session,
            step,
            repair,
            reason=f"修复对象已不能修复：{NOT_ALLOWED[gone][0]}",
            stage="effect",
            appealable=False,
            target_reason=gone,
        )
        return False
    # The year after the correction may still be running (art. 34(二)): a failure of the same
    # item recorded since the application stops the repair before it takes effect.
    repeats = _repeats(session, target, repair.corrected_on)
    if repeats:
        _refuse(
            session,
            step,
            repair,
            reason=f"自纠正之日 {repair.corrected_on} 起1年内再次发生同类失信行为："
            + "、".join(str(r.id) for r in repeats),
            stage="effect",
            records=[str(r.id) for r in repeats],
        )
        return False
    explanation = f"信用修复（申请编号 {repair.id}）生效，{MEASURES}第三十五条"
    exited: list[str] = []
    if target.record is not None:
        # Stops being published and used, stays as archive; the feed carries it (topic record).
        change_standing(
            session,
            step,
            target.record,
            Standing.repaired,
            procedure=PROCEDURE,
            reason=explanation,
            detail={"repair_id": str(repair.id)},
        )
        entries = live_entries_based_on(session, repair.subject_id, target.record.id)
    else:
        assert target.entry is not None  # a target is a record or an entry
        entries = [target.entry]
    for entry in entries:
        leave_list(session, step, entry, ExitReason.repair, explanation=explanation)
        exited.append(str(entry.id))
    repair.state = RepairState.effective
    repair.effective_at = step.now
    _close(session, step, repair)
    add_step(
        session,
        step,
        PROCEDURE,
        repair,
        "effective",
        record=str(target.record.id) if target.record is not None else None,
        list_entries=exited,
    )
    _issue(
        session,
        step,
        repair,
        "信用修复决定书",
        f"经{MEASURES}第三十五条规定的公示，信用修复自 {step.today} 起生效：该失信信息不再公开"
        "发布，不再作为惩戒依据，原始失信信息转为档案保存；依据其列入的名单条目退出名单，相关联合"
        "惩戒措施终止。",
    )
    return True


def appeal_upheld(session: Session, step: Step, repair: Repair, reason: str) -> None:
    """The credit authority overturned a refusal on appeal (art. 33): the repair goes to
    public notice as if the opinion were positive, with a new notice period from today.
    A repair is appealable when refused; the window counts from ``closed_at``."""
    _require_step(repair, "appeal_upheld")
    target = load_target(session, repair, for_update=True)
    gone = not_repairable(target, step.today)
    if gone is not None:
        raise _refuse_not_repairable(gone)
    open_id = _open_repair(session, target)
    if open_id is not None:
        raise _refuse_open(open_id)
    repair.opinion = {
        "positive": True,
        "text": reason,
        "by": step.principal.actor,
        "at": step.now.isoformat(),
        "overturned": repair.opinion,
    }
    repair.refused_reason = None
    repair.closed_at = None
    add_step(session, step, PROCEDURE, repair, "appeal_upheld", reason=reason)
    _start_notice(session, step, repair, via="appeal")
    _issue(
        session,
        step,
        repair,
        "信用修复申诉结果通知书",
        f"经申诉复核，原不予信用修复决定予以撤销：{reason}\n该信用修复申请进入公示，公示期至 "
        f"{repair.notice_ends_on}（{MEASURES}第三十五条）。",
    )
