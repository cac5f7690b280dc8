"""Every endpoint and every page states who may call it, and holds to it (issue 5 § bad input
and security): this test walks every route of the app with every role — the public, a subject,
a provider, a user department and the authority — and asserts that exactly the declared roles
get past the door.

"Past the door" means any answer but the role check's: 401/403 with code `not_authenticated`
or `forbidden` for the API; for pages, a redirect to /login (the public) or the 403 page.
What an allowed role then gets (200, 404 for a made-up id, 422 for an empty body, 403 with a
domain code such as `not_your_subject`) is the business of each route's own tests."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import select
from starlette.routing import Mount

from fixtures.helpers import make_caller
from fixtures.lists import ACME, make_world, org
from xinyong.models import Role, Subject
from xinyong.web import accounts

DOOR_CODES = {"not_authenticated", "forbidden"}
# A value for each kind of path parameter: well-formed, so that the route is reached.
PARAMS = {"key": ACME, "code": "tax_a_grade", "year": "2027"}


def all_routes(routes, prefix: str = "") -> list[tuple[APIRoute, str, str]]:  # type: ignore[no-untyped-def]
    """(route, full path, method) of every route, descending into included routers."""
    found = []
    for route in routes:
        if isinstance(route, Mount):
            continue
        if isinstance(route, APIRoute):
            for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
                found.append((route, prefix + route.path, method))
        elif hasattr(route, "original_router"):  # a router included with a prefix
            found += all_routes(route.original_router.routes, prefix + route.include_context.prefix)
    return found


def fill(path: str) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: PARAMS.get(m.group(1), "1"), path)


@pytest.fixture
def callers(client, db, clock):  # type: ignore[no-untyped-def]
    world = make_world(client, db, clock)
    world.basis(world.market, "administrative_penalty", org(ACME), "p-1")
    with db.transaction() as session:
        sid = session.execute(select(Subject.id).where(Subject.credit_code == ACME)).scalar_one()
    api = {
        Role.public: {},
        Role.subject: make_caller(db, clock, role=Role.subject, subject_id=sid).headers,
        Role.provider: world.market.headers,
        Role.user_department: world.user.headers,
        Role.authority: world.authority.headers,
    }
    departments = {Role.provider: "amr", Role.user_department: "finance", Role.authority: "cred"}
    pages: dict[Role, dict[str, str]] = {Role.public: {}}
    with db.transaction() as session:
        from xinyong.departments.service import get_department

        for role in (Role.subject, Role.provider, Role.user_department, Role.authority):
            accounts.create_user(
                session,
                username=f"u-{role.value}",
                display_name=role.value,
                password="a long enough secret",
                role=role,
                department=(
                    get_department(session, departments[role]) if role in departments else None
                ),
                subject_id=sid if role is Role.subject else None,
                actor="test",
                now=clock.now(),
            )
    for role in (Role.subject, Role.provider, Role.user_department, Role.authority):
        with db.transaction() as session:
            user = session.execute(
                select(accounts.User).where(accounts.User.username == f"u-{role.value}")
            ).scalar_one()
            token = accounts.start_session(session, user, now=clock.now(), hours=8)
        pages[role] = {accounts.SESSION_COOKIE: token}
    return api, pages


def test_every_route_admits_exactly_its_declared_roles(app, client, callers) -> None:  # type: ignore[no-untyped-def]
    api, pages = callers
    routes = all_routes(app.routes)
    assert len(routes) > 40
    problems: list[str] = []
    for route, path, method in routes:
        extra = route.openapi_extra or {}
        is_page = "x-audience" in extra
        declared = extra.get("x-audience" if is_page else "x-callers")
        if declared is None:
            problems.append(f"{method} {path}: declares no audience")
            continue
        for role in Role:
            client.cookies.clear()
            headers = {}
            if is_page:
                for name, value in pages[role].items():
                    client.cookies.set(name, value)
            else:
                headers = api[role]
            answer = client.request(
                method,
                fill(path),
                headers=headers,
                json={} if method != "GET" and not is_page else None,
                data={} if method != "GET" and is_page else None,
                follow_redirects=False,
            )
            if is_page:
                stopped = (
                    answer.status_code == 303
                    and answer.headers["location"].startswith("/login")
                    and role is Role.public
                ) or (answer.status_code == 403 and "无权访问此页面" in answer.text)
            else:
                stopped = (
                    answer.status_code in (401, 403)
                    and answer.json().get("error", {}).get("code") in DOOR_CODES
                )
            # A route that reads no token (/live, /health) declares the public alone: to it
            # every caller is the public.
            allowed = role.value in declared or list(declared) == ["public"]
            if allowed == stopped:
                problems.append(
                    f"{method} {path} as {role.value}: {answer.status_code} "
                    f"({'stopped' if stopped else 'let in'}, declared {sorted(declared)})"
                )
    assert not problems, "\n".join(problems)


# Who each console is for (docs/consoles.md): a page under one of these prefixes declaring
# anyone else would pass the walk above while being open to the wrong people.
CONSOLES = {
    "/me": {"subject"},
    "/department": {"provider", "user_department"},
    "/authority": {"authority"},
}


def test_each_console_declares_its_own_audience_and_no_other(app) -> None:  # type: ignore[no-untyped-def]
    problems = []
    for route, path, method in all_routes(app.routes):
        declared = set((route.openapi_extra or {}).get("x-audience") or ())
        for prefix, expected in CONSOLES.items():
            inside = path == prefix or path.startswith(prefix + "/")
            # A console page may be narrower (a provider's list workflow), never wider.
            if inside and (not declared or not declared <= expected):
                problems.append(f"{method} {path}: {sorted(declared)} outside {expected}")
    assert not problems, "\n".join(problems)
