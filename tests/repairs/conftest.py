"""The `rw` fixture: the repair world (repair_world.py)."""

from __future__ import annotations

import pytest
from repair_world import RepairWorld, subject_caller

from fixtures.database import kept_world
from fixtures.helpers import catalog_record
from fixtures.lists import ACME, BETA, make_world, org


@pytest.fixture
def rw(client, db, clock) -> RepairWorld:  # type: ignore[no-untyped-def]
    return kept_world(repair_world, client, db, clock)


def repair_world(client, db, clock) -> RepairWorld:  # type: ignore[no-untyped-def]
    w = make_world(client, db, clock)
    entry = w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "1")
    w.push(w.market, catalog_record("administrative_penalty", "beta-1", org(BETA, "南京乙公司")))
    return RepairWorld(
        w=w,
        acme=subject_caller(w, ACME),
        beta=subject_caller(w, BETA),
        record=w.record_id(ACME, "court_judgment_defaulter"),
        entry=entry,
    )
