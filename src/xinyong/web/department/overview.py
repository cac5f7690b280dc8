"""Pages: the department console's overview (部门工作台): open tasks, list entries by state,
recent batches and checks."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.checks.repository import recent_checks_of_department
from xinyong.core.api import db_session
from xinyong.lists.repository import entry_counts_of_department
from xinyong.models import Role
from xinyong.records.repository import batches_of_provider
from xinyong.tasks.service import TaskFilter, find_tasks
from xinyong.web.department.common import DEPARTMENTS, console_page, own_department
from xinyong.web.department.tasks import task_rows
from xinyong.web.forms import page_visitor, request_today

router = APIRouter(include_in_schema=False)


@router.get("/department", response_class=HTMLResponse, **DEPARTMENTS)
def overview(request: Request, session: Session = db_session) -> Response:
    """Audience: provider, user_department. The department's open tasks (soonest due first,
    overdue marked), its list entries by state, its recent batches and checks."""
    v = page_visitor(request)
    dept = own_department(session, v)
    today = request_today(request)
    tasks, open_total = find_tasks(
        session, TaskFilter(department_id=dept.id, limit=10), today=today
    )
    _, overdue_total = find_tasks(
        session, TaskFilter(department_id=dept.id, overdue=True, limit=1), today=today
    )
    provider = v.role is Role.provider
    return console_page(
        request,
        "department/overview.html",
        section="overview",
        department=dept,
        today=today,
        tasks=task_rows(session, tasks, today),
        open_total=open_total,
        overdue_total=overdue_total,
        entry_counts=entry_counts_of_department(session, dept.id) if provider else {},
        batches=batches_of_provider(session, dept.id, limit=5) if provider else [],
        checks=recent_checks_of_department(session, dept.id, limit=5),
    )
