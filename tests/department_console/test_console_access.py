"""Who may see the department console (issue 5 § bad input and security): providers and user
departments; the public is sent to log in, a user department gets the 403 page for what only
providers do, and a form without its CSRF token is refused."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from department_pages import csrf_of, log_in

from fixtures.lists import World
from xinyong.models import Role


def test_the_public_is_sent_to_log_in_and_comes_back(client, world: World) -> None:  # type: ignore[no-untyped-def]
    for path in ("/department", "/department/check", "/department/batches", "/department/tasks"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        target = urlparse(answer.headers["location"])
        assert target.path == "/login"
        assert parse_qs(target.query)["next"] == [path]


def test_a_user_department_checks_but_does_not_upload(client, db, clock, world: World) -> None:  # type: ignore[no-untyped-def]
    log_in(client, db, clock, role=Role.user_department, department="finance")
    check = client.get("/department/check")
    assert check.status_code == 200
    assert "联合奖惩核查" in check.text
    assert 'href="/department/batches"' not in check.text  # not in its menu either
    for path in ("/department/batches", "/department/lists"):
        refused = client.get(path)
        assert refused.status_code == 403, path
        assert "无权访问此页面" in refused.text and "<html" in refused.text
    upload = client.post(
        "/department/batches",
        data={"csrf_token": csrf_of(check.text), "channel": "same_level"},
        files={"file": ("a.csv", b"item\n", "text/csv")},
    )
    assert upload.status_code == 403
    assert "无权访问此页面" in upload.text


def test_the_authority_gets_the_403_page(client, db, clock, world: World) -> None:  # type: ignore[no-untyped-def]
    log_in(client, db, clock, role=Role.authority, department="cred", username="boss")
    answer = client.get("/department")
    assert answer.status_code == 403
    assert "无权访问此页面" in answer.text


def test_a_form_without_its_csrf_token_is_refused(client, db, clock, world: World) -> None:  # type: ignore[no-untyped-def]
    log_in(client, db, clock, role=Role.provider, department="amr")
    for action, data in (
        ("/department/check", {"scenario": "bidding", "purpose": "x", "subject": "1"}),
        ("/department/batches", {"channel": "same_level"}),
        ("/department/lists/tax_a_grade/entries", {"subject": "x", "reason": "x"}),
    ):
        answer = client.post(action, data={**data, "csrf_token": "forged"})
        assert answer.status_code == 403, action
        assert "页面已过期" in answer.text
        missing = client.post(action, data=data)
        assert missing.status_code == 403, action


def test_ids_out_of_range_and_odd_queries_are_pages_not_errors(
    client, db, clock, world: World
) -> None:  # type: ignore[no-untyped-def]
    log_in(client, db, clock, role=Role.provider, department="amr")
    huge = "9" * 30
    for path in (
        f"/department/batches/{huge}",
        f"/department/lists/entries/{huge}",
        f"/department/checks/{huge}",
        "/department/batches/abc",
    ):
        answer = client.get(path)
        assert answer.status_code in (400, 404), path
        assert "<html" in answer.text
    for path in (
        f"/department/batches?before={huge}",
        f"/department/lists?before={'9' * 19}&state=%27",
        "/department/lists?list=tax_a_grade&subject=%F0%9F%98%80%25_%27",
        f"/department/tasks?page={huge}",
    ):
        assert client.get(path).status_code == 200, path
