"""The `cw` fixture: the commitment world (commitment_world.py)."""

from __future__ import annotations

import pytest
from commitment_world import CommitmentWorld

from fixtures.database import kept_world
from fixtures.helpers import catalog_record
from fixtures.lists import ACME, CITIZEN, make_world, org, person


@pytest.fixture
def cw(client, db, clock) -> CommitmentWorld:  # type: ignore[no-untyped-def]
    return kept_world(commitment_world, client, db, clock)


def commitment_world(client, db, clock) -> CommitmentWorld:  # type: ignore[no-untyped-def]
    w = make_world(client, db, clock)
    # ACME (a legal person) and CITIZEN (a natural person) become subjects by a record each.
    w.push(w.market, catalog_record("administrative_licensing", "acme-1", org(ACME)))
    w.push(w.market, catalog_record("administrative_licensing", "citizen-1", person(CITIZEN)))
    return CommitmentWorld.make(w)
