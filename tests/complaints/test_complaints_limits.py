"""Filing is limited per client address (``XINYONG_COMPLAINTS_PER_HOUR``; core/ratelimit.py),
for every caller, on the API and on the portal's form alike; a refused filing is not counted.
The periods file of ``XINYONG_COMPLAINT_PERIODS_FILE`` replaces the shipped one, and one that
is not valid stops the app from starting."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from complaint_pages import portal_form, post_form
from complaint_world import complaint_body
from fastapi.testclient import TestClient

from fixtures.lists import make_world
from xinyong.app import create_app
from xinyong.complaints import rules
from xinyong.db import Database


def filing(client: TestClient, **over: object):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/complaints",
        data={"complaint": json.dumps(complaint_body(**over), ensure_ascii=False)},
    )


@pytest.fixture
def limited(db, clock) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A server process allowing 2 complaints an hour from one address."""
    settings = db.settings.model_copy(update={"complaints_per_hour": 2})
    with TestClient(create_app(settings, clock=clock, db=db)) as client:
        make_world(client, db, clock)
        yield client


def test_an_address_files_so_many_an_hour(limited: TestClient) -> None:
    assert filing(limited, sector="astrology").status_code == 422  # refused: not counted
    assert filing(limited).status_code == 201
    assert filing(limited).status_code == 201
    refused = filing(limited)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert refused.json()["error"]["message"].startswith("提交举报过于频繁")
    assert 1 <= int(refused.headers["Retry-After"]) <= 1800
    # The portal's form counts against the same allowance, and says so beside the form.
    page = post_form(limited, "/complaints/new", "/complaints/new", portal_form())
    assert page.status_code == 429 and "提交举报过于频繁" in page.text
    # Looking a complaint up is not filing one.
    assert (
        limited.post("/api/v1/complaint-receipts", json={"receipt_code": "A" * 16}).status_code
        == 404
    )


def test_a_periods_file_replaces_the_shipped_one(db, clock, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    own = json.loads((Path(rules.__file__).parent / "default_periods.json").read_text("utf-8"))
    own["periods"]["acceptance"].update(days=5, basis="本省失信举报办理办法（测试）第五条")
    path = tmp_path / "periods.json"
    path.write_text(json.dumps(own, ensure_ascii=False), encoding="utf-8")
    settings = db.settings.model_copy(update={"complaint_periods_file": path})
    own_db = Database(settings)  # the same database, as a process started with the setting
    try:
        with TestClient(create_app(settings, clock=clock, db=own_db)) as client:
            make_world(client, own_db, clock)
            filed = filing(client)
            # 5 working days from Monday 15 June 2026, 端午 (Friday 19th) off: Tuesday 23rd.
            assert filed.json()["accept_due_on"] == "2026-06-23"
            assert client.get("/api/v1/complaint-options").json()["acceptance"]["days"] == 5
    finally:
        own_db.dispose()
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    with pytest.raises(ValueError, match="not a valid complaint periods file"):
        create_app(settings.model_copy(update={"complaint_periods_file": bad}))
    with pytest.raises(ValueError, match="cannot read"):
        create_app(settings.model_copy(update={"complaint_periods_file": tmp_path / "none"}))
