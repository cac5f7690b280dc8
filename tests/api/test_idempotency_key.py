"""The Idempotency-Key of a batch (finding M3 of the security probe): an empty key made the
second batch a 500 and every later one from that provider fail. A key is 1 to 200 printable
ASCII characters; anything else is 400 ``invalid_idempotency_key`` and stores nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fixtures.helpers import make_caller, penalty
from fixtures.lists import ACME
from xinyong.models import Batch, Record, Role

URL = "/api/v1/records/batches"


@pytest.fixture
def provider(db, clock):  # type: ignore[no-untyped-def]
    return make_caller(db, clock, role=Role.provider)


def push(client, provider, key: str | bytes, source_id: str = "1"):  # type: ignore[no-untyped-def]
    body = {"channel": "same_level", "records": [penalty(source_id, ACME)]}
    return client.post(URL, json=body, headers={**provider.headers, "Idempotency-Key": key})


def stored(db) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        batches = session.execute(select(func.count()).select_from(Batch)).scalar_one()
        records = session.execute(select(func.count()).select_from(Record)).scalar_one()
    return batches, records


@pytest.mark.parametrize(
    "key",
    [
        "",
        "   ",
        " leading",
        "trailing ",
        "x" * 201,
        "tab\there",
        "控制".encode(),
        b"caf\xe9",
    ],
    ids=["empty", "blank", "leading", "trailing", "201", "tab", "chinese", "latin1"],
)
def test_a_key_out_of_its_rule_is_400_every_time(client, provider, db, key) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):  # the probe's second and later batches were 500s
        answer = push(client, provider, key)
        assert answer.status_code == 400, answer.text
        error = answer.json()["error"]
        assert (error["code"], error["field"]) == ("invalid_idempotency_key", "Idempotency-Key")
        assert error["message"] and error["message_en"]
    assert stored(db) == (0, 0)
    # The provider's batches go on: without a key, and with a good one.
    assert (
        client.post(
            URL,
            json={"channel": "same_level", "records": [penalty("2", ACME)]},
            headers=provider.headers,
        ).status_code
        == 200
    )
    assert push(client, provider, "k-1", "3").status_code == 200


def test_a_key_of_200_printable_characters_is_kept(client, provider, db) -> None:  # type: ignore[no-untyped-def]
    key = ("batch 2026-06-15 ~!#$%&'*+-.^_`|" * 10)[:200]
    assert len(key) == 200
    first = push(client, provider, key)
    assert first.status_code == 200, first.text
    retry = push(client, provider, key, source_id="9")
    assert retry.json() == first.json()
    assert stored(db) == (1, 1)


def test_the_rule_is_in_the_document(api_document: dict) -> None:
    operation = api_document["paths"][URL]["post"]
    header = next(p for p in operation["parameters"] if p["name"] == "idempotency-key")
    assert header["schema"]["maxLength"] == 200 and header["schema"]["minLength"] == 1
    assert "`invalid_idempotency_key`" in operation["responses"]["400"]["description"]
