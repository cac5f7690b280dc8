"""Pages: the notices (通报) sent to the department, and its acknowledgement of each (签收,
docs/notices.md)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core.api import BigId, db_session
from xinyong.notices.service import acknowledge, notice_for, notices_for
from xinyong.web.department.common import DEPARTMENTS, PAGE_ROWS
from xinyong.web.forms import page, page_number, page_visitor, redirect, request_now
from xinyong.web.oversight_views import acknowledgers, notice_document, notice_pdf
from xinyong.web.site import check_csrf

router = APIRouter(include_in_schema=False)


@router.get("/department/notices", response_class=HTMLResponse, **DEPARTMENTS)
def notices_page(
    request: Request, page_no: str = Query(default="1", alias="page"), session: Session = db_session
) -> Response:
    """Audience: provider, user_department. The notices sent to the department, newest first,
    each acknowledged or waiting for its acknowledgement."""
    v = page_visitor(request)
    number = page_number(page_no)
    found = notices_for(session, v.principal, limit=PAGE_ROWS, offset=(number - 1) * PAGE_ROWS)
    return page(
        request,
        "department/notices.html",
        section="notices",
        notices=found.notices,
        total=found.total,
        actors=acknowledgers(session, found.notices),
        page=number,
        pages=max(1, -(-found.total // PAGE_ROWS)),
    )


@router.get("/department/notices/{notice_id}", response_class=HTMLResponse, **DEPARTMENTS)
def notice_page(
    notice_id: BigId, request: Request, done: str = "", session: Session = db_session
) -> Response:
    """Audience: provider, user_department. A notice sent to the department, with the form to
    acknowledge it; one sent to others is 403."""
    v = page_visitor(request)
    notice = notice_for(session, v.principal, notice_id)
    return page(
        request,
        "department/notice.html",
        section="notices",
        notice=notice,
        own=notice.recipients[0],
        actors=acknowledgers(session, [notice]),
        done=done,
    )


@router.post(
    "/department/notices/{notice_id}/acknowledge", response_class=HTMLResponse, **DEPARTMENTS
)
def acknowledge_notice(
    notice_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider, user_department. Acknowledge the notice, by the person logged in
    (once; a notice sent to others is 403 ``notice_not_addressed``)."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    acknowledge(session, v.principal, notice_id, now=request_now(request))
    return redirect(f"/department/notices/{notice_id}", done="acknowledged")


@router.get("/department/notices/{notice_id}/document", response_class=HTMLResponse, **DEPARTMENTS)
def notice_document_page(
    notice_id: BigId, request: Request, session: Session = db_session
) -> Response:
    """Audience: provider, user_department. The notice as it was sent: a self-contained page."""
    return notice_document(session, page_visitor(request).principal, notice_id)


@router.get("/department/notices/{notice_id}/pdf", **DEPARTMENTS)
def notice_pdf_download(
    notice_id: BigId, request: Request, session: Session = db_session
) -> Response:
    """Audience: provider, user_department. The notice's PDF."""
    return notice_pdf(session, page_visitor(request).principal, notice_id)
