"""The authority's dashboard in figures: collection per department and month, the quality of
the batches, the volume of checks. Each is one aggregate statement over a time range;
batches, not records, give the collection figures (a batch carries its counts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.models import Check, Department
from xinyong.records.repository import batch_totals_by_month
from xinyong.reports.dual_publicity import Month


def recent_months(current: Month, count: int) -> list[Month]:
    """The ``count`` months up to and including ``current``, oldest first."""
    months = [current]
    while len(months) < count:
        months.append(months[-1].previous())
    return months[::-1]


def _names(session: Session, ids: set[int]) -> dict[int, tuple[str, str]]:
    """Code and name of each department; one no longer known keeps its number for a code."""
    rows = session.execute(
        select(Department.id, Department.code, Department.name).where(Department.id.in_(ids))
    )
    known = {r.id: (r.code, r.name) for r in rows}
    return {i: known.get(i, (str(i), "（未知部门）")) for i in ids}


@dataclass
class DepartmentBatches:
    department: str
    department_name: str
    batches: int = 0
    total: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    # month label -> records accepted
    by_month: dict[str, int] = field(default_factory=dict)

    @property
    def rejection_rate(self) -> float | None:
        return None if self.total == 0 else round(self.rejected / self.total, 4)


def collection(session: Session, months: list[Month]) -> list[DepartmentBatches]:
    """Per providing department: batches and their rows over the months, and the records
    accepted in each month (by arrival, Asia/Shanghai)."""
    rows = batch_totals_by_month(session, months[0].bounds()[0], months[-1].bounds()[1])
    names = _names(session, {r[0] for r in rows})
    out: dict[int, DepartmentBatches] = {}
    for provider_id, month, batches, total, accepted, duplicates, rejected in rows:
        dept = out.setdefault(provider_id, DepartmentBatches(*names[provider_id]))
        dept.batches += int(batches)
        dept.total += int(total or 0)
        dept.accepted += int(accepted or 0)
        dept.duplicates += int(duplicates or 0)
        dept.rejected += int(rejected or 0)
        dept.by_month[str(month)] = dept.by_month.get(str(month), 0) + int(accepted or 0)
    return sorted(out.values(), key=lambda d: d.department)


@dataclass
class DepartmentChecks:
    department: str
    department_name: str
    checks: int = 0
    subjects: int = 0
    found: int = 0


def check_volumes(session: Session, start: datetime, end: datetime) -> list[DepartmentChecks]:
    """Per user department: checks made, subjects checked and subjects found on the platform
    between ``start`` and ``end`` (the feedback on them: checks.service.feedback_rates)."""
    rows = session.execute(
        select(
            Check.department_id,
            func.count(),
            func.sum(Check.subjects),
            func.sum(Check.found),
        )
        .where(Check.at >= start, Check.at < end)
        .group_by(Check.department_id)
    ).all()
    names = _names(session, {r[0] for r in rows})
    out = []
    for department_id, count, subjects, found in rows:
        out.append(
            DepartmentChecks(*names[department_id], int(count), int(subjects or 0), int(found or 0))
        )
    return sorted(out, key=lambda d: d.department)
