"""What was public about a subject on day X: GET /api/v1/subjects/{key}/archive?as_of=X, the
records as they stood at the end of that day (Asia/Shanghai) — received by then, with their
standing then, and still within their validity (Measures art. 30).

The clock starts at 2026-06-15 10:00 Asia/Shanghai."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fixtures.helpers import credit_code, make_caller, penalty, push
from xinyong.core.auth import SYSTEM
from xinyong.core.clock import SHANGHAI
from xinyong.jobs import run_jobs
from xinyong.models import Role, Standing
from xinyong.records.service import CollectionContext
from xinyong.records.standing import change_standing, get_record
from xinyong.rights.step import Step

COMPANY = credit_code("91320100MA1AHF01X")
ARCHIVE = f"/api/v1/subjects/{COMPANY}/archive"


def on(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


def failure(source_id: str, determined_on: str) -> dict:
    record = penalty(source_id, COMPANY, determined_on=determined_on)
    record["fields"]["decided_on"] = determined_on
    return record


@pytest.fixture
def provider(db, clock):  # type: ignore[no-untyped-def]
    return make_caller(db, clock, role=Role.provider)


def store(client, provider, *records: dict) -> None:  # type: ignore[no-untyped-def]
    response = push(client, provider, list(records))
    assert response.status_code == 200 and response.json()["accepted"] == len(records)


def public(client, as_of: str) -> list[str]:  # type: ignore[no-untyped-def]
    response = client.get(ARCHIVE, params={"as_of": as_of})
    assert response.status_code == 200, response.text
    assert response.json()["as_of"] == as_of
    return sorted(r["source_id"] for rs in response.json()["categories"].values() for r in rs)


def standings(client, caller, as_of: str | None = None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    params = {"purpose": "历史核查", **({"as_of": as_of} if as_of else {})}
    response = client.get(ARCHIVE, params=params, headers=caller.headers)
    assert response.status_code == 200, response.text
    return {
        r["source_id"]: r["standing"] for rs in response.json()["categories"].values() for r in rs
    }


def test_before_and_after_a_record_arrived(client, clock, provider) -> None:  # type: ignore[no-untyped-def]
    store(client, provider, failure("first", "2026-06-01"))
    clock.set(on("2026-06-17", hour=23))
    store(client, provider, failure("second", "2026-06-02"))
    clock.set(on("2026-06-20"))
    assert public(client, "2026-06-14") == []
    assert public(client, "2026-06-15") == ["first"]
    assert public(client, "2026-06-16") == ["first"]
    assert public(client, "2026-06-17") == ["first", "second"]  # 23:00 in Shanghai counts
    assert standings(client, provider, "2026-06-16") == {"first": "active"}


def test_the_day_ends_at_midnight_in_shanghai(client, clock, provider) -> None:  # type: ignore[no-untyped-def]
    clock.set(datetime(2026, 6, 15, 16, 0, tzinfo=UTC))  # 2026-06-16 00:00 in Shanghai
    store(client, provider, failure("late", "2026-06-01"))
    assert public(client, "2026-06-15") == []
    assert public(client, "2026-06-16") == ["late"]


def test_before_and_after_its_expiry(client, clock, provider, db) -> None:  # type: ignore[no-untyped-def]
    store(client, provider, failure("short", "2025-06-20"))  # general: counts until 2026-06-19
    clock.set(on("2026-06-25"))
    run_jobs(db, clock, CollectionContext(db))  # the daily job has marked it expired since
    assert public(client, "2026-06-18") == ["short"]
    assert public(client, "2026-06-19") == ["short"]  # the last day it counts
    assert public(client, "2026-06-20") == []  # its expires_on
    assert public(client, "2026-06-21") == []
    assert standings(client, provider, "2026-06-19") == {"short": "active"}
    assert standings(client, provider, "2026-06-20") == {"short": "expired"}


def test_before_and_after_a_revocation(client, clock, provider, db) -> None:  # type: ignore[no-untyped-def]
    store(client, provider, failure("wrong", "2026-06-01"), failure("right", "2026-06-01"))
    record_id = next(
        r["id"]
        for r in client.get(ARCHIVE).json()["categories"]["negative"]
        if r["source_id"] == "wrong"
    )
    subject_id = int(client.get(f"/api/v1/subjects/{COMPANY}").json()["id"])
    clock.set(on("2026-06-17", hour=15))
    with db.transaction() as session:
        record = get_record(session, subject_id, int(record_id), for_update=True)
        step = Step(CollectionContext(db), SYSTEM, clock.now())
        change_standing(
            session, step, record, Standing.revoked, procedure="objection", reason="记录错误"
        )
    clock.set(on("2026-06-20"))
    assert public(client, "2026-06-16") == ["right", "wrong"]
    # At the end of the 17th it had been revoked: no longer published that evening.
    assert public(client, "2026-06-17") == ["right"]
    assert public(client, "2026-06-18") == ["right"]
    assert standings(client, provider, "2026-06-16") == {"wrong": "active", "right": "active"}
    assert standings(client, provider, "2026-06-17") == {"wrong": "revoked", "right": "active"}
    assert standings(client, provider) == {"wrong": "revoked", "right": "active"}


def test_as_of_today_is_todays_archive_and_tomorrow_is_refused(client, provider) -> None:  # type: ignore[no-untyped-def]
    store(client, provider, failure("p", "2026-06-01"))
    assert public(client, "2026-06-15") == ["p"]
    today = client.get(ARCHIVE).json()
    as_of = client.get(ARCHIVE, params={"as_of": "2026-06-15"}).json()
    assert as_of == today
    response = client.get(ARCHIVE, params={"as_of": "2026-06-16"})
    assert response.status_code == 422
    assert (response.json()["error"]["code"], response.json()["error"]["field"]) == (
        "as_of_in_future",
        "as_of",
    )
