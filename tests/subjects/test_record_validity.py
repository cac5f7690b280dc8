"""Validity of negative records (Measures art. 30): 1 year for general (and serious) failures,
3 years for severe ones, from the day of determination, unless law sets another period. A
record past its validity is no longer published but stays in the archive as expired.

The clock stands at 2026-06-15 10:00 Asia/Shanghai; tests move it the day before, of and after.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from catalog_samples import sample_record

from fixtures.helpers import credit_code, make_caller, penalty, push
from xinyong.core.clock import SHANGHAI
from xinyong.models import Role

COMPANY = credit_code("91320100MA1EXP01E")
ORG = {"credit_code": COMPANY, "name": "南京时效测试有限公司"}
PURPOSE = {"purpose": "信用修复审查"}


def on(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


def failure(source_id: str, determined_on: str, severity: str = "general") -> dict:
    record = penalty(source_id, COMPANY, severity=severity, determined_on=determined_on)
    record["fields"]["decided_on"] = determined_on
    return record


@pytest.fixture
def provider(db, clock):  # type: ignore[no-untyped-def]
    return make_caller(db, clock, role=Role.provider)


@pytest.fixture
def stored(client, provider):  # type: ignore[no-untyped-def]
    """Push records now (2026-06-15); return a reader of one record as the provider sees it."""

    def store(*records: dict, caller=provider) -> None:  # type: ignore[no-untyped-def]
        response = push(client, caller, list(records))
        assert response.status_code == 200, response.text
        assert response.json()["accepted"] == len(records), response.text

    return store


def department_view(client, caller, source_id: str) -> dict:  # type: ignore[no-untyped-def]
    response = client.get(
        f"/api/v1/subjects/{COMPANY}/archive", params=PURPOSE, headers=caller.headers
    )
    assert response.status_code == 200, response.text
    found = [
        r
        for rs in response.json()["categories"].values()
        for r in rs
        if r["source_id"] == source_id
    ]
    assert len(found) == 1, response.text
    return found[0]


def public_source_ids(client) -> list[str]:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/v1/subjects/{COMPANY}/archive")
    assert response.status_code == 200, response.text
    return sorted(r["source_id"] for rs in response.json()["categories"].values() for r in rs)


class TestGeneralFailureCountsOneYear:
    def test_determined_2025_06_15_is_expired_on_2026_06_15(self, client, provider, stored):
        stored(failure("1", "2025-06-15"))
        record = department_view(client, provider, "1")
        assert record["expires_on"] == "2026-06-15"
        assert record["standing"] == "expired"

    def test_determined_2025_06_16_is_active_on_2026_06_15(self, client, provider, stored):
        stored(failure("1", "2025-06-16"))
        record = department_view(client, provider, "1")
        assert record["expires_on"] == "2026-06-16"
        assert record["standing"] == "active"

    @pytest.mark.parametrize(
        ("today", "standing"),
        [("2026-06-15", "active"), ("2026-06-16", "expired"), ("2026-06-17", "expired")],
        ids=["day-before", "day-of", "day-after"],
    )
    def test_expiry_of_a_record_determined_2025_06_16(
        self, client, provider, stored, clock, today, standing
    ):
        stored(failure("1", "2025-06-16"))
        clock.set(on(today))
        assert department_view(client, provider, "1")["standing"] == standing

    def test_record_expired_today_was_active_yesterday(self, client, provider, stored, clock):
        stored(failure("1", "2025-06-15"))
        clock.set(on("2026-06-14"))
        assert department_view(client, provider, "1")["standing"] == "active"

    def test_serious_failure_also_counts_one_year(self, client, provider, stored):
        stored(failure("1", "2025-06-15", "serious"), failure("2", "2025-06-16", "serious"))
        assert department_view(client, provider, "1")["standing"] == "expired"
        assert department_view(client, provider, "2")["standing"] == "active"

    def test_expiry_turns_at_midnight_in_shanghai(self, client, provider, stored, clock):
        stored(failure("1", "2025-06-15"))
        clock.set(datetime(2026, 6, 14, 15, 59, tzinfo=UTC))  # 23:59 in Shanghai
        assert department_view(client, provider, "1")["standing"] == "active"
        clock.set(datetime(2026, 6, 14, 16, 0, tzinfo=UTC))  # 00:00 on the 15th in Shanghai
        assert department_view(client, provider, "1")["standing"] == "expired"


class TestSevereFailureCountsThreeYears:
    def test_determined_2023_06_16_is_still_active_on_2026_06_15(self, client, provider, stored):
        stored(failure("1", "2023-06-16", "severe"))
        record = department_view(client, provider, "1")
        assert (record["expires_on"], record["standing"]) == ("2026-06-16", "active")

    @pytest.mark.parametrize(
        ("today", "standing"),
        [("2026-06-15", "active"), ("2026-06-16", "expired"), ("2026-06-17", "expired")],
        ids=["day-before", "day-of", "day-after"],
    )
    def test_expiry_of_a_severe_record_determined_2023_06_16(
        self, client, provider, stored, clock, today, standing
    ):
        stored(failure("1", "2023-06-16", "severe"))
        clock.set(on(today))
        assert department_view(client, provider, "1")["standing"] == standing

    def test_severe_record_determined_2023_06_15_is_expired(self, client, provider, stored):
        stored(failure("1", "2023-06-15", "severe"))
        assert department_view(client, provider, "1")["standing"] == "expired"


class TestPeriodSetByLaw:
    def test_wage_arrears_general_counts_three_years_by_law(self, client, db, clock, stored):
        labour = make_caller(db, clock, role=Role.provider, kind="human_resources")
        stored(sample_record("wage_arrears", "1", ORG, determined_on="2023-06-16"), caller=labour)
        record = department_view(client, labour, "1")
        assert (record["expires_on"], record["standing"]) == ("2026-06-16", "active")

    def test_judgment_defaulter_severe_counts_two_years_by_law(self, client, db, clock, stored):
        court = make_caller(db, clock, role=Role.provider, kind="court")
        record = sample_record(
            "court_judgment_defaulter", "1", ORG, severity="severe", determined_on="2024-06-15"
        )
        stored(record, caller=court)
        shown = department_view(client, court, "1")
        assert (shown["expires_on"], shown["standing"]) == ("2026-06-15", "expired")


class TestExpiredRecordsInTheArchive:
    def test_public_archive_hides_expired_records(self, client, stored):
        stored(failure("old", "2025-06-15"), failure("new", "2025-06-16"))
        assert public_source_ids(client) == ["new"]
        counts = client.get(f"/api/v1/subjects/{COMPANY}/archive").json()["counts"]
        assert counts["negative"] == 1

    def test_public_archive_hides_a_record_from_the_day_it_expires(self, client, stored, clock):
        stored(failure("1", "2025-06-16"))
        assert public_source_ids(client) == ["1"]
        clock.set(on("2026-06-16"))
        assert public_source_ids(client) == []

    def test_departments_see_expired_records_with_their_standing(self, client, db, clock, stored):
        stored(failure("old", "2025-06-15"))
        user = make_caller(db, clock, role=Role.user_department)
        assert department_view(client, user, "old")["standing"] == "expired"

    def test_the_subject_itself_sees_its_expired_records(self, client, db, clock, stored):
        stored(failure("old", "2025-06-15"))
        subject_id = int(client.get(f"/api/v1/subjects/{COMPANY}").json()["id"])
        own = make_caller(db, clock, role=Role.subject, subject_id=subject_id)
        archive = client.get(f"/api/v1/subjects/{COMPANY}/archive", headers=own.headers).json()
        (record,) = archive["categories"]["negative"]
        assert record["standing"] == "expired"

    def test_non_negative_records_do_not_expire(self, client, provider, stored, clock):
        stored(sample_record("commendation", "1", ORG))
        clock.set(on("2036-06-15"))
        record = department_view(client, provider, "1")
        assert (record["expires_on"], record["standing"]) == (None, "active")
        assert public_source_ids(client) == ["1"]
