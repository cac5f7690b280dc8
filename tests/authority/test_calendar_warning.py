"""The authority is warned of a calendar year that deadlines will soon reach and nobody loaded
(core/calendar.LOOKAHEAD_DAYS: 60 days), before procedures are refused for it: once in the
audit log by the daily job, and on the dashboard every day until the year is loaded."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from uuid import uuid4

import pytest
from authority_pages import log_in
from sqlalchemy import select

from fixtures.lists import ACME, World, org
from xinyong.core.clock import SHANGHAI
from xinyong.jobs import run_jobs
from xinyong.models import AuditEntry, Role
from xinyong.records.service import CollectionContext

YEAR_2027 = json.loads(
    (Path(__file__).parent.parent / "calendar" / "year_2027.json").read_text("utf-8")
)
BANNER = "工作日历尚未载入 2027 年的节假日安排"


def on(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T09:00").replace(tzinfo=SHANGHAI)


def dashboard(client, world: World, clock) -> str:  # type: ignore[no-untyped-def]
    """The dashboard as a person of the authority sees it today (a session started now: the
    clock moves further than a session lives)."""
    log_in(client, world.db, clock, role=Role.authority, department="cred", username=uuid4().hex)
    page = client.get("/authority")
    assert page.status_code == 200 and "管理工作台" in page.text
    return page.text


def warnings(world: World) -> list[str]:
    with world.db.transaction() as session:
        return list(
            session.execute(
                select(AuditEntry.target_id).where(AuditEntry.action == "calendar.year_missing")
            ).scalars()
        )


@pytest.mark.parametrize(
    ("day", "warned"),
    [("2026-11-01", False), ("2026-11-02", True), ("2026-11-03", True)],
)
def test_the_daily_job_warns_sixty_days_before_the_unknown_year(  # type: ignore[no-untyped-def]
    client, clock, world: World, day: str, warned: bool
) -> None:
    """2026-11-02 + 60 days is 2027-01-01: the day before, of and after. The job, its
    warning and the dashboard say the same (calendar/service.missing_years)."""
    clock.set(on(day))
    ran = run_jobs(world.db, clock, CollectionContext(world.db))
    assert ran["calendar_years_missing"] == ([2027] if warned else [])
    assert ran["calendar_warnings_logged"] == (1 if warned else 0)
    assert warnings(world) == (["2027"] if warned else [])
    assert (BANNER in dashboard(client, world, clock)) is warned


def test_the_warning_is_written_once_and_the_banner_goes_with_the_load(  # type: ignore[no-untyped-def]
    client, clock, world: World
) -> None:
    clock.set(on("2026-12-02"))
    ctx = CollectionContext(world.db)
    ran = run_jobs(world.db, clock, ctx)
    assert (ran["calendar_years_missing"], ran["calendar_warnings_logged"]) == ([2027], 1)
    clock.set(on("2026-12-03"))
    # Issue 14: the job said "0 missing" here while the dashboard warned of 2027. Still
    # missing, as the dashboard says; the audit log's warning is never written twice.
    ran = run_jobs(world.db, clock, ctx)
    assert (ran["calendar_years_missing"], ran["calendar_warnings_logged"]) == ([2027], 0)
    assert warnings(world) == ["2027"]
    assert BANNER in dashboard(client, world, clock)
    loaded = client.post("/api/v1/calendar/years", json=YEAR_2027, headers=world.authority.headers)
    assert loaded.status_code == 201, loaded.text
    assert BANNER not in dashboard(client, world, clock)
    ran = run_jobs(world.db, clock, ctx)
    assert (ran["calendar_years_missing"], ran["calendar_warnings_logged"]) == ([], 0)


def test_a_deadline_into_the_unknown_year_is_refused_with_its_year(  # type: ignore[no-untyped-def]
    client, clock, world: World
) -> None:
    """What the warning prevents: on 2026-12-24 a red candidate's 7 working days of notice
    would end in 2027 — refused, naming the year, and nothing half-applied."""
    clock.set(on("2026-12-24"))
    rid = world.basis(world.tax, "tax_credit_a", org(ACME), "a")
    refused = world.propose(world.tax, "tax_a_grade", ACME, [rid])
    assert refused.status_code == 409
    assert refused.json()["error"]["detail"] == {"year": 2027}
    client.post("/api/v1/calendar/years", json=YEAR_2027, headers=world.authority.headers)
    assert world.propose(world.tax, "tax_a_grade", ACME, [rid]).status_code == 201
