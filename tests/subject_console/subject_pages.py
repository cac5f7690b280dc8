"""Shared helpers of the subject console's tests: subjects made through record pushes, their
accounts logged in through the log-in form, forms posted as a browser posts them."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from fixtures.helpers import Caller, catalog_record, make_caller, org, penalty
from fixtures.lists import ACME, BETA, World
from xinyong.models import Role, Subject
from xinyong.web import accounts

PASSWORD = "a long enough secret"
ACME_NAME = "南京艾克米科技有限公司"
BETA_NAME = "南京贝塔贸易有限公司"
# The smallest files each format is recognised by (rights/evidence.SIGNATURES).
PDF = b"%PDF-1.7\n% a test file\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32


def on_record(w: World) -> None:
    """ACME with a public penalty (market regulation), a government-shared social insurance
    arrears record (human resources) and an authorised charitable donation (civil affairs);
    BETA with a penalty of its own."""
    hr = make_caller(w.db, w.clock, role=Role.provider, kind="human_resources", code="hr")
    civil = make_caller(w.db, w.clock, role=Role.provider, kind="civil_affairs", code="civil")
    w.push(w.market, penalty("p-1", ACME, ACME_NAME))
    w.push(hr, catalog_record("social_insurance_arrears", "si-1", org(ACME, ACME_NAME)))
    w.push(civil, catalog_record("charitable_donation", "d-1", org(ACME, ACME_NAME)))
    w.push(w.market, penalty("p-2", BETA, BETA_NAME))


def subject_id(w: World, key: str) -> int:
    with w.db.transaction() as session:
        return session.execute(select(Subject.id).where(Subject.credit_code == key)).scalar_one()


def subject_token(w: World, key: str) -> Caller:
    """An API token of the subject itself."""
    return make_caller(w.db, w.clock, role=Role.subject, subject_id=subject_id(w, key))


def record_ids(w: World, key: str) -> dict[str, int]:
    """The subject's records by item, as the authority reads its archive."""
    archive = w.client.get(
        f"/api/v1/subjects/{key}/archive",
        params={"purpose": "测试"},
        headers=w.authority.headers,
    ).json()
    return {r["item"]: int(r["id"]) for rs in archive["categories"].values() for r in rs}


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page carries no form with a CSRF token"
    return found.group(1)


def create_subject_user(w: World, key: str, username: str) -> None:
    with w.db.transaction() as session:
        sid = session.execute(select(Subject.id).where(Subject.credit_code == key)).scalar_one()
        accounts.create_user(
            session,
            username=username,
            display_name=f"{username} 本人",
            password=PASSWORD,
            role=Role.subject,
            subject_id=sid,
            actor="test",
            now=w.clock.now(),
        )


def log_in(client: TestClient, username: str):  # type: ignore[no-untyped-def]
    form = client.get("/login")
    answer = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return answer


def log_in_subject(w: World, key: str = ACME, username: str = "acme") -> str:
    """Open the subject's account and log in through the form: the subject lands on /me."""
    create_subject_user(w, key, username)
    answer = log_in(w.client, username)
    assert answer.headers["location"] == "/me"
    return username


def post_page_form(
    client: TestClient,
    page_path: str,
    action: str,
    data: dict[str, Any],
    files: list[tuple[str, tuple[str, bytes, str]]] | None = None,
):  # type: ignore[no-untyped-def]
    """Open the page, take its CSRF token and post its form — multipart when files are
    given — as a browser would."""
    token = csrf_of(client.get(page_path).text)
    return client.post(
        action,
        data={"csrf_token": token, **data},
        files=files,
        follow_redirects=False,
    )


def text_of(html: str) -> str:
    """The page's text without tags and with collapsed spaces, for reading assertions."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
