"""Pages: every complaint (失信举报) for the credit authority's oversight — the counts per
department with the overdue ones (Measures art. 37, 40), the list of all complaints or of one
department's, one complaint with its timeline. The authority handles those on its own queue
(no department of the failure's sector) and refers any not yet accepted to the competent
department. Audience: authority."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.complaints import reading
from xinyong.core.api import BigId, db_session
from xinyong.departments.service import list_departments
from xinyong.web import complaint_views as views
from xinyong.web.authority.common import AUTHORITY
from xinyong.web.forms import request_today
from xinyong.web.subject.uploads import with_form

router = APIRouter(include_in_schema=False)
CONSOLE = "authority"


@router.get("/authority/complaints", response_class=HTMLResponse, **AUTHORITY)
def complaints_page(
    request: Request,
    state: str = "open",
    overdue: str = "",
    sector: str = "",
    department: str = "",
    page: str = "1",
    session: Session = db_session,
) -> Response:
    """Audience: authority. Every complaint (GET /api/v1/complaints as the authority): the
    counts per department — by state, open, overdue (GET /api/v1/complaints/overview) — and the
    list, by state, sector, overdue and department (``platform``: its own queue)."""
    departments = {d.code: d for d in list_departments(session)}
    narrowed: dict = {}
    if department == "platform":
        narrowed = {"authority_queue": True}
    elif department in departments:
        narrowed = {"department_id": departments[department].id}
    else:
        department = ""
    context = views.list_context(
        request, session, state=state, overdue=overdue, sector=sector, page=page, **narrowed
    )
    if department:
        context["params"]["department"] = department
    return views.complaint_page(
        request,
        "complaints/list.html",
        section="complaints",
        console=CONSOLE,
        counts=reading.counts(session, request_today(request)),
        department=department,
        departments=[(d.code, d.name) for d in departments.values()],
        **context,
    )


@router.get("/authority/complaints/{complaint_id}", response_class=HTMLResponse, **AUTHORITY)
def complaint_page(
    complaint_id: BigId,
    request: Request,
    done: str = "",
    item: str = "",
    session: Session = db_session,
) -> Response:
    """Audience: authority. One complaint: the subject, what happened, the attachments, the
    deadlines, the timeline; the forms of the steps on its own queue, and the referral of one
    not yet accepted."""
    return views.detail_page(request, session, complaint_id, CONSOLE, done=done, item=item)


@router.post("/authority/complaints/{complaint_id}/steps", response_class=HTMLResponse, **AUTHORITY)
async def complaint_step(
    complaint_id: BigId, request: Request, session: Session = db_session
) -> Response:
    """Audience: authority. A step (POST /api/v1/complaints/{id}/steps) of a complaint on its
    own queue, or the referral of any not yet accepted."""
    return await with_form(request, session, views.posted_step, complaint_id, CONSOLE)


@router.post(
    "/authority/complaints/{complaint_id}/informant", response_class=HTMLResponse, **AUTHORITY
)
def complaint_informant(
    complaint_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    purpose: str = Form(default="", max_length=200),
    session: Session = db_session,
) -> Response:
    """Audience: authority. The informant's contact of a complaint on its own queue while it
    is open, read with its purpose and logged."""
    return views.informant_page(request, session, complaint_id, CONSOLE, csrf_token, purpose)


@router.get("/authority/complaints/{complaint_id}/files/{file_id}", **AUTHORITY)
def complaint_file(
    complaint_id: BigId, file_id: BigId, request: Request, session: Session = db_session
) -> Response:
    """Audience: authority. An attachment of a complaint, the read audited."""
    return views.attachment(request, session, complaint_id, file_id)
