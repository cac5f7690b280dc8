"""The platform's clock set from outside the code (issue 13): `xinyong tick --at` runs the
jobs as of a past day, to catch up after downtime; XINYONG_FIXED_TODAY holds the date of a
training deployment for every command."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from fixtures.helpers import credit_code, make_caller, penalty, push
from xinyong.core.clock import SHANGHAI, Clock, local_date
from xinyong.models import Department, RecordRevision, Role
from xinyong.models.record import Record

COMPANY = credit_code("91320100MA1XYW12Q")
# A general failure (one year, Measures art. 30): in force until 2026-08-01. The tests' clock
# stands at 2026-06-15; the real one is past it.
DETERMINED = "2025-08-01"


def pushed(db, client, clock) -> None:  # type: ignore[no-untyped-def]
    caller = make_caller(db, clock, role=Role.provider)
    answer = push(client, caller, [penalty("1", COMPANY, determined_on=DETERMINED)])
    assert answer.json()["accepted"] == 1, answer.text


def standing(db) -> tuple[str, list[datetime]]:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        record = session.execute(select(Record)).scalar_one()
        revisions = session.execute(select(RecordRevision.at)).scalars().all()
        return record.standing.value, list(revisions)


def counts(output: str) -> dict[str, Any]:
    """The figures of `xinyong tick --json`."""
    return json.loads(output)


def test_tick_at_runs_the_jobs_as_of_a_past_day(run, db, client, clock) -> None:  # type: ignore[no-untyped-def]
    pushed(db, client, clock)
    before = run("tick", "--json", "--at", "2026-07-31")
    assert before.exit_code == 0, before.output
    assert counts(before.output)["records_expired"] == 0
    assert standing(db) == ("active", [])

    done = run("tick", "--json", "--at", "2026-08-01")
    assert done.exit_code == 0, done.output
    assert counts(done.output)["as_of"] == "2026-08-01T00:00:00+08:00"
    assert counts(done.output)["records_expired"] == 1
    # Dated on the day it was due, not on the day the operator caught up.
    assert standing(db) == ("expired", [datetime(2026, 8, 1, tzinfo=SHANGHAI)])


def test_tick_at_checkpoints_the_audit_log_at_the_real_time(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    done = run("tick", "--json", "--at", "2026-01-01")
    assert done.exit_code == 0, done.output
    assert counts(done.output)["audit_checkpoints"] == 1
    (checkpoint,) = (tmp_path / "var" / "audit-checkpoints").iterdir()  # the `run` fixture's
    # A checkpoint vouches for the log as it is now: never dated back. Its name is its UTC time.
    taken = datetime.strptime(checkpoint.name.split("Z")[0], "%Y%m%dT%H%M%S%f").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - taken).total_seconds()) < 60


def test_a_fixed_today_holds_for_the_commands(run, db, client, clock) -> None:  # type: ignore[no-untyped-def]
    pushed(db, client, clock)
    training = {"XINYONG_FIXED_TODAY": "2026-07-01"}
    # tick: the jobs run on that day, so a record still in force then stays active...
    assert counts(run("tick", "--json", **training).output)["records_expired"] == 0
    assert standing(db)[0] == "active"
    # ... and --at cannot go beyond it.
    later = run("tick", "--json", "--at", "2026-07-02", **training)
    assert later.exit_code == 1 and "date_in_future" in later.output
    # What a command writes is dated on that day.
    made = run(
        "department",
        "create",
        "--code",
        "nj-sw",
        "--name",
        "南京市税务局",
        "--region",
        "320100",
        "--kind",
        "tax",
        **training,
    )
    assert made.exit_code == 0, made.output
    with db.transaction() as session:
        created = session.execute(
            select(Department.created_at).where(Department.code == "nj-sw")
        ).scalar_one()
    assert local_date(created) == date(2026, 7, 1)


def test_the_clock_on_a_fixed_day_keeps_the_time_of_day() -> None:
    real, fixed = Clock().now(), Clock(date(2026, 3, 15)).now()
    assert fixed.date() == date(2026, 3, 15) and fixed.utcoffset() == real.utcoffset()
    same_day = datetime.combine(real.date(), fixed.timetz())
    assert abs((same_day - real).total_seconds()) < 5
