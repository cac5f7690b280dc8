"""Pages: complaints (失信举报) routed to the department (谁主管、谁负责; complaints/service): the
list by state with the overdue ones marked, one complaint with its attachments and timeline,
and the forms of its steps — accept or not, reply to the informant, refer to the competent
department, conclude (查证属实 with the department's own record, or 查无实据). The informant's
contact is shown only on asking, with the purpose, while the complaint is open. Audience:
provider and user_department — their own complaints only; others are 404."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core.api import BigId, db_session
from xinyong.web import complaint_views as views
from xinyong.web.department.common import DEPARTMENTS
from xinyong.web.subject.uploads import with_form

router = APIRouter(include_in_schema=False)
CONSOLE = "department"


@router.get("/department/complaints", response_class=HTMLResponse, **DEPARTMENTS)
def complaints_page(
    request: Request,
    state: str = "open",
    overdue: str = "",
    sector: str = "",
    page: str = "1",
    session: Session = db_session,
) -> Response:
    """Audience: provider, user_department. The complaints routed to the department (GET
    /api/v1/complaints as a department): by default those open, soonest due first, overdue
    marked; by state, sector, overdue."""
    context = views.list_context(
        request, session, state=state, overdue=overdue, sector=sector, page=page
    )
    return views.complaint_page(
        request, "complaints/list.html", section="complaints", console=CONSOLE, **context
    )


@router.get("/department/complaints/{complaint_id}", response_class=HTMLResponse, **DEPARTMENTS)
def complaint_page(
    complaint_id: BigId,
    request: Request,
    done: str = "",
    item: str = "",
    session: Session = db_session,
) -> Response:
    """Audience: provider, user_department. A complaint routed to the department: the subject,
    what happened, when and where, the attachments (downloadable), the deadlines with their
    basis, the timeline, and the forms of the steps open now (``?item=`` the catalog item of
    the record a substantiated complaint is concluded with)."""
    return views.detail_page(request, session, complaint_id, CONSOLE, done=done, item=item)


@router.post(
    "/department/complaints/{complaint_id}/steps", response_class=HTMLResponse, **DEPARTMENTS
)
async def complaint_step(
    complaint_id: BigId, request: Request, session: Session = db_session
) -> Response:
    """Audience: provider, user_department. A step (POST /api/v1/complaints/{id}/steps):
    accepted, not_accepted, replied, referred, or concluded (substantiated — with the record
    pushed in the department's name, or one pushed already by its source id — or
    unsubstantiated). A refusal comes back beside its input."""
    return await with_form(request, session, views.posted_step, complaint_id, CONSOLE)


@router.post(
    "/department/complaints/{complaint_id}/informant", response_class=HTMLResponse, **DEPARTMENTS
)
def complaint_informant(
    complaint_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    purpose: str = Form(default="", max_length=200),
    session: Session = db_session,
) -> Response:
    """Audience: provider, user_department. The informant's name and contact, for the
    department handling the complaint while it is open, read with its purpose and logged (GET
    /api/v1/complaints/{id}/informant); shown on this answer only."""
    return views.informant_page(request, session, complaint_id, CONSOLE, csrf_token, purpose)


@router.get("/department/complaints/{complaint_id}/files/{file_id}", **DEPARTMENTS)
def complaint_file(
    complaint_id: BigId, file_id: BigId, request: Request, session: Session = db_session
) -> Response:
    """Audience: provider, user_department. An attachment of a complaint routed to the
    department, the read audited; others are 404."""
    return views.attachment(request, session, complaint_id, file_id)
