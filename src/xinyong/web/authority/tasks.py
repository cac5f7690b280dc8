"""Pages: the task queue of every procedure step (tasks/service), as the credit authority
oversees it (GET /api/v1/tasks as the authority): the platform's own steps or a department's,
by kind and state, the overdue ones marked (tasks/rules.is_overdue; Measures art. 37), each
linking to the page of its procedure in this console."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core import labels
from xinyong.core.api import db_session
from xinyong.departments.service import list_departments
from xinyong.lists.repository import entries_of_list_objections
from xinyong.models import Task
from xinyong.repairs.repository import repairs_of_notice_objections
from xinyong.tasks.rules import is_overdue
from xinyong.tasks.service import KINDS, TaskFilter, find_tasks
from xinyong.web.authority.common import AUTHORITY, PAGE_ROWS, console_page, pages_of
from xinyong.web.forms import page_number, request_today

router = APIRouter(include_in_schema=False)

# The platform's own steps (tasks with no department), as the filter and the dashboard name them.
PLATFORM = "platform"
PLATFORM_NAME = "公共信用信息工作机构"
STATES = {"open": "待办", "closed": "已办结", "all": "全部"}
OVERDUE = {"": "不限", "yes": "仅逾期", "no": "未逾期"}


def _links(session: Session, tasks: list[Task]) -> dict[int, str]:
    """Each task's procedure page in this console."""
    repair_of = repairs_of_notice_objections(
        session,
        ((t.subject_id, t.procedure_id) for t in tasks if t.procedure == "repair_objection"),
    )
    entry_of = entries_of_list_objections(
        session, ((t.subject_id, t.procedure_id) for t in tasks if t.procedure == "list_objection")
    )
    links = {}
    for t in tasks:
        pid = t.procedure_id
        if t.procedure == "objection":
            links[t.id] = f"/authority/objections/{pid}"
        elif t.procedure == "appeal":
            links[t.id] = f"/authority/appeals/{pid}"
        elif t.procedure == "repair":
            links[t.id] = f"/authority/repairs/{pid}"
        elif t.procedure == "declaration":
            links[t.id] = f"/authority/declarations/{pid}"
        elif t.procedure == "complaint":
            links[t.id] = f"/authority/complaints/{pid}"
        elif t.procedure == "repair_objection" and pid in repair_of:
            links[t.id] = f"/authority/repairs/{repair_of[pid]}#objection-{pid}"
        elif t.procedure == "list_objection" and pid in entry_of:
            links[t.id] = f"/authority/entries/{entry_of[pid]}"
    return links


def task_rows(
    session: Session, tasks: list[Task], today: date, names: dict[int, str]
) -> list[dict[str, Any]]:
    """Each task with its kind's name, whose it is, whether it is overdue and its page."""
    links = _links(session, tasks)
    return [
        {
            "task": t,
            "kind": labels.TASK_KINDS.get(t.kind, ""),
            "department": names.get(t.department_id, "") if t.department_id else PLATFORM_NAME,
            "overdue": is_overdue(t, today),
            "days_left": (t.due_on - today).days,
            "link": links.get(t.id),
        }
        for t in tasks
    ]


@router.get("/authority/tasks", response_class=HTMLResponse, **AUTHORITY)
def tasks_page(
    request: Request,
    department: str = "",
    kind: str = "",
    overdue: str = "",
    state: str = "open",
    page: str = "1",
    session: Session = db_session,
) -> Response:
    """Audience: authority. Every open step of every procedure, soonest due first, overdue
    rows marked. Filters: whose (the platform's own, or a department by its code), kind,
    overdue (yes / no), state (open / closed / all)."""
    today = request_today(request)
    departments = list_departments(session)
    by_code = {d.code: d for d in departments}
    department = department if department == PLATFORM or department in by_code else ""
    kind = kind if kind in KINDS else ""
    overdue = overdue if overdue in OVERDUE else ""
    state = state if state in STATES else "open"
    number = page_number(page)
    flt = TaskFilter(
        department_id=by_code[department].id if department in by_code else None,
        authority_only=department == PLATFORM,
        kind=kind or None,
        overdue={"yes": True, "no": False}.get(overdue),
        state=state,
        limit=PAGE_ROWS,
        offset=(number - 1) * PAGE_ROWS,
    )
    tasks, total = find_tasks(session, flt, today=today)
    query = {"department": department, "kind": kind, "overdue": overdue, "state": state}
    return console_page(
        request,
        "authority/tasks.html",
        section="tasks",
        today=today,
        departments=departments,
        platform=PLATFORM,
        platform_name=PLATFORM_NAME,
        states=STATES,
        overdue_choices=OVERDUE,
        tasks=task_rows(session, tasks, today, {d.id: d.name for d in departments}),
        total=total,
        filters=query,
        page=number,
        pages=pages_of(total),
        query=urlencode({k: val for k, val in query.items() if val}),
    )
