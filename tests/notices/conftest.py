"""Fixtures of the notice tests: the small world of departments (tests/fixtures/lists.py)."""

from __future__ import annotations

import pytest

from fixtures.database import kept_world
from fixtures.lists import World, make_world


@pytest.fixture
def world(client, db, clock) -> World:  # type: ignore[no-untyped-def]
    return kept_world(make_world, client, db, clock)
