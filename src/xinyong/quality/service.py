"""Data quality (数据质量, issue 18 part 3; docs/quality.md): the quality rules as versioned
data, published and audited like the platform's other rules; the findings as providers and
the authority read them; the provider's settling of a finding — confirmed, corrected through
a new record that replaces the old by a revision (records/standing: never an edit in place,
Measures art. 36), or withdrawn —; and 零报送, a provider's "nothing to report this period".

A finding's life (quality/rules):

    open ──confirm (the record is right, with a reason)──▶ confirmed
      │──correct (a new record replaces it: old → corrected)──▶ corrected
      │──withdraw (a copy pushed twice: old → revoked)──▶ withdrawn
      └──(the record left force by an objection or repair first: the next run)──▶ superseded

The rule sets are quality/ruleset.py; the runs that find findings, and the update-cycle
monitor, quality/run.py; the month's scores quality/scores.py (``provider_scores`` and
``findings_counts``, re-exported here for the monthly collection report)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.catalog.duties import must_provide, period_of
from xinyong.catalog.service import field_labels, published_catalog
from xinyong.core import audit
from xinyong.core.auth import Principal
from xinyong.core.calendar import calendar_for
from xinyong.departments.repository import department_by_id
from xinyong.departments.service import department_names
from xinyong.errors import Conflict, Forbidden, InvalidRequest, NotFound
from xinyong.lists.service import procedure_collector
from xinyong.models import (
    Department,
    LastPush,
    NilReturn,
    QualityFinding,
    Record,
    Role,
    Standing,
    Subject,
)
from xinyong.quality import repository, rules
from xinyong.quality.repository import FindingFilter
from xinyong.quality.ruleset import rule_set_in_force
from xinyong.quality.schemas import (
    CorrectionIn,
    DutyOut,
    FindingOut,
    NilReturnIn,
)

# Re-exported for the monthly collection report (docs/quality.md § the score).
from xinyong.quality.scores import findings_counts as findings_counts
from xinyong.quality.scores import provider_scores as provider_scores
from xinyong.records.repository import (
    record_id_in_batch,
    record_with_item_and_provider,
    source_ids_of_item,
    subjects_in_batches,
)
from xinyong.records.standing import change_standing, get_record
from xinyong.rights.step import Step
from xinyong.subjects.repository import keys_and_names
from xinyong.tasks.service import QUALITY_FINDING, UPDATE_OVERDUE, close_tasks

# The tasks of a provider's own duties are about no subject: the tasks table is keyed by
# subject (docs/architecture.md), and these live under subject 0.
QUEUE_SUBJECT = 0
RUN_PROCEDURE = "quality_run"
DUTY_PROCEDURE = "quality_duty"
# The procedure a record's revision names when a finding corrects or withdraws it.
PROCEDURE = "quality"
# Why a department or the authority reads findings (the audit log's purpose of its reads).
READ_PURPOSE = "数据质量核查"
CORRECTION_MARK = "#质量更正"


# ---- findings as their readers see them


def _provider_scope(principal: Principal) -> int | None:
    """Whose findings a caller reads: a provider its own, the authority all."""
    if principal.role is Role.authority:
        return None
    if principal.role is Role.provider and principal.department_id is not None:
        return principal.department_id
    raise Forbidden("无权查看数据质量问题", "not allowed to read findings", code="forbidden")


def findings_for(
    session: Session,
    principal: Principal,
    flt: FindingFilter,
    *,
    now: datetime,
    department: str | None = None,
) -> tuple[list[FindingOut], int]:
    """A page of the caller's findings, newest first, with the total; each read logged in its
    subject's query log (the findings show the records' subjects and contents)."""
    provider = _provider_scope(principal)
    if provider is None and department is not None:
        provider = _department_id(session, department)
    rows, total = repository.find_findings(
        session, FindingFilter(**{**flt.__dict__, "provider_id": provider})
    )
    _log_reads(session, principal, rows, now)
    return findings_out(session, rows), total


def finding_for(
    session: Session, principal: Principal, finding_id: int, *, now: datetime
) -> FindingOut:
    """One finding; another provider's is 404, as if it did not exist."""
    found = _readable(session, principal, finding_id)
    _log_reads(session, principal, [found], now)
    return findings_out(session, [found])[0]


def finding_record(session: Session, principal: Principal, finding_id: int) -> tuple[Record, str]:
    """The record a finding the caller may read is about, with its item's name (a finding's
    record always exists: records are never deleted)."""
    finding = _readable(session, principal, finding_id)
    row = record_with_item_and_provider(session, finding.subject_id, finding.record_id)
    assert row is not None  # records are never deleted
    return row[0], row[1]


def _readable(
    session: Session, principal: Principal, finding_id: int, *, for_update: bool = False
) -> QualityFinding:
    provider = _provider_scope(principal)
    found = repository.get_finding(session, finding_id, for_update=for_update)
    if found is None or (provider is not None and found.provider_id != provider):
        raise NotFound(
            f"没有编号为 {finding_id} 的数据质量问题",
            f"no finding {finding_id}",
            field="id",
            code="unknown_finding",
        )
    return found


def _department_id(session: Session, code: str) -> int:
    found = session.execute(select(Department.id).where(Department.code == code)).scalar()
    if found is None:
        raise InvalidRequest(
            "部门不存在", "no such department", field="department", code="unknown_department"
        )
    return found


def _log_reads(
    session: Session, principal: Principal, rows: list[QualityFinding], now: datetime
) -> None:
    audit.log_many(
        session,
        [
            audit.Act(
                actor=principal.actor,
                action="quality_finding.read",
                at=now,
                subject_id=f.subject_id,
                target_type="quality_finding",
                target_id=f.id,
                purpose=READ_PURPOSE,
            )
            for f in rows
        ],
    )


def findings_out(session: Session, rows: list[QualityFinding]) -> list[FindingOut]:
    subjects = keys_and_names(session, {f.subject_id for f in rows})
    departments = {d.id: d for d in _departments(session, {f.provider_id for f in rows})}
    in_force = rule_set_in_force(session).rules
    titles = {r.code: r.title for r in in_force}
    kinds = {r.code: r.check.kind for r in in_force}
    catalog = published_catalog(session)
    items = {} if catalog is None else catalog.items
    out = []
    for f in rows:
        code, masked, name = subjects.get(f.subject_id, (None, None, None))
        dept = departments.get(f.provider_id)
        item = items.get(f.item_code)
        out.append(
            FindingOut.model_validate(
                {
                    "id": str(f.id),
                    "rule": f.rule_code,
                    "rule_title": titles.get(f.rule_code, f.rule_code),
                    "check": kinds.get(f.rule_code),
                    "severity": f.severity,
                    "state": f.state,
                    "department": dept.code if dept else "",
                    "department_name": dept.name if dept else "",
                    "item": f.item_code,
                    "item_name": item.spec.name if item else f.item_code,
                    "record_id": str(f.record_id),
                    "subject": code or masked,
                    "subject_name": name,
                    "fact": f.fact,
                    "found_at": f.found_at,
                    "closed_at": f.closed_at,
                    "reason": f.reason,
                    "new_record_id": None if f.new_record_id is None else str(f.new_record_id),
                }
            )
        )
    return out


def fact_texts(session: Session, findings: list[FindingOut]) -> dict[str, str]:
    """What each finding found, as a person reads it: the empty 双公示 fields by their labels
    in the catalog (the API gives their names); any other fact as it is."""
    labels = field_labels(session)
    out = {}
    for f in findings:
        fact = f.fact or ""
        if f.check == "dual_publicity_fields_empty":
            names = labels.get(f.item, {})
            fact = "、".join(names.get(n, n) for n in fact.split(",") if n)
        out[f.id] = fact
    return out


def _departments(session: Session, ids: set[int]) -> list[Department]:
    return [department_by_id(session, i) for i in sorted(ids)]


# ---- the provider settles a finding


def confirm(session: Session, step: Step, finding_id: int, reason: str) -> QualityFinding:
    """The record is right (Measures art. 16: the provider answers for it): closed as
    confirmed, with the reason."""
    finding = _settled_by_provider(session, step, finding_id)
    _close(session, step, [finding], rules.CONFIRMED, reason)
    return finding


def withdraw(session: Session, step: Step, finding_id: int, reason: str) -> QualityFinding:
    """The record should not stand (a copy pushed twice): revoked by a revision, its open
    findings closed as withdrawn."""
    finding = _settled_by_provider(session, step, finding_id)
    record = _active_record(session, finding)
    change_standing(
        session,
        step,
        record,
        Standing.revoked,
        procedure=PROCEDURE,
        reason=f"数据质量问题 {finding.id}：{reason}",
        detail={"finding_id": str(finding.id)},
    )
    others = repository.open_findings_of_record(session, record.subject_id, record.id)
    _close(session, step, others, rules.WITHDRAWN, reason)
    return finding


def correct(session: Session, step: Step, finding_id: int, body: CorrectionIn) -> QualityFinding:
    """The corrected record, collected like any pushed record (the same validation), replaces
    the original: the original becomes ``corrected`` by a revision naming the new record, and
    stays in the subject's history (Measures art. 36: 非经法定程序不得 … 更改)."""
    finding = _settled_by_provider(session, step, finding_id)
    record = _active_record(session, finding)
    raw = body.record.model_dump(mode="json", exclude_none=True)
    if raw["item"] != record.item_code:
        raise InvalidRequest(
            "更正后的信息应属于同一信息项",
            f"the corrected record must be of item {record.item_code}",
            field="record.item",
            code="item_mismatch",
        )
    if raw["source_id"].strip() == record.source_id:
        # The same record of the provider's: its key must still differ from the original's.
        base = record.source_id
        siblings = source_ids_of_item(
            session, record.subject_id, record.provider_id, record.item_code
        )
        earlier = sum(1 for s in siblings if s.startswith(base + CORRECTION_MARK))
        raw["source_id"] = f"{base}{CORRECTION_MARK}{earlier + 1}"
    provider = department_by_id(session, record.provider_id)
    collector = procedure_collector(session, step, provider, record.channel)
    collector.feed([(0, raw)])
    answer = collector.finish()
    if answer["rejected"]:
        errors = answer["rejected"][0]["errors"]
        first = errors[0]
        raise InvalidRequest(
            f"更正后的信息无效：{first['message']}",
            f"the corrected record is invalid: {first['message_en']}",
            field=f"record.{first['field']}" if first["field"] else "record",
            code=first["code"],
            errors=errors,
        )
    if not answer["accepted"]:
        raise Conflict(
            "更正后的信息与已有信息相同，未产生新记录",
            "the corrected record is already stored: nothing replaces the original",
            field="record.source_id",
            code="correction_duplicate",
        )
    subject_id = next(iter(subjects_in_batches(session, [collector.batch_id])))
    new_id = record_id_in_batch(session, subject_id, collector.batch_id)
    change_standing(
        session,
        step,
        record,
        Standing.corrected,
        procedure=PROCEDURE,
        reason=f"数据质量问题 {finding.id}：{body.reason}",
        detail={"finding_id": str(finding.id), "new_record_id": str(new_id)},
    )
    others = repository.open_findings_of_record(session, record.subject_id, record.id)
    _close(session, step, others, rules.CORRECTED, body.reason, new_record_id=new_id)
    return finding


def correction_record(
    session: Session,
    step: Step,
    finding_id: int,
    *,
    credit_code: str,
    name: str,
    fields: dict[str, str],
    severity: str,
    determined_on: str,
) -> dict[str, Any]:
    """The corrected record as a form gives it (the department console), made whole: the
    original's key for a person (a page never shows a whole ID number), and each ID-number
    field left blank kept as the original's (shown masked, never whole)."""
    finding = _readable(session, step.principal, finding_id)
    record = get_record(session, finding.subject_id, finding.record_id)
    subject = session.get_one(Subject, record.subject_id)
    decrypt = step.ctx.cipher.decrypt
    key: dict[str, str]
    if subject.credit_code is not None:
        key = {"credit_code": credit_code.strip() or subject.credit_code}
    else:
        key = {"id_number": decrypt(subject.id_cipher or "")}
    given = {k: v.strip() for k, v in fields.items() if v.strip()}
    for k, v in (record.protected or {}).items():
        given.setdefault(k, decrypt(v))
    return {
        "item": record.item_code,
        "source_id": record.source_id,
        "subject": {**key, "name": name.strip()},
        "fields": given,
        "severity": severity.strip() or None,
        "determined_on": determined_on.strip() or None,
    }


def owed_items(session: Session, department: Department) -> list[tuple[str, str]]:
    """(code, name) of the items the department must send (catalog/duties.must_provide)."""
    catalog = published_catalog(session)
    if catalog is None:
        return []
    return [
        (code, item.spec.name)
        for code, item in catalog.items.items()
        if must_provide(item.spec, department.kind)
    ]


def _settled_by_provider(session: Session, step: Step, finding_id: int) -> QualityFinding:
    finding = _readable(session, step.principal, finding_id, for_update=True)
    rules.require_provider_of(step.principal, finding.provider_id)
    rules.require_open(finding.state)
    return finding


def _active_record(session: Session, finding: QualityFinding) -> Record:
    record = get_record(session, finding.subject_id, finding.record_id, for_update=True)
    if record.standing is not Standing.active:
        raise Conflict(
            "该记录已不在有效状态，不能再更正或撤回",
            f"the record is {record.standing.value}",
            field="finding",
            code="record_not_active",
            standing=record.standing.value,
        )
    return record


def _close(
    session: Session,
    step: Step,
    findings: list[QualityFinding],
    state: str,
    reason: str,
    *,
    new_record_id: int | None = None,
) -> None:
    """Close the findings as ``state`` (audited, each), and the tasks of their runs left
    without an open finding of their provider."""
    for f in findings:
        f.state, f.closed_at, f.closed_by, f.reason = state, step.now, step.principal.actor, reason
        f.new_record_id = new_record_id
        audit.log(
            session,
            actor=step.principal.actor,
            action=f"quality_finding.{state}",
            at=step.now,
            subject_id=f.subject_id,
            target_type="quality_finding",
            target_id=f.id,
            detail={
                "rule": f.rule_code,
                "record_id": str(f.record_id),
                "reason": reason,
                **({"new_record_id": str(new_record_id)} if new_record_id else {}),
            },
        )
    session.flush()
    close_run_tasks(session, step, {(f.run_id, f.provider_id) for f in findings})


def close_run_tasks(session: Session, step: Step, runs: set[tuple[int, int]]) -> int:
    """The task of each (run, provider) whose findings are all settled is done."""
    still = repository.open_run_providers(session, runs)
    closed = 0
    for run_id, provider_id in sorted(runs - still):
        closed += close_tasks(
            session,
            step,
            subject_id=QUEUE_SUBJECT,
            procedure_id=run_id,
            kind=QUALITY_FINDING,
            department_id=provider_id,
        )
    return closed


# ---- 零报送


def file_nil_return(session: Session, step: Step, data: NilReturnIn) -> tuple[NilReturn, int]:
    """A provider has nothing of an item to report this period (Measures art. 16: 及时): the
    statement counts as a push of the item, and the item's overdue duty, if any, closes. Only
    for an item the provider owes. Returns it and the duties closed."""
    principal = step.principal
    if principal.role is not Role.provider or principal.department_id is None:
        raise Forbidden("只有信息提供单位可以零报送", "providers only", code="forbidden")
    provider = department_by_id(session, principal.department_id)
    catalog = published_catalog(session)
    item = None if catalog is None else catalog.items.get(data.item_code)
    if item is None or not must_provide(item.spec, provider.kind):
        raise InvalidRequest(
            "本部门不承担该信息项的报送责任",
            f"{data.item_code} is not an item this provider must send",
            field="item_code",
            code="not_owed",
        )
    start, end = period_of(item.spec.update_cycle, step.today, calendar_for(session))
    row = NilReturn(
        provider_id=provider.id,
        item_code=data.item_code,
        period_from=start,
        period_to=end,
        note=data.note,
        filed_by=principal.actor,
        filed_at=step.now,
    )
    session.add(row)
    pushed = session.get(LastPush, (provider.id, data.item_code))
    if pushed is None:
        session.add(LastPush(provider_id=provider.id, item_code=data.item_code, pushed_at=step.now))
    elif pushed.pushed_at < step.now:
        pushed.pushed_at = step.now
    session.flush()
    audit.log(
        session,
        actor=principal.actor,
        action="nil_return.filed",
        at=step.now,
        target_type="nil_return",
        target_id=row.id,
        detail={
            "item": data.item_code,
            "period_from": start.isoformat(),
            "period_to": end.isoformat(),
        },
    )
    closed = 0
    duty = repository.open_duty(session, provider.id, data.item_code)
    if duty is not None:
        close_duty(session, step, duty, "nil_return")
        closed = 1
    return row, closed


def close_duty(session: Session, step: Step, duty: Any, how: str) -> None:
    """An overdue duty met (a push, a 零报送) or no longer owed: closed with its task."""
    duty.closed_at, duty.closed_how = step.now, how
    close_tasks(session, step, subject_id=QUEUE_SUBJECT, procedure_id=duty.id, kind=UPDATE_OVERDUE)
    audit.log(
        session,
        actor=step.principal.actor,
        action="overdue_duty.closed",
        at=step.now,
        target_type="overdue_duty",
        target_id=duty.id,
        detail={"provider_id": duty.provider_id, "item": duty.item_code, "how": how},
    )


def duties_for(
    session: Session, principal: Principal, *, open_only: bool, limit: int, offset: int
) -> tuple[list[DutyOut], int]:
    provider = _provider_scope(principal)
    rows, total = repository.duties_of(
        session, provider, open_only=open_only, limit=limit, offset=offset
    )
    return duties_out(session, rows), total


def duties_out(session: Session, rows: list[Any]) -> list[DutyOut]:
    names = department_names(session)
    codes = {d.id: d.code for d in _departments(session, {r.provider_id for r in rows})}
    catalog = published_catalog(session)
    items = {} if catalog is None else catalog.items
    return [
        DutyOut(
            id=str(d.id),
            department=codes[d.provider_id],
            department_name=names.get(codes[d.provider_id], ""),
            item=d.item_code,
            item_name=items[d.item_code].spec.name if d.item_code in items else d.item_code,
            update_cycle=d.update_cycle,
            last_push_on=d.last_push_on,
            pushed_before=d.pushed_before,
            due_by=d.due_by,
            opened_at=d.opened_at,
            closed_at=d.closed_at,
            closed_how=d.closed_how,
        )
        for d in rows
    ]
