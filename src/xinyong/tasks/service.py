"""Deadlines as work (issue 4 § 5): every open step of every procedure is a task with its due
date, on the queue of the department that must act (or of the credit authority, department
null). A procedure opens a task when a step starts and closes it when the step is done, in the
same transaction. The daily job raises one alert per overdue task (audit entry and a change on
the feed, topic ``task``), and the authority sees overdue counts per department (Measures
art. 37: 未按照规定处理异议申请的 … 责令整改)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, and_, case, func, not_, select, update
from sqlalchemy.orm import Session

from xinyong.core import audit
from xinyong.feeds.changes import TASK, record_change
from xinyong.models import Department, Task
from xinyong.rights.step import Step

# The kinds of task, each the step of one procedure (docs/workflows/objection.md, repair.md).
OBJECTION_REVIEW = "objection_review"  # the platform reviews: 10 working days (art. 32)
OBJECTION_VERIFICATION = "objection_verification"  # the provider verifies: 5 working days
OBJECTION_CORRECTION = "objection_correction"  # the platform corrects: 3 working days
APPEAL_REVIEW = "appeal_review"  # the credit authority decides an appeal (art. 33)
REPAIR_OPINION = "repair_opinion"  # the provider's written opinion (art. 35)
REPAIR_OBJECTION = "repair_objection"  # an objection in the repair's public notice (art. 35)
# An objection or statement (陈述申辩) in a list entry's notice, verified by the identifying
# department (003 联合奖惩 §（六）: 有异议的，由认定单位核实处理) within art. 32's 10 working days.
LIST_OBJECTION = "list_objection"
# A subject's declaration the platform could not verify itself, verified by the competent
# department (000 §（五）: 相关部门 … 对申报信息予以验证; the period: settings).
DECLARATION_VERIFICATION = "declaration_verification"
# 告知承诺 (docs/commitments.md): the accepting department verifies a commitment it granted on,
# within the item's verification period (核查); a commitment found false or broken, it revokes
# what it granted (撤销许可, 行政许可法 第六十九条) within 20 working days (commitments/rules).
COMMITMENT_VERIFICATION = "commitment_verification"
LICENCE_REVOCATION = "licence_revocation"
# A risk warning for a department or the authority to look into (risk/sweep.py; 002 §（十六）).
RISK_WARNING = "risk_warning"
# A 政务失信 case (government/service.py): the failing body's written explanation and its
# rectification, each by its last day (003 政务诚信 二（五）: 书面说明原因并限期加以整改), on the
# credit authority's queue, which interviews the body when it is missed.
GOVERNMENT_EXPLANATION = "government_explanation"
GOVERNMENT_RECTIFICATION = "government_rectification"
# A complaint (失信举报) on the competent department's queue: its acceptance, then its handling
# (complaints/rules.py; the periods: complaints/default_periods.json).
COMPLAINT_HANDLING = "complaint_handling"
# Data quality (quality/, Measures art. 16): an item a provider owes and did not push in time
# by its update cycle, and the findings of a run of the consistency checks on its records.
UPDATE_OVERDUE = "update_overdue"
QUALITY_FINDING = "quality_finding"
KINDS = (
    OBJECTION_REVIEW,
    OBJECTION_VERIFICATION,
    OBJECTION_CORRECTION,
    APPEAL_REVIEW,
    REPAIR_OPINION,
    REPAIR_OBJECTION,
    LIST_OBJECTION,
    DECLARATION_VERIFICATION,
    COMMITMENT_VERIFICATION,
    LICENCE_REVOCATION,
    RISK_WARNING,
    GOVERNMENT_EXPLANATION,
    GOVERNMENT_RECTIFICATION,
    COMPLAINT_HANDLING,
    UPDATE_OVERDUE,
    QUALITY_FINDING,
)


def open_task(
    session: Session,
    step: Step,
    *,
    subject_id: int,
    kind: str,
    procedure: str,
    procedure_id: int,
    department_id: int | None,
    title: str,
    due_on: date,
) -> Task:
    task = Task(
        subject_id=subject_id,
        id=step.ctx.ids.next_id(),
        kind=kind,
        procedure=procedure,
        procedure_id=procedure_id,
        department_id=department_id,
        title=title[:300],
        due_on=due_on,
        opened_at=step.now,
    )
    session.add(task)
    return task


def close_tasks(
    session: Session,
    step: Step,
    *,
    subject_id: int,
    procedure_id: int,
    kind: str | None = None,
    department_id: int | None = None,
) -> int:
    """Close the procedure's open tasks (of one kind, of one department's queue, if given);
    returns how many."""
    # Sessions do not flush on their own (db.py): a task opened earlier in this transaction
    # must be in the table for the UPDATE to close it.
    session.flush()
    query = (
        update(Task)
        .where(
            Task.subject_id == subject_id,
            Task.procedure_id == procedure_id,
            Task.closed_at.is_(None),
        )
        .values(closed_at=step.now)
    )
    if kind is not None:
        query = query.where(Task.kind == kind)
    if department_id is not None:
        query = query.where(Task.department_id == department_id)
    # An UPDATE's result is a cursor result, which counts the rows it changed.
    return cast("CursorResult[Any]", session.execute(query)).rowcount


def open_tasks_of(session: Session, subject_id: int, procedure_id: int) -> list[Task]:
    return list(
        session.execute(
            select(Task)
            .where(
                Task.subject_id == subject_id,
                Task.procedure_id == procedure_id,
                Task.closed_at.is_(None),
            )
            .order_by(Task.id)
        ).scalars()
    )


def _overdue(today: date) -> ColumnElement[bool]:
    """tasks/rules.is_overdue, as a condition on the tasks table."""
    return and_(Task.closed_at.is_(None), Task.due_on < today)


@dataclass(frozen=True)
class TaskFilter:
    department_id: int | None = None
    # True: only the authority's own tasks (department null).
    authority_only: bool = False
    kind: str | None = None
    overdue: bool | None = None
    state: str = "open"  # open | closed | all
    limit: int = 100
    offset: int = 0


def find_tasks(session: Session, flt: TaskFilter, *, today: date) -> tuple[list[Task], int]:
    query = select(Task)
    if flt.authority_only:
        query = query.where(Task.department_id.is_(None))
    elif flt.department_id is not None:
        query = query.where(Task.department_id == flt.department_id)
    if flt.kind:
        query = query.where(Task.kind == flt.kind)
    if flt.state == "open":
        query = query.where(Task.closed_at.is_(None))
    elif flt.state == "closed":
        query = query.where(Task.closed_at.is_not(None))
    if flt.overdue is True:
        query = query.where(_overdue(today))
    elif flt.overdue is False:
        query = query.where(not_(_overdue(today)))
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(
        query.order_by(Task.due_on, Task.id).limit(flt.limit).offset(flt.offset)
    ).scalars()
    return list(rows), total


def overdue_counts(session: Session, *, today: date) -> list[dict]:
    """Open and overdue tasks per department (the authority's own row has no department)."""
    rows = session.execute(
        select(
            Task.department_id,
            func.count(),
            func.count(case((_overdue(today), 1))),
        )
        .where(Task.closed_at.is_(None))
        .group_by(Task.department_id)
    ).all()
    ids = [r[0] for r in rows if r[0] is not None]
    depts = {
        d.id: d for d in session.execute(select(Department).where(Department.id.in_(ids))).scalars()
    }
    out = []
    for department_id, open_count, overdue_count in rows:
        dept = depts.get(department_id) if department_id is not None else None
        out.append(
            {
                "department": dept.code if dept else None,
                "department_name": dept.name if dept else "公共信用信息工作机构",
                "open": int(open_count),
                "overdue": int(overdue_count),
            }
        )
    return sorted(out, key=lambda r: (-r["overdue"], -r["open"], r["department"] or ""))


def alert_overdue(session: Session, step: Step) -> int:
    """The daily job's part for deadlines: one alert per task past its due date
    (tasks/rules.is_overdue), never two. Idempotent; after downtime it alerts the whole
    backlog at once."""
    due = list(
        session.execute(
            select(Task).where(_overdue(step.today), Task.alerted_at.is_(None)).with_for_update()
        ).scalars()
    )
    for task in due:
        task.alerted_at = step.now
        detail = {
            "task_id": str(task.id),
            "kind": task.kind,
            "procedure": task.procedure,
            "procedure_id": str(task.procedure_id),
            "due_on": task.due_on.isoformat(),
            "department_id": task.department_id,
            "title": task.title,
        }
        audit.log(
            session,
            actor=step.principal.actor,
            action="task.overdue",
            at=step.now,
            subject_id=task.subject_id,
            target_type="task",
            target_id=task.id,
            detail=detail,
        )
        record_change(
            session,
            at=step.now,
            topic=TASK,
            event="overdue",
            subject_id=task.subject_id,
            detail=detail,
        )
    return len(due)
