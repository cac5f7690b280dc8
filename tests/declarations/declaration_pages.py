"""Helpers of the declaration pages' tests: accounts of the declaration world's subjects and
departments logged in through the log-in form, forms posted as a browser posts them."""

from __future__ import annotations

import re
from typing import Any

from declaration_world import DeclarationWorld
from fastapi.testclient import TestClient

from xinyong.departments.service import get_department
from xinyong.models import Role
from xinyong.web import accounts

PASSWORD = "a long enough secret"
GIF = b"GIF89a" + b"\x00" * 32


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page carries no form with a CSRF token"
    return found.group(1)


def log_in(
    dw: DeclarationWorld,
    username: str,
    role: Role,
    *,
    department: str | None = None,
    subject_id: int | None = None,
) -> TestClient:
    """Open the account and log in through the form (the world's client keeps the cookie)."""
    with dw.w.db.transaction() as session:
        accounts.create_user(
            session,
            username=username,
            display_name=f"{username} 经办人",
            password=PASSWORD,
            role=role,
            department=get_department(session, department) if department else None,
            subject_id=subject_id,
            actor="test",
            now=dw.w.clock.now(),
        )
    return log_in_again(dw, username)


def log_in_again(dw: DeclarationWorld, username: str) -> TestClient:
    client = dw.client
    client.cookies.clear()
    form = client.get("/login")
    answer = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return client


def post_form(
    client: TestClient,
    page_path: str,
    action: str,
    data: dict[str, Any],
    files: list[tuple[str, tuple[str, bytes, str]]] | None = None,
):  # type: ignore[no-untyped-def]
    """Open the page, take its CSRF token and post its form, as a browser would."""
    token = csrf_of(client.get(page_path).text)
    return client.post(
        action, data={"csrf_token": token, **data}, files=files, follow_redirects=False
    )


def text_of(html: str) -> str:
    """The page's text without tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


LICENCE_FORM = {
    "licence_name": "食品经营许可证",
    "licence_number": "JY13201000001",
    "issuing_authority": "南京市市场监督管理局",
    "valid_from": "2025-01-01",
    "valid_to": "2030-12-31",
    "legal_representative": "王法人",
    "confirmed": "yes",
}
