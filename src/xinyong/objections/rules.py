"""The rules of objections and appeals (Measures art. 30–33; 003 联合奖惩 §（二十四））, without a
database: on which grounds a subject objects, which records and list entries an objection may
target, which step may follow which and who takes it, the deadlines, and which outcomes may be
appealed and by when. Functions of their inputs and an explicit ``today``; service.py and
appeals.py apply them (docs/workflows/objection.md draws the states)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from xinyong.core.auth import Principal
from xinyong.core.calendar import Calendar
from xinyong.lists.rules import is_in_force
from xinyong.models import (
    LIVE_STATES,
    AppealState,
    EntryState,
    ExitReason,
    ListEntry,
    ObjectionGround,
    ObjectionOutcome,
    ObjectionState,
    Role,
    Standing,
)
from xinyong.rights.deadlines import (
    OBJECTION_CORRECT_WORKING_DAYS,
    OBJECTION_REVIEW_WORKING_DAYS,
    OBJECTION_VERIFY_WORKING_DAYS,
)
from xinyong.rights.transitions import Transition

# Measures art. 31 (一)–(三): the grounds, as the subject reads them.
GROUNDS = {
    ObjectionGround.wrong_or_incomplete: "信息与事实不符，存在记载错误或者遗漏",
    ObjectionGround.forbidden_data: "归集了禁止归集的信息",
    ObjectionGround.past_validity: "失信信息超期限使用",
}
# A record in one of these standings left the archive's use through a procedure already
# (Measures art. 32, 35): there is nothing left to object to.
CLOSED_STANDINGS = (Standing.corrected, Standing.revoked, Standing.repaired, Standing.excluded)

# Why a target cannot be objected to: the error code the subject is answered with.
Refusal = Literal["target_not_active", "target_expired"]


# --- what an objection may target (Measures art. 30, 31) ---------------------------------------


def record_refusal(standing: Standing, ground: ObjectionGround) -> Refusal | None:
    """Why a record in ``standing`` (its effective standing today, subjects/rules
    ``effective_standing``) cannot be objected to on ``ground``, or None. Expired, a record is no
    longer published nor used (Measures art. 30): only its use past validity (art. 31 (三))
    can still be objected to."""
    if standing in CLOSED_STANDINGS:
        return "target_not_active"
    if standing is Standing.expired and ground is not ObjectionGround.past_validity:
        return "target_expired"
    return None


def entry_expired(entry: ListEntry, today: date) -> bool:
    """The entry's period has ended: it exited at expiry, or it is listed past its period
    before the daily job has marked the exit (the same reading as records, Measures art. 30)."""
    if entry.state == EntryState.exited:
        return entry.exit_reason is ExitReason.expiry
    return entry.state == EntryState.listed and not is_in_force(entry, today)


def entry_refusal(entry: ListEntry, ground: ObjectionGround, today: date) -> Refusal | None:
    """Why a list entry cannot be objected to on ``ground`` today, or None: past its period,
    only its use past validity (art. 31 (三)); withdrawn, revoked, repaired or exited
    otherwise, nothing."""
    if entry_expired(entry, today):
        return None if ground is ObjectionGround.past_validity else "target_expired"
    if entry.state not in LIVE_STATES:
        return "target_not_active"
    return None


# --- the steps and who takes them (Measures art. 31–33) -----------------------------------------


_review, _verification = ObjectionState.review, ObjectionState.verification
_correction, _closed = ObjectionState.correction, ObjectionState.closed

TRANSITIONS: dict[str, Transition[ObjectionState]] = {
    # Art. 31: the subject (or its agent) objects; the authority files at its counter for it.
    "file": Transition((), (_review,), (Role.subject, Role.authority)),
    # Art. 32 ¶2: 异议信息需提交信息提供单位核实的 — the platform refers it to the provider.
    "refer": Transition((_review,), (_verification,), (Role.authority,)),
    # Art. 32 ¶2: the provider verifies and reports back (及时反馈); the platform decides.
    "verify": Transition((_verification,), (_review,), (Role.provider,)),
    # Art. 32 ¶4: found right, closed (the mark goes); found wrong, to correction.
    "decide": Transition((_review,), (_closed, _correction), (Role.authority,)),
    # Art. 32 ¶4: 公共信用信息工作机构负责在3个工作日内进行修正.
    "correct": Transition((_correction,), (_closed,), (Role.authority,)),
    # Art. 33: an appeal upheld by the credit authority reopens a rejected objection for
    # correction.
    "reopen": Transition((_closed,), (_correction,), (Role.authority,)),
}

APPEAL_TRANSITIONS: dict[str, Transition[AppealState]] = {
    # Art. 33: 信息主体 … 可向本级信用主管部门提出申诉 (the authority files at its counter for it).
    "file": Transition((), (AppealState.review,), (Role.subject, Role.authority)),
    "decide": Transition((AppealState.review,), (AppealState.closed,), (Role.authority,)),
}


def state_after_decision(outcome: ObjectionOutcome) -> ObjectionState:
    """Art. 32 ¶4: 核实无误的，去除标识，维持原信息 (closed); 确实有误的 … 进行修正 (correction)."""
    if outcome is ObjectionOutcome.upheld:
        return ObjectionState.correction
    return ObjectionState.closed


def may_verify(principal: Principal, verifying_department_id: int) -> bool:
    """Art. 32 ¶2: only 信息提供单位 verifies — the record's provider, or the entry's identifying
    department (谁认定、谁负责, 003 联合奖惩 §（五））."""
    return principal.role is Role.provider and principal.department_id == verifying_department_id


# --- deadlines (Measures art. 32, 33; working days by core/calendar) ----------------------------


def review_due_on(calendar: Calendar, filed_on: date) -> date:
    """Art. 32 ¶1: 收到异议申请后应在10个工作日内完成审核工作."""
    return calendar.add_working_days(filed_on, OBJECTION_REVIEW_WORKING_DAYS)


def verify_due_on(calendar: Calendar, referred_on: date) -> date:
    """Art. 32 ¶2: 信息提供单位应在5个工作日内完成核实工作."""
    return calendar.add_working_days(referred_on, OBJECTION_VERIFY_WORKING_DAYS)


def correction_due_on(calendar: Calendar, found_on: date) -> date:
    """Art. 32 ¶4: 确实有误的 … 在3个工作日内进行修正."""
    return calendar.add_working_days(found_on, OBJECTION_CORRECT_WORKING_DAYS)


# --- appeals (Measures art. 33) -----------------------------------------------------------------


def appeal_deadline(calendar: Calendar, decided_on: date, working_days: int) -> date:
    """The last day to appeal an outcome decided on ``decided_on``: art. 33 sets no period, the
    province does (setting ``appeal_filing_working_days``)."""
    return calendar.add_working_days(decided_on, working_days)


def appeal_due_on(calendar: Calendar, filed_on: date, working_days: int) -> date:
    """The last day for the credit authority to decide an appeal (setting
    ``appeal_review_working_days``)."""
    return calendar.add_working_days(filed_on, working_days)


def objection_appealable(state: ObjectionState, outcome: ObjectionOutcome | None) -> bool:
    """Art. 33: 对异议处理结果不服 — an objection closed as unfounded (rejected). One upheld is
    corrected; one still open has no outcome yet."""
    return state is ObjectionState.closed and outcome is ObjectionOutcome.rejected


def may_decide_appeal(first_decider: str | None, actor: str) -> bool:
    """An appeal is heard by someone other than who made the decision appealed against
    (separation of duties: art. 33's 申诉 is a review, not a repetition)."""
    return first_decider != actor
