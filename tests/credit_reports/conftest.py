"""Fixtures of the credit report tests: the platform's signing key made as `xinyong report keys
generate` makes it, and a small world (tests/fixtures/lists.py) with a company on record."""

from __future__ import annotations

import pytest
from report_world import ReportWorld, make_report_world

from fixtures.database import kept_world
from xinyong.credit_reports import signing
from xinyong.db import Database


@pytest.fixture
def keys(db: Database, clock) -> signing.Keys:  # type: ignore[no-untyped-def]
    return signing.generate(
        db.settings.report_keys,
        db.settings.master_key,
        issuer="江苏省公共信用信息中心",
        now=clock.now(),
    )


@pytest.fixture
def rw(client, db, clock, keys) -> ReportWorld:  # type: ignore[no-untyped-def]
    return kept_world(make_report_world, client, db, clock)
