"""The daily warning sweep (jobs.py, ``xinyong risk sweep``; docs/risk.md).

Each rule in force is one INSERT … SELECT over the archive (risk/repository's candidates):
the database finds the facts and inserts the warnings, no record passes through Python. The
key of a warning is (rule code, subject, basis fact) and the insert skips a key already there
(ON CONFLICT DO NOTHING), so a re-run, a run of another process or the next day's run never
warns twice of one fact. Then each new warning — few, against the records — is delivered in
the same transaction: its reason written (what the subject and the department read of why),
a task on the department's or the authority's queue, a change on the feed (topic ``risk``,
to the department's webhooks) and a message in the outbox for each address its audience
gave (risk/outbox.py sends them)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    Integer,
    Select,
    Table,
    cast,
    insert,
    literal,
    select,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from xinyong.catalog.service import PublishedCatalog, published_catalog
from xinyong.core import audit
from xinyong.core.auth import SYSTEM
from xinyong.core.calendar import Calendar, UnknownCalendarYear, calendar_for
from xinyong.core.clock import start_of_day
from xinyong.core.labels import GRADE_TITLES, LINKED_ROLES, WARNING_PHASES
from xinyong.departments.repository import authority_department_ids
from xinyong.evaluation.repository import grade_history
from xinyong.feeds.changes import RISK, deliver_to_departments, record_changes
from xinyong.lists.repository import get_list
from xinyong.models import (
    Audience,
    OutboxMessage,
    Record,
    RiskSweep,
    RiskWarning,
    WarningContact,
    WarningRule,
)
from xinyong.models.base import UTCDateTime
from xinyong.rights.step import Step
from xinyong.risk import repository, rules
from xinyong.risk.schemas import (
    CONDITION,
    AmountOver,
    CountWithin,
    DateDue,
    GradeDrop,
    LinkedToBlackList,
)
from xinyong.risk.service import basis_text
from xinyong.subjects.repository import keys_and_names
from xinyong.tasks.service import RISK_WARNING, open_task

# Working days a department or the authority has to look into a warning on its queue.
TASK_WORKING_DAYS = 5
# Warnings delivered per read of the undelivered ones.
CHUNK = 1000
log = logging.getLogger("xinyong.risk.sweep")
KEY = ("rule_code", "subject_id", "fact")


@dataclass
class SweepResult:
    day: date
    found: int  # warnings inserted by this run
    delivered: int
    by_rule: dict[str, int]


def sweep(session: Session, step: Step, *, force: bool = False) -> SweepResult | None:
    """Every rule in force once, as of ``step.today``; the caller holds the job's lock. Without
    ``force`` (the scheduled job) a day already swept is not swept again: None."""
    today = step.today
    if not force and repository.swept_on(session, today):
        return None
    dialect = session.get_bind().dialect.name
    calendar = calendar_for(session)
    by_rule: dict[str, int] = {}
    for rule in repository.rules_in_force(session):
        try:
            candidates = candidates_of(rule, dialect, today, calendar)
        except UnknownCalendarYear:
            # A working-day horizon in a year nobody loaded (the dashboard warns of it):
            # this rule waits for the calendar; the others run.
            log.warning("预警规则 %s 本次未运行：工作日历缺少所涉年度的节假日安排", rule.code)
            by_rule[rule.code] = 0
            continue
        by_rule[rule.code] = _insert(session, rule, candidates, step.now, dialect)
    delivered = deliver_new(session, step, calendar)
    found = sum(by_rule.values())
    done = session.get(RiskSweep, today)
    if done is None:
        session.add(RiskSweep(day=today, at=step.now, warnings=found))
    else:
        done.at, done.warnings = step.now, done.warnings + found
    return SweepResult(today, found, delivered, by_rule)


def candidates_of(rule: WarningRule, dialect: str, today: date, calendar: Calendar) -> Select:
    """The rule's condition as one select of subject_id, fact, record_id, due_on and
    department_id (the supervising department: the provider of the record it rests on)."""
    cond = CONDITION.validate_python(rule.condition)
    if isinstance(cond, DateDue):
        window = rules.due_window(
            today,
            within=cond.within,
            unit=cond.unit,
            overdue_days=cond.overdue_days,
            calendar=calendar,
        )
        return repository.date_due_candidates(
            dialect, item=cond.item, field=cond.field, window=window, done=cond.done
        )
    if isinstance(cond, CountWithin):
        start = rules.count_window_start(today, cond.months)
        return repository.count_within_candidates(
            item=cond.item, count=cond.count, start=start, today=today
        )
    if isinstance(cond, AmountOver):
        since = rules.recent_since(today, cond.within_days)
        return repository.amount_over_candidates(
            dialect,
            item=cond.item,
            field=cond.field,
            threshold=cond.threshold,
            since=since,
            today=today,
        )
    since_at = start_of_day(rules.recent_since(today, cond.within_days))
    if isinstance(cond, GradeDrop):
        return repository.grade_drop_candidates(bands=cond.bands, since=since_at)
    assert isinstance(cond, LinkedToBlackList)
    return repository.linked_black_list_candidates(roles=cond.roles, since=since_at, today=today)


def _insert(
    session: Session, rule: WarningRule, candidates: Select, now: datetime, dialect: str
) -> int:
    found = candidates.subquery()
    department = (
        cast(found.c.department_id, Integer)
        if rule.audience is Audience.department
        else cast(literal(None), Integer)
    )
    rows = select(
        literal(rule.id, BigInteger),
        literal(rule.code),
        found.c.subject_id,
        found.c.fact,
        literal(rule.audience.value),
        department,
        literal(rule.severity.value),
        cast(found.c.record_id, BigInteger),
        found.c.due_on if dialect != "postgresql" else cast(found.c.due_on, Date),
        literal(now, UTCDateTime()),
    ).where(true())  # SQLite's parser needs a WHERE before ON CONFLICT after a SELECT
    columns = [
        "rule_id",
        "rule_code",
        "subject_id",
        "fact",
        "audience",
        "department_id",
        "severity",
        "record_id",
        "due_on",
        "created_at",
    ]
    table = RiskWarning.__table__
    assert isinstance(table, Table)
    if dialect == "postgresql":
        stmt: Any = postgresql.insert(table).from_select(columns, rows)
    elif dialect == "sqlite":
        stmt = sqlite.insert(table).from_select(columns, rows)
    else:  # pragma: no cover - the two databases the platform runs on
        stmt = insert(table).from_select(columns, rows)
    # RETURNING counts what was inserted: psycopg reports no rowcount for this statement.
    stmt = stmt.on_conflict_do_nothing(index_elements=list(KEY)).returning(table.c.id)
    return len(session.execute(stmt).all())


# ---- delivery of the new warnings


@dataclass(frozen=True)
class Read:
    """What a batch of warnings' reasons and messages read, each in one query for the batch:
    the published catalog, the records they rest on by (subject, id), and the live contacts
    by owner (("subject", id) or ("department", id))."""

    catalog: PublishedCatalog | None
    records: dict[tuple[int, int], Record]
    contacts: dict[tuple[str, int], list[WarningContact]]


def records_by_key(session: Session, batch: list[RiskWarning]) -> dict[tuple[int, int], Record]:
    wanted = {(w.subject_id, w.record_id) for w in batch if w.record_id is not None}
    found = repository.records_by_keys(session, wanted)
    return {(r.subject_id, r.id): r for r in found}


def contacts_by_owner(
    session: Session, batch: list[RiskWarning], authority: list[int]
) -> dict[tuple[str, int], list[WarningContact]]:
    subjects = {w.subject_id for w in batch if w.audience is Audience.subject}
    addressed = [w.department_id for w in batch if w.audience is not Audience.subject]
    departments = {d for d in addressed if d is not None}
    if None in addressed:  # addressed to the authority
        departments.update(authority)
    by_owner: dict[tuple[str, int], list[WarningContact]] = {}
    for contact in repository.live_contacts(session, subjects, departments):
        if contact.subject_id is not None:
            by_owner.setdefault(("subject", contact.subject_id), []).append(contact)
        if contact.department_id is not None:
            by_owner.setdefault(("department", contact.department_id), []).append(contact)
    return by_owner


def deliver_new(session: Session, step: Step, calendar: Calendar) -> int:
    """The warnings not yet delivered: reason, task, feed change, outbox messages; audited.
    A thousand at a time, each kind of row written for all of them at once (a first sweep
    over a whole archive delivers tens of thousands)."""
    delivered = 0
    acts: list[audit.Act] = []
    authority = authority_department_ids(session)
    catalog = published_catalog(session)
    while True:
        session.flush()
        batch = repository.undelivered(session, CHUNK)
        if not batch:
            break
        by_id = repository.rules_by_id(session, {w.rule_id for w in batch})
        names = keys_and_names(session, {w.subject_id for w in batch})
        # What the batch's reasons and messages read, each in one query, not one a warning.
        read = Read(
            catalog,
            records_by_key(session, batch),
            contacts_by_owner(session, batch, authority),
        )
        due = _task_due(calendar, step.today)
        changes: list[dict[str, Any]] = []
        for warning in batch:
            rule = by_id[warning.rule_id]
            name = names.get(warning.subject_id, (None, None, ""))[2]
            warning.reason = explain(session, warning, rule, step.today, calendar, read)
            changes.append(_deliver(session, step, warning, rule, name, authority, read, due))
            acts.append(
                audit.Act(
                    actor=SYSTEM.actor,
                    action="warning.issued",
                    at=step.now,
                    subject_id=warning.subject_id,
                    target_type="warning",
                    target_id=warning.id,
                    detail={"rule": rule.code, "fact": warning.fact},
                )
            )
            delivered += 1
        # The batch's changes numbered in one statement, in the warnings' order; each
        # addressed to a department queued for its webhooks.
        session.flush()
        last = record_changes(session, at=step.now, topic=RISK, changes=changes)
        first = last - len(changes) + 1
        deliver_to_departments(
            session,
            [
                (first + i, w.department_id)
                for i, w in enumerate(batch)
                if w.department_id is not None
            ],
            at=step.now,
            ids=step.ctx.ids,
        )
    audit.log_many(session, acts)
    return delivered


def _deliver(
    session: Session,
    step: Step,
    warning: RiskWarning,
    rule: WarningRule,
    name: str,
    authority: list[int],
    read: Read,
    due: date,
) -> dict[str, Any]:
    """The warning's task (a department's or the authority's) and outbox messages, added to
    the session; its change on the feed, returned to be numbered with the batch's."""
    if warning.audience is not Audience.subject:
        open_task(
            session,
            step,
            subject_id=warning.subject_id,
            kind=RISK_WARNING,
            procedure="warning",
            procedure_id=warning.id,
            department_id=warning.department_id,
            title=f"{rule.title}：{name}",
            due_on=due,
        )
    if warning.audience is Audience.subject:
        contacts = read.contacts.get(("subject", warning.subject_id), [])
    elif warning.department_id is not None:
        contacts = read.contacts.get(("department", warning.department_id), [])
    else:
        contacts = [c for d in authority for c in read.contacts.get(("department", d), [])]
    title, body = message_of(warning, rule, name, step.ctx.settings.public_url)
    session.add_all(
        OutboxMessage(
            warning_id=warning.id,
            channel=channel,
            recipient=address,
            title=title,
            body=body,
            status="pending",
            attempts=0,
            next_attempt_at=step.now,
            created_at=step.now,
        )
        for channel, address in {(c.channel, c.address) for c in contacts}
    )
    warning.delivered_at = step.now
    return {
        "event": "risk_warning",
        "subject_id": warning.subject_id,
        "detail": {
            "warning_id": str(warning.id),
            "rule": rule.code,
            "audience": warning.audience.value,
            "severity": warning.severity.value,
        },
    }


def _task_due(calendar: Calendar, today: date) -> date:
    """The task's last day: 5 working days on; a week when the calendar lacks the year."""
    try:
        return calendar.add_working_days(today, TASK_WORKING_DAYS)
    except UnknownCalendarYear:
        return today + timedelta(days=7)


def message_of(
    warning: RiskWarning, rule: WarningRule, name: str, public_url: str
) -> tuple[str, str]:
    """The e-mail's or SMS's title and text, in Chinese."""
    reason = warning.reason or {}
    where = (
        f"请登录 {public_url.rstrip('/')}/me/warnings 查看详情。"
        if warning.audience is Audience.subject
        else "请在任务队列中核查处置。"
    )
    title = f"【风险预警】{rule.title}"
    body = (
        f"{name}：\n{reason.get('text', rule.title)}\n"
        f"依据：{reason.get('basis', '')}\n预警编号：{warning.id}\n{where}"
    )
    return title, body


# ---- why: the reason the warned read


def explain(
    session: Session,
    warning: RiskWarning,
    rule: WarningRule,
    today: date,
    calendar: Calendar,
    read: Read,
) -> dict[str, Any]:
    cond = CONDITION.validate_python(rule.condition)
    reason: dict[str, Any] = {
        "rule": rule.code,
        "title": rule.title,
        "basis": basis_text(rule.basis_title, rule.basis_number, rule.basis_article),
        "records": [],
    }
    catalog = read.catalog

    def item_name(code: str) -> str:
        item = None if catalog is None else catalog.items.get(code)
        return item.spec.name if item else code

    def label(code: str, field: str) -> str:
        item = None if catalog is None else catalog.items.get(code)
        spec = item.fields.get(field) if item else None
        return spec.label if spec is not None else field

    if isinstance(cond, DateDue) and warning.record_id is not None and warning.due_on:
        phase = warning.fact.rsplit(":", 1)[-1]
        due = warning.due_on
        if phase == "due":
            if cond.unit == "working_days":
                left = f"还有 {calendar.working_days_between(today, due)} 个工作日"
            else:
                left = f"还有 {(due - today).days} 日"
        else:
            left = f"已逾期 {(today - due).days} 日"
        reason["text"] = (
            f"{item_name(cond.item)}的「{label(cond.item, cond.field)}」为 {due.isoformat()}，"
            f"{WARNING_PHASES[phase]}（{left}）。"
        )
        reason["dates"] = {"due_on": due.isoformat(), "today": today.isoformat(), "phase": phase}
        reason["records"] = _records(read, warning, cond.item)
    elif isinstance(cond, CountWithin):
        start = rules.count_window_start(today, cond.months)
        found = repository.records_in_window(session, warning.subject_id, cond.item, start, today)
        reason["text"] = (
            f"{start.isoformat()} 至 {today.isoformat()}（近 {cond.months} 个月）内有 "
            f"{len(found)} 条{item_name(cond.item)}，达到 {cond.count} 条。"
        )
        reason["dates"] = {"from": start.isoformat(), "to": today.isoformat()}
        reason["records"] = [_record_ref(r) for r in found]
    elif isinstance(cond, AmountOver) and warning.record_id is not None:
        refs = _records(read, warning, cond.item)
        value = refs[0]["fields"].get(cond.field) if refs else None
        reason["text"] = (
            f"{item_name(cond.item)}的「{label(cond.item, cond.field)}」为 {value}，"
            f"超过 {cond.threshold}。"
        )
        reason["records"] = refs
    elif isinstance(cond, GradeDrop):
        change_id = int(warning.fact.split(":", 1)[1])
        change = next(
            (c for c in grade_history(session, warning.subject_id) if c.id == change_id), None
        )
        if change is not None and change.previous_grade is not None:
            reason["text"] = (
                f"公共信用综合评价等级由 {GRADE_TITLES[change.previous_grade.value]} 降为 "
                f"{GRADE_TITLES[change.grade.value]}（{change.at.date().isoformat()}）。"
            )
            reason["dates"] = {"changed_at": change.at.isoformat()}
            reason["grades"] = {"from": change.previous_grade.value, "to": change.grade.value}
    elif isinstance(cond, LinkedToBlackList) and warning.record_id is not None:
        reason["path"] = _paths(session, warning.subject_id, cond)
        shown = "；".join(p["text"] for p in reason["path"])
        refs = _records(read, warning, None)
        what = item_name(refs[0]["item"]) if refs else "失信信息"
        reason["text"] = f"新增{what}；{shown}。"
        reason["records"] = refs
    reason.setdefault("text", rule.title)
    return reason


def _record_ref(record: Any) -> dict[str, Any]:
    return {
        "id": str(record.id),
        "item": record.item_code,
        "determined_on": record.determined_on.isoformat() if record.determined_on else None,
        "fields": {
            k: v
            for k, v in record.fields.items()
            if k in ("decision_number", "licence_number", "record_number", "fine_amount")
            or k.endswith("_on")
            or k.endswith("_to")
        },
    }


def _records(read: Read, warning: RiskWarning, item: str | None) -> list[dict[str, Any]]:
    """The record a warning rests on, as its reason names it (none if it is not stored)."""
    if warning.record_id is None:
        return []
    found = read.records.get((warning.subject_id, warning.record_id))
    return [_record_ref(found)] if found and (item is None or found.item_code == item) else []


def _paths(session: Session, subject_id: int, cond: LinkedToBlackList) -> list[dict[str, Any]]:
    """Each person linking the organisation to a black-listed one: 「张三 是本单位的法定代表人，
    也是 A 公司（失信被执行人名单）的法定代表人」."""
    rows = repository.black_list_paths(session, subject_id, cond.roles)
    names = keys_and_names(session, {r[0] for r in rows} | {r[2] for r in rows} | {subject_id})
    list_names: dict[str, str] = {}
    paths = []
    for person, role_here, other, role_there, list_code in rows:
        if list_code not in list_names:
            list_names[list_code] = get_list(session, list_code).spec.get("name", list_code)
        person_name = names.get(person, (None, None, ""))[2]
        other_code, _, other_name = names.get(other, (None, None, ""))
        paths.append(
            {
                "person": person_name,
                "role": role_here.value,
                "organisation": other_code,
                "organisation_name": other_name,
                "role_there": role_there.value,
                "list": list_code,
                "text": (
                    f"{person_name} 是本单位的{LINKED_ROLES[role_here.value]}，也是"
                    f"{other_name}（{list_names[list_code]}）的{LINKED_ROLES[role_there.value]}"
                ),
            }
        )
    return paths
