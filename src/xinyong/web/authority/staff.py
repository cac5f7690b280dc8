"""Pages: the authority's people (issue 14) — its administrator lists its staff, adds a
person (a one-time set-up link to set the password), changes a staff role, disables an
account; the shared handling is web/staffing.py, the service accounts/service.py."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core.api import BigId, db_session
from xinyong.web import staffing
from xinyong.web.authority.common import AUTHORITY

router = APIRouter(include_in_schema=False)
CONSOLE = "authority"


@router.get("/authority/staff", response_class=HTMLResponse, **AUTHORITY)
def staff_page(request: Request, done: str = "", session: Session = db_session) -> Response:
    """Audience: authority (its administrator; others get 403 `not_staff_admin`). The department's
    people, their staff roles and states, and the form to add a person."""
    return staffing.staff_page(request, session, CONSOLE, done=done)


@router.post("/authority/staff", response_class=HTMLResponse, **AUTHORITY)
def add_staff(
    request: Request,
    csrf_token: str = Form(default=""),
    username: str = Form(default=""),
    display_name: str = Form(default=""),
    staff_role: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: authority (its administrator). Add a person: the answer shows its one-time set-up
    link, once."""
    return staffing.add_staff(
        request,
        session,
        CONSOLE,
        csrf_token=csrf_token,
        username=username,
        display_name=display_name,
        staff_role=staff_role,
    )


@router.post("/authority/staff/{user_id}/role", response_class=HTMLResponse, **AUTHORITY)
def change_role(
    user_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    staff_role: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: authority (its administrator). Change a person's staff role."""
    return staffing.staff_change(
        request,
        session,
        CONSOLE,
        user_id,
        csrf_token=csrf_token,
        what="role",
        staff_role=staff_role,
    )


@router.post("/authority/staff/{user_id}/disable", response_class=HTMLResponse, **AUTHORITY)
def disable(
    user_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: authority (its administrator). Disable a person's account."""
    return staffing.staff_change(
        request, session, CONSOLE, user_id, csrf_token=csrf_token, what="disable"
    )


@router.post("/authority/staff/{user_id}/link", response_class=HTMLResponse, **AUTHORITY)
def new_link(
    user_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: authority (its administrator). A new one-time set-up link for a person; its earlier
    links stop working."""
    return staffing.staff_change(
        request, session, CONSOLE, user_id, csrf_token=csrf_token, what="link"
    )
