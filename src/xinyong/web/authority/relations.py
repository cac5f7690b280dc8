"""Pages: related parties (关联关系) for the credit authority — the department's page
(web/relation_views.py) and the scan run now (relations/scan.py), which the daily jobs run
otherwise.

- ``GET /authority/relations``: the flags of the latest scan, nearest first, paged; with
  ``key`` and ``purpose`` the related parties of that subject.
- ``POST /authority/relations/scan``: scan now (CSRF), back to the page with the figures.
"""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core.api import db_session
from xinyong.relations.scan import scan_now
from xinyong.web.authority.common import AUTHORITY, PAGE_ROWS, console_page
from xinyong.web.forms import page_visitor, redirect, request_now
from xinyong.web.relation_views import relations_context
from xinyong.web.site import check_csrf

router = APIRouter(include_in_schema=False)

# What the log says of the flags' page: the authority reads them to supervise.
FLAGS_PURPOSE = "关联风险排查（管理工作台）"


@router.get("/authority/relations", response_class=HTMLResponse, **AUTHORITY)
def relations_page(
    request: Request,
    key: str = "",
    purpose: str = "",
    page: str = "1",
    session: Session = db_session,
) -> Response:
    """Audience: authority. The organisations flagged near a black-listed subject, with the
    path; a subject's related parties when a key and a purpose are given; the scan button."""
    context, status = relations_context(
        request,
        session,
        key=key,
        purpose=purpose,
        page=page,
        rows=PAGE_ROWS,
        flags_purpose=FLAGS_PURPOSE,
    )
    return console_page(
        request,
        "authority/relations.html",
        status_code=status,
        scanned=request.query_params.get("done") == "scanned",
        **context,
    )


@router.post("/authority/relations/scan", response_class=HTMLResponse, **AUTHORITY)
def scan_page(
    request: Request, csrf_token: str = Form(default=""), session: Session = db_session
) -> Response:
    """Audience: authority. The related-party scan now (one at a time: it waits for a running
    one), in the request's transaction."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    scan_now(session, now=request_now(request), actor=v.principal.actor)
    return redirect("/authority/relations", done="scanned")
