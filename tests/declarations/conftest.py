"""The `dw` fixture: the declaration world (declaration_world.py)."""

from __future__ import annotations

import pytest
from declaration_world import DeclarationWorld

from fixtures.database import kept_world
from fixtures.lists import make_world


@pytest.fixture
def dw(client, db, clock) -> DeclarationWorld:  # type: ignore[no-untyped-def]
    return kept_world(declaration_world, client, db, clock)


def declaration_world(client, db, clock) -> DeclarationWorld:  # type: ignore[no-untyped-def]
    return DeclarationWorld.make(make_world(client, db, clock))
