"""POST /api/v1/records/batches: errors of the whole request, each as
``{"error": {"code", "message", "message_en", "field"}}``; nothing of such a batch is stored."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from fixtures.helpers import credit_code, make_caller, penalty
from xinyong.app import create_app
from xinyong.db import Database
from xinyong.models import Batch, Role

URL = "/api/v1/records/batches"
COMPANY = credit_code("91320100MA1REQ01K")


def assert_error(response, status: int, code: str, field: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert (
        {"code", "message", "message_en", "field"}
        <= set(error)
        <= {
            "code",
            "message",
            "message_en",
            "field",
            "detail",
        }
    )
    assert error["code"] == code
    assert error["field"] == field
    assert error["message"] and error["message_en"]
    return error


def batches(db) -> int:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        return session.execute(select(func.count()).select_from(Batch)).scalar_one()


@pytest.fixture
def provider(db, clock):  # type: ignore[no-untyped-def]
    return make_caller(db, clock, role=Role.provider)


@pytest.fixture
def small_limit(settings, db, clock):  # type: ignore[no-untyped-def]
    """A platform whose batches hold at most 3 records (settings.max_batch_records)."""
    small = Database(settings.model_copy(update={"max_batch_records": 3}))
    provider = make_caller(db, clock, role=Role.provider)
    with TestClient(create_app(small.settings, clock=clock, db=small)) as client:
        yield client, provider
    small.dispose()


class TestBatchSize:
    def test_more_than_10000_records_is_413_batch_too_large(self, client, provider, db):
        body = {"channel": "same_level", "records": [{}] * 10_001}
        response = client.post(URL, json=body, headers=provider.headers)
        error = assert_error(response, 413, "batch_too_large", "records")
        assert error["detail"] == {"limit": 10_000, "received": 10_001}
        assert batches(db) == 0

    def test_a_batch_at_the_configured_limit_is_answered_row_by_row(self, small_limit):
        client, provider = small_limit
        records = [penalty(str(n), COMPANY) for n in range(3)]
        response = client.post(
            URL, json={"channel": "same_level", "records": records}, headers=provider.headers
        )
        assert response.status_code == 200, response.text
        assert response.json()["accepted"] == 3

    def test_one_record_over_the_configured_limit_is_413(self, small_limit):
        client, provider = small_limit
        records = [penalty(str(n), COMPANY) for n in range(4)]
        response = client.post(
            URL, json={"channel": "same_level", "records": records}, headers=provider.headers
        )
        error = assert_error(response, 413, "batch_too_large", "records")
        assert error["detail"] == {"limit": 3, "received": 4}


class TestMalformedBody:
    def test_body_that_is_not_json_is_400_malformed_json(self, client, provider, db):
        response = client.post(
            URL,
            content=b'{"channel": "same_level", "records": [',
            headers={**provider.headers, "Content-Type": "application/json"},
        )
        assert_error(response, 400, "malformed_json")
        assert batches(db) == 0

    def test_empty_body_is_400_malformed_json(self, client, provider):
        response = client.post(URL, content=b"", headers=provider.headers)
        assert_error(response, 400, "malformed_json")

    def test_json_array_body_is_400_invalid_body(self, client, provider):
        response = client.post(URL, json=[penalty("1", COMPANY)], headers=provider.headers)
        assert_error(response, 400, "invalid_body")

    def test_json_string_body_is_400_invalid_body(self, client, provider):
        response = client.post(URL, json="same_level", headers=provider.headers)
        assert_error(response, 400, "invalid_body")


class TestChannelAndRecords:
    def test_unknown_channel_is_422_invalid_channel(self, client, provider, db):
        body = {"channel": "by_fax", "records": [penalty("1", COMPANY)]}
        response = client.post(URL, json=body, headers=provider.headers)
        assert_error(response, 422, "invalid_channel", "channel")
        assert batches(db) == 0

    def test_missing_channel_is_422_invalid_channel(self, client, provider):
        response = client.post(URL, json={"records": []}, headers=provider.headers)
        assert_error(response, 422, "invalid_channel", "channel")

    def test_records_as_an_object_is_422_invalid_records(self, client, provider):
        body = {"channel": "same_level", "records": penalty("1", COMPANY)}
        response = client.post(URL, json=body, headers=provider.headers)
        assert_error(response, 422, "invalid_records", "records")

    def test_missing_records_is_422_invalid_records(self, client, provider):
        response = client.post(URL, json={"channel": "same_level"}, headers=provider.headers)
        assert_error(response, 422, "invalid_records", "records")

    def test_empty_records_is_an_empty_answer(self, client, provider):
        body = {"channel": "province_unified", "records": []}
        response = client.post(URL, json=body, headers=provider.headers)
        assert response.status_code == 200, response.text
        answer = response.json()
        assert (answer["accepted"], answer["duplicates"], answer["rejected"]) == (0, 0, [])


EMPTY_BATCH = {"channel": "same_level", "records": []}


class TestCallers:
    def test_no_token_is_401_not_authenticated(self, client, db):
        response = client.post(URL, json=EMPTY_BATCH)
        assert_error(response, 401, "not_authenticated")
        assert batches(db) == 0

    def test_unknown_token_is_401_not_authenticated(self, client):
        headers = {"Authorization": "Bearer xy_this-token-was-never-issued"}
        assert_error(client.post(URL, json=EMPTY_BATCH, headers=headers), 401, "not_authenticated")

    def test_user_department_token_is_403_forbidden(self, client, db, clock):
        user = make_caller(db, clock, role=Role.user_department)
        response = client.post(URL, json=EMPTY_BATCH, headers=user.headers)
        assert_error(response, 403, "forbidden")
        assert batches(db) == 0

    def test_authority_token_is_403_forbidden(self, client, db, clock):
        authority = make_caller(db, clock, role=Role.authority, kind="credit_authority")
        response = client.post(URL, json=EMPTY_BATCH, headers=authority.headers)
        assert_error(response, 403, "forbidden")

    def test_subject_token_is_403_forbidden(self, client, db, clock):
        subject = make_caller(db, clock, role=Role.subject, subject_id=1)
        response = client.post(URL, json=EMPTY_BATCH, headers=subject.headers)
        assert_error(response, 403, "forbidden")

    def test_caller_is_checked_before_the_body(self, client):
        response = client.post(URL, content=b"{not json")
        assert_error(response, 401, "not_authenticated")
