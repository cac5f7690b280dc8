"""The named reads of records, record revisions and batches (records/repository.py), on
records collected through the API."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import literal, select

from fixtures.helpers import catalog_record, credit_code, make_caller, org, penalty, push
from xinyong.core.clock import SHANGHAI
from xinyong.models import (
    Batch,
    Category,
    Disclosure,
    Record,
    RecordRevision,
    Role,
    Standing,
    Subject,
)
from xinyong.records import repository

COMPANY = credit_code("91320100MA1RPE01X")
OTHER = credit_code("91320100MA1RPE02X")


@pytest.fixture
def provider(db, clock):  # type: ignore[no-untyped-def]
    return make_caller(db, clock, role=Role.provider)


def pushed(client, provider, records: list[dict], key: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    response = push(client, provider, records, key=key)
    assert response.status_code == 200, response.text
    assert not response.json()["rejected"]
    return response.json()


def stored(db, code: str = COMPANY) -> tuple[int, list[Record]]:  # type: ignore[no-untyped-def]
    """The organisation's id and its records, by id."""
    with db.transaction() as session:
        subject_id = session.execute(
            select(Subject.id).where(Subject.credit_code == code)
        ).scalar_one()
        records = list(
            session.execute(
                select(Record).where(Record.subject_id == subject_id).order_by(Record.id)
            ).scalars()
        )
        session.expunge_all()
    return subject_id, records


class TestBatches:
    def test_the_answer_kept_for_an_idempotency_key(self, client, provider, db) -> None:  # type: ignore[no-untyped-def]
        answer = pushed(client, provider, [penalty("1", COMPANY)], key="k-1")
        with db.transaction() as session:
            batch = session.get_one(Batch, int(answer["batch_id"]))
            assert repository.batch_answer(session, batch.provider_id, "k-1") == answer
            assert repository.batch_answer(session, batch.provider_id, "k-2") is None

    def test_batches_of_provider_newest_first_below_a_cursor(self, client, provider, db) -> None:  # type: ignore[no-untyped-def]
        ids = [
            int(pushed(client, provider, [penalty(str(n), COMPANY)])["batch_id"]) for n in (1, 2, 3)
        ]
        with db.transaction() as session:
            provider_id = session.get_one(Batch, ids[0]).provider_id
            newest = repository.batches_of_provider(session, provider_id, limit=2)
            assert [b.id for b in newest] == [ids[2], ids[1]]
            older = repository.batches_of_provider(session, provider_id, limit=5, before=ids[1])
            assert [b.id for b in older] == [ids[0]]
            assert repository.batches_of_provider(session, provider_id + 1, limit=5) == []

    def test_batch_totals_per_provider_and_local_month(self, client, provider, db, clock) -> None:  # type: ignore[no-untyped-def]
        pushed(client, provider, [penalty("1", COMPANY), penalty("2", COMPANY)])
        now = clock.now()
        with db.transaction() as session:
            rows = repository.batch_totals_by_month(
                session, now - timedelta(days=1), now + timedelta(days=1)
            )
        ((_, month, batches, total, accepted, duplicates, rejected),) = rows
        assert month == now.astimezone(SHANGHAI).strftime("%Y-%m")
        assert (batches, total, accepted, duplicates, rejected) == (1, 2, 2, 0, 0)


class TestOneSubjectsRecords:
    def test_records_of_a_subject_only_its_own_by_id(self, client, provider, db) -> None:  # type: ignore[no-untyped-def]
        pushed(client, provider, [penalty("2", COMPANY), penalty("1", COMPANY)])
        pushed(client, provider, [penalty("3", OTHER)])
        subject_id, records = stored(db)
        _, others = stored(db, OTHER)
        with db.transaction() as session:
            found = repository.subject_records_by_ids(
                session, subject_id, [others[0].id, records[1].id, records[0].id]
            )
            assert [r.id for r in found] == [records[0].id, records[1].id]
            named = repository.records_with_item_names(session, subject_id, [records[0].id])
            assert [(r.id, name) for r, name in named] == [(records[0].id, "行政处罚信息")]
            one = repository.record_with_item_name(session, subject_id, records[1].id)
            assert one is not None and one[1] == "行政处罚信息"
            assert repository.record_with_item_name(session, subject_id, others[0].id) is None
            full = repository.record_with_item_and_provider(session, subject_id, records[0].id)
            assert full is not None and full[1:] == ("行政处罚信息", "测试market_regulation")

    def test_source_ids_of_one_providers_item(self, client, provider, db) -> None:  # type: ignore[no-untyped-def]
        pushed(client, provider, [penalty("a", COMPANY), penalty("b", COMPANY)])
        subject_id, records = stored(db)
        with db.transaction() as session:
            ids = repository.source_ids_of_item(
                session, subject_id, records[0].provider_id, "administrative_penalty"
            )
            assert sorted(ids) == ["a", "b"]
            assert (
                repository.source_ids_of_item(
                    session, subject_id, records[0].provider_id, "administrative_licensing"
                )
                == []
            )

    @pytest.mark.parametrize(
        ("determined_on", "counted"),
        [
            ("2026-01-10", False),  # the day of the correction
            ("2026-01-11", True),  # the day after
            ("2026-06-10", True),  # the last day of the window
            ("2026-06-11", False),  # the day after it
        ],
    )
    def test_records_determined_after_a_day_up_to_another(  # type: ignore[no-untyped-def]
        self, client, provider, db, determined_on: str, counted: bool
    ) -> None:
        pushed(client, provider, [penalty("1", COMPANY, determined_on=determined_on)])
        subject_id, _ = stored(db)
        with db.transaction() as session:
            found = repository.records_of_items_determined_within(
                session,
                subject_id,
                ["administrative_penalty"],
                date(2026, 1, 10),
                date(2026, 6, 10),
                [Standing.active],
            )
            assert bool(found) is counted
            assert not repository.records_of_items_determined_within(
                session,
                subject_id,
                ["administrative_penalty"],
                date(2026, 1, 1),
                date(2026, 6, 14),
                [Standing.repaired],
            )

    def test_archive_records_by_disclosure_category_and_arrival(
        self, client, provider, db, clock
    ) -> None:  # type: ignore[no-untyped-def]
        shared = catalog_record("inspection_result", "g-1", org(COMPANY))
        pushed(client, provider, [penalty("1", COMPANY), shared])
        subject_id, records = stored(db)
        now = clock.now()
        with db.transaction() as session:

            def ids(**over: Any) -> list[int]:
                rows = repository.archive_records(
                    session,
                    subject_id,
                    **{"disclosures": [Disclosure.public], "authorised_items": [], **over},
                )
                return [r[0].id for r in rows]

            public = [r.id for r in records if r.disclosure is Disclosure.public]
            assert ids() == public
            assert ids(disclosures=[Disclosure.public, Disclosure.government]) == sorted(
                (r.id for r in records), reverse=True
            )
            everything = [Disclosure.public, Disclosure.government]
            assert ids(disclosures=everything, category=Category.other) == [
                r.id for r in records if r.category is Category.other
            ]
            assert ids(received_before=now) == []
            assert ids(received_before=now + timedelta(seconds=1)) == public
            row = repository.archive_records(
                session, subject_id, disclosures=[Disclosure.public], authorised_items=[]
            )[0]
            assert row[1:] == (
                "行政处罚信息",
                "market_regulation-provider",
                "测试market_regulation",
            )

    def test_standing_changes_until_a_time_oldest_first(self, client, provider, db, clock) -> None:  # type: ignore[no-untyped-def]
        pushed(client, provider, [penalty("1", COMPANY)])
        subject_id, (record,) = stored(db)
        now = clock.now()
        with db.transaction() as session:
            for n, (standing, at) in enumerate(
                [(Standing.revoked, now), (Standing.active, now + timedelta(hours=1))]
            ):
                session.add(
                    RecordRevision(
                        subject_id=subject_id,
                        id=record.id + 1 + n,
                        record_id=record.id,
                        standing=standing,
                        procedure="test",
                        reason="test",
                        actor="test",
                        at=at,
                    )
                )
        with db.transaction() as session:
            changes = repository.standing_changes_until
            assert changes(session, subject_id, now) == []
            assert [tuple(r) for r in changes(session, subject_id, now + timedelta(hours=2))] == [
                (record.id, Standing.revoked),
                (record.id, Standing.active),
            ]

    def test_public_record_exists_names_only_public_records(self, client, provider, db) -> None:  # type: ignore[no-untyped-def]
        shared = catalog_record("inspection_result", "g-1", org(COMPANY))
        pushed(client, provider, [penalty("1", COMPANY), shared])
        subject_id, records = stored(db)
        with db.transaction() as session:
            for record in records:
                found = session.execute(
                    select(literal(1)).where(repository.public_record_exists(subject_id, record.id))
                ).scalar()
                assert (found == 1) is (record.disclosure is Disclosure.public)


class TestByBatch:
    def test_reads_of_a_batchs_records(self, client, provider, db) -> None:  # type: ignore[no-untyped-def]
        with db.transaction() as session:
            assert repository.has_records(session) is False
        answer = pushed(client, provider, [penalty("1", COMPANY), penalty("2", OTHER)])
        batch_id = int(answer["batch_id"])
        subject_id, (record,) = stored(db)
        other_id, (other,) = stored(db, OTHER)
        with db.transaction() as session:
            assert repository.has_records(session) is True
            assert repository.record_id_in_batch(session, subject_id, batch_id) == record.id
            assert repository.record_ids_by_subject_in_batch(
                session, batch_id, [subject_id, other_id]
            ) == {subject_id: record.id, other_id: other.id}
            locked = repository.active_records_in_batches_for_update(session, [batch_id])
            assert sorted(r.id for r in locked) == sorted([record.id, other.id])
            assert repository.active_records_in_batches_for_update(session, [batch_id + 1]) == []
