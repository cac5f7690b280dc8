"""What the department console and the authority's console share about people (issue 14):
the staff page of a department's administrator (its people, add a person with a one-time
set-up link, change a staff role, disable an account, send a new link) and the 待审核 page
(decisions prepared by one person, approved or returned by a 审核). Each console's module
(web/department/staff.py, web/authority/staff.py, …) routes to these with its own prefix and
audience; the services are accounts/service.py and approvals/service.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.accounts import repository as accounts_repository
from xinyong.accounts import service as accounts_service
from xinyong.accounts.rules import SETUP_LINK_HOURS, STAFF_ROLE_NAMES, require_staff_manager
from xinyong.accounts.schemas import StaffIn, StaffRoleIn
from xinyong.approvals import repository as approvals_repository
from xinyong.approvals import service as approvals_service
from xinyong.approvals.kinds import KINDS
from xinyong.approvals.rules import APPROVERS
from xinyong.approvals.schemas import ReturnIn
from xinyong.core import labels
from xinyong.core.api import BigId, db_session
from xinyong.departments.repository import department_by_id
from xinyong.errors import NotFound, XinyongError
from xinyong.models import PendingDecision, User
from xinyong.web.forms import (
    Problem,
    page,
    page_visitor,
    redirect,
    request_now,
    request_step,
    validated,
)
from xinyong.web.site import check_csrf

T = TypeVar("T")
# Rows of the 待审核 page's tables.
ROWS = 100

STAFF_FIELDS = {"username": "username", "display_name": "display_name", "staff_role": "staff_role"}


class Refused(Exception):
    """A service's refusal on one of these pages: its message, status and stable code (the
    page carries the code for the tests and for support)."""

    def __init__(self, message: str, status: int, code: str, field: str = "") -> None:
        super().__init__(message)
        self.message, self.status, self.code, self.field = message, status, code, field

    @classmethod
    def of(cls, exc: XinyongError) -> Refused:
        return cls(exc.message, exc.status, exc.code, exc.field or "")

    @classmethod
    def of_problem(cls, problem: Problem) -> Refused:
        return cls("；".join(problem.errors.values()), problem.status, "invalid_field")


def _attempt(session: Session, action: Callable[[], T]) -> T:
    """The service call in a savepoint: a refusal undoes what it began."""
    try:
        with session.begin_nested():
            return action()
    except XinyongError as exc:
        raise Refused.of(exc) from None


def _actor_of(user: User | None) -> str:
    return f"user:{user.username}" if user else ""


# ---- The staff page


def staff_page(
    request: Request,
    session: Session,
    console: str,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    new_link: dict[str, str] | None = None,
    done: str = "",
    refused: Refused | None = None,
) -> Response:
    v = page_visitor(request)
    require_staff_manager(v.principal)
    dept = department_by_id(session, v.principal.department_id or 0)
    people = accounts_repository.staff_of_department(session, dept.id)
    waiting = accounts_repository.users_with_live_links(
        session, (u.id for u in people), now=request_now(request)
    )
    return page(
        request,
        "staff/staff.html",
        status_code=status_code,
        console=console,
        section="staff",
        department=dept,
        people=people,
        waiting=waiting,
        staff_roles=STAFF_ROLE_NAMES,
        link_hours=SETUP_LINK_HOURS,
        errors=errors or {},
        form=form or {"staff_role": "handler"},
        new_link=new_link,
        done=done,
        refused=refused,
        me=v.principal.user_id,
    )


def _link(request: Request, token: str) -> str:
    return str(request.base_url).rstrip("/") + f"/setup/{token}"


def add_staff(
    request: Request,
    session: Session,
    console: str,
    *,
    csrf_token: str,
    username: str,
    display_name: str,
    staff_role: str,
) -> Response:
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    require_staff_manager(v.principal)
    form = {"username": username, "display_name": display_name, "staff_role": staff_role}
    try:
        body = validated(
            StaffIn,
            {
                "username": username.strip(),
                "display_name": display_name.strip(),
                "staff_role": staff_role,
            },
            STAFF_FIELDS,
        )
        dept = department_by_id(session, v.principal.department_id or 0)
        user, token = _attempt(
            session,
            lambda: accounts_service.add_staff(
                session,
                v.principal,
                dept,
                username=body.username,
                display_name=body.display_name,
                staff_role=body.staff_role,
                now=request_now(request),
            ),
        )
    except Problem as problem:
        return staff_page(
            request, session, console, status_code=problem.status, errors=problem.errors, form=form
        )
    except Refused as refused:
        return staff_page(
            request,
            session,
            console,
            status_code=refused.status,
            errors={refused.field if refused.field in STAFF_FIELDS else "": refused.message},
            form=form,
        )
    # The link is shown once, on this answer only (never in an address or a log).
    return staff_page(
        request,
        session,
        console,
        status_code=201,
        new_link={
            "username": user.username,
            "name": user.display_name,
            "url": _link(request, token),
        },
    )


def staff_change(
    request: Request,
    session: Session,
    console: str,
    user_id: int,
    *,
    csrf_token: str,
    what: str,
    staff_role: str = "",
) -> Response:
    """``what``: "role", "disable" or "link" (a new set-up link)."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    now = request_now(request)
    try:
        if what == "role":
            body = validated(StaffRoleIn, {"staff_role": staff_role})
            _attempt(
                session,
                lambda: accounts_service.change_staff_role(
                    session, v.principal, user_id, body.staff_role, now=now
                ),
            )
        elif what == "disable":
            _attempt(
                session,
                lambda: accounts_service.disable_staff(session, v.principal, user_id, now=now),
            )
        else:
            token = _attempt(
                session,
                lambda: accounts_service.resend_setup_link(session, v.principal, user_id, now=now),
            )
            user = accounts_repository.user_by_id(session, user_id)
            assert user is not None
            return staff_page(
                request,
                session,
                console,
                new_link={
                    "username": user.username,
                    "name": user.display_name,
                    "url": _link(request, token),
                },
            )
    except Problem as problem:
        refused = Refused.of_problem(problem)
        return staff_page(request, session, console, status_code=refused.status, refused=refused)
    except Refused as refused:
        return staff_page(request, session, console, status_code=refused.status, refused=refused)
    return redirect(f"/{console}/staff", done=what)


# ---- The 待审核 page


def _decision_rows(
    session: Session,
    decisions: list[PendingDecision],
    names: dict[str, str],
    users: dict[int, User],
) -> list[dict[str, Any]]:
    rows = []
    for d in decisions:
        kind = KINDS.get(d.kind)
        rows.append(
            {
                "decision": d,
                "kind": kind.label if kind else d.kind,
                "link": kind.link.format(target_id=d.target_id) if kind else None,
                "details": kind.describe(d.payload) if kind else [],
                "prepared_by": names.get(_actor_of(users.get(d.prepared_by)), ""),
                "decided_by": names.get(_actor_of(users.get(d.decided_by or 0)), ""),
            }
        )
    return rows


def approvals_page(
    request: Request,
    session: Session,
    console: str,
    *,
    status_code: int = 200,
    done: str = "",
    refused: Refused | None = None,
    forms: dict[str, Any] | None = None,
) -> Response:
    v = page_visitor(request)
    dept_id = v.principal.department_id or 0
    waiting = approvals_repository.open_decisions_of_department(session, dept_id, limit=ROWS)
    mine = (
        approvals_repository.decisions_prepared_by(session, v.principal.user_id, limit=ROWS)
        if v.principal.user_id
        else []
    )
    users = accounts_repository.users_by_ids(
        session, {x for d in [*waiting, *mine] for x in (d.prepared_by, d.decided_by) if x}
    )
    names = accounts_service.actor_labels(session, (_actor_of(u) for u in users.values()))
    return page(
        request,
        "staff/approvals.html",
        status_code=status_code,
        console=console,
        section="approvals",
        waiting=_decision_rows(session, waiting, names, users),
        mine=_decision_rows(session, mine, names, users),
        reviewer=v.principal.is_personal and v.principal.staff_role in APPROVERS,
        me=v.principal.user_id,
        outcomes=labels.DECISION_OUTCOMES,
        done=done,
        refused=refused,
        forms=forms or {},
    )


def decide(
    request: Request,
    session: Session,
    console: str,
    decision_id: int,
    *,
    csrf_token: str,
    what: str,
    reason: str = "",
) -> Response:
    """``what``: "approve", "return" (with the reason) or "withdraw"."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    step = request_step(request)
    try:
        if what == "approve":
            _attempt(session, lambda: approvals_service.approve(session, step, decision_id))
        elif what == "return":
            body = validated(ReturnIn, {"reason": reason.strip()})
            _attempt(
                session,
                lambda: approvals_service.return_decision(
                    session, step, decision_id, reason=body.reason
                ),
            )
        else:
            _attempt(session, lambda: approvals_service.withdraw(session, step, decision_id))
    except Problem as problem:
        return approvals_page(
            request,
            session,
            console,
            status_code=problem.status,
            forms={"id": decision_id, "reason": reason, "errors": problem.errors},
        )
    except Refused as refused:
        return approvals_page(
            request,
            session,
            console,
            status_code=refused.status,
            refused=refused,
            forms={"id": decision_id, "reason": reason},
        )
    return redirect(f"/{console}/approvals", done=what)


def prepare(
    request: Request, session: Session, kind: str, target_id: int, payload: dict[str, Any]
) -> PendingDecision:
    """A decision form's values, by a person acting under its own name, as a decision waiting
    for a 审核 (approvals/kinds.py); a refusal is the form's problem."""
    step = request_step(request)
    try:
        return _attempt(
            session, lambda: approvals_service.prepare(session, step, kind, target_id, payload)
        )
    except Refused as refused:
        raise Problem({"": refused.message}, status=refused.status) from None


# ---- The routes, one set per console


def staff_routes(console: str, door: dict[str, Any], who: str) -> APIRouter:
    """The staff pages of a console: ``/{console}/staff`` …, behind the console's audience
    (``door``); ``who`` names that audience in the pages' descriptions."""
    router = APIRouter(include_in_schema=False)
    base = f"/{console}/staff"

    @router.get(base, response_class=HTMLResponse, **door)
    def staff(request: Request, done: str = "", session: Session = db_session) -> Response:
        return staff_page(request, session, console, done=done)

    @router.post(base, response_class=HTMLResponse, **door)
    def add(
        request: Request,
        csrf_token: str = Form(default=""),
        username: str = Form(default=""),
        display_name: str = Form(default=""),
        staff_role: str = Form(default=""),
        session: Session = db_session,
    ) -> Response:
        return add_staff(
            request,
            session,
            console,
            csrf_token=csrf_token,
            username=username,
            display_name=display_name,
            staff_role=staff_role,
        )

    @router.post(base + "/{user_id}/{what}", response_class=HTMLResponse, **door)
    def change(
        user_id: BigId,
        what: str,
        request: Request,
        csrf_token: str = Form(default=""),
        staff_role: str = Form(default=""),
        session: Session = db_session,
    ) -> Response:
        if what not in ("role", "disable", "link"):
            raise NotFound("页面不存在", "no such page")
        return staff_change(
            request,
            session,
            console,
            user_id,
            csrf_token=csrf_token,
            what=what,
            staff_role=staff_role,
        )

    staff.__doc__ = (
        f"Audience: {who} (its administrator; others get 403 `not_staff_admin`). The "
        "department's people, their staff roles and states, and the form to add a person."
    )
    add.__doc__ = (
        f"Audience: {who} (its administrator). Add a person: the answer shows its one-time "
        "set-up link, once."
    )
    change.__doc__ = (
        f"Audience: {who} (its administrator). A person's staff role (`role`), disabling its "
        "account (`disable`) or a new one-time set-up link (`link`; the earlier ones stop "
        "working)."
    )
    return router


def approvals_routes(console: str, door: dict[str, Any], who: str) -> APIRouter:
    """The 待审核 pages of a console: ``/{console}/approvals`` …, behind its audience."""
    router = APIRouter(include_in_schema=False)
    base = f"/{console}/approvals"

    @router.get(base, response_class=HTMLResponse, **door)
    def approvals(request: Request, done: str = "", session: Session = db_session) -> Response:
        return approvals_page(request, session, console, done=done)

    @router.post(base + "/{decision_id}/{what}", response_class=HTMLResponse, **door)
    def decision(
        decision_id: BigId,
        what: str,
        request: Request,
        csrf_token: str = Form(default=""),
        reason: str = Form(default=""),
        session: Session = db_session,
    ) -> Response:
        if what not in ("approve", "return", "withdraw"):
            raise NotFound("页面不存在", "no such page")
        return decide(
            request, session, console, decision_id, csrf_token=csrf_token, what=what, reason=reason
        )

    approvals.__doc__ = (
        f"Audience: {who}. The department's decisions waiting for approval, and what the "
        "visitor prepared (approved, returned with the reason, withdrawn)."
    )
    decision.__doc__ = (
        f"Audience: {who}. Approve (a 审核 of the department, never the preparer: 403 "
        "`same_person`), return with the reason (a 审核), or withdraw (the preparer)."
    )
    return router
