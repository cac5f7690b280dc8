"""The repair's deadlines by the official calendar, the day before, of and after each: the
provider's opinion (settings.repair_opinion_working_days), the 5-working-day public notice
(Measures art. 35), an objection's verification (settings.repair_objection_working_days), and
what the daily job does when the notice is over."""

from __future__ import annotations

from datetime import date, timedelta

from repair_world import RepairWorld, day_after, error

# Applied on 2026-06-17: 10 working days, 端午节 (Friday 2026-06-19) not counted.
OPINION_DUE = date(2026, 7, 2)


def test_the_opinion_is_on_the_provider_s_queue_and_overdue_after_its_day(
    rw: RepairWorld,
) -> None:
    repair = rw.applied()
    assert repair["opinion_due_on"] == OPINION_DUE.isoformat()
    assert rw.tasks(rw.w.tax) == []  # another department's queue
    for offset, overdue in ((-1, False), (0, False), (1, True)):  # the day before, of, after
        rw.move_to(OPINION_DUE + timedelta(days=offset))
        [task] = rw.tasks(rw.w.court)
        assert (task["kind"], task["procedure"], task["procedure_id"]) == (
            "repair_opinion",
            "repair",
            repair["id"],
        )
        assert (task["due_on"], task["overdue"]) == (OPINION_DUE.isoformat(), overdue)
        late = rw.tasks(rw.w.court, overdue=True)
        assert [t["id"] for t in late] == ([task["id"]] if overdue else [])
    # A late opinion is still taken; the task closes with it.
    assert rw.opinion(repair).status_code == 200
    assert rw.tasks(rw.w.court) == []


def test_the_notice_runs_over_national_day(rw: RepairWorld) -> None:
    rw.move_to(date(2026, 9, 30))
    repair = rw.applied()
    # 10 working days: 国庆节 2026-10-01..07 not counted, Saturday 2026-10-10 worked in lieu.
    assert repair["opinion_due_on"] == "2026-10-20"
    noticed = rw.opinion(repair).json()
    assert noticed["notice_ends_on"] == "2026-10-13"  # 10-08, 10-09, 10-10, 10-12, 10-13
    rw.move_to(date(2026, 10, 9))
    filed = rw.post(rw.beta, f"{repair['id']}/objections", {"statement": "有异议"})
    assert filed.json()["due_on"] == "2026-10-15"  # 5 working days: 10-10, 12, 13, 14, 15
    decided = rw.post(
        rw.w.court,
        f"{repair['id']}/objections/{filed.json()['id']}/decision",
        {"upheld": False, "reason": "不属实"},
    )
    assert decided.json()["state"] == "notice"  # the notice still runs
    rw.move_to(date(2026, 10, 13))
    assert rw.tick() == 0
    rw.move_to(date(2026, 10, 14))
    assert rw.tick() == 1
    assert rw.get(repair)["state"] == "effective"


def test_the_job_catches_up_after_downtime(rw: RepairWorld) -> None:
    repair = rw.noticed()
    rw.move_to(day_after(repair["notice_ends_on"]) + timedelta(days=30))
    assert rw.tick() == 1
    assert rw.tick() == 0
    done = rw.get(repair)
    assert done["state"] == "effective"
    assert done["effective_at"].startswith(rw.today().isoformat())


def test_a_repeat_recorded_during_the_notice_stops_the_repair(rw: RepairWorld) -> None:
    """The year after the correction may still run when the notice ends (art. 34(二))."""
    repair = rw.noticed()
    again = rw.push(
        rw.w.court, "court_judgment_defaulter", "again", determined_on=rw.today().isoformat()
    )
    rw.move_to(day_after(repair["notice_ends_on"]))
    assert rw.tick() == 0
    done = rw.get(repair)
    assert done["state"] == "refused"
    assert done["steps"][-1]["detail"]["records"] == [str(again)]
    [doc] = rw.documents()
    assert str(again) in doc["body"] and "申诉" in doc["body"]
    entry = rw.client.get(f"/api/v1/list-entries/{rw.entry}", headers=rw.acme.headers).json()
    assert entry["state"] == "listed"


def test_a_record_that_expires_during_the_notice_ends_the_repair(rw: RepairWorld) -> None:
    # General, determined 2025-06-22: it counts until 2026-06-21 (Measures art. 30).
    record = rw.push(
        rw.w.market,
        "administrative_penalty",
        "old",
        severity="general",
        determined_on="2025-06-22",
    )
    body = rw.body({"record": str(record)}, corrected_on="2025-07-01")
    answer = rw.apply(body)
    assert answer.status_code == 201, answer.text
    repair = rw.opinion(answer.json(), caller=rw.w.market).json()
    rw.move_to(day_after(repair["notice_ends_on"]))
    assert rw.tick() == 0
    done = rw.get(repair)
    assert done["state"] == "refused"
    assert done["steps"][-1]["detail"]["target_reason"] == "expired"
    [doc] = rw.documents()
    assert doc["title"] == "信用修复终止通知书"
    # It is expired, never "repaired": nothing to repair any more.
    again = rw.apply(rw.body({"record": str(record)}, corrected_on="2025-07-01"))
    assert error(again)["detail"]["reason"] == "expired"
    # Ended because its target went away, not refused on its merits: nothing to appeal.
    appeal = rw.w.client.post(
        "/api/v1/appeals",
        json={"procedure": "repair", "id": repair["id"], "statement": "不服"},
        headers=rw.acme.headers,
    )
    assert appeal.status_code == 409
    assert appeal.json()["error"]["code"] == "not_appealable"
