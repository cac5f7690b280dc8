"""The monthly reports of collection and use, per department, for all departments at once
(Measures art. 38–40; 004 §25; docs/oversight.md).

Collection (per providing department): the catalog items its sector owes (catalog/duties.py)
against what arrived, an item whose cycle passed with nothing sent overdue on the report's day;
the timeliness of the month's records by their item's update cycle; the batches' rows rejected
and their most frequent errors; 双公示 completeness and timeliness (reports/dual_publicity.py);
objections found right against its information.

Use (per department): checks made, the checks that found a list entry with a measure, the
measures shown, feedback given and applied, feedback due in the month and given on time, the
measures still without feedback past their due day, the credit reports it had issued.

Month attribution is by arrival (records), by the moment of the check (checks), of the
feedback and of the report — as the 双公示 notice counts —, so a month's figures never change
once it is over. Each figure is one statement per month over every department
(oversight/repository.py); Python only loops over departments, items and days."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from xinyong.catalog.duties import CYCLES, must_provide
from xinyong.core.calendar import Calendar, calendar_for
from xinyong.core.citations import cite
from xinyong.core.clock import SHANGHAI, local_date
from xinyong.core.labels import ROW_ERROR_CODES
from xinyong.oversight import repository, rules
from xinyong.oversight.schemas import (
    CollectionReport,
    CollectionRow,
    ErrorCount,
    OverdueItem,
    UseReport,
    UseRow,
)
from xinyong.quality.scores import provider_scores
from xinyong.records.repository import batch_totals_by_month
from xinyong.reports.dual_publicity import Month, dual_publicity

# The most frequent row errors a department's row names.
TOP_ERRORS = 3

COLLECTION_BASIS = (
    cite("Measures art. 16")
    + "：信息提供单位应当按照公共信用信息目录，及时、准确、完整地提供公共信用信息",
    cite("Measures art. 40") + "：建立公共信用信息归集和使用情况通报制度",
    cite("004 §25") + "：按月通报各地各部门信用信息归集应用、“双公示”等工作情况",
    cite("000 §（十五）") + "：行政许可、行政处罚等信息自作出行政决定之日起7个工作日内上网公开",
)
USE_BASIS = (
    cite("Measures art. 24") + "：信息使用单位应当在行政管理和公共服务中查询使用公共信用信息",
    cite("003 联合奖惩 §（二十一）") + "：联合奖惩实施部门向公共信用信息中心反馈联合奖惩成效",
    cite("Measures art. 40") + "：建立公共信用信息归集和使用情况通报制度",
    cite("004 §25") + "：按月通报各地各部门信用信息归集应用、“双公示”等工作情况",
)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


def _span(
    session: Session, month: Month, now: datetime
) -> tuple[Calendar, datetime, datetime, date]:
    """The calendar, the month's start, the end of what the report counts (the month's end,
    or the end of today for the month under way), and the day it is as of. A month not begun
    is 422 ``month_in_future``; a year the calendar does not know, 409
    ``calendar_year_unknown``."""
    rules.require_not_future(month, local_date(now))
    calendar = calendar_for(session)
    calendar.year(month.year)
    start, end = month.bounds()
    as_of = rules.as_of_day(month, local_date(now))
    return calendar, start, min(end, _midnight(as_of + timedelta(days=1))), as_of


def _head(month: Month, as_of: date, now: datetime, basis: tuple[str, ...]) -> dict[str, Any]:
    """What a report says of itself: its month, the day it is as of, whether it is final."""
    return {
        "month": month.label,
        "as_of": as_of,
        "final": rules.is_closed(month, local_date(now)),
        "generated_at": now,
        "basis": list(basis),
    }


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def collection_report(session: Session, month: Month, *, now: datetime) -> CollectionReport:
    """The month's collection report for every providing department (module docstring)."""
    calendar, start, end, as_of = _span(session, month, now)

    providers = repository.provider_departments(session, before=end)
    items = repository.items_in_force(session, at=min(end, now))
    codes = {i.code for i in items if any(must_provide(i, p.kind) for p in providers)}
    last = repository.last_pushes(session, [p.id for p in providers], codes, before=end)
    thresholds = rules.on_time_thresholds(CYCLES, _days(month.first_day, as_of), calendar)
    arrived: dict[int, dict[str, tuple[int, int, int]]] = {}
    for provider_id, item, count, dated, on_time in repository.month_collection(
        session, start, end, thresholds
    ):
        arrived.setdefault(provider_id, {})[item] = (int(count), int(dated or 0), int(on_time or 0))
    batches = {
        row[0]: [int(x or 0) for x in row[2:]] for row in batch_totals_by_month(session, start, end)
    }
    errors: dict[int, Counter[str]] = {}
    for provider_id, code, count in repository.rejection_codes(session, start, end):
        errors.setdefault(provider_id, Counter())[str(code)] += int(count)
    timeliness = {
        d.department: d for d in dual_publicity(session, month, now=now, late_limit=0).departments
    }
    upheld = repository.upheld_objections(session, start, end)
    # Measures art. 16 (问题可监测): the month's data-quality score of each provider.
    quality = provider_scores(session, month)

    rows = []
    for dept in providers:
        pushes = {code: local_date(at) for (pid, code), at in last.items() if pid == dept.id}
        owed = rules.duties_on(
            items, dept.kind, pushes, local_date(dept.created_at), as_of, calendar
        )
        received = arrived.get(dept.id, {})
        n_batches, total, accepted, duplicates, rejected = batches.get(dept.id, [0] * 5)
        dated = sum(r[1] for r in received.values())
        on_time = sum(r[2] for r in received.values())
        overdue = [d for d in owed if d.overdue]
        dp = timeliness.get(dept.code)
        rows.append(
            CollectionRow(
                department=dept.code,
                department_name=dept.name,
                items_owed=len(owed),
                items_received=sum(1 for d in owed if d.code in received),
                items_overdue=len(overdue),
                items_current=len(owed) - len(overdue),
                completeness=rules.share(len(owed) - len(overdue), len(owed)),
                overdue_items=[
                    OverdueItem(
                        item=d.code,
                        item_name=d.name,
                        cycle=d.cycle,
                        last_push=d.last_push,
                        due_on=d.due,
                    )
                    for d in overdue
                ],
                batches=n_batches,
                rows=total,
                accepted=accepted,
                duplicates=duplicates,
                rejected=rejected,
                rejection_rate=rules.share(rejected, total),
                top_errors=[
                    ErrorCount(code=code, name=ROW_ERROR_CODES.get(code, "其他错误"), count=n)
                    for code, n in errors.get(dept.id, Counter()).most_common(TOP_ERRORS)
                ],
                dated=dated,
                on_time=on_time,
                timeliness=rules.share(on_time, dated),
                dp_total=dp.total if dp else 0,
                dp_on_time=dp.on_time if dp else 0,
                dp_late=dp.late if dp else 0,
                dp_undated=dp.undated if dp else 0,
                dp_share=dp.share if dp else None,
                objections_upheld=upheld.get(dept.id, 0),
                quality_score=quality.get(dept.id),
            )
        )
    return CollectionReport(**_head(month, as_of, now, COLLECTION_BASIS), departments=rows)


def use_report(session: Session, month: Month, *, now: datetime, feedback_days: int) -> UseReport:
    """The month's use report for every department but the authority's (module docstring);
    feedback is due ``feedback_days`` working days after the check."""
    calendar, start, end, as_of = _span(session, month, now)

    departments = repository.using_departments(session, before=end)
    ids = [d.id for d in departments]
    checks = {
        r[0]: (int(r[1]), int(r[2] or 0)) for r in repository.check_counts(session, ids, start, end)
    }
    hits = {r[0]: (int(r[1]), int(r[2])) for r in repository.hit_counts(session, ids, start, end)}
    given = {
        r[0]: (int(r[1]), int(r[2] or 0)) for r in repository.feedback_counts(session, start, end)
    }
    # The measures due in the month: shown by the checks after the last check day due by the
    # previous month's end, up to the last check day due by the report's day.
    first = rules.feedback_cutoff(month.first_day - timedelta(days=1), feedback_days, calendar)
    last = rules.feedback_cutoff(as_of, feedback_days, calendar)
    due_days = {
        d: day_due
        for d in _days(first + timedelta(days=1), last)
        if (day_due := rules.feedback_due_on(d, feedback_days, calendar)) is not None
    }
    due = {
        r[0]: (int(r[1]), int(r[2] or 0))
        for r in repository.feedback_due_counts(
            session,
            ids,
            _midnight(first + timedelta(days=1)),
            _midnight(last + timedelta(days=1)),
            due_days,
        )
    }
    # Overdue on the report's day: due before it, unanswered by its end (rules.is_past).
    past = rules.feedback_cutoff(as_of - timedelta(days=1), feedback_days, calendar)
    overdue = repository.feedback_overdue(session, ids, _midnight(past + timedelta(days=1)), end)
    reports = repository.reports_requested(session, start, end)

    rows = []
    for dept in departments:
        n_checks, subjects = checks.get(dept.id, (0, 0))
        hit_checks, shown = hits.get(dept.id, (0, 0))
        answered, applied = given.get(dept.id, (0, 0))
        due_count, on_time = due.get(dept.id, (0, 0))
        rows.append(
            UseRow(
                department=dept.code,
                department_name=dept.name,
                checks=n_checks,
                subjects_checked=subjects,
                hits=hit_checks,
                measures_shown=shown,
                feedback_given=answered,
                measures_applied=applied,
                measures_not_applied=answered - applied,
                feedback_due=due_count,
                feedback_on_time=on_time,
                feedback_timeliness=rules.share(on_time, due_count),
                feedback_overdue=overdue.get(dept.id, 0),
                reports_requested=reports.get(dept.id, 0),
            )
        )
    return UseReport(
        **_head(month, as_of, now, USE_BASIS),
        feedback_working_days=feedback_days,
        departments=rows,
    )
