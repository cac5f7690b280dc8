"""Fixtures of the tests of the API's surface (security probe, issue 12): a world of
departments (tests/fixtures/lists.py) with a subject on record and a caller of every role."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from surface import Platform

from fixtures.database import kept_world
from fixtures.helpers import make_caller, penalty
from fixtures.lists import ACME, make_world
from xinyong.models import Role, Subject


@pytest.fixture
def platform(client, db, clock) -> Platform:  # type: ignore[no-untyped-def]
    return kept_world(surface_platform, client, db, clock)


def surface_platform(client, db, clock) -> Platform:  # type: ignore[no-untyped-def]
    w = make_world(client, db, clock)
    w.push(w.market, penalty("p-1", ACME))
    with db.transaction() as session:
        sid = session.execute(select(Subject.id).where(Subject.credit_code == ACME)).scalar_one()
    callers = {
        Role.public: None,
        Role.subject: make_caller(db, clock, role=Role.subject, subject_id=sid),
        Role.provider: w.market,
        Role.user_department: w.user,
        Role.authority: w.authority,
    }
    return Platform(w, sid, callers)
