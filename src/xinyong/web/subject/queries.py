"""Who read the subject's non-public information (Measures art. 22, 36; 004 §14)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.authorisations import service as grants
from xinyong.core.api import db_session
from xinyong.web import forms
from xinyong.web.subject.authorisations import authorised_items
from xinyong.web.subject.common import SUBJECT, console_page, subject_id_of

router = APIRouter(include_in_schema=False)

# Reads of the subject's information listed on a page of /me/queries.
QUERY_ROWS = 100


@router.get("/me/queries", response_class=HTMLResponse, **SUBJECT)
def queries_page(
    request: Request, mine: str = "", before: str = "", session: Session = db_session
) -> Response:
    """Audience: subject. Every read of the subject's non-public information — archive reads
    of departments and authorised institutions, full ID numbers, evidence files — newest
    first, a page at a time (``?before=`` pages back): who, when, for what purpose (GET
    /api/v1/subjects/{key}/queries). The subject's own reads are left out unless asked for
    (``?mine=1``)."""
    sid = subject_id_of(forms.page_visitor(request))
    older = forms.parse_int(before)
    rows = grants.queries_of(session, sid, limit=QUERY_ROWS + 1, others_only=not mine, before=older)
    more = len(rows) > QUERY_ROWS
    rows = rows[:QUERY_ROWS]
    return console_page(
        request,
        "subject/queries.html",
        section="queries",
        queries=rows,
        own=grants.own_reads(session, sid),
        mine=bool(mine),
        item_names=dict(authorised_items(session)),
        older=rows[-1]["id"] if more else None,
        paged=older is not None,
    )
