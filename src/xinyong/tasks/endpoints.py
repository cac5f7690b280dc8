"""The task queue: GET /api/v1/tasks and the authority's overdue counts."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core.api import clock, current_principal, db_session, endpoint, page_offset
from xinyong.core.auth import Principal
from xinyong.core.clock import local_date
from xinyong.errors import InvalidRequest
from xinyong.models import Department, Role
from xinyong.rights.schemas import OverdueCountOut, TaskOut, TasksOut
from xinyong.tasks.rules import is_overdue
from xinyong.tasks.service import KINDS, TaskFilter, find_tasks, overdue_counts

router = APIRouter(tags=["tasks"])


@router.get(
    "/tasks",
    response_model=TasksOut,
    **endpoint(
        Role.provider,
        Role.user_department,
        Role.authority,
        errors={422: ["unknown_department"]},
        summary="The task queue: open steps with their due dates",
    ),
)
def get_tasks(
    request: Request,
    department: str | None = Query(
        default=None,
        max_length=64,
        description="authority only: a department's code, or `platform` for the platform's "
        "own steps; a department always sees its own queue",
    ),
    kind: Literal[KINDS] | None = Query(default=None),  # type: ignore[valid-type]  # tuple's values
    overdue: bool | None = Query(default=None, description="only overdue (true) or not (false)"),
    state: Literal["open", "closed", "all"] = Query(default="open"),
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int = page_offset(),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> TasksOut:
    """Each open step of an objection, appeal, repair or list objection, and a 告知承诺's
    verification or revocation, with the day it is due (working days by the official
    calendar); `overdue` when today is past that day. Soonest due first."""
    today = local_date(clock(request).now())
    flt = TaskFilter(kind=kind, overdue=overdue, state=state, limit=limit, offset=offset)
    if principal.role is not Role.authority:
        flt = TaskFilter(**{**flt.__dict__, "department_id": principal.department_id})
    elif department == "platform":
        flt = TaskFilter(**{**flt.__dict__, "authority_only": True})
    elif department is not None:
        dept_id = session.execute(
            select(Department.id).where(Department.code == department)
        ).scalar_one_or_none()
        if dept_id is None:
            raise InvalidRequest(
                "部门不存在", "no such department", field="department", code="unknown_department"
            )
        flt = TaskFilter(**{**flt.__dict__, "department_id": dept_id})
    tasks, total = find_tasks(session, flt, today=today)
    codes = dict(
        session.execute(
            select(Department.id, Department.code).where(
                Department.id.in_({t.department_id for t in tasks if t.department_id})
            )
        ).all()
    )
    return TasksOut(
        total=total,
        tasks=[
            TaskOut(
                id=str(t.id),
                kind=t.kind,
                procedure=t.procedure,
                procedure_id=str(t.procedure_id),
                department=codes.get(t.department_id) if t.department_id else None,
                subject_id=str(t.subject_id),
                title=t.title,
                due_on=t.due_on,
                opened_at=t.opened_at,
                closed_at=t.closed_at,
                overdue=is_overdue(t, today),
                alerted_at=t.alerted_at,
            )
            for t in tasks
        ],
    )


@router.get(
    "/tasks/overdue",
    response_model=list[OverdueCountOut],
    **endpoint(Role.authority, summary="Open and overdue tasks per department"),
)
def get_overdue_counts(
    request: Request, principal: Principal = current_principal, session: Session = db_session
) -> list[OverdueCountOut]:
    """For the authority's oversight (Measures art. 37, 40): per department, how many steps are
    open and how many are past their due date; most overdue first."""
    today = local_date(clock(request).now())
    return [OverdueCountOut(**row) for row in overdue_counts(session, today=today)]
