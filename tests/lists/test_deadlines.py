"""Each deadline of the list workflows on the day before, of and after it (notice periods in
working days by the official calendar, the others in calendar days: lists/rules.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from fixtures.helpers import make_caller
from fixtures.lists import ACME, World, make_world, org
from xinyong.models import Role, Subject


@pytest.fixture
def w(client, db, clock) -> World:
    return make_world(client, db, clock)


def today(w: World) -> date:
    return w.clock.now().date()


def move_to(w: World, day: date) -> None:
    w.pass_days((day - today(w)).days)


@pytest.mark.parametrize(("offset", "status"), [(-1, 409), (0, 409), (1, 200)])
def test_red_confirmation_waits_for_the_whole_public_notice(w: World, offset, status) -> None:  # type: ignore[no-untyped-def]
    rid = w.basis(w.tax, "tax_credit_a", org(ACME), "a")
    entry = w.propose(w.tax, "tax_a_grade", ACME, [rid]).json()
    ends = date.fromisoformat(entry["notice_ends_on"])
    assert ends == date(2026, 6, 25)  # 7 working days after 06-15, 端午节 (06-19) not counted
    move_to(w, ends + timedelta(days=offset))
    assert w.step(w.tax, entry["id"], "confirm").status_code == status


@pytest.mark.parametrize(("offset", "status"), [(-1, 409), (0, 409), (1, 201)])
def test_an_interview_only_after_the_rectification_deadline(w: World, offset, status) -> None:  # type: ignore[no-untyped-def]
    entry = w.list_entry(w.tax, "major_tax_violators", org(ACME), "v")
    body = w.client.get(f"/api/v1/list-entries/{entry}", headers=w.tax.headers).json()
    move_to(w, date.fromisoformat(body["rectify_by"]) + timedelta(days=offset))
    held = w.step(
        w.tax,
        entry,
        "interviews",
        {
            "interview_type": "提示约谈",
            "interviewed_on": today(w).isoformat(),
            "interviewee_name": "李法人",
            "content": "限期整改",
        },
    )
    assert held.status_code == status, held.text


@pytest.mark.parametrize(("offset", "decision"), [(-1, "intercept"), (0, "clear"), (1, "clear")])
def test_an_entry_counts_until_the_day_before_listed_until(w: World, offset, decision) -> None:  # type: ignore[no-untyped-def]
    entry = w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "1")
    body = w.client.get(f"/api/v1/list-entries/{entry}", headers=w.court.headers).json()
    move_to(w, date.fromisoformat(body["listed_until"]) + timedelta(days=offset))
    assert w.check("bidding", ACME).json()["results"][0]["decision"] == decision


def test_a_notice_into_an_unknown_year_is_refused_until_the_year_is_loaded(w: World) -> None:
    move_to(w, date(2026, 12, 24))
    rid = w.basis(w.tax, "tax_credit_a", org(ACME), "a")
    refused = w.propose(w.tax, "tax_a_grade", ACME, [rid])
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert (error["code"], error["detail"]["year"]) == ("calendar_year_unknown", 2027)
    # Nothing was half-applied: no entry exists.
    assert w.client.get(f"/api/v1/subjects/{ACME}/list-entries", headers=w.tax.headers).json() == []


@pytest.mark.parametrize(
    ("confirmed_on", "rectify_by"),
    [
        (date(2026, 8, 31), date(2026, 9, 30)),  # 30 days later is a working day: kept
        (date(2026, 9, 3), date(2026, 10, 8)),  # 10-03 is in National Day: the next working day
        (date(2026, 9, 5), date(2026, 10, 8)),  # 10-05, likewise
        (date(2026, 9, 10), date(2026, 10, 10)),  # Saturday 10-10 is worked in lieu: kept
    ],
)
def test_a_rectification_deadline_ending_off_work_moves_to_the_next_working_day(  # type: ignore[no-untyped-def]
    w: World, confirmed_on, rectify_by
) -> None:
    """民法典 第二百零三条: a period whose last day is a statutory rest day ends the day after."""
    move_to(w, confirmed_on)
    entry = w.list_entry(w.market, "food_drug_watch", org(ACME), "w")
    body = w.client.get(f"/api/v1/list-entries/{entry}", headers=w.market.headers).json()
    assert body["rectify_by"] == rectify_by.isoformat()


def tasks_of(w: World, caller) -> list[dict]:  # type: ignore[no-untyped-def]
    answer = w.client.get(
        "/api/v1/tasks", params={"kind": "list_objection"}, headers=caller.headers
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["tasks"]


@pytest.mark.parametrize(("offset", "overdue"), [(-1, False), (0, False), (1, True)])
def test_an_objection_in_a_notice_is_the_identifying_departments_task(  # type: ignore[no-untyped-def]
    w: World, offset, overdue
) -> None:
    """003 联合奖惩 §（六）: 有异议的，由认定单位核实处理 — within 10 working days (Measures
    art. 32), on the department's queue until it decides."""
    rid = w.basis(w.tax, "tax_credit_a", org(ACME), "a")
    entry = w.propose(w.tax, "tax_a_grade", ACME, [rid]).json()
    with w.db.transaction() as session:
        sid = session.execute(select(Subject.id).where(Subject.credit_code == ACME)).scalar_one()
    subject = make_caller(w.db, w.clock, role=Role.subject, subject_id=sid)
    filed = w.client.post(
        f"/api/v1/list-entries/{entry['id']}/objections",
        json={"statement": "纳税信用评价有误"},
        headers=subject.headers,
    ).json()
    (task,) = tasks_of(w, w.tax)
    # Filed Monday 2026-06-15: 10 working days, 端午节 (06-19) not counted.
    assert task["due_on"] == "2026-06-30"
    assert tasks_of(w, w.court) == []
    move_to(w, date(2026, 6, 30) + timedelta(days=offset))
    shown = w.client.get("/api/v1/tasks", params={"overdue": "true"}, headers=w.tax.headers)
    assert (len(shown.json()["tasks"]) == 1) is overdue
    decided = w.step(
        w.tax,
        entry["id"],
        f"objections/{filed['id']}/decision",
        {"upheld": False, "reason": "评价依据无误"},
    )
    assert decided.status_code == 200, decided.text
    assert tasks_of(w, w.tax) == []
