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

from datetime import date, datetime
from functools import cache
from importlib.resources import files
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.catalog.service import published_catalog
from xinyong.core import audit
from xinyong.core.calendar import calendar_for
from xinyong.core.citations import cite_tags_in_values
from xinyong.core.labels import LINKED_ROLES
from xinyong.errors import Conflict, InvalidRequest
from xinyong.feeds.changes import LIST_ENTRY, LISTS, record_change
from xinyong.lists import repository, rules
from xinyong.lists.schemas import (
    EntryIn,
    EntryOut,
    ListsIn,
    ListSpec,
    ObjectionOut,
    StepOut,
    spec_of,
)
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
    Subject,
    SubjectKind,
    SubjectLink,
    TargetType,
)
from xinyong.records.repository import (
    record_id_in_batch,
    record_ids_by_subject_in_batch,
    subject_records_by_ids,
)
from xinyong.records.service import Collector
from xinyong.rights.remedy import Finding, remedy
from xinyong.rights.step import Step
from xinyong.subjects.repository import (
    linked_person_ids_in_role,
    linked_persons_in_force,
    subject_ids_by_id_hash,
)
from xinyong.subjects.service import find_subject
from xinyong.tasks.service import LIST_OBJECTION, close_tasks, open_task

# --- the lists ----------------------------------------------------------------------------------


def entry_out(session: Session, entry: ListEntry, *, full: bool) -> EntryOut:
    """An entry as the API and the pages show it (``full``: with its steps, objections and
    the fields only its departments and the subject see)."""
    lst = session.get_one(CreditList, entry.list_id)
    subject = session.get_one(Subject, entry.subject_id)
    dept = session.get_one(Department, entry.department_id)
    steps = repository.steps_of(session, entry) if full else []
    objections = repository.objections_of(session, entry) if full else []
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
    existing = {x.code: x for x in repository.all_lists(session)}
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


def recite_lists(session: Session, *, now: datetime) -> list[str]:
    """Lists published while their texts still cited the seeds by file tag (``（苏政发〔2018〕23号
    联合奖惩 §（六）1）``, before issue 14) are published again with each document named by
    title and number: a new version of each, audited and in the change feed, as any revision.
    Returns the codes revised; none once no stored text carries a tag."""
    revised = [
        ListSpec.model_validate(spec)
        for row in repository.all_lists(session)
        if (spec := cite_tags_in_values(row.spec)) != row.spec
    ]
    return (
        publish_lists(session, ListsIn(lists=revised), actor="system", now=now) if revised else []
    )


# --- the workflow -------------------------------------------------------------------------------


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


def _publish_change(
    session: Session, step: Step, entry: ListEntry, event: str, **detail: Any
) -> None:
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
        field=repository.field_of(session, entry.list_id),
        detail=detail,
    )


def _basis(
    session: Session, spec: ListSpec, subject_id: int, record_ids: list[int], today: date
) -> list[Record]:
    """The records an entry rests on, each a valid basis today (rules.require_basis)."""
    found = {r.id: r for r in subject_records_by_ids(session, subject_id, record_ids)}
    return rules.require_basis(spec, found, record_ids, today)


def propose_entry(session: Session, step: Step, list_code: str, body: EntryIn) -> ListEntry:
    """A candidate entry, by the identifying department, with its basis."""
    lst = repository.get_list(session, list_code)
    rules.require_identifying(step.principal, lst)
    dept = session.get_one(Department, step.principal.department_id)
    spec = spec_of(lst)
    subject = find_subject(session, body.subject, cipher=step.ctx.cipher)
    today = step.today
    rules.require_listed_until_ahead(body.listed_until, today)
    rules.require_responsible_persons_allowed(subject.kind, bool(body.responsible_persons))
    _basis(session, spec, subject.id, body.basis_records, today)
    rules.require_no_live_entry(repository.live_entry_on(session, subject.id, lst.id), lst.code)
    if lst.kind == ListKind.red:
        rules.refuse_blocked(repository.blocking_entries(session, subject.id, today))
    persons = rules.responsible_person_refs(body.responsible_persons, step.ctx.cipher, today)
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
    entry.state = rules.first_state(lst.kind)
    if entry.state == EntryState.notice:
        ends = rules.notice_end(calendar_for(session), today, spec.notice_days)
        entry.notice_ends_on = ends
        _add_step(
            session, step, entry, rules.notice_step(lst.kind), notice_ends_on=ends.isoformat()
        )
        if rules.noticed_publicly(lst.kind):
            _publish_change(session, step, entry, "noticed")
    return entry


def file_objection(session: Session, step: Step, entry_id: int, statement: str) -> ListObjection:
    """An objection to a red candidate in its public notice, or the subject's statement of
    its case (陈述申辩) in a black entry's prior notice (rules.require_may_object); the
    identifying department's task to verify it (rules.objection_verify_by)."""
    entry = repository.get_entry(session, entry_id, for_update=True)
    rules.require_may_object(step.principal, entry)
    objection = ListObjection(
        subject_id=entry.subject_id,
        id=step.ctx.ids.next_id(),
        entry_id=entry.id,
        statement=statement,
        filed_by=step.principal.actor,
        filed_at=step.now,
    )
    session.add(objection)
    verify_by = rules.objection_verify_by(calendar_for(session), step.today)
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
    entry = repository.get_entry(session, entry_id, for_update=True)
    rules.require_entry_department(step.principal, entry)
    objection = repository.get_objection(session, entry, objection_id)
    rules.require_undecided(objection)
    objection.upheld = upheld
    objection.decision_reason = reason
    objection.decided_by = step.principal.actor
    objection.decided_at = step.now
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
    if rules.withdrawn_by_objection(entry, upheld):
        entry.state = EntryState.withdrawn
        _add_step(session, step, entry, "withdrawn", reason=reason)
        if rules.noticed_publicly(entry.kind):
            _publish_change(session, step, entry, "withdrawn")
    return entry


def confirm_entry(session: Session, step: Step, entry_id: int) -> ListEntry:
    """Confirmation and publication: after the notice period, with every objection decided."""
    entry = repository.get_entry(session, entry_id, for_update=True)
    rules.require_entry_department(step.principal, entry)
    lst = session.get_one(CreditList, entry.list_id)
    spec = spec_of(lst)
    today = step.today
    rules.require_confirmable(entry, repository.objections_of(session, entry), today)
    # The basis must still stand on the day of confirmation.
    basis = _basis(session, spec, entry.subject_id, [int(r) for r in entry.basis_records], today)
    if entry.kind == ListKind.red:
        # Cross-checked again: the subject may have been black-listed during the notice.
        rules.refuse_blocked(repository.blocking_entries(session, entry.subject_id, today))
    entry.state = EntryState.listed
    entry.confirmed_at = step.now
    until = rules.listed_until(spec, today, basis, entry.listed_until)
    entry.listed_until = until
    entry.rectify_by = rules.rectify_by(calendar_for(session), spec, today)
    _add_step(
        session,
        step,
        entry,
        "confirmed",
        listed_until=until.isoformat(),
        rectify_by=entry.rectify_by.isoformat() if entry.rectify_by else None,
    )
    _publish_change(session, step, entry, "listed", listed_until=until.isoformat())
    if entry.kind == ListKind.black:
        _remove_from_red_lists(session, step, entry)
        _record_related_persons(session, step, entry, lst)
    return entry


def _remove_from_red_lists(session: Session, step: Step, black: ListEntry) -> None:
    """Once black-listed, the subject leaves every red list (rules.on_black_listing)."""
    for red in repository.live_red_entries(session, black.subject_id):
        detail = {"black_entry": str(black.id), "black_list": black.list_code}
        red.state = rules.on_black_listing(red)
        if red.state == EntryState.exited:
            red.exited_at = step.now
            red.exit_reason = ExitReason.black_listed
            red.benefits_recall = rules.recalls_benefits(red.kind, ExitReason.black_listed)
        event = red.state.value
        _add_step(session, step, red, event, reason="black_listed", **detail)
        _publish_change(session, step, red, event, reason="black_listed", **detail)


def _record_related_persons(
    session: Session, step: Step, entry: ListEntry, lst: CreditList
) -> None:
    """The failure of a black-listed organisation goes into the archives of the persons who
    answer for it (rules.answering_persons), as records collected in the identifying
    department's name; the persons it named become links, so that a check on the person
    reaches the organisation's measures."""
    org = session.get_one(Subject, entry.subject_id)
    if org.kind == SubjectKind.natural_person:
        return
    linked = linked_persons_in_force(session, org.id)
    cipher = step.ctx.cipher
    persons = rules.answering_persons(
        [(link.role, person.name, person.id_cipher) for link, person in linked],
        entry.responsible_persons,
        cipher,
    )
    if not persons:
        return
    provider = session.get_one(Department, entry.department_id)
    collector = procedure_collector(session, step, provider, Channel.same_level)
    raws = rules.responsibility_records(entry, lst, org, provider.name, persons, cipher, step.today)
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
        persons=[{"name": p.name, "responsibility": LINKED_ROLES[p.role.value]} for p in persons],
    )


def _link_responsible_persons(
    session: Session, step: Step, entry: ListEntry, batch_id: int
) -> None:
    hashes = [ref["id_hash"] for ref in entry.responsible_persons]
    person_ids = subject_ids_by_id_hash(session, hashes)
    records = record_ids_by_subject_in_batch(session, batch_id, person_ids.values())
    existing = linked_person_ids_in_role(session, entry.subject_id, LinkRole.responsible_person)
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
    why = ExitReason(reason)
    entry = repository.get_entry(session, entry_id, for_update=True)
    rules.require_entry_department(step.principal, entry, authority_too=rules.may_revoke(why))
    before = entry.state
    if rules.exit_move(entry, why) == EntryState.withdrawn:
        entry.state = EntryState.withdrawn
        _add_step(session, step, entry, "withdrawn", reason=reason, explanation=explanation)
        if rules.noticed_publicly(entry.kind):
            _publish_change(session, step, entry, "withdrawn", reason=reason)
    else:
        _exit(session, step, entry, why, explanation=explanation)
    if why == ExitReason.revocation:
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
    return entry


def leave_list(
    session: Session, step: Step, entry: ListEntry, reason: ExitReason, *, explanation: str
) -> None:
    """An entry leaves its list because another procedure decided so (rules.leaving_move).
    Measures stop at once either way."""
    move = rules.leaving_move(entry)
    if move == EntryState.exited:
        _exit(session, step, entry, reason, explanation=explanation)
    elif move == EntryState.withdrawn:
        entry.state = EntryState.withdrawn
        _add_step(session, step, entry, "withdrawn", reason=reason.value, explanation=explanation)
        _publish_change(session, step, entry, "withdrawn", reason=reason.value)


def _exit(
    session: Session, step: Step, entry: ListEntry, reason: ExitReason, *, explanation: str
) -> None:
    lst = session.get_one(CreditList, entry.list_id)
    entry.state = EntryState.exited
    entry.exited_at = step.now
    entry.exit_reason = reason
    detail: dict[str, Any] = {"reason": reason.value, "explanation": explanation}
    entry.monitoring_until = rules.monitoring_until(entry.kind, spec_of(lst), step.today)
    if entry.monitoring_until is not None:
        detail["monitoring_until"] = entry.monitoring_until.isoformat()
    if rules.recalls_benefits(entry.kind, reason):
        entry.benefits_recall = True
        detail["benefits_recall"] = True
    _add_step(session, step, entry, "exited", **detail)
    _add_step(session, step, entry, "exit_notice", notice=rules.exit_notice(lst, entry, reason))
    _publish_change(session, step, entry, "exited", **detail)


def expire_entries(session: Session, step: Step) -> int:
    """The daily job's part for lists: entries past their period leave with an exit notice.
    Idempotent (an exited entry is not listed), and after days of downtime it exits them all
    with the day they are processed; their measures stopped on time anyway (is_in_force)."""
    due = repository.entries_due_to_expire(session, step.today)
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
    entry = repository.get_entry(session, entry_id, for_update=True)
    rules.require_entry_department(step.principal, entry)
    rules.require_rectification_open(entry)
    entry.rectified_at = step.now
    _add_step(session, step, entry, "rectified", explanation=explanation)
    return entry


def record_interview(session: Session, step: Step, entry_id: int, *, fields: dict[str, Any]) -> int:
    """谁认定、谁约谈 (002 §（九）; 000 §（九））: past the rectification deadline without
    rectification, the identifying department holds a prompting or warning interview, and the
    interview enters the subject's archive as an ``interview`` record. Returns its id."""
    entry = repository.get_entry(session, entry_id, for_update=True)
    rules.require_entry_department(step.principal, entry)
    rectify_by = rules.require_interview_due(entry, step.today)
    subject = session.get_one(Subject, entry.subject_id)
    provider = session.get_one(Department, entry.department_id)
    count = sum(1 for s in repository.steps_of(session, entry) if s.step == "interview")
    raw = {
        "item": "interview",
        "source_id": f"{entry.id}:interview:{count + 1}",
        "subject": subject_ref(step, subject),
        "fields": {
            "interview_type": fields["interview_type"],
            "record_number": f"{entry.id}-{count + 1}",
            "interviewed_on": fields["interviewed_on"].isoformat(),
            "reason": f"未在 {rectify_by} 前完成整改：{entry.reason}",
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
    decrypt = step.ctx.cipher.decrypt
    key = (
        {"credit_code": subject.credit_code}
        if subject.credit_code
        else {"id_number": decrypt(subject.id_cipher)}  # type: ignore[arg-type]  # a person: set
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
    return record_id_in_batch(session, subject_id, collector.batch_id)
