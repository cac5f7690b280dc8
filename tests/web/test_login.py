"""Log-in to the pages: argon2 passwords, server-side sessions, CSRF on every form, throttling,
no session fixation and no open redirect (issue 5 § bad input and security)."""

from __future__ import annotations

import re

import pytest
from argon2 import extract_parameters, profiles
from sqlalchemy import select

from fixtures.helpers import make_caller
from xinyong.departments.service import get_department
from xinyong.models import LoginAttempt, Role, User, WebSession
from xinyong.web import accounts

PASSWORD = "correct horse battery"


@pytest.fixture
def staff(db, clock):  # type: ignore[no-untyped-def]
    make_caller(db, clock, role=Role.provider, kind="tax", code="tax")
    with db.transaction() as session:
        accounts.create_user(
            session,
            username="wang.tax",
            display_name="王税务",
            password=PASSWORD,
            role=Role.provider,
            department=get_department(session, "tax"),
            actor="test",
            now=clock.now(),
        )
    return "wang.tax"


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the form carries no CSRF token"
    return found.group(1)


def log_in(client, username: str, password: str, *, next: str = ""):  # type: ignore[no-untyped-def]
    form = client.get("/login")
    assert form.status_code == 200
    return client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": csrf_of(form.text),
            "next": next,
        },
        follow_redirects=False,
    )


@pytest.mark.production_password_hashes
def test_the_password_is_kept_only_as_an_argon2_hash(db, staff) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        stored = session.execute(select(User.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    # The production parameters: RFC 9106's low-memory profile (argon2-cffi's default); the
    # other tests hash with light ones (tests/conftest.py).
    assert extract_parameters(stored) == profiles.RFC_9106_LOW_MEMORY


@pytest.mark.production_password_hashes
def test_logging_in_with_the_production_parameters(client, staff) -> None:  # type: ignore[no-untyped-def]
    assert log_in(client, staff, PASSWORD).status_code == 303
    assert log_in(client, staff, "not the password").status_code == 401
    assert log_in(client, "nobody", "not the password").status_code == 401


def test_logging_in_starts_a_new_session_and_lands_on_the_role_home(client, staff) -> None:  # type: ignore[no-untyped-def]
    client.cookies.set(accounts.SESSION_COOKIE, "planted-by-an-attacker")
    answer = log_in(client, staff, PASSWORD)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/department"
    cookie = answer.cookies.get(accounts.SESSION_COOKIE)
    assert cookie and cookie != "planted-by-an-attacker"  # never the token the browser brought
    set_cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in set_cookie and "samesite=lax" in set_cookie
    home = client.get("/")
    assert "退出（王税务）" in home.text


def test_the_session_table_holds_only_a_hash_of_the_token(client, db, staff) -> None:  # type: ignore[no-untyped-def]
    token = log_in(client, staff, PASSWORD).cookies[accounts.SESSION_COOKIE]
    with db.transaction() as session:
        hashes = session.execute(select(WebSession.token_hash)).scalars().all()
    assert hashes == [accounts.token_hash(token)]


def test_a_wrong_password_and_an_unknown_name_look_the_same(client, staff) -> None:  # type: ignore[no-untyped-def]
    wrong = log_in(client, staff, "not the password")
    unknown = log_in(client, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码错误" in wrong.text and "用户名或密码错误" in unknown.text
    assert accounts.SESSION_COOKIE not in wrong.cookies


def test_five_failures_lock_the_name_for_fifteen_minutes(client, clock, db, staff) -> None:  # type: ignore[no-untyped-def]
    for _ in range(accounts.MAX_FAILURES_PER_NAME):
        assert log_in(client, staff, "guess").status_code == 401
    locked = log_in(client, staff, PASSWORD)  # even the right password
    assert locked.status_code == 429
    assert "15 分钟" in locked.text
    clock.advance(minutes=15, seconds=1)
    assert log_in(client, staff, PASSWORD).status_code == 303
    with db.transaction() as session:
        attempts = session.execute(select(LoginAttempt.succeeded)).scalars().all()
    assert attempts.count(False) == 5 and attempts.count(True) == 1


def test_a_form_without_its_csrf_token_is_refused(client, staff) -> None:  # type: ignore[no-untyped-def]
    client.get("/login")
    answer = client.post(
        "/login", data={"username": staff, "password": PASSWORD, "csrf_token": "forged"}
    )
    assert answer.status_code == 403
    assert "页面已过期" in answer.text
    assert "<html" in answer.text  # a page, not a JSON error


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "http:/evil", "javascript:x"],
)
def test_next_never_leaves_the_site(client, staff, target: str) -> None:  # type: ignore[no-untyped-def]
    answer = log_in(client, staff, PASSWORD, next=target)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/department"


def test_next_within_the_site_is_followed(client, staff) -> None:  # type: ignore[no-untyped-def]
    answer = log_in(client, staff, PASSWORD, next="/department/tasks?overdue=1")
    assert answer.headers["location"] == "/department/tasks?overdue=1"


def test_logging_out_ends_the_session_on_the_server(client, staff) -> None:  # type: ignore[no-untyped-def]
    token = log_in(client, staff, PASSWORD).cookies[accounts.SESSION_COOKIE]
    home = client.get("/")
    out = client.post("/logout", data={"csrf_token": csrf_of(home.text)}, follow_redirects=False)
    assert out.status_code == 303
    client.cookies.set(accounts.SESSION_COOKIE, token)  # replaying the old cookie
    assert "退出（王税务）" not in client.get("/").text


def test_a_session_ends_after_its_hours(client, clock, staff) -> None:  # type: ignore[no-untyped-def]
    log_in(client, staff, PASSWORD)
    clock.advance(hours=8, seconds=1)
    assert "退出（王税务）" not in client.get("/").text


def test_weak_passwords_are_refused(db, clock) -> None:  # type: ignore[no-untyped-def]
    from xinyong.errors import InvalidRequest

    with db.transaction() as session, pytest.raises(InvalidRequest) as caught:
        accounts.create_user(
            session,
            username="x",
            display_name="x",
            password="short",
            role=Role.subject,
            subject_id=1,
            actor="test",
            now=clock.now(),
        )
    assert caught.value.code == "weak_password"


def test_an_unknown_page_is_a_page(client) -> None:  # type: ignore[no-untyped-def]
    answer = client.get("/no/such/page")
    assert answer.status_code == 404
    assert "页面不存在" in answer.text
    api = client.get("/api/v1/no/such/thing")
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"


def test_logging_in_again_ends_the_session_the_browser_had(client, db, staff) -> None:  # type: ignore[no-untyped-def]
    first = log_in(client, staff, PASSWORD).cookies[accounts.SESSION_COOKIE]
    second = log_in(client, staff, PASSWORD).cookies[accounts.SESSION_COOKIE]
    assert first != second
    with db.transaction() as session:
        hashes = session.execute(select(WebSession.token_hash)).scalars().all()
    assert hashes == [accounts.token_hash(second)]


@pytest.mark.parametrize("field", ["username", "password"])
def test_an_over_long_field_re_renders_the_form(client, staff, field: str) -> None:  # type: ignore[no-untyped-def]
    values = {"username": staff, "password": PASSWORD, field: "长" * 10_000}
    answer = log_in(client, values["username"], values["password"])
    assert answer.status_code == 401
    assert "用户名或密码错误" in answer.text and 'name="username"' in answer.text
