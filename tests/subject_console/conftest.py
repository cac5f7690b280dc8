"""Fixtures of the subject console's tests: a world of departments (tests/fixtures/lists.py)
and a company on record with a public penalty, a government-shared and an authorised record."""

from __future__ import annotations

import pytest
from subject_pages import on_record

from fixtures.database import kept_world
from fixtures.lists import World, make_world


@pytest.fixture
def world(client, db, clock) -> World:  # type: ignore[no-untyped-def]
    return kept_world(subject_world, client, db, clock)


def subject_world(client, db, clock) -> World:  # type: ignore[no-untyped-def]
    w = make_world(client, db, clock)
    on_record(w)
    return w
