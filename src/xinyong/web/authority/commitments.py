"""Pages: the commitment item list (信用承诺事项清单, 002 §（一）; 004 §3, §9) — each item with
its type, procedure, sector, basis, publication, verification and breach consequence, its
standard texts with their versions, fulfilment statistics per item and per department, and
publishing a revised list as JSON. Audience: authority."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from xinyong.commitments import items as commitment_items
from xinyong.commitments import repository as commitment_repository
from xinyong.commitments import service as commitment_service
from xinyong.commitments.schemas import CommitmentItemsIn
from xinyong.core.api import db_session
from xinyong.errors import NotFound
from xinyong.web.authority.common import AUTHORITY, MAX_UPLOAD, change, refill
from xinyong.web.commitment_views import commitment_page
from xinyong.web.forms import (
    Problem,
    json_download,
    json_input,
    page_visitor,
    request_today,
    validated_json,
)
from xinyong.web.site import check_csrf

router = APIRouter(include_in_schema=False)


def _items_page(
    request: Request,
    session: Session,
    *,
    status_code: int = 200,
    errors: list[dict[str, str]] | None = None,
    text: str = "",
    notes: dict[str, Any] | None = None,
) -> Response:
    return commitment_page(
        request,
        "commitments/authority_items.html",
        status_code=status_code,
        items=commitment_items.items_out(session),
        stats=commitment_service.statistics(session, request_today(request)),
        errors=errors or [],
        text=refill(text),
        notes=notes or {},
    )


@router.get("/authority/commitments", response_class=HTMLResponse, **AUTHORITY)
def items_page(
    request: Request,
    added: int | None = None,
    revised: int | None = None,
    retired: int | None = None,
    session: Session = db_session,
) -> Response:
    """Audience: authority. The item list in force, fulfilment statistics per item and per
    accepting department (commitments/service.statistics), and the form to publish a revised
    list."""
    notes = {"added": added, "revised": revised, "retired": retired}
    return _items_page(request, session, notes=notes)


@router.get("/authority/commitments/download", **AUTHORITY)
def items_download(session: Session = db_session) -> Response:
    """Audience: authority. The list in force in the format it is published in."""
    items = [
        {
            k: v
            for k, v in i.model_dump(mode="json").items()
            if k not in ("version", "template_version")
        }
        for i in commitment_items.items_out(session)
    ]
    return json_download({"items": items}, "commitment-items.json")


@router.post("/authority/commitments", response_class=HTMLResponse, **AUTHORITY)
def items_publish(
    request: Request,
    csrf_token: str = Form(default=""),
    items_json: str = Form(default=""),
    items_file: UploadFile | None = File(default=None),
    session: Session = db_session,
) -> Response:
    """Audience: authority. Publish the whole list (as POST /api/v1/commitment-items): new and
    revised items get a new version, a changed standard text a new template version, items
    left out are retired."""
    check_csrf(page_visitor(request), csrf_token)
    try:
        data = validated_json(
            CommitmentItemsIn, json_input(items_json, items_file, limit=MAX_UPLOAD)
        )
        result = change(request, session, commitment_items.publish_commitment_items, data)
    except Problem as problem:
        return _items_page(
            request, session, status_code=problem.status, errors=problem.rows, text=items_json
        )
    counts = "&".join(f"{k}={len(result[k])}" for k in ("added", "revised", "retired"))
    return RedirectResponse(f"/authority/commitments?{counts}", status_code=303)


@router.get("/authority/commitments/items/{code}", response_class=HTMLResponse, **AUTHORITY)
def item_page(code: str, request: Request, session: Session = db_session) -> Response:
    """Audience: authority. One item as published (retired ones too) with every version of its
    standard text, newest first."""
    item = commitment_repository.item_by_code(session, code[:64])
    if item is None:
        raise NotFound(
            "承诺事项不存在",
            "no such commitment item",
            field="code",
            code="unknown_commitment_item",
        )
    return commitment_page(
        request,
        "commitments/authority_item.html",
        item=item,
        spec=item.spec,
        templates=commitment_repository.templates_of(session, item.code)[::-1],  # newest first
    )
