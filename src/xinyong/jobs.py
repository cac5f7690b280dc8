"""Scheduled jobs: run by ``xinyong tick`` and, when serving, every few seconds in-process.

Each job is idempotent and safe after downtime; a job that changes shared state takes a
database lock first, so any number of processes may run it and it happens once."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime
from typing import Any

from xinyong.calendar.service import warn_missing_years
from xinyong.commitments.sweep import sweep_overdue
from xinyong.core.audit import checkpoint_if_due
from xinyong.core.auth import SYSTEM
from xinyong.core.calendar import UnknownCalendarYear
from xinyong.core.clock import Clock
from xinyong.core.locks import advisory_xact_lock
from xinyong.db import Database
from xinyong.evaluation.incremental import run_pass
from xinyong.feeds.webhooks import deliver_due
from xinyong.government.quarterly import run_quarterly
from xinyong.government.service import sync_cases
from xinyong.lists.service import expire_entries
from xinyong.objections.evaluation import close_re_evaluated
from xinyong.oversight.monthly import run_monthly
from xinyong.quality.run import daily as quality_daily
from xinyong.records.expiry import expire_records
from xinyong.records.service import CollectionContext
from xinyong.relations.scan import daily_scan
from xinyong.repairs.service import take_effect_due
from xinyong.rights.step import Step
from xinyong.risk.outbox import drain_outbox
from xinyong.risk.sweep import sweep
from xinyong.subjects.search import refresh_index, vacuum_queue
from xinyong.tasks.service import alert_overdue

log = logging.getLogger("xinyong.jobs")

SEARCH_CHUNK = 10_000  # subjects indexed per transaction: ≈ 0.2 s of SQLite's write lock
SEARCH_PAUSE_S = 0.05


# What each figure of run_jobs counts, as `xinyong tick` prints it for a person: the label and
# the unit (its --json keeps the keys). calendar_years_missing is a list of years.
JOB_LABELS: dict[str, tuple[str, str]] = {
    "records_expired": ("超过有效期而失效的信用信息", "条"),
    "list_entries_expired": ("期满退出名单的条目", "条"),
    "repairs_effective": ("公示期满生效的信用修复", "件"),
    "overdue_alerts": ("新发出的逾期提醒", "条"),
    "commitments_breached": ("逾期未补齐材料而认定违诺的容缺受理承诺", "件"),
    "related_party_scans": ("关联关系扫描（每日一次）", "次"),
    "subjects_re_evaluated": ("信用档案变化后重新评价的主体", "个"),
    "grades_changed": ("重新评价后信用等级变化的主体", "个"),
    "evaluation_objections_closed": ("异议成立后重新评价并办结的评价结果异议", "件"),
    "calendar_years_missing": ("工作日历尚未载入的年度", "年"),
    "calendar_warnings_logged": ("新记入审计日志的工作日历提醒", "条"),
    "search_names_indexed": ("新编入查询索引的主体名称", "个"),
    "webhooks_delivered": ("送达的推送通知（Webhook）", "次"),
    "webhooks_retried": ("待重试的推送通知（Webhook）", "次"),
    "webhooks_failed": ("放弃重试的推送通知（Webhook）", "次"),
    "audit_checkpoints": ("新建的审计日志检查点", "个"),
    "risk_warnings": ("新发出的风险预警", "条"),
    "risk_messages_sent": ("发送的风险预警消息（电子邮件、短信）", "条"),
    "risk_messages_retried": ("待重试的风险预警消息", "条"),
    "risk_messages_failed": ("放弃重试的风险预警消息", "条"),
    "government_cases_opened": ("新立案跟踪的政务失信记录", "件"),
    "government_quarterly_notices": ("新发出的上季度政务失信情况通报", "份"),
    "oversight_notices": ("新发出的上月归集、双公示和应用情况通报", "份"),
    "quality_findings": ("新发现的数据质量问题（每日检查）", "条"),
    "quality_duties_overdue": ("新发现的逾期未报送事项", "项"),
}


def describe_jobs(result: dict[str, Any]) -> list[str]:
    """The figures of run_jobs as lines a person reads: 「label：value unit」; the missing
    calendar years listed, or 无."""
    lines = []
    for key, value in result.items():
        label, unit = JOB_LABELS.get(key, (key, ""))
        if isinstance(value, list):
            shown = "、".join(f"{v} {unit}" for v in value) if value else "无"
        else:
            shown = f"{value} {unit}".rstrip()
        lines.append(f"{label}：{shown}")
    return lines


def breach_overdue_commitments(db: Database, ctx: CollectionContext, now: datetime) -> int:
    """容缺受理 commitments past their deadline are breached the day after, with their records
    (commitments/sweep.py): a chunk per transaction, each under the job's lock, so that
    SQLite's write lock is let go in between. Returns how many."""
    breached = 0
    while True:
        with db.transaction() as session:
            advisory_xact_lock(session, "job:commitments")
            count, done = sweep_overdue(session, Step(ctx, SYSTEM, now))
        breached += count
        if done:
            return breached


def re_evaluate_changed(
    db: Database, ctx: CollectionContext, now: datetime, read_at: datetime
) -> dict[str, int]:
    """The incremental evaluation pass (evaluation/incremental.py): every subject whose
    records, list entries, commitments or declarations changed since the last pass graded
    again, after the jobs above changed what they change; then the objections to an
    evaluation result found right are closed with the new result (Measures art. 32)."""
    done = run_pass(db, now=now, read_at=read_at, actor=SYSTEM.actor)
    closed = 0
    if done.re_evaluated:
        with db.transaction() as session:
            closed = close_re_evaluated(session, Step(ctx, SYSTEM, now), done.re_evaluated)
    return {
        "subjects_re_evaluated": done.subjects,
        "grades_changed": done.changed,
        "evaluation_objections_closed": closed,
    }


def open_government_cases(db: Database, ctx: CollectionContext, now: datetime) -> int:
    """Each new 政务失信 record's case (government/service.py). Its deadlines count on the
    official calendar: while the calendar does not know the year they fall in, the records
    wait — the dashboard warns of the missing year — and the other jobs go on."""
    try:
        with db.transaction() as session:
            advisory_xact_lock(session, "job:government_cases")
            return sync_cases(session, Step(ctx, SYSTEM, now))
    except UnknownCalendarYear as exc:
        log.warning("政务失信案件暂缓办理：%s", exc.message)
        return 0


def run_jobs(
    db: Database, clock: Clock, ctx: CollectionContext, *, as_of: datetime | None = None
) -> dict[str, Any]:
    """Every job once. ``as_of`` (``xinyong tick --at``) is the time the jobs of the rules —
    expiry, repairs, overdue alerts, the calendar's warning — run as, to catch up a day the
    platform was down; webhook deliveries and the audit checkpoint are done now, on ``clock``:
    a request is sent now, and a checkpoint must never claim an earlier time than its own.
    The breach of 容缺受理 commitments past their deadline runs as ``as_of`` too."""

    def rules_now() -> datetime:
        return as_of or clock.now()

    with db.transaction() as session:
        advisory_xact_lock(session, "job:expire_records")
        records = expire_records(session, now=rules_now())
    with db.transaction() as session:
        advisory_xact_lock(session, "job:expire_entries")
        expired = expire_entries(session, Step(ctx, SYSTEM, rules_now()))
    with db.transaction() as session:
        advisory_xact_lock(session, "job:repairs")
        repairs = take_effect_due(session, Step(ctx, SYSTEM, rules_now()))
    with db.transaction() as session:
        advisory_xact_lock(session, "job:alert_overdue")
        alerts = alert_overdue(session, Step(ctx, SYSTEM, rules_now()))
    breached = breach_overdue_commitments(db, ctx, rules_now())
    # Each new 政务失信 record gets its case (government/service.py): its deadlines, tasks,
    # and the checks' refusal of honours while it is not cleared.
    opened = open_government_cases(db, ctx, rules_now())
    # The quarter's list of failing bodies as a notice, once the quarter is over (004 §5).
    quarterly = run_quarterly(db, ctx, now=rules_now())
    # Organisations near a black-listed subject, flagged for supervision (relations/scan.py).
    scans = daily_scan(db, now=rules_now(), actor=SYSTEM.actor)
    evaluated = re_evaluate_changed(db, ctx, rules_now(), clock.now())
    with db.transaction() as session:
        advisory_xact_lock(session, "job:calendar")
        years = warn_missing_years(session, actor=SYSTEM.actor, now=rules_now())
    indexed = 0
    # The portal's search table catches up with the subjects collected or renamed since
    # (docs/portal.md, ADR 0012) — a chunk per transaction, with a pause between: on SQLite so
    # that requests waiting for the write lock get it in between (a million names at once held
    # it for half a minute); on PostgreSQL so that one chunk's GIN inserts are one short
    # transaction, not a backlog's.
    while True:
        with db.transaction() as session:
            refreshed = refresh_index(session, limit=SEARCH_CHUNK)
        indexed += refreshed.indexed
        if refreshed.done:
            break
        time.sleep(SEARCH_PAUSE_S)
    if db.dialect == "postgresql":
        vacuum_queue(db.engine)
    # The daily warning sweep (risk/sweep.py): once a day, as of the rules' day.
    with db.transaction() as session:
        advisory_xact_lock(session, "job:risk_sweep")
        swept = sweep(session, Step(ctx, SYSTEM, rules_now()))
    # The month's notices of collection, 双公示 and use, once it is over (oversight/monthly.py).
    notices = run_monthly(db, now=rules_now(), actor=SYSTEM.actor)
    # The daily quality checks and the update-cycle monitor (quality/run.py): once a day.
    checked = None
    if db.settings.quality_daily_checks:
        with db.transaction() as session:
            advisory_xact_lock(session, "job:quality")
            checked = quality_daily(session, Step(ctx, SYSTEM, rules_now()))
    deliveries = deliver_due(db, clock)
    messages = drain_outbox(db, clock)
    # Last, so that it anchors what the jobs above logged (GB/T 22239; ADR 0013).
    checkpoint = checkpoint_if_due(db, actor=SYSTEM.actor, now=clock.now())
    return {
        "records_expired": records,
        "list_entries_expired": expired,
        "repairs_effective": repairs,
        "overdue_alerts": alerts,
        "commitments_breached": breached,
        "government_cases_opened": opened,
        "government_quarterly_notices": quarterly,
        "related_party_scans": scans,
        **evaluated,
        # The years the dashboard warns of (calendar/service.missing_years), every run until
        # loaded; the audit log's warning is written once, by the first run that finds it.
        "calendar_years_missing": years.missing,
        "calendar_warnings_logged": len(years.warned),
        "search_names_indexed": indexed,
        **{f"webhooks_{k}": v for k, v in deliveries.items()},
        "audit_checkpoints": 0 if checkpoint is None else 1,
        "risk_warnings": 0 if swept is None else swept.found,
        **{f"risk_messages_{k}": v for k, v in messages.items()},
        "oversight_notices": notices,
        "quality_findings": 0 if checked is None else sum(checked.found.values()),
        "quality_duties_overdue": 0 if checked is None else checked.duties_opened,
    }


async def run_forever(db: Database, clock: Clock, ctx: CollectionContext, interval: float) -> None:
    """The in-process scheduler of a serving process. A failing run is logged and retried at
    the next interval; it never takes the server down."""
    while True:
        try:
            await asyncio.to_thread(run_jobs, db, clock, ctx)
        except Exception:  # a job's failure must not stop the scheduler
            log.exception("定时任务运行失败，%.0f 秒后重试", interval)
        await asyncio.sleep(interval)
