"""Shared helpers of the department console's tests: log in as a person of a department
through the log-in form, read a form's CSRF token, open a task on a department's queue."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select

from xinyong.core.auth import SYSTEM
from xinyong.core.clock import FixedClock
from xinyong.db import Database
from xinyong.departments.service import get_department
from xinyong.models import Role, Subject
from xinyong.records.service import CollectionContext
from xinyong.rights.step import Step
from xinyong.tasks.service import open_task
from xinyong.web import accounts

PASSWORD = "a long enough secret"


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page carries no form with a CSRF token"
    return found.group(1)


def log_in(
    client: TestClient,
    db: Database,
    clock: FixedClock,
    *,
    role: Role,
    department: str,
    username: str | None = None,
) -> str:
    """Open an account of the department and log in through the form; the client keeps the
    session cookie. Returns the user name."""
    username = username or f"{department}-{role.value}"
    create_account(db, clock, role=role, department=department, username=username)
    answer = log_in_again(client, username)
    if role in (Role.provider, Role.user_department):
        assert answer.headers["location"] == "/department"
    return username


def create_account(
    db: Database, clock: FixedClock, *, role: Role, department: str, username: str
) -> None:
    with db.transaction() as session:
        accounts.create_user(
            session,
            username=username,
            display_name=f"{department} 经办人",
            password=PASSWORD,
            role=role,
            department=get_department(session, department),
            actor="test",
            now=clock.now(),
        )


def log_in_again(client: TestClient, username: str):  # type: ignore[no-untyped-def]
    """Log in with an existing account (a session ends after XINYONG_WEB_SESSION_HOURS)."""
    form = client.get("/login")
    answer = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return answer


def post_form(client: TestClient, page_path: str, action: str, data: dict, **kwargs):  # type: ignore[no-untyped-def]
    """Open the page, take its CSRF token and post the form, as a browser would."""
    token = csrf_of(client.get(page_path).text)
    return client.post(action, data={"csrf_token": token, **data}, **kwargs)


def open_task_for(
    db: Database,
    clock: FixedClock,
    *,
    department: str,
    subject_key: str,
    title: str,
    due_on: date,
    kind: str = "objection_verification",
    procedure: str = "objection",
) -> int:
    """A task on the department's queue, opened as a procedure opens one."""
    ctx = CollectionContext(db)
    with db.transaction() as session:
        subject_id = session.execute(
            select(Subject.id).where(Subject.credit_code == subject_key)
        ).scalar_one()
        task = open_task(
            session,
            Step(ctx, SYSTEM, clock.now()),
            subject_id=subject_id,
            kind=kind,
            procedure=procedure,
            procedure_id=ctx.ids.next_id(),
            department_id=get_department(session, department).id,
            title=title,
            due_on=due_on,
        )
        return task.id
