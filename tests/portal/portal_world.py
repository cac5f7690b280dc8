"""Shared helpers of the portal's page tests: a world of departments and subjects made
through the API, and the checks every public page must pass."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from fastapi.testclient import TestClient
from sqlalchemy import insert

from fixtures.helpers import Caller, catalog_record, credit_code
from fixtures.lists import World
from xinyong.core.identifiers import is_valid_id_number
from xinyong.db import Database
from xinyong.models import Role, Subject, SubjectKind
from xinyong.web import accounts

_ID_SHAPED = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def assert_no_id_number(html: str, *numbers: str) -> None:
    """No full ID number on a public page: none of the given ones, and nothing of that shape
    that passes the ID-number check."""
    for number in numbers:
        assert number not in html, f"full ID number {number} on the page"
    found = [m for m in _ID_SHAPED.findall(html) if is_valid_id_number(m.upper())]
    assert not found, f"full ID numbers on the page: {found}"


def result_names(html: str) -> list[str]:
    """The names of the search results, in order (highlighting removed)."""
    names = re.findall(r'class="result-name" href="[^"]*">(.*?)</a>', html, re.S)
    return [re.sub(r"</?mark>", "", n) for n in names]


def result_keys(html: str) -> list[str]:
    return re.findall(r'class="result-name" href="/subjects/([^"]+)"', html)


def count_text(html: str) -> str | None:
    found = re.search(r"找到 <strong>([^<]+)</strong> 个结果", html)
    return found.group(1) if found else None


def registration(source_id: str, code: str, name: str) -> dict:
    """An organisation's registration record (public): it creates the subject and names it."""
    return catalog_record("org_registration", source_id, {"credit_code": code, "name": name})


def org_code(n: int) -> str:
    """A valid credit code of a 南京 company, distinct for each n < 31**4."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    tail = "".join(alphabet[(n // 31**i) % 31] for i in range(4))
    return credit_code(f"91320100MA1Y{tail}9")


def insert_organisations(db: Database, names: list[str], first_id: int = 9_000_000) -> None:
    """Many organisations written straight into the table, as a bulk load would."""
    now = datetime(2026, 6, 1, tzinfo=UTC)
    rows = [
        {
            "id": first_id + i,
            "kind": SubjectKind.legal_person,
            "credit_code": org_code(100_000 + i),
            "name": name,
            "region_code": "320100",
            "registering_authority": "9",
            "entity_type": "1",
            "is_government_agency": False,
            "created_at": now,
        }
        for i, name in enumerate(names)
    ]
    with db.transaction() as session:
        session.execute(insert(Subject), rows)


BASIS_ITEMS = {
    "tax_a_grade": "tax_credit_a",
    "court_judgment_defaulters": "court_judgment_defaulter",
    "major_tax_violators": "major_tax_violation",
    "food_drug_watch": "administrative_penalty",
}


def propose(world: World, caller: Caller, list_code: str, subject: dict, tag: str, **over):  # type: ignore[no-untyped-def]
    """A candidate for a list, on a basis record of the list's item: its entry as answered."""
    key = subject.get("credit_code") or subject["id_number"]
    rid = world.basis(caller, BASIS_ITEMS[list_code], subject, f"{list_code}-{tag}")
    answer = world.propose(caller, list_code, key, [rid], **over)
    assert answer.status_code == 201, answer.text
    return answer.json()


def list_subject(
    world: World, caller: Caller, list_code: str, subject: dict, tag: str, **over
) -> str:  # type: ignore[no-untyped-def]
    """Through the whole workflow to `listed` (fixtures.lists.World.list_entry, with the
    proposal's own fields such as ``listed_until``). Returns the entry id."""
    entry = propose(world, caller, list_code, subject, tag, **over)
    if entry["state"] == "notice":
        ends = date.fromisoformat(entry["notice_ends_on"])
        world.pass_days((ends - world.clock.now().date()).days + 1)
    confirmed = world.step(caller, entry["id"], "confirm")
    assert confirmed.status_code == 200, confirmed.text
    return entry["id"]


def log_in_as(client: TestClient, db: Database, clock, role: Role, department) -> None:  # type: ignore[no-untyped-def]
    """A logged-in user of this role (its session cookie set on the client)."""
    with db.transaction() as session:
        user = accounts.create_user(
            session,
            username=f"portal-{role.value}",
            display_name=role.value,
            password="a long enough secret",
            role=role,
            department=department,
            actor="test",
            now=clock.now(),
        )
        token = accounts.start_session(session, user, now=clock.now(), hours=8)
    client.cookies.set(accounts.SESSION_COOKIE, token)
