"""A check whose purpose holds NUL is refused before it is logged (issue 12, found by the
fuzzer): on PostgreSQL, whose text holds no NUL, the log's insert failed and the check was a
500; on SQLite the NUL was logged."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fixtures.lists import ACME, World, make_world, org
from xinyong.models import Check


@pytest.fixture
def w(client, db, clock) -> World:
    return make_world(client, db, clock)


def test_a_purpose_with_nul_is_refused_and_nothing_is_logged(w: World) -> None:
    w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "1")
    body = {"scenario": "bidding", "subjects": [ACME], "purpose": "行政许可\x002026-001"}
    refused = w.client.post("/api/v1/checks", json=body, headers=w.user.headers)
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert (error["code"], error["field"]) == ("invalid_request", "purpose")
    assert "NUL" in error["message"] and "NUL" in error["message_en"]

    answer = w.check("bidding", ACME)
    assert answer.status_code == 200, answer.text
    assert answer.json()["results"][0]["decision"] == "intercept"
    with w.db.transaction() as session:
        logged = session.execute(select(Check.purpose)).scalars().all()
    assert logged == ["行政许可 2026-001"]
