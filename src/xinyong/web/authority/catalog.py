"""Pages: the catalog's versions (catalog/service): draft one from JSON, publish a draft."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from xinyong.accounts.service import actor_labels
from xinyong.catalog.repository import item_counts_by_version
from xinyong.catalog.schemas import CatalogIn, ItemSpec
from xinyong.catalog.service import draft_version, get_version, list_versions, publish_version
from xinyong.core import labels
from xinyong.core.api import Int32Id, db_session
from xinyong.web.authority.common import AUTHORITY, MAX_UPLOAD, change, refill
from xinyong.web.forms import Problem, json_download, json_input, page, page_visitor, validated_json
from xinyong.web.site import check_csrf

router = APIRouter(include_in_schema=False)


def _catalog_page(
    request: Request,
    session: Session,
    *,
    status_code: int = 200,
    errors: list[dict[str, str]] | None = None,
    text: str = "",
    notes: dict[str, Any] | None = None,
) -> Response:
    versions = list_versions(session)
    counts = item_counts_by_version(session)
    return page(
        request,
        "authority/catalog.html",
        status_code=status_code,
        section="catalog",
        versions=versions,
        actors=actor_labels(
            session, [a for v in versions for a in (v.created_by, v.published_by) if a]
        ),
        counts=counts,
        status_labels=labels.CATALOG_STATUSES,
        errors=errors or [],
        text=refill(text),
        notes=notes or {},
    )


@router.get("/authority/catalog", response_class=HTMLResponse, **AUTHORITY)
def catalog_page(
    request: Request,
    drafted: int | None = None,
    published: int | None = None,
    session: Session = db_session,
) -> Response:
    """Audience: authority. The catalog's versions; draft one from JSON, publish a draft."""
    return _catalog_page(request, session, notes={"drafted": drafted, "published": published})


@router.get("/authority/catalog/{number}/download", **AUTHORITY)
def catalog_download(number: Int32Id, session: Session = db_session) -> Response:
    """Audience: authority. A version in the draft format (docs/catalog-format.md), to edit
    and draft again."""
    version, items = get_version(session, number)
    body = CatalogIn(
        title=version.title,
        notes=version.notes,
        items=[ItemSpec.model_validate(i, from_attributes=True) for i in items],
    ).model_dump(mode="json")
    return json_download(body, f"catalog-v{number}.json")


@router.post("/authority/catalog", response_class=HTMLResponse, **AUTHORITY)
def catalog_draft(
    request: Request,
    csrf_token: str = Form(default=""),
    catalog_json: str = Form(default=""),
    catalog_file: UploadFile | None = File(default=None),
    session: Session = db_session,
) -> Response:
    """Audience: authority. Draft a new catalog version (the body of POST
    /api/v1/catalog/versions, pasted or as a file)."""
    check_csrf(page_visitor(request), csrf_token)
    try:
        data = validated_json(CatalogIn, json_input(catalog_json, catalog_file, limit=MAX_UPLOAD))
        version = change(request, session, draft_version, data)
    except Problem as problem:
        return _catalog_page(
            request, session, status_code=problem.status, errors=problem.rows, text=catalog_json
        )
    return RedirectResponse(f"/authority/catalog?drafted={version.number}", status_code=303)


@router.post("/authority/catalog/{number}/publish", response_class=HTMLResponse, **AUTHORITY)
def catalog_publish(
    number: Int32Id,
    request: Request,
    csrf_token: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: authority. Publish a drafted version: new records are collected under it."""
    check_csrf(page_visitor(request), csrf_token)
    try:
        change(request, session, publish_version, number, fields={"": "publish"})
    except Problem as problem:
        return _catalog_page(request, session, status_code=problem.status, errors=problem.rows)
    return RedirectResponse(f"/authority/catalog?published={number}", status_code=303)
