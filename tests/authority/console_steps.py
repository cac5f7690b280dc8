"""Shared helpers of the authority console's procedure tests (objections, appeals, repairs,
list entries, tasks): a subject's own token, an evidence upload, a form posted with its CSRF
token, and the visible text of a page checked for codes that should have been names."""

from __future__ import annotations

import re

from authority_pages import csrf_of
from fastapi.testclient import TestClient
from sqlalchemy import select

from fixtures.helpers import Caller, make_caller
from fixtures.lists import World
from xinyong.models import Role, Subject

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# Codes of states, outcomes, grounds and reasons, and the seeds' file tags: never page text.
CODES = re.compile(
    r"\b(review|verification|correction|closed|upheld|rejected|dismissed|wrong_or_incomplete|"
    r"forbidden_data|past_validity|revocation|listed|exited|withdrawn|notice|opinion|refused|"
    r"effective|objection_review|appeal_review|found_wrong|None|True|False)\b"
    r"|Measures art|§|联合奖惩 §"
)


def subject_caller(world: World, key: str) -> Caller:
    with world.db.transaction() as session:
        sid = session.execute(select(Subject.id).where(Subject.credit_code == key)).scalar_one()
    return make_caller(world.db, world.clock, role=Role.subject, subject_id=sid)


def upload(world: World, caller: Caller) -> str:
    answer = world.client.post(
        "/api/v1/evidence", files={"file": ("证明.pdf", PDF)}, headers=caller.headers
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def post(client: TestClient, page: str, action: str, data: dict):  # type: ignore[no-untyped-def]
    """Post a form of ``page`` (its CSRF token read from it) without following the redirect."""
    token = csrf_of(client.get(page).text)
    return client.post(action, data={"csrf_token": token, **data}, follow_redirects=False)


def visible(html: str) -> str:
    """The text a person reads: no scripts, no tags (and so no attribute values)."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def assert_all_chinese(html: str) -> None:
    found = CODES.findall(visible(html))
    assert not found, f"codes in the page's text: {found}"
