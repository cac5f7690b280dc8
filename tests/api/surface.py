"""Helpers of the tests of the API's surface: a caller of every role by API token, and
browser-like clients logged in to the pages through the log-in form."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi.testclient import TestClient

from fixtures.helpers import Caller
from fixtures.lists import World
from xinyong.departments.service import get_department
from xinyong.models import Role
from xinyong.web import accounts

PASSWORD = "a long enough secret"


@dataclass
class Platform:
    world: World
    subject_id: int
    callers: dict[Role, Caller | None]

    def headers(self, role: Role) -> dict[str, str]:
        caller = self.callers[role]
        return caller.headers if caller else {}


def logged_in(app, db, clock, *, role: Role, department: str | None = None, subject_id=None):  # type: ignore[no-untyped-def]
    """A client of its own (its own cookies) logged in through the log-in form."""
    username = f"{role.value}-person"
    with db.transaction() as session:
        accounts.create_user(
            session,
            username=username,
            display_name=f"{role.value} 用户",
            password=PASSWORD,
            role=role,
            department=get_department(session, department) if department else None,
            subject_id=subject_id,
            actor="test",
            now=clock.now(),
        )
    browser = TestClient(app)
    form = browser.get("/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert csrf, form
    answer = browser.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf.group(1)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return browser
