"""The rules of credit repair (信用修复, Measures art. 34–35; 002 §（十三）; 000 §（十三）),
without a database: what may be repaired, the three conditions of art. 34 each explained, the
evidence the ways need, which step may follow which and who takes it, and the periods.
Functions of their inputs and an explicit ``today``; service.py applies them
(docs/workflows/repair.md draws the states)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from xinyong.core.auth import Principal
from xinyong.core.calendar import Calendar
from xinyong.core.citations import cite, cite_en
from xinyong.lists.rules import is_in_force
from xinyong.models import (
    Category,
    EntryState,
    ExitReason,
    ListEntry,
    ListKind,
    Record,
    RepairState,
    Role,
    Standing,
    TargetType,
)
from xinyong.records.rules import add_years
from xinyong.repairs.schemas import WAYS_WITH_EVIDENCE, NotAllowed, RepairIn
from xinyong.rights.deadlines import REPAIR_NOTICE_WORKING_DAYS, is_over
from xinyong.rights.transitions import Transition
from xinyong.subjects.rules import effective_standing

# A repair still being handled: one per target at a time (uq_repairs_open).
OPEN_STATES = (RepairState.opinion, RepairState.notice)
# Records that show a failure happened (art. 34(二)): a revoked record was found wrong, and a
# corrected one lives on as its correction (a record of its own, counted in its own right).
COUNTED = (Standing.active, Standing.expired, Standing.repaired)

NOT_ALLOWED: dict[str, tuple[str, str]] = {
    "not_negative": (
        "只能对失信信息或黑名单、重点关注对象名单条目申请信用修复",
        "only a negative record or a black or watch list entry can be repaired",
    ),
    "expired": (
        f"该失信信息已超过使用期限（{cite('Measures art. 30')}），不再使用，无需修复",
        f"past its validity ({cite_en('Measures art. 30')}): no longer used, nothing to repair",
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


def record_target(record: Record) -> Target:
    """A negative record: the failure is the record itself, its provider gives the opinion."""
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


def entry_target(entry: ListEntry, basis: Iterable[Record]) -> Target:
    """A list entry: the failure is its basis records (``basis``, those of its
    ``basis_records`` that are stored), its identifying department gives the opinion."""
    basis = list(basis)
    days = [r.determined_on for r in basis if r.determined_on is not None]
    return Target(
        type=TargetType.list_entry,
        subject_id=entry.subject_id,
        id=entry.id,
        department_id=entry.department_id,
        items=sorted({r.item_code for r in basis}),
        failure_records={int(r) for r in entry.basis_records},
        determined_on=max(days) if days else None,
        entry=entry,
    )


def not_repairable(target: Target, today: date) -> NotAllowed | None:
    """Why the target cannot be repaired now, or None: art. 34 allows a repair of a failure
    within its validity only (在其失信信息使用期限内)."""
    if target.record is not None:
        record = target.record
        if record.category != Category.negative:
            return "not_negative"
        # Validity counts at once, before the daily job has marked it (records/expiry.py).
        standing = effective_standing(record.standing, record.expires_on, today)
        if standing is Standing.repaired:
            return "already_repaired"
        if standing in (Standing.revoked, Standing.excluded):
            # Excluded by 容错纠错 (003 政务诚信 二（三））, it no longer counts: as revoked.
            return "revoked"
        if standing is Standing.corrected:
            return "corrected"
        if standing is Standing.expired:
            return "expired"
        return None
    entry = target.entry
    assert entry is not None  # a target is a record or an entry
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


# --- eligibility (art. 34) --------------------------------------------------------------------


def repeat_window(corrected_on: date) -> tuple[date, date]:
    """The days on which a failure of the same kind repeats the one corrected on
    ``corrected_on`` (art. 34(二): 自纠正之日起，1年内), as (after, up to and including): from the
    day after the correction (民法典 第二百零一条: the first day is not counted) to the same date a
    year on (第二百零二条) (docs/workflows/repair.md § the reading of art. 34(二))."""
    return corrected_on, add_years(corrected_on, 1)


def repeats(target: Target, candidates: Iterable[Record]) -> list[Record]:
    """The records among ``candidates`` (the subject's records of the target's items in
    ``COUNTED`` standings, determined within :func:`repeat_window`) that repeat the failure:
    all but the failure's own records."""
    return [r for r in candidates if r.id not in target.failure_records]


def missing_way_evidence(ways: Iterable[str], kinds: set[str]) -> list[str]:
    """The ways without an evidence file of their kind: each way but the commitment is
    something done — 整改, 培训, 报告, 公益, 核查 — and shown (002 §（十三））."""
    return [w for w in ways if w in WAYS_WITH_EVIDENCE and w not in kinds]


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


def _corrected(target: Target, body: RepairIn, shown: int, today: date) -> dict:
    # (一) 已对失信行为进行了纠正，并取得明显成效，该失信行为的不良社会影响已基本消除.
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
    return _condition_of(
        "corrected",
        problems,
        (
            f"已于 {body.corrected_on} 纠正失信行为，提交证明材料 {shown} 份",
            f"corrected on {body.corrected_on}, with {shown} evidence file(s)",
        ),
    )


def _no_repeat(target: Target, corrected_on: date, found: list[Record], today: date) -> dict:
    # (二) 该失信行为自纠正之日起，1年内未再发生同类失信行为.
    if found:
        listed = "、".join(f"记录编号 {r.id}（认定于 {r.determined_on}）" for r in found)
        return _condition(
            "no_repeat_within_year",
            False,
            f"自纠正之日 {corrected_on} 起1年内再次发生同类失信行为：{listed}",
            f"a failure of the same item was determined within 1 year after the correction "
            f"on {corrected_on}: records {[str(r.id) for r in found]}",
            records=[str(r.id) for r in found],
        )
    items = "、".join(target.items)
    # Records are never determined in the future: while the year runs, the window ends today.
    upto = max(corrected_on, min(today, repeat_window(corrected_on)[1]))
    return _condition(
        "no_repeat_within_year",
        True,
        f"自纠正之日 {corrected_on} 起至 {upto} 未再记录同类失信信息",
        f"no record of the same item ({items}) determined after the correction on "
        f"{corrected_on} up to {upto}",
    )


def _commitment(body: RepairIn) -> dict:
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
    return _condition_of(
        "commitment",
        missing,
        (
            "已建立信用管理制度并作出不再失信的信用承诺",
            "a credit management system set up and a signed commitment not to fail again",
        ),
    )


def conditions(
    target: Target,
    body: RepairIn,
    files: list[tuple[int, str]],
    found: list[Record],
    today: date,
) -> list[dict]:
    """The three conditions of Measures art. 34, each with whether it holds and why, given the
    evidence ``files`` (id, kind) named and the repetitions ``found`` (:func:`repeats`)."""
    shown = sum(1 for _, kind in files if kind != "authorisation")
    return [
        _corrected(target, body, shown, today),
        _no_repeat(target, body.corrected_on, found, today),
        _commitment(body),
    ]


@dataclass
class Assessment:
    target: Target
    files: list[tuple[int, str]]
    conditions: list[dict]

    @property
    def eligible(self) -> bool:
        return all(c["met"] for c in self.conditions)


# --- the steps and who takes them (art. 33–35) ------------------------------------------------

TRANSITIONS: dict[str, Transition[RepairState]] = {
    # Art. 34: 信息主体 … 提出书面信用修复申请 (the authority files at its counter for it).
    "apply": Transition((), (RepairState.opinion,), (Role.subject, Role.authority)),
    # Art. 35: 信息提供单位应在规定期限内提出书面信用修复意见, publicly noticed if positive.
    "opinion": Transition(
        (RepairState.opinion,), (RepairState.notice, RepairState.refused), (Role.provider,)
    ),
    # Art. 35: 公示期间有异议的 — anyone who reads the notice but the public, who may not file.
    "object": Transition(
        (RepairState.notice,),
        (RepairState.notice,),
        (Role.subject, Role.provider, Role.user_department, Role.authority),
    ),
    # Art. 35: 信息提供单位应核实并提出意见 — upheld, refused; not, the notice goes on (or the
    # repair takes effect, the notice being over).
    "decide_objection": Transition(
        (RepairState.notice,),
        (RepairState.refused, RepairState.notice, RepairState.effective),
        (Role.provider,),
    ),
    # Art. 35: 公示期间无异议的 … 采用修复后的信用信息 — the daily job, after the notice; refused
    # when the target went away or the failure repeated meanwhile.
    "take_effect": Transition(
        (RepairState.notice,), (RepairState.effective, RepairState.refused), ()
    ),
    # Art. 33: the credit authority overturns a refusal on appeal; the repair is noticed anew.
    "appeal_upheld": Transition((RepairState.refused,), (RepairState.notice,), (Role.authority,)),
}


def is_opinion_department(principal: Principal, department_id: int) -> bool:
    """Art. 35: the department that gave the information (信息提供单位) gives the opinion and
    verifies the objections in the notice; no one else."""
    return principal.role is Role.provider and principal.department_id == department_id


def is_appealable(state: RepairState, closed: bool, refusals: list[dict[str, Any]]) -> bool:
    """Art. 33: a refusal — by the provider's opinion, an upheld objection in the notice, a
    repeat — may be appealed; a repair that merely ended because its target went away first
    (its last refusal step ``appealable: false``) leaves nothing to decide. ``refusals``: the
    details of the repair's refusal steps, oldest first."""
    if state is not RepairState.refused or not closed:
        return False
    return bool(refusals) and refusals[-1].get("appealable", True)


# --- periods (art. 35; working days by core/calendar) -----------------------------------------


def opinion_due_on(calendar: Calendar, applied_on: date, working_days: int) -> date:
    """Art. 35: 在规定期限内提出书面信用修复意见 — the period is the province's (setting
    ``repair_opinion_working_days``)."""
    return calendar.add_working_days(applied_on, working_days)


def notice_ends_on(calendar: Calendar, opinion_on: date) -> date:
    """Art. 35: 在部门网站进行公示，公示期为5个工作日, counted from the day after the opinion."""
    return calendar.add_working_days(opinion_on, REPAIR_NOTICE_WORKING_DAYS)


def objection_due_on(calendar: Calendar, filed_on: date, working_days: int) -> date:
    """Art. 35: 公示期间有异议的，信息提供单位应核实 — within the province's period (setting
    ``repair_objection_working_days``)."""
    return calendar.add_working_days(filed_on, working_days)


def notice_over(notice_ends_on: date | None, today: date) -> bool:
    """The notice is over: objections are no longer taken, and the repair may take effect —
    on the first day after its last day (the last day itself is still in the notice). A
    repair never noticed has no notice to be over."""
    return notice_ends_on is not None and is_over(notice_ends_on, today)
