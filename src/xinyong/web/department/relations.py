"""Pages: related parties (关联关系) for a department — the organisations the latest scan
flagged within two links of a black-listed subject, each with its path, and the related parties
of one subject looked up with a purpose (web/relation_views.py; government-shared, each read
logged with its purpose, 004 §14).

- ``GET /department/relations``: the flags, nearest first, paged; with ``key`` and
  ``purpose`` the related parties of that subject.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core.api import db_session
from xinyong.web.department.common import DEPARTMENTS, PAGE_ROWS, console_page
from xinyong.web.relation_views import relations_context

router = APIRouter(include_in_schema=False)

# What the log says of the flags' page: the department reads them to supervise.
FLAGS_PURPOSE = "关联风险排查（部门工作台）"


@router.get("/department/relations", response_class=HTMLResponse, **DEPARTMENTS)
def relations_page(
    request: Request,
    key: str = "",
    purpose: str = "",
    page: str = "1",
    session: Session = db_session,
) -> Response:
    """Audience: provider, user_department. The organisations flagged near a black-listed
    subject, with the path; and a subject's related parties when a key and a purpose are
    given (a refused look-up shows its message beside the form, 4xx)."""
    context, status = relations_context(
        request,
        session,
        key=key,
        purpose=purpose,
        page=page,
        rows=PAGE_ROWS,
        flags_purpose=FLAGS_PURPOSE,
    )
    return console_page(request, "department/relations.html", status_code=status, **context)
