"""Pages: the department's task queue, each task linking to its procedure."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core import labels
from xinyong.core.api import db_session
from xinyong.lists.repository import entries_of_list_objections
from xinyong.repairs.repository import repairs_of_notice_objections
from xinyong.tasks.service import KINDS, TaskFilter, find_tasks
from xinyong.web.department.common import DEPARTMENTS, PAGE_ROWS, console_page, own_department
from xinyong.web.forms import page_number, page_visitor, request_today

router = APIRouter(include_in_schema=False)

# The page of each procedure whose task names it by its own id (a task of any kind on it: the
# 告知承诺 verification of a commitment, ``commitment_verification``, links to the commitment).
PAGES = {
    "objection": "/department/objections",
    "repair": "/department/repairs",
    "commitment": "/department/commitments",
    "declaration": "/department/declarations",
    "complaint": "/department/complaints",
    "quality_run": "/department/quality/runs",
    "quality_duty": "/department/quality/duties",
}


def task_rows(session: Session, tasks: list, today: date) -> list[dict[str, Any]]:
    """Each task with its label, overdue flag and the page of its procedure."""
    repair_of = repairs_of_notice_objections(
        session,
        ((t.subject_id, t.procedure_id) for t in tasks if t.procedure == "repair_objection"),
    )
    entry_of = entries_of_list_objections(
        session, ((t.subject_id, t.procedure_id) for t in tasks if t.procedure == "list_objection")
    )
    out = []
    for t in tasks:
        link = None
        if t.procedure in PAGES:
            link = f"{PAGES[t.procedure]}/{t.procedure_id}"
        elif t.procedure == "list_objection" and t.procedure_id in entry_of:
            link = f"/department/lists/entries/{entry_of[t.procedure_id]}"
        elif t.procedure == "repair_objection" and t.procedure_id in repair_of:
            link = f"/department/repairs/{repair_of[t.procedure_id]}#objection-{t.procedure_id}"
        out.append(
            {
                "task": t,
                "kind": labels.TASK_KINDS.get(t.kind, t.kind),
                "overdue": t.closed_at is None and t.due_on < today,
                "days_left": (t.due_on - today).days,
                "link": link,
            }
        )
    return out


@router.get("/department/tasks", response_class=HTMLResponse, **DEPARTMENTS)
def tasks_page(
    request: Request,
    kind: str = "",
    overdue: str = "",
    state: str = "open",
    page: str = "1",
    session: Session = db_session,
) -> Response:
    """Audience: provider, user_department. The department's task queue (the same query as
    GET /api/v1/tasks): soonest due first, overdue rows highlighted, each linking to its
    procedure. Filters: kind, overdue (yes / no), state (open / closed / all)."""
    v = page_visitor(request)
    dept = own_department(session, v)
    today = request_today(request)
    kind = kind if kind in KINDS else ""
    overdue = overdue if overdue in ("yes", "no") else ""
    state = state if state in ("open", "closed", "all") else "open"
    number = page_number(page)
    flt = TaskFilter(
        department_id=dept.id,
        kind=kind or None,
        overdue={"yes": True, "no": False}.get(overdue),
        state=state,
        limit=PAGE_ROWS,
        offset=(number - 1) * PAGE_ROWS,
    )
    tasks, total = find_tasks(session, flt, today=today)
    query = {"kind": kind, "overdue": overdue, "state": state}
    return console_page(
        request,
        "department/tasks.html",
        section="tasks",
        department=dept,
        today=today,
        tasks=task_rows(session, tasks, today),
        total=total,
        filters=query,
        page=number,
        pages=max(1, -(-total // PAGE_ROWS)),
        query=urlencode({k: val for k, val in query.items() if val}),
    )
