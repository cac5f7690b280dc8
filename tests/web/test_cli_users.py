"""`xinyong user add`: accounts for the pages, opened from the shell."""

from __future__ import annotations

import re

from sqlalchemy import select

from fixtures.helpers import id_number, make_caller, penalty, push
from xinyong.models import Role, User


def test_a_department_account_is_opened_with_its_password_hashed(run, db, clock) -> None:  # type: ignore[no-untyped-def]
    make_caller(db, clock, role=Role.authority, kind="credit_authority", code="cred")
    result = run(
        "user", "add", "--username", "li.admin", "--name", "李管理", "--role", "authority",
        "--department", "cred", "--password", "a long enough secret",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "li.admin" in result.output
    with db.transaction() as session:
        user = session.execute(select(User)).scalar_one()
    assert (user.role, user.display_name) == (Role.authority, "李管理")
    assert user.password_hash.startswith("$argon2id$")


def test_a_weak_password_or_a_missing_department_is_refused(run, db, clock) -> None:  # type: ignore[no-untyped-def]
    make_caller(db, clock, role=Role.authority, kind="credit_authority", code="cred")
    weak = run(
        "user", "add", "--username", "a", "--name", "a", "--role", "authority",
        "--department", "cred", "--password", "short",
    )  # fmt: skip
    assert weak.exit_code == 1 and "密码至少" in weak.output
    homeless = run(
        "user", "add", "--username", "b", "--name", "b", "--role", "provider",
        "--password", "a long enough secret",
    )  # fmt: skip
    assert homeless.exit_code == 1 and "部门" in homeless.output
    with db.transaction() as session:
        assert session.execute(select(User)).first() is None


def test_a_person_s_account_is_bound_to_its_id_number(run, client, db, clock) -> None:  # type: ignore[no-untyped-def]
    """A natural person's account is bound by its resident ID number (issue 5 § 2): after
    log-in its console shows its own archive, with its full number — to itself only."""
    number = id_number("32010219800101123")
    market = make_caller(db, clock, role=Role.provider)
    pushed = push(
        client, market, [penalty("p-1", "", subject={"id_number": number, "name": "张三"})]
    )
    assert pushed.json()["rejected"] == [], pushed.text
    opened = run(
        "user", "add", "--username", "zhang.san", "--name", "张三", "--role", "subject",
        "--subject", number, "--password", "a long enough secret",
    )  # fmt: skip
    assert opened.exit_code == 0, opened.output
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token
    logged_in = client.post(
        "/login",
        data={
            "username": "zhang.san",
            "password": "a long enough secret",
            "csrf_token": token.group(1),
        },
    )
    assert logged_in.status_code == 200 and logged_in.url.path == "/me"
    assert number in logged_in.text and "行政处罚" in logged_in.text
    assert number not in client.get("/").text
