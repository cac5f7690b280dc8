"""Pages: the notices (通报) the authority sent, each with who of its departments acknowledged
it and when (docs/notices.md)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core.api import BigId, db_session
from xinyong.core.labels import NOTICE_KINDS
from xinyong.notices.service import notice_for, notices_for
from xinyong.web.authority.common import AUTHORITY, PAGE_ROWS, pages_of
from xinyong.web.forms import page, page_number, page_visitor
from xinyong.web.oversight_views import acknowledgers, notice_document, notice_pdf

router = APIRouter(include_in_schema=False)


@router.get("/authority/notices", response_class=HTMLResponse, **AUTHORITY)
def notices_page(
    request: Request,
    kind: str = "",
    page_no: str = Query(default="1", alias="page"),
    session: Session = db_session,
) -> Response:
    """Audience: authority. Every notice sent, newest first, with how many of its departments
    acknowledged it; filtered by kind."""
    v = page_visitor(request)
    kind = kind if kind in NOTICE_KINDS else ""
    number = page_number(page_no)
    found = notices_for(
        session, v.principal, kind=kind or None, limit=PAGE_ROWS, offset=(number - 1) * PAGE_ROWS
    )
    return page(
        request,
        "authority/notices.html",
        section="notices",
        notices=found.notices,
        total=found.total,
        kind=kind,
        kinds=NOTICE_KINDS,
        page=number,
        pages=pages_of(found.total),
    )


@router.get("/authority/notices/{notice_id}", response_class=HTMLResponse, **AUTHORITY)
def notice_page(notice_id: BigId, request: Request, session: Session = db_session) -> Response:
    """Audience: authority. One notice: what it rests on, each department it was sent to and
    who of it acknowledged it, when; the notice itself and its PDF."""
    v = page_visitor(request)
    notice = notice_for(session, v.principal, notice_id)
    return page(
        request,
        "authority/notice.html",
        section="notices",
        notice=notice,
        actors=acknowledgers(session, [notice]),
    )


@router.get("/authority/notices/{notice_id}/document", response_class=HTMLResponse, **AUTHORITY)
def notice_document_page(
    notice_id: BigId, request: Request, session: Session = db_session
) -> Response:
    """Audience: authority. The notice as it was sent: a self-contained page."""
    return notice_document(session, page_visitor(request).principal, notice_id)


@router.get("/authority/notices/{notice_id}/pdf", **AUTHORITY)
def notice_pdf_download(
    notice_id: BigId, request: Request, session: Session = db_session
) -> Response:
    """Audience: authority. The notice's PDF."""
    return notice_pdf(session, page_visitor(request).principal, notice_id)
