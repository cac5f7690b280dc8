"""Fixtures of the risk warning tests (risk_world.py)."""

from __future__ import annotations

import pytest
from risk_world import RiskWorld

from fixtures.database import kept_world
from fixtures.lists import make_world


@pytest.fixture
def rw(client, db, clock) -> RiskWorld:  # type: ignore[no-untyped-def]
    return kept_world(risk_world, client, db, clock)


def risk_world(client, db, clock) -> RiskWorld:  # type: ignore[no-untyped-def]
    world = make_world(client, db, clock)
    return RiskWorld(**world.__dict__)
