"""The pure rules of the lists: who may identify, what an entry rests on, which moves an entry
may make and when, its periods, and what it means on a given day and to the public. Each is a
function of its inputs and an explicit ``today`` (a working-day count is given its
:class:`~xinyong.core.calendar.Calendar`); refusals are the API's errors, raised here so that
each is worded once. lists/service.py applies them, writes the steps and the audit.

The moves of an entry (003 联合奖惩 §（六）, （十七）, （二十四））:

    proposed  → notice (red: public notice 公示; black: prior notice 事前告知) | candidate (watch)
    notice    → withdrawn (objection upheld, revoked) | listed (confirmed after the period)
    candidate → withdrawn (revoked) | listed (confirmed)
    listed    → exited (expiry, repair, revocation; red: when the subject is black-listed)
    withdrawn, exited: final

The API (lists/endpoints.py, subjects/service.py) and the portal (web/portal.py) both decide
what the public sees from here, so that neither shows the public more than the other."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any, Literal, NamedTuple

from xinyong.core.auth import Principal
from xinyong.core.calendar import Calendar
from xinyong.core.crypto import IdCipher
from xinyong.core.identifiers import IdentifierError, mask_id_number, validate_id_number
from xinyong.core.labels import LINKED_ROLES
from xinyong.errors import Conflict, Forbidden, InvalidRequest, NotFound
from xinyong.lists.schemas import ListSpec, PersonIn
from xinyong.models import (
    LIVE_STATES,
    CreditList,
    EntryState,
    ExitReason,
    LinkRole,
    ListEntry,
    ListKind,
    ListObjection,
    Record,
    Role,
    Standing,
    Subject,
    SubjectKind,
)
from xinyong.records.rules import add_years
from xinyong.rights.deadlines import OBJECTION_REVIEW_WORKING_DAYS
from xinyong.subjects.rules import effective_standing

# --- what an entry means on a day, and to the public --------------------------------------------

# What the public sees of a public list: listed subjects and exit notices — and red candidates
# in public notice (003 联合奖惩 §（六）1; a black candidate's prior notice goes to the subject
# alone, §（六）2).
PUBLIC_STATES = (EntryState.listed, EntryState.exited)


def is_public_list(lst: CreditList) -> bool:
    """A list the public may read at all: its own ``disclosure`` (watch lists are shared among
    departments only)."""
    return lst.spec["disclosure"] == "public"


def is_in_force(entry: ListEntry, today: date) -> bool:
    """Listed and not past its period: measures apply. Expiry counts at once, before the
    daily job has marked the exit (the same rule as records, Measures art. 30)."""
    return listed_in_force(entry.state, entry.listed_until, today)


def listed_in_force(state: EntryState, listed_until: date | None, today: date) -> bool:
    """:func:`is_in_force` of an entry's state and end of period, read as values."""
    return state == EntryState.listed and (listed_until is None or listed_until > today)


def public_states(lst: CreditList) -> tuple[EntryState, ...]:
    """The states in which the public sees an entry of ``lst`` (003 联合奖惩 §（二十）): listed
    and exited (its exit notice, §（十七）) on a public list, and in notice on a red one; none on
    a list that is not public."""
    if not is_public_list(lst):
        return ()
    return PUBLIC_STATES + ((EntryState.notice,) if lst.kind == ListKind.red else ())


def publicly_visible(lst: CreditList, entry: ListEntry) -> bool:
    """Whether the public sees this entry among its list's publications. Independent of the
    day: an exit notice stays a publication."""
    return entry.state in public_states(lst)


def makes_subject_public(lst: CreditList, entry: ListEntry, today: date) -> bool:
    """Whether this entry makes its subject public today: an entry in force on a public list.
    A natural person is shown to the public — found, read by ID number, given a page — only
    while such an entry names them (Measures art. 36 and 000 §（十八）: personal information is
    protected; 003 联合奖惩 §（二十）: the lists are published). A red candidate in notice or an
    exit notice is published with its list, but does not open the person."""
    return is_public_list(lst) and is_in_force(entry, today)


# --- who acts -----------------------------------------------------------------------------------


def _not_identifying(message: str, message_en: str, field: str | None = None) -> Forbidden:
    return Forbidden(message, message_en, field=field, code="not_identifying_department")


def require_identifying(principal: Principal, lst: CreditList) -> None:
    """谁主管、谁认定、谁负责 (003 联合奖惩 §（五）): only a provider of the list's sector lists."""
    if principal.role is not Role.provider or principal.department_kind != lst.identifying_sector:
        raise _not_identifying(
            f"只有{lst.identifying_sector}主管部门可以认定名单 {lst.code}",
            f"only a department of sector {lst.identifying_sector} may list in {lst.code}",
            field="list",
        )


def require_entry_department(
    principal: Principal, entry: ListEntry, *, authority_too: bool = False
) -> None:
    """The identifying department takes each step of its entries (003 联合奖惩 §（五）, §（六）:
    由认定单位核实处理); the authority too where ``authority_too``."""
    if principal.role is Role.provider and principal.department_id == entry.department_id:
        return
    if authority_too and principal.role is Role.authority:
        return
    raise _not_identifying(
        "只有认定部门可以办理此步骤", "only the identifying department may take this step"
    )


def may_revoke(reason: ExitReason) -> bool:
    """Whether the authority, too, may take an exit for ``reason``: a revocation, the remedy
    of a wrongful listing (003 联合奖惩 §（二十四））, which the authority also decides on
    appeal; a repair's exit is the identifying department's alone."""
    return reason == ExitReason.revocation


# --- proposing ----------------------------------------------------------------------------------


def require_listed_until_ahead(listed_until: date | None, today: date) -> None:
    """A shorter period the decision sets must still lie ahead."""
    if listed_until is not None and listed_until <= today:
        raise InvalidRequest(
            "列入期限应晚于今天",
            "listed_until must be after today",
            field="listed_until",
            code="invalid_date",
        )


def require_no_live_entry(live_entry_id: int | None, list_code: str) -> None:
    """A subject has at most one live entry (notice, candidate or listed) per list."""
    if live_entry_id is not None:
        raise Conflict(
            f"该主体已在名单 {list_code} 中或正在认定",
            f"the subject already has a live entry on {list_code}",
            field="subject",
            code="already_listed",
            entry_id=str(live_entry_id),
        )


def require_responsible_persons_allowed(subject_kind: SubjectKind, named: bool) -> None:
    """Directly responsible persons (Measures art. 29: 其他直接责任人) are named with an
    organisation's entry; a natural person answers for itself."""
    if named and subject_kind == SubjectKind.natural_person:
        raise InvalidRequest(
            "自然人不另列直接责任人员",
            "responsible persons are named for organisations only",
            field="responsible_persons",
            code="invalid_request",
        )


def responsible_person_refs(
    persons: Sequence[PersonIn], cipher: IdCipher, today: date
) -> list[dict[str, str | None]]:
    """The responsible persons named, each with a valid ID number, kept as references only —
    hash, cipher, mask — never a plain ID number (Measures art. 36)."""
    out: list[dict[str, str | None]] = []
    for index, person in enumerate(persons):
        try:
            number = validate_id_number(person.id_number, today=today)
        except IdentifierError as exc:
            raise InvalidRequest(
                exc.message,
                exc.message_en,
                field=f"responsible_persons[{index}].id_number",
                code=exc.code,
            ) from None
        out.append(
            {
                "id_hash": cipher.lookup_hash(number),
                "id_cipher": cipher.encrypt(number),
                "id_masked": mask_id_number(number),
                "name": person.name,
                "position": person.position,
            }
        )
    return out


class AnsweringPerson(NamedTuple):
    id_number: str
    name: str
    role: LinkRole
    position: str | None


def answering_persons(
    linked: Iterable[tuple[LinkRole, str, str | None]],
    named: Iterable[Mapping[str, str | None]],
    cipher: IdCipher,
) -> list[AnsweringPerson]:
    """Those who answer for a black-listed organisation (Measures art. 29: 严重失信法人的失信信息
    记入负有责任的法定代表人、主要负责人和其他直接责任人的失信记录): its registered legal
    representative, principal and actual controller — ``linked`` (role, name, ID-number
    cipher), a link of a person without an ID number passed over — and then the directly
    responsible persons the department ``named`` with the entry (:func:`responsible_person_refs`).
    A responsible-person link is not counted twice: the entry names them."""
    out = [
        AnsweringPerson(cipher.decrypt(id_cipher), name, role, None)
        for role, name, id_cipher in linked
        if role != LinkRole.responsible_person and id_cipher is not None
    ]
    for ref in named:
        out.append(
            AnsweringPerson(
                cipher.decrypt(str(ref["id_cipher"])),
                str(ref["name"]),
                LinkRole.responsible_person,
                ref["position"],
            )
        )
    return out


def responsibility_records(
    entry: ListEntry,
    lst: CreditList,
    org: Subject,
    authority_name: str,
    persons: Iterable[AnsweringPerson],
    cipher: IdCipher,
    today: date,
) -> list[dict[str, Any]]:
    """The ``black_list_responsibility`` record of each person who answers for ``org``'s black
    listing (Measures art. 29), severe like the listing itself, once per person and role."""
    raws: list[dict[str, Any]] = []
    seen: set[tuple[str, LinkRole]] = set()
    for person in persons:
        if (person.id_number, person.role) in seen:
            continue
        seen.add((person.id_number, person.role))
        fields = {
            "list_name": lst.spec["name"],
            "entry_number": str(entry.id),
            "organisation_name": org.name,
            "organisation_credit_code": org.credit_code,
            "responsibility": LINKED_ROLES[person.role.value],
            "listing_reason": entry.reason,
            "listed_on": today.isoformat(),
            "identifying_authority": authority_name,
        }
        if person.position:
            fields["position"] = person.position
        hashed = cipher.lookup_hash(person.id_number)[:16]
        raws.append(
            {
                "item": "black_list_responsibility",
                "source_id": f"{entry.id}:{person.role.value}:{hashed}",
                "subject": {"id_number": person.id_number, "name": person.name},
                "fields": fields,
                "severity": "severe",
                "determined_on": today.isoformat(),
            }
        )
    return raws


def first_state(kind: ListKind) -> EntryState:
    """Where a new entry starts: a red candidate in public notice (公示, 003 联合奖惩 §（六）1),
    a black one in prior notice to the subject (事前告知, §（六）2), a watch candidate waiting
    for confirmation (000 §（八）)."""
    return EntryState.candidate if kind == ListKind.watch else EntryState.notice


def notice_step(kind: ListKind) -> Literal["public_notice", "prior_notice"]:
    """The notice a candidate in notice is given: public for red, to the subject for black."""
    return "public_notice" if kind == ListKind.red else "prior_notice"


def noticed_publicly(kind: ListKind) -> bool:
    """A red candidate's notice is published (on the feed too); a black candidate is told to
    the subject and published only once confirmed (003 联合奖惩 §（六））."""
    return kind == ListKind.red


# --- the basis ----------------------------------------------------------------------------------


def basis_problem(record: Record | None, spec: ListSpec, today: date) -> tuple[str, str] | None:
    """Why ``record`` cannot be a basis of the list (Chinese, English), or None. An entry
    rests on the subject's own records of the list's basis items (003 联合奖惩 §（四））, active
    and within their validity (Measures art. 30: 有效期届满的，不得再作为惩戒依据)."""
    if record is None:
        return ("该主体没有此信息", "no such record of this subject")
    if record.item_code not in spec.basis_items:
        return (
            f"{record.item_code} 不是名单 {spec.code} 的认定依据",
            f"{record.item_code} is not a basis of list {spec.code}",
        )
    if effective_standing(record.standing, record.expires_on, today) is not Standing.active:
        return ("该信息已失效，不能作为认定依据", "the record is no longer active")
    return None


def require_basis(
    spec: ListSpec, found: Mapping[int, Record], record_ids: Sequence[int], today: date
) -> list[Record]:
    """Every record named must be a basis (:func:`basis_problem`); ``found`` holds those of the
    subject's records that exist, by id. Returns them in the order named."""
    for index, rid in enumerate(record_ids):
        problem = basis_problem(found.get(rid), spec, today)
        if problem:
            raise InvalidRequest(
                f"认定依据无效：{problem[0]}",
                f"invalid basis: {problem[1]}",
                field=f"basis_records[{index}]",
                code="invalid_basis",
                record_id=str(rid),
            )
    return [found[rid] for rid in record_ids]


def basis_valid_until(records: Iterable[Record]) -> date | None:
    """The last day on which any of an entry's basis records is still valid — the entry may
    stand no longer: a record past its validity "不得再作为惩戒依据" (Measures art. 30). None
    when a record has no end of validity."""
    ends: list[date] = []
    for record in records:
        if record.expires_on is None:
            return None
        ends.append(record.expires_on)
    return max(ends) if ends else None


# --- red and black: the cross-check -------------------------------------------------------------

# 003 联合奖惩 §（六）1: 确保已被列入“黑名单”的主体不被列入“红名单” — and a subject under closer
# supervision (a watch list, 000 §（八）) is no more a model of good credit.
BLOCKING_KINDS = (ListKind.black, ListKind.watch)


def blocks_red_listing(entry: ListEntry, today: date) -> bool:
    """Whether ``entry`` keeps its subject off every red list today."""
    return entry.kind in BLOCKING_KINDS and is_in_force(entry, today)


def refuse_blocked(blocking: Iterable[ListEntry]) -> None:
    """Refuse a red listing over the subject's blocking entries, naming one — a black entry
    before a watch entry, the oldest first."""
    ordered = sorted(blocking, key=lambda e: (e.kind != ListKind.black, e.id))
    if not ordered:
        return
    first = ordered[0]
    kind = "黑名单" if first.kind == ListKind.black else "重点关注对象名单"
    raise Conflict(
        f"该主体已列入{kind}（{first.list_code}），不能列入红名单",
        f"the subject is on {first.kind.value} list {first.list_code} and cannot be red-listed",
        field="subject",
        code="blocked_by_list",
        blocking_entry={
            "id": str(first.id),
            "list": first.list_code,
            "kind": first.kind.value,
            "listed_until": first.listed_until.isoformat() if first.listed_until else None,
        },
    )


def on_black_listing(red: ListEntry) -> EntryState:
    """What becomes of a live red entry when its subject is black-listed (003 联合奖惩 §（六）2):
    a listed one exits (reason ``black_listed``, its benefits flagged for recall, §（二十四））,
    one still in notice is withdrawn."""
    return EntryState.exited if red.state == EntryState.listed else EntryState.withdrawn


# --- periods ------------------------------------------------------------------------------------
# Notice periods — the public notice of a red candidate (公示) and the prior notice of a black
# one (事前告知), 003 联合奖惩 §（六） — are working days, counted by the official calendar
# (core/calendar: the first day not counted, the period ends on a working day; a year the
# calendar does not know is an explicit error). Rectification deadlines (限期整改, 002 §（九））
# and the monitoring after a black list (重点监测, 003 联合奖惩 §（十七）) are set by the list in
# calendar days; a rectification deadline is one the subject must meet, so when its last day is
# not a working day it moves to the next working day (民法典 第二百零三条:
# 期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日), by the same calendar.


def notice_end(calendar: Calendar, start: date, working_days: int) -> date:
    """The last day of a notice period of ``working_days`` working days from ``start``."""
    return calendar.add_working_days(start, working_days)


def period_end(start: date, days: int) -> date:
    """The last day of a period of ``days`` calendar days that starts the day after ``start``."""
    return start + timedelta(days=days)


def deadline_end(calendar: Calendar, start: date, days: int) -> date:
    """The last day of a deadline of ``days`` calendar days from ``start``, moved off a
    weekend or holiday to the next working day."""
    end = period_end(start, days)
    while not calendar.is_working_day(end):
        end += timedelta(days=1)
    return end


def objection_verify_by(calendar: Calendar, filed_on: date) -> date:
    """The identifying department verifies an objection in an entry's notice (003 联合奖惩
    §（六）: 有异议的，由认定单位核实处理) within 10 working days of its filing (Measures
    art. 32)."""
    return calendar.add_working_days(filed_on, OBJECTION_REVIEW_WORKING_DAYS)


# --- objections in a notice ---------------------------------------------------------------------


def require_may_object(principal: Principal, entry: ListEntry) -> None:
    """An objection to a red candidate in its public notice, or the subject's statement of its
    case (陈述申辩) in a black entry's prior notice, by the subject itself or by a department
    (003 联合奖惩 §（六）, （二十四））. Another subject's entry is answered as no entry at all."""
    if principal.role is Role.subject and principal.subject_id != entry.subject_id:
        raise NotFound(
            "名单条目不存在", "no such list entry", field="entry_id", code="unknown_entry"
        )
    if entry.state != EntryState.notice:
        raise Conflict(
            "该条目不在公示或告知期内，不能提出异议",
            "the entry is not in its notice period",
            code="not_in_notice",
            state=entry.state.value,
        )


def require_undecided(objection: ListObjection) -> None:
    """An objection is decided once."""
    if objection.upheld is not None:
        raise Conflict("该异议已处理", "the objection is decided already", code="already_decided")


def withdrawn_by_objection(entry: ListEntry, upheld: bool) -> bool:
    """An upheld objection withdraws an entry still in its notice (经公示无异议的，可认定; 003
    联合奖惩 §（六）1); once the entry has left its notice the decision changes nothing more."""
    return upheld and entry.state == EntryState.notice


# --- confirmation -------------------------------------------------------------------------------


def require_confirmable(entry: ListEntry, objections: Iterable[ListObjection], today: date) -> None:
    """An entry in notice is confirmed after the whole notice period (the day after
    ``notice_ends_on``), a watch candidate at once, and either only with every objection
    decided (003 联合奖惩 §（六）: 经公示无异议的 … 有异议的，由认定单位核实处理)."""
    if entry.state not in (EntryState.notice, EntryState.candidate):
        raise Conflict(
            "该条目不能确认",
            "the entry cannot be confirmed",
            code="invalid_state",
            state=entry.state.value,
        )
    ends = entry.notice_ends_on
    if entry.state == EntryState.notice and ends is not None and ends >= today:
        raise Conflict(
            f"公示（告知）期至 {ends} 结束，期满后方可确认",
            f"the notice period runs until {ends}",
            code="notice_period_running",
            notice_ends_on=ends.isoformat(),
        )
    pending = [o for o in objections if o.upheld is None]
    if pending:
        raise Conflict(
            "尚有异议未处理",
            "an objection is still undecided",
            code="objection_pending",
            objection_id=str(pending[0].id),
        )


def listed_until(
    spec: ListSpec, confirmed_on: date, basis: Iterable[Record], requested: date | None
) -> date:
    """The last day of an entry confirmed on ``confirmed_on``: the list's own period, or the
    shorter one the decision set, and never past the validity of its basis (Measures art. 30),
    so that when the last basis record expires the entry leaves by expiry, with its exit
    notice."""
    ends = [add_years(confirmed_on, spec.validity_years)]
    for end in (basis_valid_until(basis), requested):
        if end is not None:
            ends.append(end)
    return min(ends)


def rectify_by(calendar: Calendar, spec: ListSpec, confirmed_on: date) -> date | None:
    """The rectification deadline (限期整改, 002 §（九）) the list orders from confirmation,
    if it orders one."""
    if not spec.rectification_days:
        return None
    return deadline_end(calendar, confirmed_on, spec.rectification_days)


# --- leaving the list ---------------------------------------------------------------------------


def exit_move(entry: ListEntry, reason: ExitReason) -> EntryState:
    """Where the identifying department's exit takes a live entry (003 联合奖惩 §（十七））: a
    listed entry exits for a repair or a revocation; one not yet listed can only be revoked,
    and is then withdrawn."""
    if entry.state not in LIVE_STATES:
        raise Conflict(
            "该条目已不在名单中",
            "the entry is no longer live",
            code="invalid_state",
            state=entry.state.value,
        )
    if entry.state == EntryState.listed:
        return EntryState.exited
    if reason != ExitReason.revocation:
        raise Conflict(
            "尚未列入名单的条目只能撤销",
            "an entry not yet listed can only be revoked",
            field="reason",
            code="invalid_state",
            state=entry.state.value,
        )
    return EntryState.withdrawn


def leaving_move(entry: ListEntry) -> EntryState | None:
    """Where an entry goes when another procedure decides it leaves — an upheld objection or
    appeal, a repair that took effect: a listed entry exits with its exit notice, one still in
    notice (or a candidate) is withdrawn, one already gone stays as it is (None)."""
    if entry.state == EntryState.listed:
        return EntryState.exited
    if entry.state in LIVE_STATES:
        return EntryState.withdrawn
    return None


def monitoring_until(kind: ListKind, spec: ListSpec, exited_on: date) -> date | None:
    """退出黑名单主体仍应作为信用重点监测对象 (003 联合奖惩 §（十七））: for the black list's
    monitoring period from the day of exit; other lists set none."""
    if kind != ListKind.black or not spec.monitoring_days:
        return None
    return period_end(exited_on, spec.monitoring_days)


def recalls_benefits(kind: ListKind, reason: ExitReason) -> bool:
    """对于被误列入“红名单”的相关主体，应尽可能收回其受到联合激励获得的权益 (003 联合奖惩
    §（二十四））: a red entry revoked, or one that leaves because the subject was black-listed
    (§（六）2)."""
    return kind == ListKind.red and reason in (ExitReason.revocation, ExitReason.black_listed)


EXIT_WHY = {
    ExitReason.expiry: "列入期限届满",
    ExitReason.repair: "完成信用修复",
    ExitReason.revocation: "经核实认定有误，予以撤销",
    ExitReason.black_listed: "被列入黑名单",
}


def exit_notice(lst: CreditList, entry: ListEntry, reason: ExitReason) -> str:
    """The exit notice (名单退出公告) published through the list's own channel (003 联合奖惩
    §（十七）: 认定单位及时通过原公示渠道发布名单退出公告，有关部门应停止对其实施联合奖惩)."""
    return (
        f"名单退出公告：编号 {entry.id} 的主体因{EXIT_WHY[reason]}，"
        f"自即日起移出“{lst.spec['name']}”，停止实施相关联合奖惩措施。"
    )


# --- rectification and interviews (002 §（九）; 000 §（九）) ------------------------------------


def _no_rectification() -> Conflict:
    return Conflict(
        "该条目未责令限期整改",
        "no rectification is ordered for this entry",
        code="no_rectification",
    )


def require_rectification_open(entry: ListEntry) -> None:
    """The identifying department accepts a rectification it ordered, of a listed entry, once."""
    if entry.rectify_by is None or entry.state != EntryState.listed:
        raise _no_rectification()
    if entry.rectified_at is not None:
        raise Conflict(
            "已记录整改", "the rectification is recorded already", code="already_rectified"
        )


def require_interview_due(entry: ListEntry, today: date) -> date:
    """整改不到位的，按照“谁认定、谁约谈”的原则 … 启动提示约谈或警示约谈程序 (002 §（九））: an
    interview of an entry in force, after its rectification deadline (the day after
    ``rectify_by``), not rectified. Returns the deadline."""
    if entry.rectify_by is None or not is_in_force(entry, today):
        raise _no_rectification()
    if entry.rectified_at is not None or today <= entry.rectify_by:
        raise Conflict(
            f"整改期限至 {entry.rectify_by}，未逾期或已整改，无需约谈",
            f"the rectification deadline {entry.rectify_by} has not passed or was met",
            code="rectification_not_overdue",
            rectify_by=entry.rectify_by.isoformat(),
        )
    return entry.rectify_by
