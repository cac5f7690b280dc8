"""The portal's look-ups — search and subject pages — are limited per address for visitors not
logged in (issue 12, M1; core/ratelimit.py), sharing the allowance of the API's anonymous
look-ups; a logged-in user is not limited, nor are the pages that look nobody up."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from portal_world import log_in_as, registration

from fixtures.helpers import credit_code, make_caller
from xinyong.app import create_app
from xinyong.departments.service import get_department
from xinyong.models import Role

ACME = credit_code("91320100MA1P2R3A4")


@pytest.fixture
def limited(db, clock) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """A server process allowing 2 anonymous look-ups at once and 1 a minute after."""
    settings = db.settings.model_copy(
        update={"anonymous_lookups_per_minute": 1, "anonymous_lookup_burst": 2}
    )
    with TestClient(create_app(settings, clock=clock, db=db)) as client:
        yield client


def test_an_anonymous_visitor_is_limited_with_a_chinese_page(limited: TestClient) -> None:
    assert limited.get("/search", params={"q": "南京"}).status_code == 200
    assert limited.get(f"/subjects/{ACME}").status_code == 404  # unknown: counted too
    for url in ("/search?q=%E5%8D%97%E4%BA%AC", f"/subjects/{ACME}", f"/api/v1/subjects/{ACME}"):
        refused = limited.get(url)
        assert refused.status_code == 429, url
        retry = int(refused.headers["Retry-After"])
        assert 1 <= retry <= 60
        if not url.startswith("/api/"):  # a page, in Chinese; the API answers its JSON
            assert refused.headers["content-type"].startswith("text/html")
            assert f"查询过于频繁，请 {retry} 秒后再试" in refused.text
    # Pages that look nobody up are not counted.
    assert limited.get("/lists").status_code == 200
    assert limited.get("/catalog").status_code == 200


def test_a_logged_in_user_is_not_limited(limited: TestClient, db, clock, client) -> None:  # type: ignore[no-untyped-def]
    provider = make_caller(db, clock, role=Role.provider, code="amr")
    pushed = client.post(
        "/api/v1/records/batches",
        json={"channel": "same_level", "records": [registration("r1", ACME, "南京限流测试")]},
        headers=provider.headers,
    )
    assert pushed.json()["accepted"] == 1, pushed.text
    for _ in range(2):
        assert limited.get("/search", params={"q": "限流"}).status_code == 200
    assert limited.get("/search", params={"q": "限流"}).status_code == 429
    # The same address, logged in: known, and not limited.
    with db.transaction() as session:
        department = get_department(session, "amr")
    log_in_as(limited, db, clock, Role.provider, department)
    for _ in range(5):
        assert limited.get("/search", params={"q": "限流"}).status_code == 200
        assert limited.get(f"/subjects/{ACME}").status_code == 200
