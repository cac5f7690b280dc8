"""The month's reports as kept once the month is over, and the monthly notices (通报) of
collection, 双公示 and use sent to the departments that are late (004 §25: 按月通报; Measures
art. 40; docs/oversight.md).

A month's reports are computed once it is over and kept (``oversight_reports``): their figures
never change after, and the annual assessment reads twelve of them. The month under way is
computed afresh on every read.

The notices are sent by the scheduled job on the first run after a month ends (``run_monthly``,
under its lock: once per month whatever the number of processes), or on demand by the
authority (``send_monthly_notices``) — either way once per kind and month: the notices
already sent are answered again."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core import audit
from xinyong.core.calendar import UnknownCalendarYear
from xinyong.core.clock import local_date
from xinyong.core.locks import advisory_xact_lock
from xinyong.db import Database
from xinyong.errors import Conflict
from xinyong.models import Department, Notice, OversightReport
from xinyong.notices.repository import notices_of_period
from xinyong.notices.service import send
from xinyong.oversight import repository, rules
from xinyong.oversight.documents import monthly_notice
from xinyong.oversight.reports import collection_report, use_report
from xinyong.oversight.schemas import CollectionReport, UseReport
from xinyong.reports.dual_publicity import Month, dual_publicity

log = logging.getLogger("xinyong.oversight")

MONTHLY_KINDS = ("collection_monthly", "dual_publicity_monthly", "use_monthly")
JOB_LOCK = "job:oversight_monthly"


def monthly_report(
    session: Session,
    kind: str,
    month: Month,
    *,
    now: datetime,
    feedback_days: int,
    actor: str = "system",
) -> CollectionReport | UseReport:
    """The month's report of ``kind`` (``collection`` or ``use``): kept once the month is over
    (computed and kept at its first read after), computed afresh while it runs."""
    closed = rules.is_closed(month, local_date(now))
    if closed:
        kept = kept_report(session, kind, month)
        if kept is not None:
            return kept
        # Two readers of a month not yet kept compute it once (the second reads the first's).
        advisory_xact_lock(session, f"oversight:{kind}:{month.label}")
        kept = kept_report(session, kind, month)
        if kept is not None:
            return kept
    report: CollectionReport | UseReport
    if kind == "collection":
        report = collection_report(session, month, now=now)
    else:
        report = use_report(session, month, now=now, feedback_days=feedback_days)
    if closed:
        session.add(
            OversightReport(
                month=month.label,
                kind=kind,
                report=report.model_dump(mode="json"),
                generated_at=now,
                generated_by=actor,
            )
        )
        audit.log(
            session,
            actor=actor,
            action="oversight.report_kept",
            at=now,
            target_type="oversight_report",
            target_id=f"{kind}:{month.label}",
            detail={"departments": len(report.departments)},
        )
        session.flush()
    return report


def kept_report(session: Session, kind: str, month: Month) -> CollectionReport | UseReport | None:
    """The month's report of ``kind`` as kept when the month was over, None if not kept yet."""
    row = repository.kept_report(session, month.label, kind)
    if row is None:
        return None
    model = CollectionReport if kind == "collection" else UseReport
    return model.model_validate(row.report)


def month_reports(
    session: Session, month: Month, *, now: datetime, feedback_days: int, actor: str = "system"
) -> tuple[CollectionReport, UseReport]:
    collection = monthly_report(
        session, "collection", month, now=now, feedback_days=feedback_days, actor=actor
    )
    use = monthly_report(session, "use", month, now=now, feedback_days=feedback_days, actor=actor)
    assert isinstance(collection, CollectionReport) and isinstance(use, UseReport)
    return collection, use


def send_monthly_notices(
    session: Session, month: Month, *, now: datetime, actor: str, feedback_days: int
) -> list[Notice]:
    """The month's three notices, each sent to the departments it names as late (who
    acknowledge them, notices/): those not yet sent are sent now. A month not over is 409
    ``month_not_closed``: its figures are not final."""
    if not rules.is_closed(month, local_date(now)):
        raise Conflict(
            f"{month.title}尚未结束，不能发出该月通报",
            f"{month.label} is not over: its notices cannot be sent yet",
            field="month",
            code="month_not_closed",
        )
    advisory_xact_lock(session, JOB_LOCK)
    sent = {n.kind: n for n in notices_of_period(session, MONTHLY_KINDS, month.label)}
    if len(sent) < len(MONTHLY_KINDS):
        collection, use = month_reports(
            session, month, now=now, feedback_days=feedback_days, actor=actor
        )
        late = (
            dual_publicity(session, month, now=now).late_records
            if "dual_publicity_monthly" not in sent
            else []
        )
        for kind in MONTHLY_KINDS:
            if kind in sent:
                continue
            notice = monthly_notice(
                kind, month, collection, use, generated_at=now, late_records=late
            )
            ids = _department_ids(session, notice.late)
            sent[kind] = send(
                session,
                kind=kind,
                title=notice.title,
                body_html=notice.html,
                departments=[ids[code] for code in notice.late if code in ids],
                actor=actor,
                now=now,
                period=month.label,
                basis=notice.basis,
            )
    return [sent[kind] for kind in MONTHLY_KINDS]


def _department_ids(session: Session, codes: list[str]) -> dict[str, int]:
    if not codes:
        return {}
    rows = session.execute(select(Department.code, Department.id).where(Department.code.in_(codes)))
    return {code: department_id for code, department_id in rows}


def run_monthly(db: Database, *, now: datetime, actor: str) -> int:
    """The scheduled job: once a month is over, its notices (and its kept reports), if the
    platform was at work that month. Returns how many notices it sent (0 on every later run).
    A month in a year the calendar does not know waits for the year to be loaded."""
    month = Month.of(local_date(now)).previous()
    try:
        with db.transaction() as session:
            advisory_xact_lock(session, JOB_LOCK)
            already = len(notices_of_period(session, MONTHLY_KINDS, month.label))
            if already == len(MONTHLY_KINDS):
                return 0
            if not repository.had_activity(session, *month.bounds()):
                return 0
            sent = send_monthly_notices(
                session,
                month,
                now=now,
                actor=actor,
                feedback_days=db.settings.feedback_working_days,
            )
            return len(sent) - already
    except UnknownCalendarYear as exc:
        log.warning(
            "%s 的月度通报暂缓发送：工作日历尚未载入 %s 年的节假日安排", month.label, exc.year
        )
        return 0
