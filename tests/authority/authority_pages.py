"""Shared helpers of the authority console's tests: logging in as a person of a role, reading
a form's CSRF token, and records of the ten acts arriving on a given day."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient

from fixtures.helpers import Caller, catalog_record, push
from xinyong.core.clock import SHANGHAI, FixedClock
from xinyong.db import Database
from xinyong.departments.service import get_department
from xinyong.models import Role
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
    department: str | None = None,
    username: str | None = None,
) -> None:
    """Open an account of the role and log in through the log-in form (the client keeps the
    session cookie)."""
    username = username or f"{role.value}-person"
    with db.transaction() as session:
        accounts.create_user(
            session,
            username=username,
            display_name=f"{role.value} 用户",
            password=PASSWORD,
            role=role,
            department=get_department(session, department) if department else None,
            actor="test",
            now=clock.now(),
        )
    form = client.get("/login")
    answer = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def at(day: str, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=SHANGHAI)


def act_record(
    item: str, source_id: str, subject: dict, decided_on: str, **over: Any
) -> dict[str, Any]:
    """A record of one of the ten acts, decided on ``decided_on``."""
    record = catalog_record(item, source_id, subject, determined_on=decided_on)
    record["fields"]["decided_on"] = decided_on
    record.update(over)
    return record


def arrive(
    client: TestClient, clock: FixedClock, caller: Caller, when: datetime, *records: dict
) -> None:
    """Push the records as they arrive at ``when`` (the clock is moved there)."""
    clock.set(when)
    answer = push(client, caller, list(records))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert not body["rejected"], body["rejected"]
    assert body["accepted"] == len(records), body


def sender(client: TestClient, clock: FixedClock, caller: Caller):  # type: ignore[no-untyped-def]
    """``arrive`` for one caller: ``send(when, *records)``."""

    def send(when: datetime, *records: dict) -> None:
        arrive(client, clock, caller, when, *records)

    return send
