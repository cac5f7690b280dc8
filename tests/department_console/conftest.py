"""Fixtures of the department console's tests: a small world of departments (tests/fixtures/
lists.py) with a subject on record."""

from __future__ import annotations

import pytest

from fixtures.database import kept_world
from fixtures.helpers import penalty
from fixtures.lists import ACME, World, make_world


@pytest.fixture
def world(client, db, clock) -> World:  # type: ignore[no-untyped-def]
    return kept_world(console_world, client, db, clock)


def console_world(client, db, clock) -> World:  # type: ignore[no-untyped-def]
    w = make_world(client, db, clock)
    w.push(w.market, penalty("p-1", ACME, "南京艾克米科技有限公司"))
    return w
