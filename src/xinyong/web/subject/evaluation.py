"""/me/evaluation: the subject's public credit evaluation (公共信用综合评价, 002 §（六）) — its
grade with score, model and day, its grades per field of supervision, every point traced to
the rows that gave it (issue 16 § 2), its grade history, and the way to object to the result
(Measures art. 31)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core.api import db_session
from xinyong.web import forms
from xinyong.web.evaluation_views import LABELS, evaluation_of, signed
from xinyong.web.subject.common import SUBJECT, console_page, subject_id_of

router = APIRouter(include_in_schema=False)

# Where the console shows each kind of row an indicator's points came from.
LINKS = {
    "record": "/me#r{id}",
    "list_entry": "/me#h-lists",
    "commitment": "/me/commitments/{id}",
    "declaration": "/me/declarations/{id}",
}


@router.get("/me/evaluation", response_class=HTMLResponse, **SUBJECT)
def evaluation_page(request: Request, session: Session = db_session) -> Response:
    """Audience: subject. Its own grade (优/良/中/差) with score, model and day; its grade per
    field where a department's evaluation was combined with it; the explanation — each
    dimension and indicator, its points and the records, list entries, commitments and
    declarations that gave them, linked to where the console shows them, summing to the
    score; its grade history; and the link to object to the result."""
    sid = subject_id_of(forms.page_visitor(request))
    found = evaluation_of(
        request.app.state.db, session, sid, now=forms.request_now(request), links=LINKS
    )
    return console_page(
        request,
        "subject/evaluation.html",
        section="evaluation",
        ev=found,
        grade_labels=LABELS,
        signed=signed,
    )
