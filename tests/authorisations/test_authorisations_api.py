"""Authorised queries (Measures art. 22): a subject grants a named institution a scope of its
authorised-query items for a purpose and a period, revokes it, and sees every query of its
non-public information."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from fixtures.helpers import make_caller
from fixtures.lists import ACME, BETA, World, make_world, org
from xinyong.models import Role, Subject


@pytest.fixture
def w(client, db, clock) -> World:
    world = make_world(client, db, clock)
    world.basis(world.market, "administrative_penalty", org(ACME), "p-1")
    world.basis(world.market, "administrative_penalty", org(BETA, "南京乙公司"), "p-2")
    return world


@pytest.fixture
def bank(w: World):  # type: ignore[no-untyped-def]
    return make_caller(w.db, w.clock, role=Role.user_department, kind="banking", code="bank")


def subject_caller(w: World, key: str):  # type: ignore[no-untyped-def]
    with w.db.transaction() as session:
        sid = session.execute(select(Subject.id).where(Subject.credit_code == key)).scalar_one()
    return make_caller(w.db, w.clock, role=Role.subject, subject_id=sid)


def grant(w: World, caller, **over):  # type: ignore[no-untyped-def]
    body = {
        "grantee": "bank",
        "items": ["charitable_donation"],
        "purpose": "信易贷授信审查",
        "ends_on": (w.clock.now().date() + timedelta(days=90)).isoformat(),
        **over,
    }
    return w.client.post("/api/v1/authorisations", json=body, headers=caller.headers)


def test_a_subject_grants_and_both_sides_see_the_grant(w: World, bank) -> None:  # type: ignore[no-untyped-def]
    acme = subject_caller(w, ACME)
    answer = grant(w, acme)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["grantee"], body["items"], body["live"]) == ("bank", ["charitable_donation"], True)
    assert body["starts_on"] == "2026-06-15"
    mine = w.client.get("/api/v1/authorisations", headers=acme.headers).json()
    given = w.client.get("/api/v1/authorisations", headers=bank.headers).json()
    assert [g["id"] for g in mine] == [g["id"] for g in given] == [body["id"]]
    assert w.client.get("/api/v1/authorisations", headers=w.market.headers).json() == []


@pytest.mark.parametrize(
    ("over", "status", "code"),
    [
        ({"grantee": "nobody"}, 404, "department_not_found"),
        ({"items": ["administrative_penalty"]}, 422, "not_authorised_item"),
        ({"items": ["no_such_item"]}, 422, "not_authorised_item"),
        ({"ends_on": "2026-06-14"}, 422, "invalid_period"),
        ({"starts_on": "2026-06-14"}, 422, "invalid_period"),
        ({"ends_on": "2029-07-01"}, 422, "invalid_period"),
        ({"purpose": ""}, 422, "invalid_request"),
    ],
)
def test_a_bad_grant_is_refused_with_its_reason(w: World, bank, over, status, code) -> None:  # type: ignore[no-untyped-def]
    answer = grant(w, subject_caller(w, ACME), **over)
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]["code"] == code


def test_only_the_subject_grants_and_revokes_its_own(w: World, bank) -> None:  # type: ignore[no-untyped-def]
    assert grant(w, bank).status_code == 403
    made = grant(w, subject_caller(w, ACME)).json()
    other = w.client.delete(
        f"/api/v1/authorisations/{made['id']}", headers=subject_caller(w, BETA).headers
    )
    assert other.status_code == 404  # not "forbidden": it does not tell that the grant exists
    acme = subject_caller(w, ACME)
    revoked = w.client.delete(f"/api/v1/authorisations/{made['id']}", headers=acme.headers)
    assert revoked.status_code == 200
    assert revoked.json()["live"] is False and revoked.json()["revoked_at"]
    again = w.client.delete(f"/api/v1/authorisations/{made['id']}", headers=acme.headers)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_revoked"


@pytest.mark.parametrize(("day", "live"), [(-1, True), (0, True), (1, False)])
def test_a_grant_holds_through_its_last_day(w: World, bank, day: int, live: bool) -> None:  # type: ignore[no-untyped-def]
    ends = date(2026, 6, 30)
    grant(w, subject_caller(w, ACME), ends_on=ends.isoformat())
    w.clock.advance(days=(ends - w.clock.now().date()).days + day)
    given = w.client.get("/api/v1/authorisations", headers=bank.headers).json()
    assert given[0]["live"] is live


def test_the_subject_sees_who_read_its_non_public_information(w: World) -> None:
    acme = subject_caller(w, ACME)
    w.client.get(
        f"/api/v1/subjects/{ACME}/archive",
        params={"purpose": "行政许可审查 2026-018"},
        headers=w.user.headers,
    )
    w.client.get(f"/api/v1/subjects/{ACME}/archive", headers=acme.headers)
    log = w.client.get(f"/api/v1/subjects/{ACME}/queries", headers=acme.headers)
    assert log.status_code == 200
    rows = log.json()
    assert [(r["who"], r["department"], r["purpose"]) for r in rows[:2]] == [
        ("本人", None, "本人查询"),
        ("测试finance", "finance", "行政许可审查 2026-018"),
    ]
    assert all(r["at"] for r in rows)


def test_the_query_log_is_the_subjects_own(w: World) -> None:
    beta = subject_caller(w, BETA)
    answer = w.client.get(f"/api/v1/subjects/{ACME}/queries", headers=beta.headers)
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "not_your_subject"
    assert (
        w.client.get(f"/api/v1/subjects/{ACME}/queries", headers=w.authority.headers).status_code
        == 200
    )
    assert (
        w.client.get(f"/api/v1/subjects/{ACME}/queries", headers=w.market.headers).status_code
        == 403
    )


def donations(w: World, caller) -> list[dict]:  # type: ignore[no-untyped-def]
    archive = w.client.get(
        f"/api/v1/subjects/{ACME}/archive",
        params={"purpose": "信易贷授信审查"},
        headers=caller.headers,
    )
    assert archive.status_code == 200, archive.text
    return [
        r
        for records in archive.json()["categories"].values()
        for r in records
        if r["item"] == "charitable_donation"
    ]


def test_the_grantee_reads_authorised_items_only_inside_a_live_grant(w: World, bank) -> None:  # type: ignore[no-untyped-def]
    from fixtures.helpers import catalog_record

    civil = make_caller(w.db, w.clock, role=Role.provider, kind="civil_affairs", code="civil")
    w.push(civil, catalog_record("charitable_donation", "d-1", org(ACME)))
    assert donations(w, bank) == []  # no grant: simply absent, no error
    acme = subject_caller(w, ACME)
    made = grant(w, acme, ends_on="2026-06-30").json()
    assert [r["disclosure"] for r in donations(w, bank)] == ["authorised"]
    assert donations(w, w.market) == []  # a grant to the bank is not a grant to others
    # Every such read is logged, and the subject sees it with the purpose.
    log = w.client.get(f"/api/v1/subjects/{ACME}/queries", headers=acme.headers).json()
    latest = next(r for r in log if r["department"] == "bank")
    assert (latest["who"], latest["purpose"]) == ("测试banking", "信易贷授信审查")
    assert latest["detail"]["authorised_items"] == ["charitable_donation"]
    # After its last day, or once revoked, the item is absent again.
    w.clock.advance(days=16)  # 2026-07-01
    assert donations(w, bank) == []
    w.clock.advance(days=-16)
    w.client.delete(f"/api/v1/authorisations/{made['id']}", headers=acme.headers)
    assert donations(w, bank) == []
