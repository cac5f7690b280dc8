"""The demo data carries list entries made through the real workflows."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from fixtures.demo import SMALL, kept_demo
from fixtures.helpers import make_caller
from xinyong.demo.loader import load_demo
from xinyong.models import EntryState, ListEntry, ListKind, Role, Subject

CATALOG = Path(__file__).parents[2] / "src" / "xinyong" / "catalog" / "default_catalog.json"


def test_demo_lists_are_in_force_and_checked(client, db, clock) -> None:  # type: ignore[no-untyped-def]
    items = json.loads(CATALOG.read_text(encoding="utf-8"))["items"]
    # Not the kept demo (tests/fixtures/demo.py): 600 subjects give three entries a list rather
    # than one (demo/loader.py), more for the red/black cross-check below to meet.
    result = load_demo(db, items, subjects=600, seed=3, clock=clock)
    with db.transaction() as session:
        entries = list(session.execute(select(ListEntry)).scalars())
        black = next(e for e in entries if e.kind == ListKind.black)
        subject = session.get(Subject, black.subject_id)
    assert result.listed == len(entries) > 0
    assert {e.state for e in entries} == {EntryState.listed}
    assert {ListKind.black, ListKind.red, ListKind.watch} <= {e.kind for e in entries}
    # No subject is both red and black: the cross-check ran as it does for real.
    red = {e.subject_id for e in entries if e.kind == ListKind.red}
    assert not red & {e.subject_id for e in entries if e.kind == ListKind.black}

    user = make_caller(db, clock, role=Role.user_department, kind="finance", code="demo-check")
    key = subject.credit_code or None
    if key is None:  # a natural person: checked by the ID number the demo holds
        key = db.cipher.decrypt(subject.id_cipher)
    answer = client.post(
        "/api/v1/checks",
        json={"scenario": "bidding", "subjects": [key], "purpose": "演示"},
        headers=user.headers,
    ).json()
    assert answer["results"][0]["decision"] == "intercept"


def test_the_demo_opens_an_account_for_each_console(client, db, clock) -> None:  # type: ignore[no-untyped-def]
    import re

    accounts = kept_demo(client, db, clock, **SMALL).accounts
    roles = {a["role"] for a in accounts.values()}
    assert roles == {"authority", "provider", "user_department", "subject"}
    assert {"demo-company", "demo-person"} <= set(accounts)
    form = client.get("/login").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    answer = client.post(
        "/login",
        data={
            "username": "demo-company",
            "password": accounts["demo-company"]["password"],
            "csrf_token": csrf,
        },
        follow_redirects=False,
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/me")
