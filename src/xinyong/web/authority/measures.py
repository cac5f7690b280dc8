"""Pages: the measures list in force (measures/service); load a revised list."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from xinyong.core import labels
from xinyong.core.api import db_session
from xinyong.measures.schemas import MeasuresIn
from xinyong.measures.service import active_measures, publish_measures
from xinyong.web.authority.common import AUTHORITY, MAX_UPLOAD, change, refill
from xinyong.web.forms import Problem, json_download, json_input, page, page_visitor, validated_json
from xinyong.web.site import check_csrf

router = APIRouter(include_in_schema=False)


def _measures_page(
    request: Request,
    session: Session,
    *,
    status_code: int = 200,
    errors: list[dict[str, str]] | None = None,
    text: str = "",
    notes: dict[str, Any] | None = None,
) -> Response:
    return page(
        request,
        "authority/measures.html",
        status_code=status_code,
        section="measures",
        measures=active_measures(session),
        scenarios=labels.SCENARIOS,
        actions=labels.ACTIONS,
        errors=errors or [],
        text=refill(text),
        notes=notes or {},
    )


@router.get("/authority/measures", response_class=HTMLResponse, **AUTHORITY)
def measures_page(
    request: Request,
    added: int | None = None,
    revised: int | None = None,
    retired: int | None = None,
    session: Session = db_session,
) -> Response:
    """Audience: authority. The measures list in force; load a revised list."""
    notes = {"added": added, "revised": revised, "retired": retired}
    return _measures_page(request, session, notes=notes)


@router.get("/authority/measures/download", **AUTHORITY)
def measures_download(session: Session = db_session) -> Response:
    """Audience: authority. The list in force in the format it is loaded in."""
    body = {"measures": [m.spec for m in active_measures(session)]}
    return json_download(body, "measures.json")


@router.post("/authority/measures", response_class=HTMLResponse, **AUTHORITY)
def measures_publish(
    request: Request,
    csrf_token: str = Form(default=""),
    measures_json: str = Form(default=""),
    measures_file: UploadFile | None = File(default=None),
    session: Session = db_session,
) -> Response:
    """Audience: authority. Publish the whole list (as POST /api/v1/measures): new and revised
    measures get a new version, those left out are retired."""
    check_csrf(page_visitor(request), csrf_token)
    try:
        data = validated_json(
            MeasuresIn, json_input(measures_json, measures_file, limit=MAX_UPLOAD)
        )
        result = change(request, session, publish_measures, data)
    except Problem as problem:
        return _measures_page(
            request, session, status_code=problem.status, errors=problem.rows, text=measures_json
        )
    counts = "&".join(f"{k}={len(v)}" for k, v in result.items())
    return RedirectResponse(f"/authority/measures?{counts}", status_code=303)
