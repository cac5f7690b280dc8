"""The `cw` fixture: the complaint world (complaint_world.py)."""

from __future__ import annotations

import pytest
from complaint_world import ComplaintWorld

from fixtures.database import kept_world
from fixtures.lists import make_world


@pytest.fixture
def cw(client, db, clock) -> ComplaintWorld:  # type: ignore[no-untyped-def]
    return kept_world(complaint_world, client, db, clock)


def complaint_world(client, db, clock) -> ComplaintWorld:  # type: ignore[no-untyped-def]
    return ComplaintWorld.make(make_world(client, db, clock))
