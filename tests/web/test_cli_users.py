"""`xinyong user add`: accounts for the pages, opened from the shell."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from fixtures.helpers import id_number, make_caller, penalty, push
from xinyong.models import Role, StaffRole, User

SECRET = "a long enough secret"


def test_a_department_account_is_opened_with_its_password_hashed(run, db, clock) -> None:  # type: ignore[no-untyped-def]
    """The password is asked for, without echo, twice — never an argument."""
    make_caller(db, clock, role=Role.authority, kind="credit_authority", code="cred")
    result = run(
        "user", "add", "--username", "li.admin", "--name", "李管理", "--role", "authority",
        "--department", "cred", "--staff-role", "admin",
        input=f"{SECRET}\n{SECRET}\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    assert (
        "已开立账号 li.admin：李管理，信用管理部门" in result.output and "管理员" in result.output
    )
    with db.transaction() as session:
        user = session.execute(select(User)).scalar_one()
    assert (user.role, user.display_name) == (Role.authority, "李管理")
    assert user.staff_role is StaffRole.admin
    assert user.password_hash and user.password_hash.startswith("$argon2id$")


def test_the_password_is_never_an_argument(run, db, clock) -> None:  # type: ignore[no-untyped-def]
    make_caller(db, clock, role=Role.provider, code="amr")
    argument = run(
        "user", "add", "--username", "a.b", "--name", "甲", "--role", "provider",
        "--department", "amr", "--password", SECRET,
    )  # fmt: skip
    assert argument.exit_code == 2 and "--password" in argument.output
    differ = run(
        "user", "add", "--username", "a.b", "--name", "甲", "--role", "provider",
        "--department", "amr", input=f"{SECRET}\nanother secret!\n{SECRET}\n{SECRET}\n",
    )  # fmt: skip
    assert differ.exit_code == 0, differ.output  # asked again until both agree
    assert "两次输入的密码不一致" in differ.output
    piped = run(
        "user", "add", "--username", "c.d", "--name", "乙", "--role", "provider",
        "--department", "amr", "--password-stdin", input=f"{SECRET}\n",
    )  # fmt: skip
    assert piped.exit_code == 0, piped.output
    with db.transaction() as session:
        users = session.execute(select(User).order_by(User.username)).scalars().all()
        assert [u.username for u in users] == ["a.b", "c.d"]
        assert all(u.password_hash and u.password_hash.startswith("$argon2id$") for u in users)


def test_a_set_up_link_instead_of_a_password(run, client, db, clock) -> None:  # type: ignore[no-untyped-def]
    make_caller(db, clock, role=Role.provider, code="amr")
    made = run(
        "user", "add", "--username", "amr.wangfang", "--name", "王芳", "--role", "provider",
        "--department", "amr", "--staff-role", "reviewer", "--setup-link",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    link = re.search(r"/setup/[A-Za-z0-9_-]+", made.output)
    assert link, made.output
    with db.transaction() as session:
        user = session.execute(select(User)).scalar_one()
        assert user.password_hash is None and user.staff_role is StaffRole.reviewer
    page = client.get(link.group(0))
    assert page.status_code == 200 and "amr.wangfang" in page.text


def test_api_tokens_are_listed_as_system_interfaces(run, db, clock) -> None:  # type: ignore[no-untyped-def]
    make_caller(db, clock, role=Role.provider, code="amr")
    listed = run("token", "list")
    assert listed.exit_code == 0, listed.output
    assert "系统接口令牌" in listed.output and "amr" in listed.output
    assert "信息提供单位" in listed.output and "provider" not in listed.output
    (token,) = json.loads(run("token", "list", "--json").output)
    assert (token["role"], token["department"], token["revoked_at"]) == ("provider", "amr", None)


def test_a_weak_password_or_a_missing_department_is_refused(run, db, clock) -> None:  # type: ignore[no-untyped-def]
    make_caller(db, clock, role=Role.authority, kind="credit_authority", code="cred")
    weak = run(
        "user", "add", "--username", "a", "--name", "a", "--role", "authority",
        "--department", "cred", "--password-stdin", input="short\n",
    )  # fmt: skip
    assert weak.exit_code == 1 and "密码至少" in weak.output
    homeless = run(
        "user", "add", "--username", "b", "--name", "b", "--role", "provider",
        "--password-stdin", input=f"{SECRET}\n",
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
        "--subject", number, input=f"{SECRET}\n{SECRET}\n",
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
