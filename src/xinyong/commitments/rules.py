"""The rules of credit commitments, without a database: whom an item applies to, the
deadline of fulfilment by the official calendar, the standard text rendered and its digest,
which step may follow which and who takes it, and the negative record a breach writes.
Functions of their inputs and an explicit ``today``; service.py applies them.

- 002 §（一）; 000 §（一）: 书面承诺履约情况记入信用记录，作为事中、事后监管的重要依据，对不
  履约的申请人，视情节实施惩戒; 违背信用承诺的市场主体列入重点监管范围.
- Measures art. 12（六）: 违反告知承诺制度的信息 is negative information.
- 004 §9: 规范信用承诺书格式文本 … 加强信用承诺信息的全过程闭环管理.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any, Literal

from xinyong.commitments.schemas import (
    PLACEHOLDER,
    BreachConsequence,
    CommitmentItemSpec,
    Verification,
)
from xinyong.core.auth import Principal
from xinyong.core.calendar import Calendar
from xinyong.models import CommitmentState, Role
from xinyong.rights.deadlines import is_over
from xinyong.rights.transitions import Transition

S = CommitmentState
# The accepting department is a provider or user department of its sector, or the credit
# authority itself for the items it accepts (主动型, 信用修复型).
DEPARTMENTS = (Role.provider, Role.user_department, Role.authority)

# The steps of a commitment. The accepting department accepts it and determines its
# fulfilment (谁受理、谁核查, 002 §（一）: 履约情况记入信用记录); the subject may withdraw its
# commitment while it has not been accepted.
TRANSITIONS: dict[str, Transition[CommitmentState]] = {
    "signed": Transition(after=(), to=(S.pending,), by=(Role.subject, *DEPARTMENTS)),
    "accepted": Transition(after=(S.pending,), to=(S.pending,), by=DEPARTMENTS),
    "fulfilled": Transition(after=(S.pending,), to=(S.fulfilled,), by=DEPARTMENTS),
    "breached": Transition(after=(S.pending,), to=(S.breached,), by=DEPARTMENTS),
    "false": Transition(after=(S.pending,), to=(S.false,), by=DEPARTMENTS),
    "withdrawn": Transition(after=(S.pending,), to=(S.withdrawn,), by=(Role.subject,)),
}
# The outcomes that write a negative record (Measures art. 12（六））.
BREACHES = ("breached", "false")

Refusal = Literal["invalid_state", "not_accepted", "already_accepted", "not_yet_due"]

REFUSALS: dict[str, tuple[str, str]] = {
    "invalid_state": ("该承诺已办结，不能办理此步骤", "the commitment is closed: no step is open"),
    "not_accepted": (
        "承诺尚未受理，不能认定履约情况",
        "the commitment has not been accepted: its fulfilment cannot be determined",
    ),
    "already_accepted": (
        "承诺已受理，不能撤回",
        "the commitment has been accepted: it can no longer be withdrawn",
    ),
    "not_yet_due": (
        "履约期限尚未届满，不能认定未履约",
        "the fulfilment period has not run out: no breach can be determined yet",
    ),
}


def applies_to(spec: CommitmentItemSpec, subject_kind: str) -> bool:
    """Whether the item is for subjects of this kind (004 §3: 适用对象)."""
    return subject_kind in spec.subject_kinds


def due_on(calendar: Calendar, signed_on: date, verification: Verification | None) -> date | None:
    """The last day of fulfilment, counted from the day after the signing.

    Working days count by the official calendar (the first day not counted; core/calendar).
    Calendar days end on the ``days``-th day after; a last day that is not a working day moves
    to the next working day (民法典 第二百零一条、第二百零三条: 期间的最后一日是法定休假日的，以
    法定休假日结束的次日为期间的最后一日). An item without verification has no deadline."""
    if verification is None:
        return None
    if verification.day_kind == "working":
        return calendar.add_working_days(signed_on, verification.days)
    last = signed_on + timedelta(days=verification.days)
    while not calendar.is_working_day(last):
        last += timedelta(days=1)
    return last


def render(template: str, values: dict[str, str]) -> str:
    """The standard text with its placeholders filled; a placeholder without a value stays as
    written (the schema admits only the known ones)."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def digest(text: str) -> str:
    """The SHA-256 of the text signed, in hex (UTF-8): what proves the text was not changed."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def may_take(name: str, principal: Principal, *, subject_id: int, department_id: int) -> bool:
    """Whether the caller may take step ``name``: a role the step admits, and then the
    commitment's own subject, or its accepting department."""
    if not TRANSITIONS[name].taken_by(principal.role):
        return False
    if principal.role is Role.subject:
        return principal.subject_id == subject_id
    return principal.department_id == department_id


def refusal(
    name: str,
    state: CommitmentState,
    *,
    accepted: bool,
    due_on: date | None,
    today: date,
) -> Refusal | None:
    """Why step ``name`` may not follow now, or None. Only a pending commitment moves; a
    fulfilment is determined after acceptance; a withdrawal comes before it; a breach for want
    of fulfilment only once the period is over (its last day is still in it)."""
    if not TRANSITIONS[name].follows(state):
        return "invalid_state"
    if name == "accepted" and accepted:
        return "already_accepted"
    if name == "withdrawn" and accepted:
        return "already_accepted"
    if name in ("fulfilled", "breached", "false") and not accepted:
        return "not_accepted"
    if name == "breached" and due_on is not None and not is_over(due_on, today):
        return "not_yet_due"
    return None


def breach_type(outcome: str, due_on: date | None) -> str:
    """The catalog's 违诺类型 of a breach record."""
    if outcome == "false":
        return "虚假承诺"
    return "未在承诺期限内履行" if due_on is not None else "其他违反承诺情形"


def breach_fields(
    *,
    commitment_id: int,
    item_name: str,
    signed_on: date,
    outcome: str,
    due_on: date | None,
    facts: str,
    decision_number: str,
    today: date,
    department_name: str,
) -> dict[str, Any]:
    """The fields of the negative record (the catalog's ``broken_commitment`` item) a breach
    or a false commitment writes (Measures art. 12（六））."""
    return {
        "commitment_number": str(commitment_id),
        "commitment_matter": item_name,
        "committed_on": signed_on.isoformat(),
        "breach_type": breach_type(outcome, due_on),
        "breach_facts": facts,
        "decision_number": decision_number,
        "determined_on": today.isoformat(),
        "determining_authority": department_name,
    }


# --- 告知承诺: verification after the grant, revocation of a grant found false ---------------
#
# 审批替代型 (告知承诺): the department grants on the commitment and verifies it after (核查,
# 002 §（一）: 对申请人承诺的内容 … 加强事中、事后监管; 004 §3), within the item's
# verification period counted from the grant. Found false (虚假承诺) — or not kept by its
# deadline — the grant stands on a commitment that did not hold: the department revokes what
# it granted (《中华人民共和国行政许可法》第六十九条; 国办发〔2020〕42号: 发现承诺不实的，依法
# 撤销行政决定). No seed sets the period of that decision; it is the period of the decision it
# undoes, a licensing decision: 20 working days (行政许可法 第四十二条: 二十日内作出行政许可决定;
# 第八十二条: 以工作日计算，不含法定节假日).
REVOCATION_WORKING_DAYS = 20

# The steps after a determination: the department records that it revoked the grant.
REVOCATION = Transition(after=(S.false, S.breached), to=(S.false, S.breached), by=DEPARTMENTS)

RevocationRefusal = Literal["no_revocation_due", "already_revoked"]

REVOCATION_REFUSALS: dict[str, tuple[str, str]] = {
    "no_revocation_due": (
        "只有经核查不实或未履约的告知承诺才需撤销许可",
        "only an approval-by-commitment found false or not kept calls for a revocation",
    ),
    "already_revoked": ("已记录撤销许可决定", "the revocation has been recorded already"),
}


def is_granted_on_commitment(commitment_type: str) -> bool:
    """Whether the department grants on the commitment and verifies it after: 审批替代型."""
    return commitment_type == "approval_substitute"


def verification_due_on(calendar: Calendar, granted_on: date, verification: Verification) -> date:
    """The last day of the department's verification (核查) of a commitment it granted on: the
    item's period, counted from the day after the grant as ``due_on`` counts it."""
    last = due_on(calendar, granted_on, verification)
    assert last is not None  # a verification gives a deadline
    return last


def prompts_revocation(commitment_type: str, outcome: str) -> bool:
    """Whether a determination calls on the department to revoke what it granted: a 告知承诺
    found false or not kept (行政许可法 第六十九条)."""
    return is_granted_on_commitment(commitment_type) and outcome in BREACHES


def revocation_due_on(calendar: Calendar, determined_on: date) -> date:
    """The last day of the revocation decision: ``REVOCATION_WORKING_DAYS`` working days from
    the day after the determination."""
    return calendar.add_working_days(determined_on, REVOCATION_WORKING_DAYS)


def revocation_refusal(
    commitment_type: str, state: CommitmentState, *, revoked: bool
) -> RevocationRefusal | None:
    """Why a revocation may not be recorded, or None: only after a 告知承诺 was found false or
    not kept, and once."""
    if not REVOCATION.follows(state) or not prompts_revocation(commitment_type, state.value):
        return "no_revocation_due"
    if revoked:
        return "already_revoked"
    return None


# --- the archive: commitments as the portal shows them ----------------------------------------


def is_public(published: bool, state: CommitmentState, *, accepted: bool) -> bool:
    """A commitment society sees (信用承诺专栏, 002 §（一）: 承诺事项 … 向社会公开): of an item
    whose commitments are published, accepted by its department (until then the subject may
    still withdraw it), and not withdrawn."""
    return published and accepted and state is not CommitmentState.withdrawn


def shown_in_archive(
    published: bool, state: CommitmentState, *, accepted: bool, sees_own: bool
) -> bool:
    """Whether an archive's reader sees a commitment: a public one (:func:`is_public`)
    everyone; any other only those who see the commitment itself (``sees_own``: the subject,
    its accepting department, the authority). Withdrawn, it was never made: no one."""
    return state is not CommitmentState.withdrawn and (
        is_public(published, state, accepted=accepted) or sees_own
    )


def state_on(state: CommitmentState, closed_before_end: bool) -> CommitmentState:
    """A commitment's state at the end of a past day: a commitment moves once, from pending to
    its outcome, so it was pending then unless it was closed by then."""
    return state if closed_before_end else CommitmentState.pending


def may_revoke(principal: Principal, *, department_id: int) -> bool:
    """The department that granted on the commitment records its revocation, no one else."""
    return REVOCATION.taken_by(principal.role) and principal.department_id == department_id


def breach_raw(
    commitment_id: int,
    consequence: BreachConsequence,
    subject: dict[str, str],
    fields: dict[str, Any],
    *,
    determined_on: date,
) -> dict[str, Any]:
    """The breach record as the collector takes it: of the item and severity the commitment
    kept, source id ``commitment:{id}`` (one record per commitment)."""
    return {
        "item": consequence.item,
        "source_id": f"commitment:{commitment_id}",
        "subject": subject,
        "fields": fields,
        "severity": consequence.severity,
        "determined_on": determined_on.isoformat(),
    }
