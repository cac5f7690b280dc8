"""The documents issued to the subject and its own evidence files."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core.api import BigId, db_session
from xinyong.errors import NotFound
from xinyong.objections import appeals
from xinyong.rights.documents import documents_of
from xinyong.web import forms
from xinyong.web.forms import evidence_download
from xinyong.web.subject.common import SUBJECT, console_page, subject_id_of

router = APIRouter(include_in_schema=False)


@router.get("/me/documents/{document_id}", response_class=HTMLResponse, **SUBJECT)
def document_page(document_id: BigId, request: Request, session: Session = db_session) -> Response:
    """Audience: subject. A document issued to the subject — a decision of its objection,
    appeal or repair, or a written apology and clarification — as issued."""
    sid = subject_id_of(forms.page_visitor(request))
    doc = next((d for d in documents_of(session, sid) if d.id == document_id), None)
    if doc is None:
        raise NotFound("文书不存在", "no such document", code="unknown_document")
    link = None
    if doc.procedure == "objection":
        link = f"/me/objections/{doc.procedure_id}"
    elif doc.procedure == "repair":
        link = f"/me/repairs/{doc.procedure_id}"
    elif doc.procedure == "appeal" and doc.procedure_id is not None:
        appeal = appeals.get_appeal(session, doc.procedure_id)
        if appeal.subject_id == sid:
            link = f"/me/{appeal.procedure}s/{appeal.procedure_id}"
    return console_page(request, "subject/document.html", section="me", document=doc, link=link)


@router.get("/me/evidence/{file_id}", **SUBJECT)
def evidence_file(file_id: BigId, request: Request, session: Session = db_session) -> Response:
    """Audience: subject. One of the subject's own evidence files, read (and audited) exactly
    as GET /api/v1/evidence/{id} reads it; any other is 404."""
    return evidence_download(request, session, file_id)
