"""Authorised queries (授权查询, Measures art. 22): the subject's grants, granting, revoking."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.authorisations import service as grants
from xinyong.authorisations.schemas import GrantIn
from xinyong.catalog.service import published_catalog
from xinyong.core.api import BigId, db_session
from xinyong.departments.service import list_departments
from xinyong.errors import NotFound
from xinyong.models import Disclosure
from xinyong.web import forms
from xinyong.web.site import check_csrf
from xinyong.web.subject.common import SUBJECT, console_page, subject_id_of

router = APIRouter(include_in_schema=False)


GRANT_FIELDS = {
    "grantee": "grantee",
    "items": "items",
    "purpose": "purpose",
    "starts_on": "starts_on",
    "ends_on": "ends_on",
}


def _grant_status(row: Any, today: date) -> str:
    if row.revoked_at is not None:
        return "revoked"
    if grants.is_live(row, today):
        return "live"
    return "pending" if today < row.starts_on else "expired"


def authorised_items(session: Session) -> list[tuple[str, str]]:
    """The authorised-query items of the published catalog: what a grant may name."""
    catalog = published_catalog(session)
    if catalog is None:
        return []
    return [
        (code, item.spec.name)
        for code, item in catalog.items.items()
        if item.spec.disclosure is Disclosure.authorised
    ]


def _authorisations_page(
    request: Request,
    session: Session,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    revoke_error: str | None = None,
    notes: dict[str, Any] | None = None,
) -> Response:
    sid = subject_id_of(forms.page_visitor(request))
    today = forms.request_today(request)
    departments = list_departments(session)
    by_id = {d.id: d for d in departments}
    items = authorised_items(session)
    item_names = dict(items)
    rows = [
        {
            "grant": row,
            "grantee": by_id.get(row.grantee_id),
            "item_names": [item_names.get(code, code) for code in row.items],
            "status": _grant_status(row, today),
        }
        for row in grants.grants_of_subject(session, sid)
    ]
    return console_page(
        request,
        "subject/authorisations.html",
        status_code=status_code,
        section="authorisations",
        grants=rows,
        departments=[d for d in departments if d.kind != "credit_authority"],
        items=items,
        errors=errors or {},
        form=form or {},
        revoke_error=revoke_error,
        notes=notes or {},
        today=today,
    )


@router.get("/me/authorisations", response_class=HTMLResponse, **SUBJECT)
def authorisations_page(
    request: Request, granted: str = "", revoked: str = "", session: Session = db_session
) -> Response:
    """Audience: subject. The grants the subject gave — live, not yet begun, expired or
    revoked — and the form to authorise a department or institution (GET and POST
    /api/v1/authorisations)."""
    notes = {"granted": forms.parse_int(granted), "revoked": forms.parse_int(revoked)}
    return _authorisations_page(request, session, notes=notes)


@router.post("/me/authorisations", response_class=HTMLResponse, **SUBJECT)
def authorisation_grant(
    request: Request,
    csrf_token: str = Form(default=""),
    grantee: str = Form(default=""),
    items: list[str] = Form(default=[]),
    purpose: str = Form(default=""),
    starts_on: str = Form(default=""),
    ends_on: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: subject. Authorise the grantee to read the chosen authorised-query items for
    the purpose, through the end date (as POST /api/v1/authorisations)."""
    v = forms.page_visitor(request)
    check_csrf(v, csrf_token)
    form = {
        "grantee": grantee.strip(),
        "items": [i for i in items if isinstance(i, str)][:60],
        "purpose": purpose.strip(),
        "starts_on": starts_on.strip(),
        "ends_on": ends_on.strip(),
    }
    try:
        errors: dict[str, str] = {}
        if not form["grantee"]:
            errors["grantee"] = "请选择被授权的单位"
        if not form["items"]:
            errors["items"] = "请至少选择一项授权查询的信息"
        if not form["purpose"]:
            errors["purpose"] = "请写明查询用途"
        if not form["ends_on"]:
            errors["ends_on"] = "请填写授权截止日期"
        data = {k: value for k, value in form.items() if value not in ("", [])}
        try:
            body = forms.validated(GrantIn, data, GRANT_FIELDS)
        except forms.Problem as bad:
            for name, message in bad.errors.items():
                errors.setdefault(name, message)
        if errors:
            raise forms.Problem(errors)
        step = forms.request_step(request)
        row = forms.attempt(
            session,
            lambda: grants.grant(
                session,
                step,
                subject_id=subject_id_of(v),
                grantee_code=body.grantee,
                items=body.items,
                purpose=body.purpose,
                starts_on=body.starts_on,
                ends_on=body.ends_on,
            ),
            GRANT_FIELDS,
        )
    except forms.Problem as bad:
        return _authorisations_page(
            request, session, status_code=bad.status, errors=bad.errors, form=form
        )
    return forms.redirect("/me/authorisations", granted=row.id)


@router.post("/me/authorisations/{grant_id}/revoke", response_class=HTMLResponse, **SUBJECT)
def authorisation_revoke(
    grant_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: subject. Revoke a grant (as DELETE /api/v1/authorisations/{id}): from now on
    the grantee reads none of its items; its earlier reads stay in the query log."""
    v = forms.page_visitor(request)
    check_csrf(v, csrf_token)
    try:
        row = grants.get_grant(session, grant_id)
    except NotFound:
        row = None
    if row is None or row.subject_id != subject_id_of(v):
        raise NotFound("授权不存在", "no such authorisation", code="unknown_grant")
    try:
        forms.attempt(session, lambda: grants.revoke(session, forms.request_step(request), row), {})
    except forms.Problem as bad:
        return _authorisations_page(
            request, session, status_code=bad.status, revoke_error=bad.errors.get("", "")
        )
    return forms.redirect("/me/authorisations", revoked=grant_id)
