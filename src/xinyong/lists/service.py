"""Red, black and watch lists: the lists themselves, and each entry's workflow.

Procedure (003 联合奖惩 §（六）, unless a list's own rules say otherwise):
- red: candidate → cross-check against every active black and watch entry → public notice
  (公示) → objections decided → confirmed and published;
- black: candidate with its basis → prior notice to the subject (事前告知) → statements and
  objections verified by the identifying department → confirmed and published, and at that
  moment removed from every red list with its red-list benefits flagged for recall;
- watch: candidate → confirmed (000 §（八）: proportionate supervision);
- exit at expiry, after repair or on revocation, with an exit notice (§（十七）); a subject that
  leaves a black list stays under 重点监测 for the list's monitoring period.
Every step is a ``list_entry_steps`` row (shown to the subject), an audit entry and, where
it changes what other departments must apply, a change on the list-change feed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib.resources import files
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.catalog.service import published_catalog
from xinyong.core import audit
from xinyong.core.auth import Principal
from xinyong.core.clock import local_date
from xinyong.core.identifiers import IdentifierError, mask_id_number, validate_id_number
from xinyong.core.labels import LINKED_ROLES
from xinyong.errors import Conflict, Forbidden, InvalidRequest, NotFound
from xinyong.feeds.changes import LIST_ENTRY, LISTS, record_change
from xinyong.lists.periods import deadline_end, notice_end, period_end
from xinyong.lists.rules import is_in_force
from xinyong.lists.schemas import EntryIn, EntryOut, ListsIn, ListSpec, ObjectionOut, StepOut
from xinyong.models import (
    LIVE_STATES,
    Channel,
    CreditList,
    Department,
    EntryState,
    ExitReason,
    LinkRole,
    ListEntry,
    ListEntryStep,
    ListKind,
    ListObjection,
    Objection,
    ObjectionState,
    Record,
    Role,
    Standing,
    Subject,
    SubjectKind,
    SubjectLink,
    TargetType,
)
from xinyong.records.rules import add_years
from xinyong.records.service import CollectionContext, Collector
from xinyong.subjects.service import find_subject

# --- the lists ----------------------------------------------------------------------------------


@cache
def default_lists() -> ListsIn:
    text = files("xinyong.lists").joinpath("default_lists.json").read_text(encoding="utf-8")
    return ListsIn.model_validate_json(text)


def publish_lists(session: Session, lists: ListsIn, *, actor: str, now: datetime) -> list[str]:
    """Create or revise lists (003 联合奖惩 §（三）: the standards are published and kept up to
    date). Returns the codes that changed. A list is never deleted: its entries keep it."""
    catalog = published_catalog(session)
    known = set(catalog.items) if catalog is not None else set()
    for spec in lists.lists:
        missing = [code for code in spec.basis_items if code not in known]
        if missing:
            raise InvalidRequest(
                f"名单 {spec.code} 的认定依据不在已发布目录中：{', '.join(missing)}",
                f"list {spec.code}: basis items not in the published catalog: {missing}",
                field="basis_items",
                code="unknown_item",
            )
    existing = {x.code: x for x in session.execute(select(CreditList)).scalars()}
    changed: list[str] = []
    for spec in lists.lists:
        data = spec.model_dump(mode="json")
        row = existing.get(spec.code)
        if row is not None and row.spec == data:
            continue
        if row is None:
            row = CreditList(code=spec.code, version=0)
            session.add(row)
        elif row.kind != spec.kind:
            raise Conflict(
                f"名单 {spec.code} 的类别不能更改",
                f"the kind of list {spec.code} cannot change",
                field="kind",
                code="list_kind_fixed",
            )
        row.kind = ListKind(spec.kind)
        row.field = spec.field
        row.identifying_sector = spec.identifying_sector
        row.spec = data
        row.version += 1
        row.updated_at = now
        changed.append(spec.code)
    if changed:
        session.flush()
        audit.log(
            session,
            actor=actor,
            action="lists.published",
            at=now,
            target_type="lists",
            detail={"changed": changed},
        )
        record_change(session, at=now, topic=LISTS, event="published", detail={"lists": changed})
    return changed


def ensure_default_lists(session: Session, *, now: datetime) -> None:
    if session.execute(select(CreditList.id).limit(1)).first() is None:
        publish_lists(session, default_lists(), actor="system", now=now)


def all_lists(session: Session) -> list[CreditList]:
    return list(session.execute(select(CreditList).order_by(CreditList.id)).scalars())


def get_list(session: Session, code: str) -> CreditList:
    row = session.execute(select(CreditList).where(CreditList.code == code)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"名单 {code} 不存在", f"no list {code}", field="list", code="unknown_list")
    return row


def spec_of(row: CreditList) -> ListSpec:
    return ListSpec.model_validate(row.spec)


# --- reading entries ----------------------------------------------------------------------------


def get_entry(session: Session, entry_id: int, *, for_update: bool = False) -> ListEntry:
    query = select(ListEntry).where(ListEntry.id == entry_id)
    if for_update:
        query = query.with_for_update()
    entry = session.execute(query).scalar_one_or_none()
    if entry is None:
        raise NotFound(
            "名单条目不存在", "no such list entry", field="entry_id", code="unknown_entry"
        )
    return entry


def _rows_of_entry(session: Session, model: Any, entry: ListEntry) -> list:
    return list(
        session.execute(
            select(model)
            .where(model.subject_id == entry.subject_id, model.entry_id == entry.id)
            .order_by(model.id)
        ).scalars()
    )


def steps_of(session: Session, entry: ListEntry) -> list[ListEntryStep]:
    return _rows_of_entry(session, ListEntryStep, entry)


def objections_of(session: Session, entry: ListEntry) -> list[ListObjection]:
    return _rows_of_entry(session, ListObjection, entry)


def entry_out(session: Session, entry: ListEntry, *, full: bool) -> EntryOut:
    """An entry as the API and the pages show it (``full``: with its steps, objections and
    the fields only its departments and the subject see)."""
    lst = session.get_one(CreditList, entry.list_id)
    subject = session.get_one(Subject, entry.subject_id)
    dept = session.get_one(Department, entry.department_id)
    steps = steps_of(session, entry) if full else []
    objections = objections_of(session, entry) if full else []
    # Measures art. 32: 异议信息处理期间，应打上标识 — an entry stays in force while a rights
    # objection against it (objections/) is open, and says so wherever it is shown.
    under_objection = (
        entry.state in LIVE_STATES
        and session.execute(
            select(Objection.id).where(
                Objection.subject_id == entry.subject_id,
                Objection.target_id == entry.id,
                Objection.target_type == TargetType.list_entry,
                Objection.state != ObjectionState.closed,
            )
        ).first()
        is not None
    )
    return EntryOut(
        id=str(entry.id),
        list=entry.list_code,
        list_name=lst.spec["name"],
        kind=entry.kind.value,
        field=lst.field,
        subject=subject.credit_code or subject.id_masked or "",
        subject_name=subject.name,
        state=entry.state.value,
        reason=entry.reason,
        basis_records=list(entry.basis_records) if full else [],
        department=dept.name,
        created_at=entry.created_at,
        notice_ends_on=entry.notice_ends_on,
        confirmed_at=entry.confirmed_at,
        listed_until=entry.listed_until,
        rectify_by=entry.rectify_by if full else None,
        rectified_at=entry.rectified_at if full else None,
        exited_at=entry.exited_at,
        exit_reason=entry.exit_reason.value if entry.exit_reason else None,
        monitoring_until=entry.monitoring_until if full else None,
        benefits_recall=entry.benefits_recall if full else False,
        under_objection=under_objection,
        steps=[StepOut(step=s.step, at=s.at, actor=s.actor, detail=s.detail) for s in steps],
        objections=[
            ObjectionOut(
                id=str(o.id),
                statement=o.statement,
                filed_by=o.filed_by,
                filed_at=o.filed_at,
                upheld=o.upheld,
                decision_reason=o.decision_reason,
                decided_at=o.decided_at,
            )
            for o in objections
        ],
    )


def entries_of_subject(session: Session, subject_id: int) -> list[ListEntry]:
    return list(
        session.execute(
            select(ListEntry).where(ListEntry.subject_id == subject_id).order_by(ListEntry.id)
        ).scalars()
    )


# --- the workflow -------------------------------------------------------------------------------


@dataclass
class Step:
    """Who does a step, when, in which process (ids, cipher, the collector's context)."""

    ctx: CollectionContext
    principal: Principal
    now: datetime

    @property
    def today(self) -> date:
        return local_date(self.now)


def _require_identifying(session: Session, step: Step, lst: CreditList) -> Department:
    """谁主管、谁认定、谁负责 (003 联合奖惩 §（五）): only a provider of the list's sector lists."""
    p = step.principal
    if p.role is not Role.provider or p.department_kind != lst.identifying_sector:
        raise Forbidden(
            f"只有{lst.identifying_sector}主管部门可以认定名单 {lst.code}",
            f"only a department of sector {lst.identifying_sector} may list in {lst.code}",
            field="list",
            code="not_identifying_department",
        )
    return session.get_one(Department, p.department_id)


def _require_entry_department(step: Step, entry: ListEntry, *, authority_too: bool) -> None:
    p = step.principal
    if p.department_id == entry.department_id and p.role is Role.provider:
        return
    if authority_too and p.role is Role.authority:
        return
    raise Forbidden(
        "只有认定部门可以办理此步骤",
        "only the identifying department may take this step",
        code="not_identifying_department",
    )


def _add_step(session: Session, step: Step, entry: ListEntry, name: str, **detail: Any) -> None:
    session.add(
        ListEntryStep(
            subject_id=entry.subject_id,
            id=step.ctx.ids.next_id(),
            entry_id=entry.id,
            step=name,
            at=step.now,
            actor=step.principal.actor,
            detail=detail,
        )
    )
    audit.log(
        session,
        actor=step.principal.actor,
        action=f"list_entry.{name}",
        at=step.now,
        subject_id=entry.subject_id,
        target_type="list_entry",
        target_id=entry.id,
        after_ref=f"list_entry:{entry.id}:{entry.state.value}",
        detail={"list": entry.list_code, **detail},
    )


def _publish_change(session: Session, step: Step, entry: ListEntry, event: str, **detail: Any):
    spec_field = session.execute(
        select(CreditList.field).where(CreditList.id == entry.list_id)
    ).scalar_one()
    record_change(
        session,
        at=step.now,
        topic=LIST_ENTRY,
        event=event,
        ids=step.ctx.ids,
        subject_id=entry.subject_id,
        entry_id=entry.id,
        list_code=entry.list_code,
        kind=entry.kind.value,
        field=spec_field,
        detail=detail,
    )


def _check_basis(
    session: Session, spec: ListSpec, subject_id: int, record_ids: list[int], today: date
) -> list[Record]:
    """An entry rests on at least one active record of an allowed item (003 联合奖惩 §（四））;
    every record named must be one. Returns them."""
    rows = {
        r.id: r
        for r in session.execute(
            select(Record).where(Record.subject_id == subject_id, Record.id.in_(record_ids))
        ).scalars()
    }
    for index, rid in enumerate(record_ids):
        record = rows.get(rid)
        problem = None
        if record is None:
            problem = ("该主体没有此信息", "no such record of this subject")
        elif record.item_code not in spec.basis_items:
            problem = (
                f"{record.item_code} 不是名单 {spec.code} 的认定依据",
                f"{record.item_code} is not a basis of list {spec.code}",
            )
        elif record.standing != Standing.active or (
            record.expires_on is not None and record.expires_on <= today
        ):
            problem = ("该信息已失效，不能作为认定依据", "the record is no longer active")
        if problem:
            raise InvalidRequest(
                f"认定依据无效：{problem[0]}",
                f"invalid basis: {problem[1]}",
                field=f"basis_records[{index}]",
                code="invalid_basis",
                record_id=str(rid),
            )
    return [rows[rid] for rid in record_ids]


def basis_valid_until(records: list[Record]) -> date | None:
    """The last day on which any of an entry's basis records is still valid — the entry may
    stand no longer: a record past its validity "不得再作为惩戒依据" (Measures art. 30). None
    when a record has no end of validity."""
    ends = [r.expires_on for r in records]
    if not ends or any(e is None for e in ends):
        return None
    return max(ends)  # type: ignore[type-var]


def _blocking_entries(session: Session, subject_id: int, today: date) -> list[ListEntry]:
    """Black and watch entries in force: a subject on any of them is not red-listed
    (003 联合奖惩 §（六）1: 确保已被列入“黑名单”的主体不被列入“红名单”)."""
    rows = session.execute(
        select(ListEntry).where(
            ListEntry.subject_id == subject_id,
            ListEntry.kind.in_([ListKind.black, ListKind.watch]),
            ListEntry.state == EntryState.listed,
        )
    ).scalars()
    return [e for e in rows if is_in_force(e, today)]


def _refuse_blocked(blocking: list[ListEntry]) -> None:
    if not blocking:
        return
    first = sorted(blocking, key=lambda e: (e.kind != ListKind.black, e.id))[0]
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


def propose_entry(session: Session, step: Step, list_code: str, body: EntryIn) -> ListEntry:
    """A candidate entry, by the identifying department, with its basis."""
    lst = get_list(session, list_code)
    dept = _require_identifying(session, step, lst)
    spec = spec_of(lst)
    subject = find_subject(session, body.subject, cipher=step.ctx.cipher)
    today = step.today
    if body.listed_until is not None and body.listed_until <= today:
        raise InvalidRequest(
            "列入期限应晚于今天",
            "listed_until must be after today",
            field="listed_until",
            code="invalid_date",
        )
    if body.responsible_persons and subject.kind == SubjectKind.natural_person:
        raise InvalidRequest(
            "自然人不另列直接责任人员",
            "responsible persons are named for organisations only",
            field="responsible_persons",
            code="invalid_request",
        )
    _check_basis(session, spec, subject.id, body.basis_records, today)
    live = session.execute(
        select(ListEntry.id).where(
            ListEntry.subject_id == subject.id,
            ListEntry.list_id == lst.id,
            ListEntry.state.in_(LIVE_STATES),
        )
    ).first()
    if live is not None:
        raise Conflict(
            f"该主体已在名单 {lst.code} 中或正在认定",
            f"the subject already has a live entry on {lst.code}",
            field="subject",
            code="already_listed",
            entry_id=str(live[0]),
        )
    if lst.kind == ListKind.red:
        _refuse_blocked(_blocking_entries(session, subject.id, today))
    persons = _responsible_persons(step, body)
    entry = ListEntry(
        subject_id=subject.id,
        id=step.ctx.ids.next_id(),
        list_id=lst.id,
        list_code=lst.code,
        kind=lst.kind,
        department_id=dept.id,
        state=EntryState.candidate,
        reason=body.reason,
        basis_records=[str(r) for r in body.basis_records],
        responsible_persons=persons,
        created_at=step.now,
        listed_until=body.listed_until,
        benefits_recall=False,
    )
    session.add(entry)
    _add_step(
        session,
        step,
        entry,
        "candidate",
        reason=body.reason,
        basis_records=entry.basis_records,
        department=dept.name,
    )
    if lst.kind == ListKind.red:
        _add_step(session, step, entry, "cross_checked", blocking=[])
    if lst.kind in (ListKind.red, ListKind.black):
        entry.state = EntryState.notice
        entry.notice_ends_on = notice_end(session, today, spec.notice_days)
        name = "public_notice" if lst.kind == ListKind.red else "prior_notice"
        _add_step(session, step, entry, name, notice_ends_on=entry.notice_ends_on.isoformat())
        # A red candidate is noticed publicly; a black one is told to the subject, and only
        # published once confirmed.
        if lst.kind == ListKind.red:
            _publish_change(session, step, entry, "noticed")
    return entry


def _responsible_persons(step: Step, body: EntryIn) -> list[dict]:
    """Persons the department names as directly responsible: stored as references only
    (hash, cipher, mask), never as plain ID numbers."""
    out = []
    for index, person in enumerate(body.responsible_persons):
        try:
            number = validate_id_number(person.id_number, today=step.today)
        except IdentifierError as exc:
            raise InvalidRequest(
                exc.message,
                exc.message_en,
                field=f"responsible_persons[{index}].id_number",
                code=exc.code,
            ) from None
        out.append(
            {
                "id_hash": step.ctx.cipher.lookup_hash(number),
                "id_cipher": step.ctx.cipher.encrypt(number),
                "id_masked": mask_id_number(number),
                "name": person.name,
                "position": person.position,
            }
        )
    return out


def file_objection(session: Session, step: Step, entry_id: int, statement: str) -> ListObjection:
    """An objection to a red candidate in its public notice, or the subject's statement of
    its case (陈述申辩) in a black entry's prior notice. Filed by the subject itself or by a
    department that finds the information wrong (003 联合奖惩 §（二十四））."""
    entry = get_entry(session, entry_id, for_update=True)
    p = step.principal
    if p.role is Role.subject and p.subject_id != entry.subject_id:
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
    objection = ListObjection(
        subject_id=entry.subject_id,
        id=step.ctx.ids.next_id(),
        entry_id=entry.id,
        statement=statement,
        filed_by=p.actor,
        filed_at=step.now,
    )
    session.add(objection)
    # The identifying department's task: verify within 10 working days (Measures art. 32).
    # tasks.service builds on this module (its Step): imported where it is used.
    from xinyong.rights.deadlines import OBJECTION_REVIEW_WORKING_DAYS, due_on
    from xinyong.tasks.service import LIST_OBJECTION, open_task

    verify_by = due_on(session, step.today, OBJECTION_REVIEW_WORKING_DAYS)
    open_task(
        session,
        step,
        subject_id=entry.subject_id,
        kind=LIST_OBJECTION,
        procedure="list_objection",
        procedure_id=objection.id,
        department_id=entry.department_id,
        title=f"核实对名单条目 {entry.id}（{entry.list_code}）的异议",
        due_on=verify_by,
    )
    _add_step(
        session,
        step,
        entry,
        "objection_filed",
        objection_id=str(objection.id),
        verify_by=verify_by.isoformat(),
    )
    return objection


def decide_objection(
    session: Session, step: Step, entry_id: int, objection_id: int, *, upheld: bool, reason: str
) -> ListEntry:
    """The identifying department verifies (认定单位核实处理). An upheld objection withdraws
    the candidate; a rejected one lets the procedure go on."""
    entry = get_entry(session, entry_id, for_update=True)
    _require_entry_department(step, entry, authority_too=False)
    objection = session.execute(
        select(ListObjection).where(
            ListObjection.subject_id == entry.subject_id,
            ListObjection.id == objection_id,
            ListObjection.entry_id == entry.id,
        )
    ).scalar_one_or_none()
    if objection is None:
        raise NotFound(
            "异议不存在", "no such objection", field="objection_id", code="unknown_objection"
        )
    if objection.upheld is not None:
        raise Conflict("该异议已处理", "the objection is decided already", code="already_decided")
    objection.upheld = upheld
    objection.decision_reason = reason
    objection.decided_by = step.principal.actor
    objection.decided_at = step.now
    from xinyong.tasks.service import close_tasks  # see file_objection

    close_tasks(session, step, subject_id=entry.subject_id, procedure_id=objection.id)
    _add_step(
        session,
        step,
        entry,
        "objection_decided",
        objection_id=str(objection.id),
        upheld=upheld,
        reason=reason,
    )
    if upheld and entry.state == EntryState.notice:
        entry.state = EntryState.withdrawn
        _add_step(session, step, entry, "withdrawn", reason=reason)
        if entry.kind == ListKind.red:
            _publish_change(session, step, entry, "withdrawn")
    return entry


def confirm_entry(session: Session, step: Step, entry_id: int) -> ListEntry:
    """Confirmation and publication: after the notice period, with every objection decided."""
    entry = get_entry(session, entry_id, for_update=True)
    _require_entry_department(step, entry, authority_too=False)
    lst = session.get_one(CreditList, entry.list_id)
    spec = spec_of(lst)
    today = step.today
    if entry.state not in (EntryState.notice, EntryState.candidate):
        raise Conflict(
            "该条目不能确认",
            "the entry cannot be confirmed",
            code="invalid_state",
            state=entry.state.value,
        )
    if entry.state == EntryState.notice and entry.notice_ends_on >= today:  # type: ignore[operator]
        raise Conflict(
            f"公示（告知）期至 {entry.notice_ends_on} 结束，期满后方可确认",
            f"the notice period runs until {entry.notice_ends_on}",
            code="notice_period_running",
            notice_ends_on=entry.notice_ends_on.isoformat(),  # type: ignore[union-attr]
        )
    pending = [o for o in objections_of(session, entry) if o.upheld is None]
    if pending:
        raise Conflict(
            "尚有异议未处理",
            "an objection is still undecided",
            code="objection_pending",
            objection_id=str(pending[0].id),
        )
    # The basis must still stand on the day of confirmation.
    basis = _check_basis(
        session, spec, entry.subject_id, [int(r) for r in entry.basis_records], today
    )
    if entry.kind == ListKind.red:
        # Cross-checked again: the subject may have been black-listed during the notice.
        _refuse_blocked(_blocking_entries(session, entry.subject_id, today))
    entry.state = EntryState.listed
    entry.confirmed_at = step.now
    # The list's own period, and never past the validity of its basis (Measures art. 30):
    # when the last basis record expires the entry leaves by expiry, with its exit notice.
    ends = [add_years(today, spec.validity_years), basis_valid_until(basis)]
    if entry.listed_until is not None:
        ends.append(entry.listed_until)
    entry.listed_until = min(e for e in ends if e is not None)
    if spec.rectification_days:
        entry.rectify_by = deadline_end(session, today, spec.rectification_days)
    _add_step(
        session,
        step,
        entry,
        "confirmed",
        listed_until=entry.listed_until.isoformat(),
        rectify_by=entry.rectify_by.isoformat() if entry.rectify_by else None,
    )
    _publish_change(session, step, entry, "listed", listed_until=entry.listed_until.isoformat())
    if entry.kind == ListKind.black:
        _remove_from_red_lists(session, step, entry)
        _record_related_persons(session, step, entry, lst)
    return entry


def _remove_from_red_lists(session: Session, step: Step, black: ListEntry) -> None:
    """003 联合奖惩 §（六）2: once black-listed, removed from every red list; what it gained
    from a red list is flagged for recall (§（二十四））."""
    reds = session.execute(
        select(ListEntry)
        .where(
            ListEntry.subject_id == black.subject_id,
            ListEntry.kind == ListKind.red,
            ListEntry.state.in_(LIVE_STATES),
        )
        .with_for_update()
    ).scalars()
    for red in reds:
        detail = {"black_entry": str(black.id), "black_list": black.list_code}
        if red.state == EntryState.listed:
            red.state = EntryState.exited
            red.exited_at = step.now
            red.exit_reason = ExitReason.black_listed
            red.benefits_recall = True
            _add_step(session, step, red, "exited", reason="black_listed", **detail)
            _publish_change(session, step, red, "exited", reason="black_listed", **detail)
        else:
            red.state = EntryState.withdrawn
            _add_step(session, step, red, "withdrawn", reason="black_listed", **detail)
            _publish_change(session, step, red, "withdrawn", reason="black_listed", **detail)


def _record_related_persons(
    session: Session, step: Step, entry: ListEntry, lst: CreditList
) -> None:
    """Measures art. 29: the failure of a black-listed organisation is written into the
    archives of its legal representative, principal (and, 002 §（十二）, actual controller) and
    of the directly responsible persons the department named; those become links, so that a
    check on the person reaches the organisation's measures."""
    org = session.get_one(Subject, entry.subject_id)
    if org.kind == SubjectKind.natural_person:
        return
    cipher = step.ctx.cipher
    persons: list[tuple[str, str, str, str | None]] = []  # id number, name, role, position
    linked = session.execute(
        select(SubjectLink, Subject)
        .join(Subject, Subject.id == SubjectLink.person_id)
        .where(SubjectLink.subject_id == org.id, SubjectLink.ended_at.is_(None))
    ).all()
    seen: set[tuple[str, str]] = set()
    for link, person in linked:
        if link.role == LinkRole.responsible_person or person.id_cipher is None:
            continue
        persons.append((cipher.decrypt(person.id_cipher), person.name, link.role.value, None))
    for ref in entry.responsible_persons:
        persons.append(
            (cipher.decrypt(ref["id_cipher"]), ref["name"], "responsible_person", ref["position"])
        )
    if not persons:
        return
    provider = session.get_one(Department, entry.department_id)
    collector = procedure_collector(session, step, provider, Channel.same_level)
    raws = []
    for number, name, role, position in persons:
        if (number, role) in seen:
            continue
        seen.add((number, role))
        fields = {
            "list_name": lst.spec["name"],
            "entry_number": str(entry.id),
            "organisation_name": org.name,
            "organisation_credit_code": org.credit_code,
            "responsibility": LINKED_ROLES[role],
            "listing_reason": entry.reason,
            "listed_on": step.today.isoformat(),
            "identifying_authority": provider.name,
        }
        if position:
            fields["position"] = position
        raws.append(
            {
                "item": "black_list_responsibility",
                "source_id": f"{entry.id}:{role}:{cipher.lookup_hash(number)[:16]}",
                "subject": {"id_number": number, "name": name},
                "fields": fields,
                "severity": "severe",
                "determined_on": step.today.isoformat(),
            }
        )
    collector.feed(enumerate(raws))
    answer = collector.finish()
    if answer["rejected"]:  # our own rows: a failure here is a bug, not the caller's input
        raise RuntimeError(f"related-person records rejected: {answer['rejected']}")
    if entry.responsible_persons:
        _link_responsible_persons(session, step, entry, collector.batch_id)
    _add_step(
        session,
        step,
        entry,
        "related_persons_recorded",
        # The records written are found again by their batch, should the listing be revoked.
        batch_id=str(collector.batch_id),
        persons=[
            {"name": name, "responsibility": LINKED_ROLES[role]} for _n, name, role, _p in persons
        ],
    )


def _link_responsible_persons(
    session: Session, step: Step, entry: ListEntry, batch_id: int
) -> None:
    hashes = [ref["id_hash"] for ref in entry.responsible_persons]
    person_ids = dict(
        session.execute(
            select(Subject.id_hash, Subject.id).where(Subject.id_hash.in_(hashes))
        ).all()
    )
    records = dict(
        session.execute(
            select(Record.subject_id, Record.id).where(
                Record.batch_id == batch_id, Record.subject_id.in_(person_ids.values())
            )
        ).all()
    )
    existing = set(
        session.execute(
            select(SubjectLink.person_id).where(
                SubjectLink.subject_id == entry.subject_id,
                SubjectLink.role == LinkRole.responsible_person,
                SubjectLink.ended_at.is_(None),
            )
        ).scalars()
    )
    for h in hashes:
        pid = person_ids[h]
        if pid in existing:
            continue
        existing.add(pid)
        session.add(
            SubjectLink(
                subject_id=entry.subject_id,
                id=step.ctx.ids.next_id(),
                person_id=pid,
                role=LinkRole.responsible_person,
                source_record_id=records[pid],
                started_at=step.now,
            )
        )


def exit_entry(
    session: Session, step: Step, entry_id: int, *, reason: str, explanation: str
) -> ListEntry:
    """Exit after repair or on revocation (listed in error): an exit notice, measures stop
    at once (003 联合奖惩 §（十七）, （二十四））. A revocation is the wrongful listing's whole
    remedy, as when an objection finds it (rights/remedy.py): the related persons' records
    fall with it, and the subject receives the apology and clarification."""
    entry = get_entry(session, entry_id, for_update=True)
    _require_entry_department(step, entry, authority_too=reason == "revocation")
    before = entry.state
    if entry.state not in LIVE_STATES:
        raise Conflict(
            "该条目已不在名单中",
            "the entry is no longer live",
            code="invalid_state",
            state=entry.state.value,
        )
    if entry.state != EntryState.listed:
        if reason != "revocation":
            raise Conflict(
                "尚未列入名单的条目只能撤销",
                "an entry not yet listed can only be revoked",
                field="reason",
                code="invalid_state",
                state=entry.state.value,
            )
        entry.state = EntryState.withdrawn
        _add_step(session, step, entry, "withdrawn", reason="revocation", explanation=explanation)
        if entry.kind == ListKind.red:
            _publish_change(session, step, entry, "withdrawn", reason="revocation")
    else:
        _exit(session, step, entry, ExitReason(reason), explanation=explanation)
    if reason == "revocation":
        _remedy_revocation(session, step, entry, before, explanation)
    return entry


def _remedy_revocation(
    session: Session, step: Step, entry: ListEntry, before: EntryState, explanation: str
) -> None:
    # rights.remedy builds on this module (its Step, steps_of): imported here, where it is used.
    from xinyong.rights.remedy import Finding, remedy

    found = Finding(
        procedure="list_entry",
        of=entry,
        reference=f"名单条目 {entry.id}",
        finding="经认定单位核实，对你（单位）的名单认定有误：",
        reason=explanation,
    )
    related = remedy(session, step, found, [(entry, before)])
    if related:
        _add_step(session, step, entry, "related_person_records_revoked", records=related)


def leave_list(
    session: Session, step: Step, entry: ListEntry, reason: ExitReason, *, explanation: str
) -> None:
    """An entry leaves its list because another procedure decided so — an upheld objection
    or appeal (revocation), a repair that took effect (repair): a listed entry exits with its
    exit notice, one still in notice is withdrawn. Measures stop at once either way."""
    if entry.state == EntryState.listed:
        _exit(session, step, entry, reason, explanation=explanation)
        return
    if entry.state not in LIVE_STATES:
        return
    entry.state = EntryState.withdrawn
    _add_step(session, step, entry, "withdrawn", reason=reason.value, explanation=explanation)
    _publish_change(session, step, entry, "withdrawn", reason=reason.value)


def _exit(
    session: Session, step: Step, entry: ListEntry, reason: ExitReason, *, explanation: str
) -> None:
    lst = session.get_one(CreditList, entry.list_id)
    spec = spec_of(lst)
    entry.state = EntryState.exited
    entry.exited_at = step.now
    entry.exit_reason = reason
    detail: dict[str, Any] = {"reason": reason.value, "explanation": explanation}
    if entry.kind == ListKind.black and spec.monitoring_days:
        # 退出黑名单主体仍应作为信用重点监测对象 (003 联合奖惩 §（十七））.
        entry.monitoring_until = period_end(step.today, spec.monitoring_days)
        detail["monitoring_until"] = entry.monitoring_until.isoformat()
    if entry.kind == ListKind.red and reason == ExitReason.revocation:
        # Wrongly red-listed: recall what it gained (003 联合奖惩 §（二十四））.
        entry.benefits_recall = True
        detail["benefits_recall"] = True
    _add_step(session, step, entry, "exited", **detail)
    _add_step(session, step, entry, "exit_notice", notice=exit_notice(lst, entry, reason))
    _publish_change(session, step, entry, "exited", **detail)


def exit_notice(lst: CreditList, entry: ListEntry, reason: ExitReason) -> str:
    why = {
        ExitReason.expiry: "列入期限届满",
        ExitReason.repair: "完成信用修复",
        ExitReason.revocation: "经核实认定有误，予以撤销",
        ExitReason.black_listed: "被列入黑名单",
    }[reason]
    return (
        f"名单退出公告：编号 {entry.id} 的主体因{why}，自即日起移出“{lst.spec['name']}”，"
        "停止实施相关联合奖惩措施。"
    )


def expire_entries(session: Session, step: Step) -> int:
    """The daily job's part for lists: entries past their period leave with an exit notice.
    Idempotent (an exited entry is not listed), and after days of downtime it exits them all
    with the day they are processed; their measures stopped on time anyway (is_in_force)."""
    today = step.today
    due = list(
        session.execute(
            select(ListEntry)
            .where(ListEntry.state == EntryState.listed, ListEntry.listed_until <= today)
            .with_for_update()
        ).scalars()
    )
    for entry in due:
        _exit(
            session,
            step,
            entry,
            ExitReason.expiry,
            explanation=f"列入期限至 {entry.listed_until} 届满",
        )
    return len(due)


def record_rectification(
    session: Session, step: Step, entry_id: int, explanation: str
) -> ListEntry:
    """The identifying department accepts the subject's rectification (限期整改, 002 §（九））."""
    entry = get_entry(session, entry_id, for_update=True)
    _require_entry_department(step, entry, authority_too=False)
    if entry.rectify_by is None or entry.state != EntryState.listed:
        raise Conflict(
            "该条目未责令限期整改",
            "no rectification is ordered for this entry",
            code="no_rectification",
        )
    if entry.rectified_at is not None:
        raise Conflict(
            "已记录整改", "the rectification is recorded already", code="already_rectified"
        )
    entry.rectified_at = step.now
    _add_step(session, step, entry, "rectified", explanation=explanation)
    return entry


def record_interview(session: Session, step: Step, entry_id: int, *, fields: dict[str, Any]) -> int:
    """谁认定、谁约谈 (002 §（九）; 000 §（九））: past the rectification deadline without
    rectification, the identifying department holds a prompting or warning interview, and the
    interview enters the subject's archive as an ``interview`` record. Returns its id."""
    entry = get_entry(session, entry_id, for_update=True)
    _require_entry_department(step, entry, authority_too=False)
    if entry.rectify_by is None or not is_in_force(entry, step.today):
        raise Conflict(
            "该条目未责令限期整改",
            "no rectification is ordered for this entry",
            code="no_rectification",
        )
    if entry.rectified_at is not None or step.today <= entry.rectify_by:
        raise Conflict(
            f"整改期限至 {entry.rectify_by}，未逾期或已整改，无需约谈",
            f"the rectification deadline {entry.rectify_by} has not passed or was met",
            code="rectification_not_overdue",
            rectify_by=entry.rectify_by.isoformat(),
        )
    subject = session.get_one(Subject, entry.subject_id)
    provider = session.get_one(Department, entry.department_id)
    count = sum(1 for s in steps_of(session, entry) if s.step == "interview")
    raw = {
        "item": "interview",
        "source_id": f"{entry.id}:interview:{count + 1}",
        "subject": subject_ref(step, subject),
        "fields": {
            "interview_type": fields["interview_type"],
            "record_number": f"{entry.id}-{count + 1}",
            "interviewed_on": fields["interviewed_on"].isoformat(),
            "reason": f"未在 {entry.rectify_by} 前完成整改：{entry.reason}",
            "interviewee_name": fields["interviewee_name"],
            "rectification_requirement": fields["content"],
            "interviewing_authority": provider.name,
            **(
                {"interviewee_position": fields["interviewee_position"]}
                if fields.get("interviewee_position")
                else {}
            ),
        },
    }
    record_id = collect_one(session, step, raw, subject.id, provider, Channel.same_level)
    _add_step(
        session,
        step,
        entry,
        "interview",
        interview_type=fields["interview_type"],
        record_id=str(record_id),
    )
    return record_id


# --- records a procedure writes -----------------------------------------------------------------


def subject_ref(step: Step, subject: Subject) -> dict[str, str]:
    """The subject of a record a procedure writes, as a pushed record names it: by its credit
    code, or by its whole ID number (stored encrypted; the collector wants it whole)."""
    key = (
        {"credit_code": subject.credit_code}
        if subject.credit_code
        else {"id_number": step.ctx.cipher.decrypt(subject.id_cipher)}  # type: ignore[arg-type]
    )
    return {**key, "name": subject.name}


def procedure_collector(
    session: Session, step: Step, provider: Department, channel: Channel
) -> Collector:
    """A batch of the records a procedure writes in the department's name (related persons of
    a listing, an interview, a correction), collected like any other (Measures art. 15–17)."""
    return Collector(
        session,
        step.ctx,
        provider=provider,
        channel=channel,
        via="procedure",
        actor=step.principal.actor,
        now=step.now,
    )


def collect_one(
    session: Session,
    step: Step,
    raw: dict[str, Any],
    subject_id: int,
    provider: Department,
    channel: Channel,
    *,
    invalid: tuple[str, str] = ("", ""),
) -> int:
    """Collect the one record ``raw`` (of subject ``subject_id``) a procedure writes; returns
    its id. A rejection is the caller's 422: the collector's first error, its messages after
    ``invalid`` (Chinese, English)."""
    collector = procedure_collector(session, step, provider, channel)
    collector.feed([(0, raw)])
    answer = collector.finish()
    if answer["rejected"]:
        first = answer["rejected"][0]["errors"][0]
        raise InvalidRequest(
            f"{invalid[0]}{first['message']}",
            f"{invalid[1]}{first['message_en']}",
            field=first["field"],
            code=first["code"],
        )
    return session.execute(
        select(Record.id).where(
            Record.subject_id == subject_id, Record.batch_id == collector.batch_id
        )
    ).scalar_one()
