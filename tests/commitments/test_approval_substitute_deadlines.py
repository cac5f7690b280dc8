"""A 告知承诺's verification overdue from the day after its last day, through the API on both
databases: on the accepting department's queue (GET /api/v1/tasks), in the authority's overdue
counts (GET /api/v1/tasks/overdue), alerted once by the daily job, and on both consoles' task
pages with its Chinese name. The day before, of and after the deadline, over 端午 and into
国庆 2026 (the built-in calendar)."""

from __future__ import annotations

from datetime import date

import pytest
from commitment_world import NOTICE, CommitmentWorld

from authority.authority_pages import log_in
from xinyong.jobs import run_jobs
from xinyong.models import Role
from xinyong.records.service import CollectionContext


def queue(cw: CommitmentWorld, **params: object) -> list[dict]:
    answer = cw.client.get("/api/v1/tasks", params=params, headers=cw.w.market.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["tasks"]


def amr_counts(cw: CommitmentWorld) -> dict | None:
    answer = cw.client.get("/api/v1/tasks/overdue", headers=cw.w.authority.headers)
    assert answer.status_code == 200, answer.text
    rows = [r for r in answer.json() if r["department"] == "amr"]
    return rows[0] if rows else None


@pytest.mark.parametrize(
    ("granted", "last_day", "day_after"),
    [
        # 15 June (Mon) + 20 working days, 端午 19 June not counted: Tue 14 July.
        (date(2026, 6, 15), date(2026, 7, 14), date(2026, 7, 15)),
        # 2 Sep + 20 working days, over 中秋 25 Sep and the working Sunday 20 Sep: Wed 30 Sep;
        # the day after is 国庆 1 Oct, a holiday — overdue all the same.
        (date(2026, 9, 2), date(2026, 9, 30), date(2026, 10, 1)),
    ],
)
def test_the_verification_is_overdue_from_the_day_after_its_last_day(
    cw: CommitmentWorld, granted: date, last_day: date, day_after: date
) -> None:
    cw.move_to(granted)
    c = cw.paper(item=NOTICE)
    (task,) = queue(cw)
    assert task["due_on"] == last_day.isoformat()

    for day in (date.fromordinal(last_day.toordinal() - 1), last_day):
        cw.move_to(day)
        (task,) = queue(cw)
        assert task["overdue"] is False, day
        assert queue(cw, overdue=True) == []
        assert amr_counts(cw) == {
            "department": "amr",
            "department_name": "测试market_regulation",
            "open": 1,
            "overdue": 0,
        }

    cw.move_to(day_after)
    (task,) = queue(cw, overdue=True, kind="commitment_verification")
    assert task["procedure_id"] == c["id"] and task["overdue"] is True
    assert amr_counts(cw) == {
        "department": "amr",
        "department_name": "测试market_regulation",
        "open": 1,
        "overdue": 1,
    }
    # The daily job alerts it once.
    ctx = CollectionContext(cw.w.db)
    assert run_jobs(cw.w.db, cw.w.clock, ctx)["overdue_alerts"] == 1
    assert run_jobs(cw.w.db, cw.w.clock, ctx)["overdue_alerts"] == 0

    # Verified late: the task closes and the department has nothing overdue left.
    assert cw.fulfil(c["id"], "fulfilled").status_code == 200
    assert queue(cw) == [] and amr_counts(cw) is None


def test_the_consoles_name_the_new_kinds_in_chinese(cw: CommitmentWorld) -> None:
    c = cw.paper(item=NOTICE)
    cw.move_to(date(2026, 7, 15))  # the verification is overdue
    client, db, clock = cw.client, cw.w.db, cw.w.clock

    log_in(client, db, clock, role=Role.provider, department="amr", username="amr-clerk")
    page = client.get("/department/tasks")
    assert page.status_code == 200
    assert "告知承诺核查" in page.text and "核查告知承诺" in page.text
    assert 'class="badge overdue"' in page.text
    assert "commitment_verification" not in page.text.replace('value="commitment_verification"', "")
    by_kind = client.get("/department/tasks", params={"kind": "commitment_verification"})
    assert "共 1 项" in by_kind.text

    log_in(client, db, clock, role=Role.authority, department="cred", username="cred-clerk")
    dashboard = client.get("/authority")
    assert dashboard.status_code == 200
    assert 'aria-label="测试market_regulation逾期 1 项"' in dashboard.text
    overdue = client.get("/authority/tasks", params={"department": "amr", "overdue": "yes"})
    assert "告知承诺核查" in overdue.text and "核查告知承诺" in overdue.text

    # Found false: the revocation on the same queue, under its own name.
    assert cw.fulfil(c["id"], "false").status_code == 200
    oversight = client.get("/authority/tasks", params={"department": "amr", "state": "all"})
    assert oversight.status_code == 200
    assert "告知承诺核查" in oversight.text and "撤销许可" in oversight.text
    assert "licence_revocation" not in oversight.text.replace('value="licence_revocation"', "")
