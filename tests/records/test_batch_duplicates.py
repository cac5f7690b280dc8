"""The same record is stored once (Measures art. 16: 省统一推送 and 同级推送 may both bring it),
and a retried batch with the same Idempotency-Key is answered, not applied, again."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fixtures.helpers import credit_code, make_caller, penalty, push
from xinyong.models import Batch, Record, Role

COMPANY = credit_code("91320100MA1DUP01X")
OTHER_COMPANY = credit_code("91320100MA1DUP02Y")


def commendation(source_id: str) -> dict:
    return {
        "item": "commendation",
        "source_id": source_id,
        "subject": {"credit_code": COMPANY, "name": "南京重复测试有限公司"},
        "fields": {
            "honour_name": "守合同重信用企业",
            "honour_level": "省级",
            "conferring_authority": "江苏省市场监督管理局",
            "conferred_on": "2026-04-01",
        },
    }


def answer(response) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return response.json()


def negative_records(client, code: str = COMPANY) -> list[dict]:  # type: ignore[no-untyped-def]
    archive = client.get(f"/api/v1/subjects/{code}/archive")
    assert archive.status_code == 200, archive.text
    return archive.json()["categories"]["negative"]


def count(db, model) -> int:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture
def provider(db, clock):  # type: ignore[no-untyped-def]
    return make_caller(db, clock, role=Role.provider)


class TestDuplicates:
    def test_same_record_by_same_level_then_province_unified_is_stored_once(self, client, provider):
        first = answer(push(client, provider, [penalty("1", COMPANY)], channel="same_level"))
        again = push(client, provider, [penalty("1", COMPANY)], channel="province_unified")
        assert (first["accepted"], first["duplicates"]) == (1, 0)
        assert (answer(again)["accepted"], answer(again)["duplicates"]) == (0, 1)
        assert len(negative_records(client)) == 1

    def test_stored_record_keeps_its_first_channel_and_batch(self, client, provider):
        first = answer(push(client, provider, [penalty("1", COMPANY)], channel="province_unified"))
        answer(push(client, provider, [penalty("1", COMPANY)], channel="same_level"))
        (record,) = negative_records(client)
        assert record["channel"] == "province_unified"
        assert record["batch_id"] == first["batch_id"]

    def test_same_record_twice_in_one_batch_is_stored_once(self, client, provider):
        body = answer(push(client, provider, [penalty("1", COMPANY), penalty("1", COMPANY)]))
        assert (body["accepted"], body["duplicates"], body["rejected"]) == (1, 1, [])
        assert len(negative_records(client)) == 1

    def test_different_source_id_is_a_new_record(self, client, provider):
        answer(push(client, provider, [penalty("1", COMPANY)]))
        body = answer(push(client, provider, [penalty("2", COMPANY)], channel="province_unified"))
        assert (body["accepted"], body["duplicates"]) == (1, 0)
        assert sorted(r["source_id"] for r in negative_records(client)) == ["1", "2"]

    def test_same_source_id_from_another_provider_is_a_new_record(self, client, db, clock):
        market = make_caller(db, clock, role=Role.provider)
        tax = make_caller(db, clock, role=Role.provider, kind="tax")
        answer(push(client, market, [penalty("1", COMPANY)]))
        body = answer(push(client, tax, [penalty("1", COMPANY)]))
        assert (body["accepted"], body["duplicates"]) == (1, 0)
        providers = sorted(r["provider"] for r in negative_records(client))
        assert providers == ["market_regulation-provider", "tax-provider"]

    def test_same_source_id_for_another_subject_is_a_new_record(self, client, provider):
        answer(push(client, provider, [penalty("1", COMPANY)]))
        body = answer(push(client, provider, [penalty("1", OTHER_COMPANY)]))
        assert (body["accepted"], body["duplicates"]) == (1, 0)
        assert len(negative_records(client, OTHER_COMPANY)) == 1

    def test_large_batch_is_stored_once_when_pushed_again(self, client, provider, db):
        """2,000 rows take the bulk path on PostgreSQL (COPY into a staging table)."""
        records = [commendation(str(n)) for n in range(2000)]
        first = answer(push(client, provider, records))
        again = answer(push(client, provider, records, channel="province_unified"))
        assert (first["accepted"], first["duplicates"]) == (2000, 0)
        assert (again["accepted"], again["duplicates"]) == (0, 2000)
        assert count(db, Record) == 2000


class TestIdempotency:
    def test_retry_with_same_key_returns_the_identical_answer(self, client, provider):
        records = [penalty("1", COMPANY), penalty("2", "not-a-code")]
        first = answer(push(client, provider, records, key="batch-2026-06-15-001"))
        retry = answer(push(client, provider, records, key="batch-2026-06-15-001"))
        assert retry == first
        assert first["accepted"] == 1 and len(first["rejected"]) == 1

    def test_retry_with_same_key_stores_nothing_twice(self, client, provider, db):
        records = [penalty("1", COMPANY), penalty("2", COMPANY)]
        answer(push(client, provider, records, key="k-1"))
        answer(push(client, provider, records, key="k-1"))
        assert count(db, Record) == 2
        assert count(db, Batch) == 1

    def test_retry_with_same_key_and_other_records_replays_the_first_answer(
        self, client, provider, db
    ):
        first = answer(push(client, provider, [penalty("1", COMPANY)], key="k-1"))
        retry = answer(push(client, provider, [penalty("9", COMPANY)], key="k-1"))
        assert retry == first
        assert [r["source_id"] for r in negative_records(client)] == ["1"]

    def test_different_key_with_same_records_reports_duplicates(self, client, provider):
        first = answer(push(client, provider, [penalty("1", COMPANY)], key="k-1"))
        second = answer(push(client, provider, [penalty("1", COMPANY)], key="k-2"))
        assert second["batch_id"] != first["batch_id"]
        assert (second["accepted"], second["duplicates"]) == (0, 1)

    def test_no_key_means_every_push_is_a_new_batch(self, client, provider, db):
        first = answer(push(client, provider, [penalty("1", COMPANY)]))
        second = answer(push(client, provider, [penalty("1", COMPANY)]))
        assert second["batch_id"] != first["batch_id"]
        assert count(db, Batch) == 2

    def test_same_key_from_another_provider_is_another_batch(self, client, db, clock):
        market = make_caller(db, clock, role=Role.provider)
        tax = make_caller(db, clock, role=Role.provider, kind="tax")
        first = answer(push(client, market, [penalty("1", COMPANY)], key="shared"))
        other = answer(push(client, tax, [penalty("1", COMPANY)], key="shared"))
        assert other["batch_id"] != first["batch_id"]
        assert other["accepted"] == 1
        assert count(db, Record) == 2

    def test_retry_days_later_is_still_answered_with_the_first_answer(
        self, client, provider, clock
    ):
        first = answer(push(client, provider, [penalty("1", COMPANY)], key="k-1"))
        clock.advance(days=10)
        assert answer(push(client, provider, [penalty("2", COMPANY)], key="k-1")) == first
