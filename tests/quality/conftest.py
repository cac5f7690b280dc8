"""Fixtures of the data-quality tests (quality_world.py)."""

from __future__ import annotations

import pytest
from quality_world import QualityWorld

from fixtures.database import kept_world
from fixtures.lists import make_world
from xinyong.settings import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The tests' settings (tests/conftest.py), with the daily quality checks on."""
    return settings.model_copy(update={"quality_daily_checks": True})


@pytest.fixture
def qw(client, db, clock) -> QualityWorld:  # type: ignore[no-untyped-def]
    return kept_world(quality_world, client, db, clock)


def quality_world(client, db, clock) -> QualityWorld:  # type: ignore[no-untyped-def]
    world = make_world(client, db, clock)
    return QualityWorld(**world.__dict__)
