"""The subject's risk warnings (风险预警, issue 17 part 2; docs/risk.md): each warning addressed
to it, with why — the rule, its basis, the records and dates it rests on."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core import labels
from xinyong.core.api import db_session
from xinyong.risk.service import warnings_for
from xinyong.web import forms
from xinyong.web.subject.common import SUBJECT, console_page

router = APIRouter(include_in_schema=False)

# Warnings shown on /me/warnings, newest first.
WARNING_ROWS = 200


@router.get("/me/warnings", response_class=HTMLResponse, **SUBJECT)
def warnings_page(request: Request, session: Session = db_session) -> Response:
    """Audience: subject. The warnings addressed to the logged-in subject, newest first, each
    with its reason (GET /api/v1/warnings as the subject)."""
    principal = forms.page_visitor(request).principal
    rows, total = warnings_for(
        session, principal, limit=WARNING_ROWS, offset=0, now=forms.request_now(request)
    )
    return console_page(
        request,
        "subject/warnings.html",
        section="warnings",
        warnings=rows,
        total=total,
        severities=labels.WARNING_SEVERITIES,
    )
