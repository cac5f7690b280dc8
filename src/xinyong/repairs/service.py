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

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from xinyong.core.auth import Principal
from xinyong.errors import Conflict, Forbidden, InvalidRequest, NotFound
from xinyong.lists.service import Step, get_entry, is_in_force, leave_list
from xinyong.models import (
    CatalogItem,
    Category,
    CreditList,
    Department,
    Disclosure,
    EntryState,
    EvidenceFile,
    ExitReason,
    ListEntry,
    ListKind,
    Record,
    Repair,
    RepairObjection,
    RepairState,
    Role,
    Standing,
    Subject,
    TargetType,
)
from xinyong.records.rules import add_years
from xinyong.records.standing import change_standing, get_record, live_entries_based_on
from xinyong.repairs.schemas import (
    EVIDENCE_KINDS,
    WAYS_WITH_EVIDENCE,
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
from xinyong.rights.deadlines import REPAIR_NOTICE_WORKING_DAYS, due_on
from xinyong.rights.procedures import get_procedure, own_target, subject_key
from xinyong.rights.steps import add_step, steps_of, steps_out
from xinyong.tasks.service import REPAIR_OBJECTION, REPAIR_OPINION, close_tasks, open_task

PROCEDURE = "repair"
# A repair objection's task is its own procedure, so that deciding one closes its task alone.
OBJECTION_PROCEDURE = "repair_objection"
MEASURES = "《江苏省公共信用信息管理办法（试行）》"
OPEN_STATES = (RepairState.opinion, RepairState.notice)
# Records that show a failure happened: a revoked record was found wrong, and a corrected one
# lives on as its correction (a record of its own, counted in its own right).
COUNTED = (Standing.active, Standing.expired, Standing.repaired)

NOT_ALLOWED: dict[str, tuple[str, str]] = {
    "not_negative": (
        "只能对失信信息或黑名单、重点关注对象名单条目申请信用修复",
        "only a negative record or a black or watch list entry can be repaired",
    ),
    "expired": (
        "该失信信息已超过使用期限（第三十条），不再使用，无需修复",
        "past its validity (Measures art. 30): no longer used, nothing to repair",
    ),
    "already_repaired": ("已完成信用修复", "already repaired"),
    "revoked": ("该信息已撤销", "revoked"),
    "corrected": (
        "该信息已更正，请对更正后的信息申请修复",
        "the record was corrected: apply for the corrected record",
    ),
    "not_listed": ("该条目未列入名单", "the entry is not listed"),
}


# --- the target -----------------------------------------------------------------------------


@dataclass
class Target:
    """What a repair is about, and the failure it stands for."""

    type: TargetType
    subject_id: int
    id: int
    # The department that gives the opinion (Measures art. 35: 信息提供单位).
    department_id: int
    # The catalog items of the failure: "同类失信行为" (art. 34(二)) is a record of one of these.
    items: list[str]
    # The records that are the failure itself, never counted as its repetition.
    failure_records: set[int]
    # When the failure was determined (for an entry: its latest basis record).
    determined_on: date | None
    record: Record | None = None
    entry: ListEntry | None = None


def _record_target(record: Record) -> Target:
    return Target(
        type=TargetType.record,
        subject_id=record.subject_id,
        id=record.id,
        department_id=record.provider_id,
        items=[record.item_code],
        failure_records={record.id},
        determined_on=record.determined_on,
        record=record,
    )


def _entry_target(session: Session, entry: ListEntry) -> Target:
    ids = [int(r) for r in entry.basis_records]
    basis = list(
        session.execute(
            select(Record)
            .where(Record.subject_id == entry.subject_id, Record.id.in_(ids))
            .order_by(Record.id)
        ).scalars()
    )
    days = [r.determined_on for r in basis if r.determined_on is not None]
    return Target(
        type=TargetType.list_entry,
        subject_id=entry.subject_id,
        id=entry.id,
        department_id=entry.department_id,
        items=sorted({r.item_code for r in basis}),
        failure_records=set(ids),
        determined_on=max(days) if days else None,
        entry=entry,
    )


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
    return _record_target(row) if isinstance(row, Record) else _entry_target(session, row)


def load_target(session: Session, repair: Repair, *, for_update: bool = False) -> Target:
    if repair.target_type == TargetType.record:
        record = get_record(session, repair.subject_id, repair.target_id, for_update=for_update)
        return _record_target(record)
    return _entry_target(session, get_entry(session, repair.target_id, for_update=for_update))


def not_repairable(target: Target, today: date) -> NotAllowed | None:
    """Why the target cannot be repaired now, or None: art. 34 allows a repair of a failure
    within its validity only (在其失信信息使用期限内)."""
    if target.record is not None:
        record = target.record
        if record.category != Category.negative:
            return "not_negative"
        if record.standing == Standing.repaired:
            return "already_repaired"
        if record.standing == Standing.revoked:
            return "revoked"
        if record.standing == Standing.corrected:
            return "corrected"
        # Validity counts at once, before the daily job has marked it (records/expiry.py).
        if record.standing == Standing.expired or (
            record.expires_on is not None and record.expires_on <= today
        ):
            return "expired"
        return None
    entry = target.entry
    assert entry is not None
    if entry.kind == ListKind.red:
        return "not_negative"
    if entry.state == EntryState.exited:
        if entry.exit_reason == ExitReason.repair:
            return "already_repaired"
        if entry.exit_reason == ExitReason.revocation:
            return "revoked"
        return "expired"  # a black or watch entry exits otherwise only at expiry
    if entry.state != EntryState.listed:
        return "not_listed"
    if not is_in_force(entry, today):
        return "expired"
    return None


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
    return session.execute(
        select(Repair.id).where(
            Repair.subject_id == target.subject_id,
            Repair.target_type == target.type,
            Repair.target_id == target.id,
            Repair.state.in_(OPEN_STATES),
        )
    ).scalar_one_or_none()


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
        used = session.execute(
            select(EvidenceFile.procedure_id).where(
                EvidenceFile.subject_id == subject_id, EvidenceFile.id == file_id
            )
        ).one_or_none()
        if used is None:
            raise evidence.unknown_file(f"{where}.file_id")
        if used[0] is not None:
            raise evidence.file_in_use(f"{where}.file_id")
        files.append((file_id, ref.kind))
    kinds = {kind for _, kind in files}
    missing = [w for w in body.ways if w in WAYS_WITH_EVIDENCE and w not in kinds]
    if missing:
        # 002 §（十三）: each way is something done —整改, 培训, 报告, 公益, 核查 — and shown.
        raise InvalidRequest(
            f"修复方式 {', '.join(missing)} 缺少对应的证明材料",
            f"ways {missing} need an evidence file of their kind",
            field="ways",
            code="missing_way_evidence",
            ways=missing,
        )
    if body.agent_name is not None and "authorisation" not in kinds:
        raise InvalidRequest(
            "代理人申请须提交授权委托书（证明材料类别 authorisation）",
            "an agent's application needs the letter of authorisation (kind authorisation)",
            field="evidence",
            code="missing_authorisation",
        )
    return files


def _repeats(session: Session, target: Target, corrected_on: date) -> list[Record]:
    """Records of the same item(s) determined within 1 year after the correction (art. 34(二)).
    The year counts from the day after the correction (民法典 第二百零一条: the first day is not
    counted) to the same date a year on (第二百零二条); records are never determined in the
    future, so the window runs up to today while the year is not over
    (docs/workflows/repair.md § the reading of art. 34(二))."""
    if not target.items:
        return []
    rows = session.execute(
        select(Record)
        .where(
            Record.subject_id == target.subject_id,
            Record.item_code.in_(target.items),
            Record.determined_on > corrected_on,
            Record.determined_on <= add_years(corrected_on, 1),
            Record.standing.in_(COUNTED),
        )
        .order_by(Record.determined_on, Record.id)
    ).scalars()
    return [r for r in rows if r.id not in target.failure_records]


def _condition(name: str, met: bool, reason: str, reason_en: str, **extra: Any) -> dict:
    return {"condition": name, "met": met, "reason": reason, "reason_en": reason_en, **extra}


def _condition_of(name: str, problems: list[tuple[str, str]], met: tuple[str, str]) -> dict:
    """Met, with ``met`` as its reason, when there is no problem; else not met, for every
    problem (Chinese, English) found."""
    if problems:
        return _condition(
            name, False, "；".join(p[0] for p in problems), "; ".join(p[1] for p in problems)
        )
    return _condition(name, True, *met)


def conditions(
    session: Session, target: Target, body: RepairIn, files: list[tuple[int, str]], today: date
) -> list[dict]:
    """The three conditions of Measures art. 34, each with whether it holds and why."""
    out = []
    # (一) 已对失信行为进行了纠正，并取得明显成效，该失信行为的不良社会影响已基本消除.
    shown = [f for f, kind in files if kind != "authorisation"]
    problems: list[tuple[str, str]] = []
    if body.corrected_on > today:
        problems.append(
            (
                f"纠正日期 {body.corrected_on} 晚于今天",
                f"corrected_on {body.corrected_on} is future",
            )
        )
    if target.determined_on is not None and body.corrected_on < target.determined_on:
        problems.append(
            (
                f"纠正日期 {body.corrected_on} 早于失信行为认定日期 {target.determined_on}",
                f"corrected_on {body.corrected_on} is before the failure was determined "
                f"on {target.determined_on}",
            )
        )
    if not body.correction.strip():
        problems.append(
            (
                "未说明纠正失信行为、消除不良影响的情况",
                "no account of how the failure was corrected and its effect removed",
            )
        )
    if not shown:
        problems.append(("未提交纠正失信行为的证明材料", "no evidence file of the correction"))
    out.append(
        _condition_of(
            "corrected",
            problems,
            (
                f"已于 {body.corrected_on} 纠正失信行为，提交证明材料 {len(shown)} 份",
                f"corrected on {body.corrected_on}, with {len(shown)} evidence file(s)",
            ),
        )
    )
    # (二) 该失信行为自纠正之日起，1年内未再发生同类失信行为.
    items = "、".join(target.items)
    repeats = _repeats(session, target, body.corrected_on)
    if repeats:
        found = "、".join(f"{r.id}（{r.item_code}，认定于 {r.determined_on}）" for r in repeats)
        out.append(
            _condition(
                "no_repeat_within_year",
                False,
                f"自纠正之日 {body.corrected_on} 起1年内再次发生同类失信行为：{found}",
                f"a failure of the same item was determined within 1 year after the correction "
                f"on {body.corrected_on}: records {[str(r.id) for r in repeats]}",
                records=[str(r.id) for r in repeats],
            )
        )
    else:
        upto = max(body.corrected_on, min(today, add_years(body.corrected_on, 1)))
        out.append(
            _condition(
                "no_repeat_within_year",
                True,
                f"自纠正之日 {body.corrected_on} 起至 {upto} 未再记录同类失信信息（{items}）",
                f"no record of the same item ({items}) determined after the correction on "
                f"{body.corrected_on} up to {upto}",
            )
        )
    # (三) 信息主体应强化诚信自律意识、建立信用管理制度并承诺不再失信.
    missing: list[tuple[str, str]] = []
    if not body.commitment.strip():
        missing.append(("未提交签署的信用承诺", "no signed commitment text"))
    if not body.credit_management.strip():
        missing.append(
            (
                "未说明已建立的信用管理制度",
                "no account of the credit management system set up",
            )
        )
    if "commitment" not in body.ways:
        missing.append(
            ("修复方式未包含作出信用承诺（commitment）", "the ways do not include `commitment`")
        )
    out.append(
        _condition_of(
            "commitment",
            missing,
            (
                "已建立信用管理制度并作出不再失信的信用承诺",
                "a credit management system set up and a signed commitment not to fail again",
            ),
        )
    )
    return out


@dataclass
class Assessment:
    target: Target
    files: list[tuple[int, str]]
    conditions: list[dict]

    @property
    def eligible(self) -> bool:
        return all(c["met"] for c in self.conditions)


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
    return Assessment(target, files, conditions(session, target, body, files, step.today))


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
        out["item_name"] = session.execute(
            select(CatalogItem.name).where(CatalogItem.id == target.record.catalog_item_id)
        ).scalar_one()
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
        "不符合信用修复条件（第三十四条）：" + "；".join(c["reason"] for c in failed),
        "not eligible for repair (Measures art. 34): " + "; ".join(c["reason_en"] for c in failed),
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
    opinion_due = due_on(session, step.today, step.ctx.settings.repair_opinion_working_days)
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
    p = step.principal
    if p.role is not Role.provider or p.department_id != repair.department_id:
        raise Forbidden(
            "只有该信息的提供单位可以办理此步骤",
            "only the department that gave the information may take this step",
            code="not_opinion_department",
        )


def _invalid_state(repair: Repair) -> Conflict:
    return Conflict(
        f"信用修复申请处于“{repair.state.value}”状态，不能办理此步骤",
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
    if repair.state != RepairState.opinion:
        raise _invalid_state(repair)
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
    repair.notice_ends_on = due_on(session, step.today, REPAIR_NOTICE_WORKING_DAYS)
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


def objections_of(
    session: Session, repair: Repair, *, pending: bool = False
) -> list[RepairObjection]:
    """The objections in the repair's notice; ``pending``: those not yet decided."""
    query = select(RepairObjection).where(
        RepairObjection.subject_id == repair.subject_id, RepairObjection.repair_id == repair.id
    )
    if pending:
        query = query.where(RepairObjection.decided_at.is_(None))
    return list(session.execute(query.order_by(RepairObjection.id)).scalars())


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
    if repair.state is not RepairState.refused or repair.closed_at is None:
        return False
    refusals = [s for s in steps_of(session, repair.subject_id, repair.id) if s.step == "refused"]
    return bool(refusals) and refusals[-1].detail.get("appealable", True)


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
        repair.state == RepairState.notice and step.today > repair.notice_ends_on  # type: ignore[operator]
    ):
        raise Conflict(
            f"公示期已于 {repair.notice_ends_on} 结束",
            f"the public notice ended on {repair.notice_ends_on}",
            code="notice_over",
            notice_ends_on=repair.notice_ends_on.isoformat() if repair.notice_ends_on else None,
        )
    if repair.state != RepairState.notice:
        raise Conflict(
            "该信用修复申请不在公示期",
            "the repair is not in its public notice",
            code="not_in_notice",
            state=repair.state.value,
        )
    due = due_on(session, step.today, step.ctx.settings.repair_objection_working_days)
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
    objection = session.execute(
        select(RepairObjection)
        .where(
            RepairObjection.subject_id == repair.subject_id,
            RepairObjection.id == objection_id,
            RepairObjection.repair_id == repair.id,
        )
        .with_for_update()
    ).scalar_one_or_none()
    if objection is None:
        raise NotFound(
            "异议不存在", "no such objection", field="objection_id", code="unknown_objection"
        )
    if objection.decided_at is not None:
        raise Conflict("该异议已处理", "the objection is decided already", code="already_decided")
    if repair.state != RepairState.notice:
        raise _invalid_state(repair)
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
    elif step.today > repair.notice_ends_on and not _pending(session, repair):  # type: ignore[operator]
        _take_effect(session, step, repair)
    return repair


# --- taking effect ----------------------------------------------------------------------------


def take_effect_due(session: Session, step: Step) -> int:
    """The daily job's part for repairs: each repair whose notice ended before today with no
    objection undecided takes effect. Idempotent (an effective repair is no longer in notice);
    after downtime it does the backlog, each on the day it is processed. Returns how many took
    effect."""
    due = list(
        session.execute(
            select(Repair)
            .where(Repair.state == RepairState.notice, Repair.notice_ends_on < step.today)
            .order_by(Repair.notice_ends_on, Repair.id)
            .with_for_update()
        ).scalars()
    )
    count = 0
    for repair in due:
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
        entries = [target.entry]  # type: ignore[list-item]
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
    if repair.state != RepairState.refused:
        raise _invalid_state(repair)
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


# --- reading ----------------------------------------------------------------------------------


def find_repairs(
    session: Session, principal: Principal, *, state: str | None, after: int | None, limit: int
) -> list[Repair]:
    query = select(Repair)
    if principal.role is Role.subject:
        query = query.where(Repair.subject_id == principal.subject_id)
    elif principal.role is Role.provider:
        query = query.where(Repair.department_id == principal.department_id)
    if state is not None:
        query = query.where(Repair.state == RepairState(state))
    if after is not None:
        query = query.where(Repair.id > after)
    return list(session.execute(query.order_by(Repair.id).limit(limit)).scalars())


def in_notice(
    session: Session, *, public_only: bool, after: int | None, limit: int
) -> list[Repair]:
    """Repairs in public notice. The public sees the notices of repairs of public information
    only: noticing the repair of a shared or authorised-only record would publish the failure
    itself (Measures art. 19–21 decide what is public; art. 35's notice adds nothing to them)."""
    query = select(Repair).where(Repair.state == RepairState.notice)
    if public_only:
        public_lists = [
            row.id
            for row in session.execute(select(CreditList)).scalars()
            if row.spec["disclosure"] == "public"
        ]
        record = and_(
            Record.subject_id == Repair.subject_id,
            Record.id == Repair.target_id,
            Record.disclosure == Disclosure.public,
        )
        entry = and_(
            ListEntry.subject_id == Repair.subject_id,
            ListEntry.id == Repair.target_id,
            ListEntry.list_id.in_(public_lists),
        )
        query = query.where(
            or_(
                and_(Repair.target_type == TargetType.record, exists().where(record)),
                and_(Repair.target_type == TargetType.list_entry, exists().where(entry)),
            )
        )
    if after is not None:
        query = query.where(Repair.id > after)
    return list(session.execute(query.order_by(Repair.id).limit(limit)).scalars())
