"""The acceptance walk on a small generated demo (issue 14): the demo's authority staff — two 经办
and two 审核 under their own names — take an objection, its appeal and a wrongful listing to
their end from the console, each decision prepared by one and approved by another."""

from __future__ import annotations

import re

from authority_pages import csrf_of
from fastapi.testclient import TestClient
from sqlalchemy import select

from fixtures.demo import SMALL, kept_demo
from fixtures.helpers import make_caller
from xinyong.models import LIVE_STATES, Appeal, ListEntry, Objection, Record, Role, Subject

APPROVALS = "/authority/approvals"


def logged_in(app, accounts: dict, username: str) -> TestClient:  # type: ignore[no-untyped-def]
    browser = TestClient(app)
    form = browser.get("/login")
    answer = browser.post(
        "/login",
        data={
            "username": username,
            "password": accounts[username]["password"],
            "csrf_token": csrf_of(form.text),
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return browser


def post(browser: TestClient, page: str, action: str, data: dict | None = None):  # type: ignore[no-untyped-def]
    token = csrf_of(browser.get(page).text)
    return browser.post(action, data={"csrf_token": token, **(data or {})}, follow_redirects=False)


def approve(reviewer: TestClient) -> None:
    found = re.search(r'action="/authority/approvals/(\d+)/approve"', reviewer.get(APPROVALS).text)
    assert found, "nothing waiting on the 待审核 page"
    answer = post(reviewer, APPROVALS, f"{APPROVALS}/{found.group(1)}/approve")
    assert answer.status_code == 303, answer.text


def state(db, model, pid: str) -> tuple[str, str | None]:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        row = session.execute(select(model).where(model.id == int(pid))).scalar_one()
        return row.state.value, row.outcome.value if row.outcome else None


def test_the_demo_s_authority_staff_take_decisions_to_their_end(app, client, db, clock) -> None:  # type: ignore[no-untyped-def]
    accounts = kept_demo(client, db, clock, **SMALL).accounts
    staff = sorted(
        (a["staff_role"], name) for name, a in accounts.items() if a["role"] == "authority"
    )
    assert [r for r, _ in staff] == ["admin", "handler", "handler", "reviewer", "reviewer"]
    h1, h2, r1, r2 = (logged_in(app, accounts, name) for _, name in staff[1:])
    with db.transaction() as session:
        company = session.execute(
            select(Subject).where(Subject.name == accounts["demo-company"]["name"])
        ).scalar_one()
        record = session.execute(
            select(Record.id).where(Record.subject_id == company.id).order_by(Record.id).limit(1)
        ).scalar_one()
        entry = session.execute(
            select(ListEntry.id)
            .where(ListEntry.subject_id == company.id, ListEntry.state.in_(LIVE_STATES))
            .limit(1)
        ).scalar_one()
    subject = make_caller(db, clock, role=Role.subject, subject_id=company.id)

    # An objection: 经办 prepares the review decision, 审核 approves it.
    filed = client.post(
        "/api/v1/objections",
        json={
            "target": {"record": str(record)},
            "ground": "wrong_or_incomplete",
            "statement": "错",
        },
        headers=subject.headers,
    )
    assert filed.status_code == 201, filed.text
    oid = filed.json()["id"]
    page = f"/authority/objections/{oid}"
    prepared = post(h1, page, f"{page}/decision", {"outcome": "rejected", "reason": "信息无误"})
    assert prepared.status_code == 303, prepared.text
    approve(r1)
    assert state(db, Objection, oid) == ("closed", "rejected")

    # Its appeal: heard by the other two.
    appealed = client.post(
        "/api/v1/appeals",
        json={"procedure": "objection", "id": oid, "statement": "信息确有错误"},
        headers=subject.headers,
    )
    assert appealed.status_code == 201, appealed.text
    apage = f"/authority/appeals/{appealed.json()['id']}"
    prepared = post(h2, apage, f"{apage}/decision", {"outcome": "upheld", "reason": "予以纠正"})
    assert prepared.status_code == 303, prepared.text
    approve(r2)
    assert state(db, Appeal, appealed.json()["id"]) == ("closed", "upheld")
    assert state(db, Objection, oid) == ("correction", "upheld")
    # The objection reopened for correction: one person takes the step (not a decision).
    revoked = post(h1, page, f"{page}/correction", {"action": "revoke"})
    assert revoked.status_code == 303, revoked.text
    assert "更正已完成" in h1.get(revoked.headers["location"]).text
    assert state(db, Objection, oid)[0] == "closed"

    # A wrongful listing revoked, with its remedy.
    epage = f"/authority/entries/{entry}"
    prepared = post(h2, epage, f"{epage}/revocation", {"explanation": "认定有误"})
    assert prepared.status_code == 303, prepared.text
    approve(r1)
    with db.transaction() as session:
        listed = session.execute(select(ListEntry).where(ListEntry.id == entry)).scalar_one()
        assert (listed.state.value, str(listed.exit_reason)) == ("exited", "revocation")
