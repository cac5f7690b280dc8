"""Fixtures of the authority console's tests: a small world of departments (tests/fixtures/
lists.py) and a browser-like client logged in as the authority."""

from __future__ import annotations

import pytest
from authority_pages import log_in

from fixtures.database import kept_world
from fixtures.lists import World, make_world
from xinyong.models import Role


@pytest.fixture
def world(client, db, clock) -> World:  # type: ignore[no-untyped-def]
    return kept_world(make_world, client, db, clock)


@pytest.fixture
def authority(client, db, clock, world):  # type: ignore[no-untyped-def]
    """The client, logged in as a person of the credit authority (department ``cred``)."""
    log_in(client, db, clock, role=Role.authority, department="cred")
    return client
