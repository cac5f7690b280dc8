"""Fixtures of the government-integrity tests (government_world.py)."""

from __future__ import annotations

import pytest
from government_world import GovernmentWorld, make_government_world

from fixtures.database import kept_world


@pytest.fixture
def gw(client, db, clock) -> GovernmentWorld:  # type: ignore[no-untyped-def]
    return kept_world(make_government_world, client, db, clock)
