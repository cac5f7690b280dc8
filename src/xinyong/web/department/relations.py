"""Pages: related parties (关联关系) for a department — the organisations the latest scan
flagged within two links of a black-listed subject, each with its path, and the related parties
of one subject looked up with a purpose (relations/service; government-shared, each read logged
with its purpose, 004 §14).

- ``GET /department/relations``: the flags, nearest first, paged; with ``key`` and
  ``purpose`` the related parties of that subject.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.checks.rules import require_purpose
from xinyong.core.api import db_session
from xinyong.errors import XinyongError
from xinyong.relations.service import read_flags, related_subjects
from xinyong.subjects.service import find_visible_subject
from xinyong.web.department.common import DEPARTMENTS, PAGE_ROWS, console_page
from xinyong.web.forms import page_number, page_visitor, request_now

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
    v = page_visitor(request)
    now = request_now(request)
    number = page_number(page)
    related, error, status = None, None, 200
    if key.strip():
        try:
            reason = require_purpose(purpose)
            db = request.app.state.db
            subject = find_visible_subject(
                session, key.strip(), v.principal, cipher=db.cipher, today=now.date()
            )
            related = related_subjects(
                session, subject, actor=v.principal.actor, now=now, purpose=reason
            )
        except XinyongError as exc:
            error, status = exc.message, exc.status
    flags = read_flags(
        session,
        actor=v.principal.actor,
        now=now,
        purpose=FLAGS_PURPOSE,
        limit=PAGE_ROWS,
        offset=(number - 1) * PAGE_ROWS,
    )
    return console_page(
        request,
        "department/relations.html",
        status_code=status,
        section="relations",
        flags=flags,
        related=related,
        error=error,
        form={"key": key, "purpose": purpose},
        page=number,
        pages=max(1, -(-flags.total // PAGE_ROWS)),
    )
