"""The `iw` fixture: the inspection world (inspection_world.py)."""

from __future__ import annotations

import pytest
from inspection_world import InspectionWorld, make_inspection_world

from fixtures.database import kept_world


@pytest.fixture
def iw(client, db, clock) -> InspectionWorld:  # type: ignore[no-untyped-def]
    return kept_world(make_inspection_world, client, db, clock)
