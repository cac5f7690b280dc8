"""The objection's deadlines (Measures art. 32: review 10, verification 5, correction 3 working
days) across National Day 2026 (10-01 … 10-07 off, Saturday 10-10 worked in lieu), each on the
day before, of and after it: a step is overdue only the day after its last day, and the daily
job alerts it once."""

from __future__ import annotations

from datetime import date

import pytest
from objection_world import Ow, make_ow

from xinyong.jobs import run_jobs
from xinyong.records.service import CollectionContext

FILED_ON = date(2026, 9, 28)  # a Monday, three working days before the holiday
# 09-29, 09-30, 10-08, 10-09, 10-10 (Saturday, worked), 10-12 … 10-16.
REVIEW_DUE = date(2026, 10, 16)
VERIFY_DUE = date(2026, 10, 10)
CORRECT_DUE = date(2026, 10, 8)


@pytest.fixture
def ow_records(client, db, clock) -> tuple[Ow, int, int]:
    ow, acme, beta = make_ow(client, db, clock)
    ow.go_to(FILED_ON)
    return ow, acme, beta


def around(day: date) -> list[tuple[date, bool]]:
    """The day before, of and after ``day``, and whether a step due on it is overdue then."""
    return [(date.fromordinal(day.toordinal() + d), d > 0) for d in (-1, 0, 1)]


def test_the_review_is_due_in_10_working_days_and_alerted_once_when_late(ow_records) -> None:  # type: ignore[no-untyped-def]
    ow, record, _ = ow_records
    filed = ow.filed(ow.acme, record=record)
    assert filed["review_due_on"] == REVIEW_DUE.isoformat()
    (task,) = ow.tasks()
    assert (task["kind"], task["due_on"], task["department"]) == (
        "objection_review",
        REVIEW_DUE.isoformat(),
        None,
    )
    ctx = CollectionContext(ow.w.db)
    for day, overdue in around(REVIEW_DUE):
        ow.go_to(day)
        late = ow.tasks(overdue="true")
        assert [t["procedure_id"] for t in late] == ([filed["id"]] if overdue else []), day
        assert run_jobs(ow.w.db, ow.w.clock, ctx)["overdue_alerts"] == (1 if overdue else 0)
    assert run_jobs(ow.w.db, ow.w.clock, ctx)["overdue_alerts"] == 0  # never twice
    assert ow.tasks()[0]["alerted_at"] is not None
    # Late or not, the review still ends the step.
    ow.decide(filed, "rejected")
    assert ow.tasks() == []


def test_the_verification_is_due_in_5_working_days_on_the_providers_queue(ow_records) -> None:  # type: ignore[no-untyped-def]
    ow, record, _ = ow_records
    filed = ow.filed(ow.acme, record=record)
    referred = ow.done(ow.authority, filed, "referral")
    assert referred["verify_due_on"] == VERIFY_DUE.isoformat()
    market = ow.w.market
    for day, overdue in around(VERIFY_DUE):
        ow.go_to(day)
        (task,) = ow.tasks(market)
        assert (task["kind"], task["due_on"], task["overdue"]) == (
            "objection_verification",
            VERIFY_DUE.isoformat(),
            overdue,
        )
        assert len(ow.tasks(market, overdue="true")) == (1 if overdue else 0)
    # The platform's own review is still within its period meanwhile.
    assert ow.tasks(ow.authority, department="platform", overdue="true") == []


def test_the_correction_is_due_in_3_working_days_and_still_made_when_late(ow_records) -> None:  # type: ignore[no-untyped-def]
    ow, record, _ = ow_records
    filed = ow.filed(ow.acme, record=record)
    upheld = ow.decide(filed, "upheld")
    assert upheld["correction_due_on"] == CORRECT_DUE.isoformat()
    for day, overdue in around(CORRECT_DUE):
        ow.go_to(day)
        late = ow.tasks(overdue="true", kind="objection_correction")
        assert len(late) == (1 if overdue else 0), day
    revoked = ow.done(ow.authority, filed, "correction", {"action": "revoke"})
    assert revoked["state"] == "closed"
    assert revoked["steps"][-1]["detail"]["late"] is True
    assert ow.tasks() == []
