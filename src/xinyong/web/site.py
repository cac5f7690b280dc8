"""What every page shares: the templates, the visitor (who is looking, with which CSRF token)
and the rendering of a page or of an error page."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from xinyong.accounts.rules import actor_label
from xinyong.core import labels
from xinyong.core.api import clock, db_session
from xinyong.core.auth import PUBLIC, Principal
from xinyong.core.citations import cite
from xinyong.core.clock import SHANGHAI
from xinyong.core.labels import ROLE_NAMES
from xinyong.errors import Forbidden, XinyongError
from xinyong.models import Role, User
from xinyong.web import accounts

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))


def _local(value: datetime | date | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(SHANGHAI).strftime(fmt)
    return value.isoformat()


def _zh(code: Any, table: str) -> str:
    """``{{ code|zh("SECTOR_NAMES") }}``: a code's Chinese name from a table of core/labels
    (an enum member by its value); a code of no name is shown as given."""
    if code is None:
        return ""
    value = getattr(code, "value", code)
    names: dict[str, str] = getattr(labels, table)
    return names.get(value, str(value))


def _actor(actor: str | None, names: dict[str, str] | None = None) -> str:
    """``{{ x.actor|actor(actors) }}``: who acted, as the page looked them up
    (accounts/service.actor_labels), else as accounts/rules reads the name alone."""
    return (names or {}).get(actor or "") or actor_label(actor)


templates.env.filters["zh"] = _zh
templates.env.filters["actor"] = _actor
# A step's detail as (name, text) pairs; a row error's field by its Chinese name.
templates.env.globals["detail_rows"] = labels.detail_rows
templates.env.globals["field_path_name"] = labels.field_path_name
templates.env.globals["read_purpose"] = labels.read_purpose
# The tables themselves, for a page that lists codes beside their names (``<code>``).
templates.env.globals["label_tables"] = labels

templates.env.filters["local"] = _local
templates.env.globals["ROLE_NAMES"] = ROLE_NAMES
templates.env.filters["cite"] = cite


@dataclass
class Visitor:
    """Who is looking at a page: a logged-in user (with its principal) or the public."""

    user: User | None
    principal: Principal
    csrf: str
    # A new pre-log-in CSRF token to set as a cookie with the response.
    new_anon_csrf: str | None = None

    @property
    def role(self) -> Role:
        return self.principal.role


def visitor(request: Request, session: Session) -> Visitor:
    now = clock(request).now()
    loaded = accounts.load_session(session, request.cookies.get(accounts.SESSION_COOKIE), now=now)
    if loaded is not None:
        web_session, user = loaded
        return Visitor(user, accounts.principal_of(session, user), web_session.csrf_token)
    anon = request.cookies.get(accounts.ANON_CSRF_COOKIE)
    if anon:
        return Visitor(None, PUBLIC, anon)
    token = secrets.token_urlsafe(32)
    return Visitor(None, PUBLIC, token, new_anon_csrf=token)


class LoginRequired(XinyongError):
    """A page for logged-in roles asked for by the public: answered with a redirect to the
    log-in page that comes back here (app.py)."""

    status = 401
    code = "not_authenticated"


def audience(*roles: Role) -> dict[str, Any]:
    """Route keyword arguments of a page: who may see it. The public is sent to log in; a
    logged-in role outside the audience gets 403. The audience is kept on the route
    (``openapi_extra["x-audience"]``) for the role-by-route test."""
    allowed = frozenset(roles)

    def check(request: Request, session: Session = db_session) -> Visitor:
        v = visitor(request, session)
        if v.role not in allowed:
            if v.user is None:
                raise LoginRequired("请先登录", "log in first")
            raise Forbidden("无权访问此页面", f"role {v.role.value} may not see this page")
        request.state.visitor = v
        return v

    return {"dependencies": [Depends(check)], "openapi_extra": {"x-audience": sorted(allowed)}}


def check_csrf(visitor: Visitor, given: str | None) -> None:
    """Every form that changes something carries the token (SameSite cookies alone do not
    cover every browser and every subdomain)."""
    if not accounts.same_token(given, visitor.csrf):
        raise Forbidden(
            "页面已过期或来源不明，请刷新后重试",
            "the form is stale or not from this site; reload and try again",
            code="csrf_failed",
        )


def render(
    request: Request,
    visitor: Visitor,
    name: str,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    response = templates.TemplateResponse(
        request,
        name,
        {"visitor": visitor, "csrf": visitor.csrf, **context},
        status_code=status_code,
    )
    remember_anon_csrf(request, response, visitor)
    response.headers["Cache-Control"] = "no-store"
    return response


def remember_anon_csrf(request: Request, response: Any, visitor: Visitor) -> None:
    if visitor.new_anon_csrf:
        response.set_cookie(
            accounts.ANON_CSRF_COOKIE,
            visitor.new_anon_csrf,
            httponly=True,
            samesite="lax",
            secure=request.app.state.db.settings.cookie_secure,
        )


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """An error on a page is a page, never a JSON body or a 500 trace."""
    return templates.TemplateResponse(
        request,
        "error.html",
        {"visitor": None, "csrf": "", "status": status, "message": message},
        status_code=status,
    )
