"""A grant whose text holds NUL is refused (issue 12, found by the fuzzer): PostgreSQL holds no
NUL in text, so such a grant was a 500 there, and stored on SQLite."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from fixtures.helpers import make_caller
from fixtures.lists import ACME, World, make_world, org
from xinyong.models import Role, Subject


@pytest.fixture
def w(client, db, clock) -> World:
    world = make_world(client, db, clock)
    world.basis(world.market, "administrative_penalty", org(ACME), "p-1")
    make_caller(db, clock, role=Role.user_department, kind="banking", code="bank")
    return world


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"purpose": "信易贷\x00授信审查"}, "purpose"),
        ({"grantee": "bank\x00"}, "grantee"),
        ({"items": ["charitable_donation", "\x00"]}, "items.1"),
    ],
)
def test_a_grant_holding_nul_is_refused_and_not_stored(w: World, over, field) -> None:  # type: ignore[no-untyped-def]
    with w.db.transaction() as session:
        sid = session.execute(select(Subject.id).where(Subject.credit_code == ACME)).scalar_one()
    acme = make_caller(w.db, w.clock, role=Role.subject, subject_id=sid)
    body = {
        "grantee": "bank",
        "items": ["charitable_donation"],
        "purpose": "信易贷授信审查",
        "ends_on": (w.clock.now().date() + timedelta(days=90)).isoformat(),
    }
    refused = w.client.post("/api/v1/authorisations", json={**body, **over}, headers=acme.headers)
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert (error["code"], error["field"]) == ("invalid_request", field)
    assert w.client.get("/api/v1/authorisations", headers=acme.headers).json() == []
    made = w.client.post("/api/v1/authorisations", json=body, headers=acme.headers)
    assert made.status_code == 201, made.text
