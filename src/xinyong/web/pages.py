"""The pages every visitor shares: home, log-in and log-out, and the one-time link by which a
new person sets its password (issue 14). The portal, the consoles and the authority's pages
have their own modules."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from xinyong.accounts import service as accounts_service
from xinyong.accounts.rules import MIN_PASSWORD
from xinyong.core.api import clock, db_session
from xinyong.core.ratelimit import client_address
from xinyong.errors import XinyongError
from xinyong.models import Role
from xinyong.web import accounts
from xinyong.web.site import audience, check_csrf, render, visitor

router = APIRouter(include_in_schema=False)

# Where each role lands after logging in.
HOME_OF = {
    Role.authority: "/authority",
    Role.provider: "/department",
    Role.user_department: "/department",
    Role.subject: "/me",
}


EVERYONE = tuple(Role)
LOGGED_IN = (Role.authority, Role.provider, Role.user_department, Role.subject)


@router.get("/", response_class=HTMLResponse, **audience(*EVERYONE))
def home(request: Request, session: Session = db_session) -> Response:
    """The portal's front page (audience: everyone)."""
    return render(request, visitor(request, session), "home.html")


@router.get("/login", response_class=HTMLResponse, **audience(*EVERYONE))
def login_form(
    request: Request, next: str | None = None, session: Session = db_session
) -> Response:
    """Audience: everyone."""
    return render(
        request, visitor(request, session), "login.html", next=accounts.safe_next(next, "")
    )


@router.post("/login", response_class=HTMLResponse, **audience(*EVERYONE))
def login(
    request: Request,
    username: str = Form(default=""),
    password: str = Form(default=""),
    csrf_token: str = Form(default=""),
    next: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: everyone. A new session on success (never the one the browser brought)."""
    v = visitor(request, session)
    check_csrf(v, csrf_token)
    now = clock(request).now()
    try:
        user = accounts.authenticate(
            session,
            username=username.strip(),
            password=password,
            # The server's address for the connection, never a header (core/ratelimit.py).
            address=client_address(request),
            now=now,
        )
    except accounts.TooManyAttempts as exc:
        session.commit()
        return render(
            request, v, "login.html", status_code=429, error=exc.message, username=username
        )
    if user is None:
        session.commit()  # the failed attempt counts towards throttling
        return render(
            request,
            v,
            "login.html",
            status_code=401,
            error="用户名或密码错误",
            username=username,
            next=accounts.safe_next(next, ""),
        )
    # The session the browser brought, if any, ends here: one log-in, one live session.
    accounts.end_session(session, request.cookies.get(accounts.SESSION_COOKIE), now=now)
    token = accounts.start_session(
        session, user, now=now, hours=request.app.state.db.settings.web_session_hours
    )
    target = accounts.safe_next(next, HOME_OF.get(user.role, "/"))
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        accounts.SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=request.app.state.db.settings.cookie_secure,
        max_age=int(request.app.state.db.settings.web_session_hours * 3600),
    )
    response.delete_cookie(accounts.ANON_CSRF_COOKIE)
    return response


@router.post("/logout", **audience(*LOGGED_IN))
def logout(
    request: Request, csrf_token: str = Form(default=""), session: Session = db_session
) -> Response:
    """Audience: anyone logged in."""
    v = visitor(request, session)
    check_csrf(v, csrf_token)
    accounts.end_session(
        session, request.cookies.get(accounts.SESSION_COOKIE), now=clock(request).now()
    )
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(accounts.SESSION_COOKIE)
    return response


def _setup_page(
    request: Request, session: Session, token: str, *, status_code: int = 200, **context: object
) -> Response:
    v = visitor(request, session)
    try:
        person = accounts_service.setup_link_user(session, token, now=clock(request).now())
    except XinyongError as exc:
        context = {"refused": exc.message, "refused_code": exc.code}
        person, status_code = None, exc.status
    response = render(
        request,
        v,
        "setup.html",
        status_code=status_code,
        person=person,
        token=token,
        min_password=MIN_PASSWORD,
        **context,
    )
    # The link is a secret: never sent on as a referrer.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@router.get("/setup/{token}", response_class=HTMLResponse, **audience(*EVERYONE))
def setup_form(token: str, request: Request, session: Session = db_session) -> Response:
    """Audience: everyone (whoever holds the link). The form to set one's password, while the
    one-time link is usable; else why not (used, replaced, expired)."""
    return _setup_page(request, session, token[:100])


@router.post("/setup/{token}", response_class=HTMLResponse, **audience(*EVERYONE))
def setup_password(
    token: str,
    request: Request,
    password: str = Form(default=""),
    password_again: str = Form(default=""),
    csrf_token: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: everyone (whoever holds the link). Set the password; the link is used up,
    and the person logs in with its user name and the new password."""
    check_csrf(visitor(request, session), csrf_token)
    token = token[:100]
    try:
        with session.begin_nested():
            accounts_service.set_password_by_link(
                session,
                token,
                password=password,
                password_again=password_again,
                now=clock(request).now(),
            )
    except XinyongError as exc:
        return _setup_page(request, session, token, status_code=exc.status, error=exc.message)
    return RedirectResponse("/login?setup=done", status_code=303)
