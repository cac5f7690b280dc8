"""A run of the quality checks (docs/quality.md): the daily job's (jobs.py, under its lock, once
a day), ``xinyong quality check`` (the batches since the last run) and ``--full`` (every
record). One transaction:

1. the last push of each item by each provider, from the batches in the window;
2. each enabled rule's findings, one INSERT … SELECT each (quality/checks.py);
3. open findings whose record left force by another procedure: superseded;
4. a task on each provider's queue for the run's findings of its records;
5. the update-cycle monitor: for every provider department and every item it must send
   (catalog/duties.must_provide), overdue by its update cycle (catalog/duties.is_overdue) from
   its last push — or from the department's creation if it never pushed —, one overdue duty
   with its task, at most one open per provider and item; closed once a push (or a 零报送)
   has arrived, or when the item is no longer owed.

The window: the batches received after the end of the last run's, less ten minutes (a batch
stamped before a run but committed after it is still read; a record read twice is found once,
the findings being unique by rule and record), up to now. The first run reads everything."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from xinyong.catalog.duties import duties
from xinyong.catalog.service import published_catalog
from xinyong.core import audit
from xinyong.core.calendar import UnknownCalendarYear, calendar_for
from xinyong.core.clock import local_date
from xinyong.core.labels_quality import QUALITY_RUN_KINDS
from xinyong.departments.repository import provider_departments
from xinyong.models import OverdueDuty, QualityRun
from xinyong.quality import checks, repository, rules
from xinyong.quality.checks import Window
from xinyong.quality.ruleset import rule_set_in_force
from xinyong.quality.schemas import RuleSetOut
from xinyong.quality.service import (
    DUTY_PROCEDURE,
    QUEUE_SUBJECT,
    RUN_PROCEDURE,
    close_duty,
    close_run_tasks,
)
from xinyong.rights.step import Step
from xinyong.tasks.service import QUALITY_FINDING, UPDATE_OVERDUE, open_task

# Longer than any batch's transaction (evaluation/cursor.py keeps the same).
OVERLAP = timedelta(minutes=10)
KINDS = ("daily", "incremental", "full")
# The run's last phase, after the rules: superseded findings, tasks, the update-cycle monitor.
PHASE_AFTER = "tasks_and_duties"
# PostgreSQL's memory for one sort or hash of a run (its transaction only).
WORK_MEM = "64MB"
log = logging.getLogger("xinyong.quality.run")


@dataclass
class RunResult:
    run_id: int
    kind: str
    window: Window
    found: dict[str, int]
    superseded: int
    duties_opened: int
    duties_closed: int


def daily(session: Session, step: Step) -> RunResult | None:
    """The scheduled job's run: once a day (as of ``step.today``); None on a day already run.
    The caller holds the job's lock."""
    if repository.ran_daily_on(session, step.today):
        return None
    return check(session, step, kind="daily")


def check(
    session: Session,
    step: Step,
    *,
    kind: str,
    on_phase: Callable[[str], None] | None = None,
) -> RunResult:
    """One run of every enabled rule over its window, then the update-cycle monitor.
    ``on_phase`` is told each rule's code as it starts, then ``PHASE_AFTER`` (the CLI's
    progress bar, the benchmark's phases)."""
    if kind not in KINDS:
        raise ValueError(f"unknown run kind {kind!r}")
    rule_set = rule_set_in_force(session)
    catalog = published_catalog(session)
    items = {} if catalog is None else catalog.items
    if session.get_bind().dialect.name == "postgresql":
        # Measured on 1,000,000 records (benchmarks/quality.py): compiling the checks'
        # expressions cost PostgreSQL's JIT more than running them (0.3 to 2.5 s a rule); and
        # the duplicate check's grouping spilled to disk at the default 4 MB.
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text(f"SET LOCAL work_mem = '{WORK_MEM}'"))
    last = repository.last_read_until(session)
    since = None if last is None else last - OVERLAP
    # The last pushes follow the batches from the cursor whatever the kind: a full run checks
    # every record again, the pushes it would read again are known.
    pushes = Window(since=since, until=step.now)
    window = Window(since=None if kind == "full" else since, until=step.now)
    run = QualityRun(
        kind=kind,
        day=step.today,
        since=window.since,
        until=window.until,
        rule_set_version=rule_set.version,
        started_by=step.principal.actor,
        started_at=step.now,
    )
    session.add(run)
    session.flush()
    checks.update_last_pushes(session, pushes)
    found: dict[str, int] = {}
    for rule in rule_set.rules:
        if not rule.enabled:
            continue
        if on_phase is not None:
            on_phase(rule.code)
        found[rule.code] = checks.insert_findings(
            session,
            rule_code=rule.code,
            severity=rule.severity,
            check=rule.check,
            items=items,
            window=window,
            run_id=run.id,
            now=step.now,
        )
    if on_phase is not None:
        on_phase(PHASE_AFTER)
    superseded = supersede(session, step)
    _open_run_tasks(session, step, run, rule_set)
    opened, closed = monitor_duties(session, step, rule_set)
    run.finished_at, run.found = step.now, found
    audit.log(
        session,
        actor=step.principal.actor,
        action="quality.checked",
        at=step.now,
        target_type="quality_run",
        target_id=run.id,
        detail={
            "kind": kind,
            "since": window.since.isoformat() if window.since else None,
            "until": window.until.isoformat(),
            "found": found,
            "superseded": superseded,
            "duties_opened": opened,
            "duties_closed": closed,
        },
    )
    return RunResult(run.id, kind, window, found, superseded, opened, closed)


def supersede(session: Session, step: Step) -> int:
    """Open findings whose record an objection's correction, a repair or another finding's
    correction took out of force: nothing is left for the provider to settle."""
    rows = repository.findings_of_inactive_records(session)
    for f in rows:
        f.state, f.closed_at, f.closed_by = rules.SUPERSEDED, step.now, step.principal.actor
        f.reason = "记录已另行更正、撤销或修复"
    audit.log_many(
        session,
        [
            audit.Act(
                actor=step.principal.actor,
                action="quality_finding.superseded",
                at=step.now,
                subject_id=f.subject_id,
                target_type="quality_finding",
                target_id=f.id,
                detail={"rule": f.rule_code, "record_id": str(f.record_id)},
            )
            for f in rows
        ],
    )
    session.flush()
    close_run_tasks(session, step, {(f.run_id, f.provider_id) for f in rows})
    return len(rows)


def _open_run_tasks(session: Session, step: Step, run: QualityRun, rule_set: RuleSetOut) -> None:
    """A task per provider whose records the run found wrong: settle the findings."""
    due = rules.task_due(calendar_for(session), step.today, rule_set.task_working_days)
    what = QUALITY_RUN_KINDS[run.kind]
    for provider, count in sorted(repository.new_findings_by_provider(session, run.id).items()):
        open_task(
            session,
            step,
            subject_id=QUEUE_SUBJECT,
            kind=QUALITY_FINDING,
            procedure=RUN_PROCEDURE,
            procedure_id=run.id,
            department_id=provider,
            title=f"核查数据质量问题：{step.today.isoformat()} {what}发现 {count} 条",
            due_on=due,
        )


def monitor_duties(session: Session, step: Step, rule_set: RuleSetOut) -> tuple[int, int]:
    """The update-cycle monitor (Measures art. 16: 及时): opens and closes overdue duties.
    Returns (opened, closed)."""
    catalog = published_catalog(session)
    if catalog is None:
        return 0, 0
    calendar = calendar_for(session)
    pushes = repository.last_pushes(session)
    current = {
        (d.provider_id, d.item_code): d for d in repository.open_duties(session, for_update=True)
    }
    specs = [i.spec for i in catalog.items.values()]
    names = {spec.code: spec.name for spec in specs}
    task_due = rules.task_due(calendar, step.today, rule_set.task_working_days)
    owed: set[tuple[int, str]] = set()
    acts: list[audit.Act] = []
    closed = 0
    for dept in provider_departments(session):
        created_on = local_date(dept.created_at)
        for spec in duties(specs, dept.kind):
            key = (dept.id, spec.code)
            owed.add(key)
            pushed = pushes.get(key)
            start, before = rules.duty_start(
                local_date(pushed) if pushed is not None else None, created_on
            )
            duty = rules.Duty(spec.code, spec.update_cycle, start, before)
            try:
                due_by = rules.overdue_since(duty, step.today, calendar)
            except UnknownCalendarYear:
                # A year nobody loaded (the dashboard warns of it): this duty waits for the
                # calendar, an open one stays open.
                log.warning(
                    "部门 %s 的报送义务 %s 暂不核查：工作日历缺少所涉年度的节假日安排", *key
                )
                continue
            found = current.get(key)
            if due_by is not None and found is None:
                row = OverdueDuty(
                    provider_id=dept.id,
                    item_code=spec.code,
                    update_cycle=spec.update_cycle,
                    last_push_on=start,
                    pushed_before=before,
                    due_by=due_by,
                    opened_at=step.now,
                )
                session.add(row)
                session.flush()
                open_task(
                    session,
                    step,
                    subject_id=QUEUE_SUBJECT,
                    kind=UPDATE_OVERDUE,
                    procedure=DUTY_PROCEDURE,
                    procedure_id=row.id,
                    department_id=dept.id,
                    title=f"逾期未报送：{names[spec.code]}（应于 {due_by.isoformat()} 前报送）",
                    due_on=task_due,
                )
                acts.append(
                    audit.Act(
                        actor=step.principal.actor,
                        action="overdue_duty.opened",
                        at=step.now,
                        target_type="overdue_duty",
                        target_id=row.id,
                        detail={
                            "provider_id": dept.id,
                            "item": spec.code,
                            "due_by": due_by.isoformat(),
                        },
                    )
                )
            elif due_by is None and found is not None:
                close_duty(session, step, found, "push")
                closed += 1
    for key, found in current.items():
        if key not in owed:
            close_duty(session, step, found, "not_owed")
            closed += 1
    audit.log_many(session, acts)
    return len(acts), closed
