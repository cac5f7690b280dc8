"""The rules of complaints and tip-offs (失信举报), without a database: the subject a complaint
names, checked; the informant's contact; where a complaint goes; its handling periods and
their deadlines; which step may follow which and who takes it; what the informant is told.
Functions of their inputs and an explicit ``today``; service.py applies them.

- 003 联合奖惩 §（十五）: 建立完善失信举报制度，鼓励公众对非法经营、隐蔽生产经营场所、事故隐患、
  安全生产违法行为及企业其他失信行为进行举报，严格保护举报人合法权益 — the procedure itself, and
  the informant's identity kept from everyone but the department handling the complaint.
- "谁主管、谁负责" (003 联合奖惩 §（三）; docs/domain.md, lists): the department competent for the
  failure's sector handles it, the one nearest the subject's region.
- Measures art. 37: 未按照要求记录、提供和使用公共信用信息的 … 责令整改 — a complaint handled late
  is an overdue task like any other (tasks/), on the authority's overdue counts.
- The periods: the seeds name none for a complaint; default_periods.json states each with its
  basis (行政处罚程序 for the acceptance of a tip-off, 行政处罚法 第六十条 for its handling), as
  data an installation may replace (``XINYONG_COMPLAINT_PERIODS_FILE``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from xinyong.core.calendar import Calendar
from xinyong.core.identifiers import (
    IdentifierError,
    describe_credit_code,
    describe_id_number,
    mask_id_number,
)
from xinyong.core.text import has_unstorable
from xinyong.declarations.rules import DepartmentFacts, nearest
from xinyong.models import ComplaintState, Role
from xinyong.rights.transitions import Transition

S = ComplaintState
# Who handles a complaint: the competent department (a provider or user department of the
# failure's sector), or the credit authority for those on its own queue.
HANDLERS = (Role.provider, Role.user_department, Role.authority)
OPEN = (S.received, S.accepted)
CLOSED = (S.not_accepted, S.substantiated, S.unsubstantiated)

# The steps of a complaint. Filing is the public's (no caller's identity is kept: the step
# names the public); a department may refer one it is not competent for while it is not yet
# accepted; it accepts it or not, replies to the informant along the way, and concludes.
TRANSITIONS: dict[str, Transition[ComplaintState]] = {
    "filed": Transition(after=(), to=(S.received,), by=(Role.public,)),
    "referred": Transition(after=(S.received,), to=(S.received,), by=HANDLERS),
    "accepted": Transition(after=(S.received,), to=(S.accepted,), by=HANDLERS),
    "not_accepted": Transition(after=(S.received,), to=(S.not_accepted,), by=HANDLERS),
    "replied": Transition(after=OPEN, to=OPEN, by=HANDLERS),
    "extended": Transition(after=(S.accepted,), to=(S.accepted,), by=HANDLERS),
    "substantiated": Transition(after=(S.accepted,), to=(S.substantiated,), by=HANDLERS),
    "unsubstantiated": Transition(after=(S.accepted,), to=(S.unsubstantiated,), by=HANDLERS),
}

MAX_ATTACHMENTS = 5
# The receipt code (举报回执码): 16 characters of RFC 4648 base32 (80 random bits), shown in
# groups of four.
RECEIPT_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
RECEIPT_LENGTH = 16


@dataclass(frozen=True)
class Problem:
    """Why a complaint or a step is refused: the error's code, field and messages."""

    code: str
    field: str
    message: str
    message_en: str


# --- the subject ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubjectNamed:
    """The subject as the informant named it, checked: an organisation by its credit code, a
    person by name and ID number (whole here; the service keeps it encrypted)."""

    kind: str  # a SubjectKind value
    name: str
    credit_code: str | None
    id_number: str | None
    region_code: str

    @property
    def masked(self) -> str:
        """How the subject is shown: its credit code, or its masked ID number."""
        return self.credit_code or mask_id_number(self.id_number or "")


def check_subject(
    credit_code: str | None, id_number: str | None, name: str | None, today: date
) -> SubjectNamed | Problem:
    """The subject a complaint is about: exactly one of a credit code (an organisation; its
    name optional, the registration names it) and an ID number (a person, with the name), each
    valid with its check character (GB 32100-2015, GB 11643-1999)."""
    code = "".join((credit_code or "").split()).upper()
    number = "".join((id_number or "").split()).upper()
    name = " ".join((name or "").split())
    if not code and not number:
        return Problem(
            "complaint_subject_required",
            "subject",
            "请填写被举报主体：单位填写统一社会信用代码，个人填写姓名和身份证号码",
            "name the subject: an organisation's credit code, or a person's name and ID number",
        )
    if code and number:
        return Problem(
            "complaint_subject_ambiguous",
            "subject",
            "被举报主体只能是一个：单位填写统一社会信用代码，或个人填写身份证号码，不能同时填写",
            "name one subject: a credit code or an ID number, not both",
        )
    if code:
        try:
            info = describe_credit_code(code)
        except IdentifierError as exc:
            return Problem(exc.code, "subject.credit_code", exc.message, exc.message_en)
        return SubjectNamed(info.subject_kind, name, code, None, info.region_code)
    try:
        person = describe_id_number(number)
    except IdentifierError as exc:
        return Problem(exc.code, "subject.id_number", exc.message, exc.message_en)
    if person.birth_date > today:
        return Problem(
            "invalid_id_number",
            "subject.id_number",
            "身份证号码的出生日期晚于今天",
            "the ID number's date of birth is after today",
        )
    if not name:
        return Problem(
            "complaint_subject_name_required",
            "subject.name",
            "举报个人的，请填写被举报人姓名",
            "a person is named by name as well as ID number",
        )
    return SubjectNamed("natural_person", name, None, number, person.region_code)


def check_informant(name: str | None, phone: str | None, email: str | None) -> Problem | None:
    """A named informant gives a name and a way to be reached: a phone or an e-mail (an
    anonymous one gives none of them)."""
    if not (name or "").strip():
        return Problem(
            "informant_name_required",
            "informant.name",
            "实名举报请填写举报人姓名；不愿留名的，请选择匿名举报",
            "a named complaint gives the informant's name (or file anonymously)",
        )
    if not (phone or "").strip() and not (email or "").strip():
        return Problem(
            "informant_contact_required",
            "informant.phone",
            "实名举报请至少留下电话或电子邮箱中的一项，以便办理部门联系核实",
            "a named complaint gives a phone number or an e-mail address",
        )
    return None


def check_storable(values: Mapping[str, str | None]) -> Problem | None:
    """The first of the texts (by field) holding a character no stored text may hold
    (core/text.py: NUL and other controls; PostgreSQL stores no NUL)."""
    for field, value in values.items():
        if value and has_unstorable(value):
            return Problem(
                "unstorable_text",
                field,
                "含有无法保存的控制字符，请删除后重试",
                f"{field} holds a control character that cannot be stored",
            )
    return None


def check_happened_on(happened_on: date, today: date) -> Problem | None:
    if happened_on > today:
        return Problem(
            "invalid_happened_on",
            "happened_on",
            "失信行为发生时间不能晚于今天",
            "happened_on is after today",
        )
    return None


# --- where it goes ----------------------------------------------------------------------------


def route(
    named: DepartmentFacts | None,
    departments: Iterable[DepartmentFacts],
    sector: str,
    region: str | None,
) -> DepartmentFacts | None:
    """The competent department (谁主管、谁负责): the one the informant names; else the
    department of the failure's sector sharing most of the subject's region code (county,
    city, province, then any, the oldest first); none of that sector: the credit authority's
    own queue (None), which refers it on."""
    if named is not None:
        return named
    return nearest(departments, sector, region)


def may_handle(
    role: Role, principal_department: int | None, complaint_department: int | None
) -> bool:
    """The competent department handles a complaint routed to it; the credit authority those
    on its own queue (no department)."""
    if role not in HANDLERS:
        return False
    if role is Role.authority and complaint_department is None:
        return True
    return principal_department is not None and principal_department == complaint_department


def may_refer(
    role: Role, principal_department: int | None, complaint_department: int | None
) -> bool:
    """The department it was routed to refers one it is not competent for; the credit
    authority may refer any (its oversight of the routing)."""
    return role is Role.authority or may_handle(role, principal_department, complaint_department)


def refusal(step: str, state: ComplaintState) -> Problem | None:
    """Why the step may not follow now, or None."""
    if TRANSITIONS[step].follows(state):
        return None
    if state in CLOSED:
        return Problem(
            "complaint_closed",
            "step",
            "该举报已办结，不能办理此步骤",
            "the complaint is closed: no step is open",
        )
    if state is S.accepted:
        return Problem(
            "complaint_already_accepted",
            "step",
            "该举报已受理，只能答复举报人或办结",
            "the complaint was accepted: reply or conclude it",
        )
    return Problem(
        "complaint_not_accepted_yet",
        "step",
        "该举报尚未受理，请先作出是否受理的决定",
        "the complaint is not accepted yet: decide on its acceptance first",
    )


# --- the periods ------------------------------------------------------------------------------


def due_on(calendar: Calendar, start: date, period: Mapping[str, Any]) -> date:
    """The last day of a period that starts on ``start`` (not counted). Working days count by
    the official calendar (core/calendar); calendar days end on the ``days``-th day after, moved
    to the next working day when that is a holiday (民法典 第二百零一条、第二百零三条)."""
    days = int(period["days"])
    if period["day_kind"] == "working":
        return calendar.add_working_days(start, days)
    last = start + timedelta(days=days)
    while not calendar.is_working_day(last):
        last += timedelta(days=1)
    return last


def extension_refusal(
    periods: Mapping[str, Any], extended_before: bool, handle_due_on: date | None, today: date
) -> Problem | None:
    """Why the handling period may not be extended today, or None. The rules that allow it
    (default_periods.json: 市场监督管理行政处罚程序规定 第六十四条, 公安机关办理行政案件程序规定
    第一百六十五条) allow it once, approved before the period ends (its last day still in it); a
    further one is a collective decision outside this procedure."""
    if "extension" not in periods:
        return Problem(
            "complaint_not_extendable",
            "step",
            "该举报的办理期限依规定不能延长",
            "the handling period of this complaint has no extension",
        )
    if extended_before:
        return Problem(
            "complaint_already_extended",
            "step",
            "办理期限已延长过一次，不能再次延长",
            "the handling period was extended once already",
        )
    if handle_due_on is None or today > handle_due_on:
        return Problem(
            "complaint_period_over",
            "step",
            "办理期限已届满，不能再延长",
            "the handling period is over: it can no longer be extended",
        )
    return None


def told_extension(due: date, reason: str) -> str:
    """What the informant reads of an extension."""
    return f"经批准，办理期限延长至{due.year}年{due.month}月{due.day}日。延期理由：{reason}"


def is_overdue(
    state: ComplaintState, accept_due_on: date, handle_due_on: date | None, today: date
) -> bool:
    """An open complaint past the last day of its current period (that day still in it)."""
    if state is S.received:
        return today > accept_due_on
    if state is S.accepted and handle_due_on is not None:
        return today > handle_due_on
    return False


def current_due(
    state: ComplaintState, accept_due_on: date, handle_due_on: date | None
) -> date | None:
    """The last day of the period running now; none once closed."""
    if state is S.received:
        return accept_due_on
    if state is S.accepted:
        return handle_due_on
    return None


# --- the receipt ------------------------------------------------------------------------------


def normal_receipt(code: str) -> str:
    """A receipt code as typed — any case, with spaces or hyphens — in its stored form."""
    return re.sub(r"[\s\-]", "", code or "").upper()


def receipt_hash(code: str) -> str:
    return hashlib.sha256(normal_receipt(code).encode()).hexdigest()


def shown_receipt(code: str) -> str:
    """ABCD-EFGH-IJKL-MNOP: easier to copy by hand."""
    code = normal_receipt(code)
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


# What the informant is told of each state (never who handled it, nor anything of the
# subject beyond what the informant wrote).
PROGRESS = {
    S.received: "已收到，等待主管部门受理",
    S.accepted: "已受理，主管部门正在核查",
    S.not_accepted: "不予受理",
    S.substantiated: "已查实并依法处理",
    S.unsubstantiated: "经核查，举报事项查无实据",
}
# The steps whose text the informant reads, and the detail key holding it.
TOLD = {
    "accepted": "reply",
    "not_accepted": "reason",
    "replied": "reply",
    "extended": "reply",
    "substantiated": "reply",
    "unsubstantiated": "reply",
    "referred": None,
    "filed": None,
}
