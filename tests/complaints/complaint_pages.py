"""Helpers of the complaint pages' tests: accounts logged in through the log-in form, the
portal's forms posted as a browser posts them, a page's text."""

from __future__ import annotations

import re
from typing import Any

from complaint_world import ComplaintWorld
from fastapi.testclient import TestClient

from xinyong.departments.service import get_department
from xinyong.models import Role
from xinyong.web import accounts

PASSWORD = "a long enough secret"


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page carries no form with a CSRF token"
    return found.group(1)


def text_of(html: str) -> str:
    """The page's text without tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def log_in(
    cw: ComplaintWorld,
    username: str,
    role: Role,
    *,
    department: str | None = None,
    subject_id: int | None = None,
) -> TestClient:
    """Open the account and log in through the form (the world's client keeps the cookie)."""
    with cw.w.db.transaction() as session:
        accounts.create_user(
            session,
            username=username,
            display_name=f"{username} 经办人",
            password=PASSWORD,
            role=role,
            department=get_department(session, department) if department else None,
            subject_id=subject_id,
            actor="test",
            now=cw.w.clock.now(),
        )
    client = cw.client
    client.cookies.clear()
    form = client.get("/login")
    answer = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return client


def log_out(cw: ComplaintWorld) -> TestClient:
    cw.client.cookies.clear()
    return cw.client


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


def portal_form(**over: str) -> dict[str, str]:
    """The portal's complaint form, filled in for ACME (an anonymous complaint)."""
    from fixtures.lists import ACME

    form = {
        "subject_type": "organisation",
        "credit_code": ACME,
        "org_name": "南京测试科技有限公司",
        "person_name": "",
        "id_number": "",
        "facts": "门店销售过期食品，6月10日购买的牛奶已过期三天。",
        "happened_on": "2026-06-10",
        "place": "南京市玄武区中山路1号门店",
        "sector": "market_regulation",
        "department": "",
        "named": "no",
        "informant_name": "",
        "informant_phone": "",
        "informant_email": "",
        "informant_address": "",
        "website": "",
    }
    form.update(over)
    return form


def receipt_code_of(page: str) -> str:
    found = re.search(r"<code[^>]*>([A-Z2-7]{4}(?:-[A-Z2-7]{4}){3})</code>", page)
    assert found, "the page shows no receipt code"
    return found.group(1)


def conclude_form(**over: str) -> dict[str, str]:
    """The department's form concluding a complaint as substantiated, with an administrative
    penalty filled in."""
    from complaint_world import PENALTY_FIELDS

    form = {
        "step": "concluded",
        "outcome": "substantiated",
        "text": "经核查，举报属实，已依法处罚",
        "record_mode": "new",
        "item": "administrative_penalty",
        "severity": "general",
        "determined_on": "2026-06-15",
        **{f"f_{k}": v for k, v in PENALTY_FIELDS.items()},
    }
    form.update(over)
    return form
