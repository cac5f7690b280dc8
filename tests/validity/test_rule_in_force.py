"""Which rule sets a record's validity, through POST /api/v1/records/batches as providers send
them: the rule in force on the day the failure was determined (Measures art. 30), an item's own
rule, a period set by law, and severities a rule does not grade.

The clock stands at 2026-06-15 10:00 Asia/Shanghai; rules are added while the app runs, and the
next batch uses them."""

from __future__ import annotations

from datetime import datetime

import pytest

from fixtures.helpers import catalog_record, credit_code, make_caller, org, penalty, push
from xinyong.core.clock import SHANGHAI
from xinyong.models import Role

COMPANY = credit_code("91320100MA1HAL01X")
RULES = "/api/v1/validity-rules"
PURPOSE = {"purpose": "有效期核查"}
GRADED = {"minor": 6, "general": 24, "serious": 24, "severe": 60}


def on(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=10, tzinfo=SHANGHAI)


def failure(source_id: str, determined_on: str, severity: str = "general") -> dict:
    record = penalty(source_id, COMPANY, severity=severity, determined_on=determined_on)
    record["fields"]["decided_on"] = determined_on
    return record


@pytest.fixture
def authority(db, clock):  # type: ignore[no-untyped-def]
    return make_caller(db, clock, role=Role.authority, kind="credit_authority")


@pytest.fixture
def provider(db, clock):  # type: ignore[no-untyped-def]
    return make_caller(db, clock, role=Role.provider)


@pytest.fixture
def add_rule(client, authority):  # type: ignore[no-untyped-def]
    def add(effective_from: str, months: dict, item_code: str | None = None) -> None:
        body = {"effective_from": effective_from, "months": months, "basis": "测试规则"}
        if item_code:
            body["item_code"] = item_code
        response = client.post(RULES, json=body, headers=authority.headers)
        assert response.status_code == 201, response.text

    return add


def store(client, caller, *records: dict) -> None:  # type: ignore[no-untyped-def]
    response = push(client, caller, list(records))
    assert response.status_code == 200, response.text
    assert response.json()["rejected"] == [], response.text


def expiry(client, caller, source_id: str) -> str:  # type: ignore[no-untyped-def]
    archive = client.get(
        f"/api/v1/subjects/{COMPANY}/archive", params=PURPOSE, headers=caller.headers
    ).json()
    (found,) = [
        r for rs in archive["categories"].values() for r in rs if r["source_id"] == source_id
    ]
    return found["expires_on"]


def test_a_later_rule_applies_only_to_failures_determined_from_its_date(  # type: ignore[no-untyped-def]
    client, clock, provider, add_rule
) -> None:
    add_rule("2026-07-01", GRADED)
    clock.set(on("2026-07-02"))
    store(
        client,
        provider,
        failure("day-before", "2026-06-30"),
        failure("day-of", "2026-07-01"),
        failure("day-after", "2026-07-02"),
        failure("long-ago", "2017-03-01"),  # before any rule: the earliest general rule
    )
    assert expiry(client, provider, "day-before") == "2027-06-30"  # art. 30: 12 months
    assert expiry(client, provider, "day-of") == "2028-07-01"  # the new rule: 24 months
    assert expiry(client, provider, "day-after") == "2028-07-02"
    assert expiry(client, provider, "long-ago") == "2018-03-01"


def test_severe_failures_under_the_measures_rule_count_three_years(client, provider) -> None:  # type: ignore[no-untyped-def]
    store(client, provider, failure("s", "2024-02-29", "severe"), failure("g", "2024-02-29"))
    assert expiry(client, provider, "s") == "2027-02-28"  # 36 months, clamped to February's end
    assert expiry(client, provider, "g") == "2025-02-28"


def test_minor_failures_need_a_rule_that_grades_them(client, clock, provider, add_rule) -> None:  # type: ignore[no-untyped-def]
    answer = push(
        client,
        provider,
        [failure("minor", "2026-06-15", "minor"), failure("general", "2026-06-15")],
    ).json()
    assert answer["accepted"] == 1  # the good row lands
    (rejected,) = answer["rejected"]
    (error,) = rejected["errors"]
    assert (rejected["index"], error["field"], error["code"]) == (
        0,
        "severity",
        "severity_not_graded",
    )
    assert "2018-01-29" in error["message"] and "轻微" in error["message"]

    add_rule("2026-06-16", GRADED)
    # A failure determined before the grading rule took effect still falls under art. 30.
    again = push(client, provider, [failure("minor", "2026-06-15", "minor")]).json()
    assert [e["code"] for r in again["rejected"] for e in r["errors"]] == ["severity_not_graded"]

    clock.set(on("2026-06-16"))
    store(client, provider, failure("minor", "2026-06-16", "minor"))
    assert expiry(client, provider, "minor") == "2026-12-16"  # 6 months


def test_an_items_own_rule_wins_on_its_date_until_a_later_general_rule(  # type: ignore[no-untyped-def]
    client, db, clock, provider, add_rule
) -> None:
    tax = make_caller(db, clock, role=Role.provider, kind="tax")
    add_rule("2026-06-15", {"general": 24, "serious": 24, "severe": 60})
    add_rule("2026-06-15", {"general": 18}, item_code="administrative_penalty")
    arrears = catalog_record(
        "tax_arrears", "t-1", org(COMPANY), determined_on="2026-06-15", severity="general"
    )
    store(client, tax, arrears)
    store(client, provider, failure("p-1", "2026-06-15"))
    assert expiry(client, tax, "t-1") == "2028-06-15"  # the general rule of the same date
    assert expiry(client, provider, "p-1") == "2027-12-15"  # the item's own rule
    # The item's rule alone decides for its records: it grades no severe failure.
    answer = push(client, provider, [failure("p-severe", "2026-06-15", "severe")]).json()
    assert [e["code"] for r in answer["rejected"] for e in r["errors"]] == ["severity_not_graded"]

    add_rule("2026-06-20", {"general": 30, "serious": 30, "severe": 60})
    clock.set(on("2026-06-20"))
    store(client, provider, failure("p-2", "2026-06-19"), failure("p-3", "2026-06-20"))
    assert expiry(client, provider, "p-2") == "2027-12-19"  # still the item's rule
    assert expiry(client, provider, "p-3") == "2028-12-20"  # the later general rule


def test_a_period_set_by_law_still_wins(client, db, clock, add_rule) -> None:  # type: ignore[no-untyped-def]
    labour = make_caller(db, clock, role=Role.provider, kind="human_resources")
    add_rule("2026-06-15", {"minor": 3, "general": 6, "serious": 6, "severe": 12})
    add_rule("2026-06-15", {"general": 6}, item_code="wage_arrears")
    for source_id, severity in (("w-general", "general"), ("w-minor", "minor")):
        record = catalog_record(
            "wage_arrears", source_id, org(COMPANY), determined_on="2026-06-15", severity=severity
        )
        store(client, labour, record)
        # wage_arrears: legal_validity_years 3 in the default catalog (art. 30: 另有规定的除外)
        assert expiry(client, labour, source_id) == "2029-06-15"
