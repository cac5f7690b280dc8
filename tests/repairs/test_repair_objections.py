"""Objections in a repair's public notice (Measures art. 35: 公示期间有异议的，信息提供单位应核实
并提出意见): decided by the department before the repair takes effect."""

from __future__ import annotations

from datetime import date, timedelta

from repair_world import RepairWorld, day_after, error

from fixtures.lists import ACME, org

STATEMENT = {"statement": "该企业仍拖欠我公司货款，判决未履行完毕。"}


def objection(rw: RepairWorld, caller, repair: dict):  # type: ignore[no-untyped-def]
    return rw.post(caller, f"{repair['id']}/objections", STATEMENT)


def decide(rw: RepairWorld, repair: dict, objection_id: str, upheld: bool, caller=None):  # type: ignore[no-untyped-def]
    return rw.post(
        caller or rw.w.court,
        f"{repair['id']}/objections/{objection_id}/decision",
        {"upheld": upheld, "reason": "经核实" + ("属实" if upheld else "不属实")},
    )


def test_an_upheld_objection_refuses_the_repair(rw: RepairWorld) -> None:
    repair = rw.noticed()
    ends = repair["notice_ends_on"]
    assert (
        rw.client.post(f"/api/v1/repairs/{repair['id']}/objections", json=STATEMENT).status_code
        == 401
    )
    filed = objection(rw, rw.w.user, repair)
    assert filed.status_code == 201, filed.text
    oid = filed.json()["id"]
    [task] = rw.tasks(rw.w.court, kind="repair_objection")
    assert (task["procedure"], task["procedure_id"]) == ("repair_objection", oid)
    assert task["due_on"] == filed.json()["due_on"]
    # The notice is over, but the objection is undecided: the job waits (decided first).
    rw.move_to(day_after(ends))
    assert rw.tick() == 0
    assert rw.get(repair)["state"] == "notice"

    wrong = decide(rw, repair, oid, True, caller=rw.w.tax)
    assert (wrong.status_code, error(wrong)["code"]) == (403, "not_opinion_department")
    decided = decide(rw, repair, oid, True)
    assert decided.status_code == 200, decided.text
    body = decided.json()
    assert body["state"] == "refused" and body["closed_at"]
    assert "经核实属实" in body["refused_reason"]
    assert body["objections"][0]["upheld"] is True
    assert rw.tasks(rw.w.court) == []
    [doc] = rw.documents()
    assert doc["kind"] == "repair_decision" and "申诉" in doc["body"]
    # Nothing was repaired.
    entry = rw.client.get(f"/api/v1/list-entries/{rw.entry}", headers=rw.acme.headers).json()
    assert entry["state"] == "listed"
    again = decide(rw, repair, oid, False)
    assert (again.status_code, error(again)["code"]) == (409, "already_decided")
    assert rw.tick() == 0


def test_rejected_objections_let_the_repair_take_effect(rw: RepairWorld) -> None:
    repair = rw.noticed()
    ends = date.fromisoformat(repair["notice_ends_on"])
    # Anyone but the public may object: a wronged party (another subject), a department.
    first = objection(rw, rw.beta, repair).json()["id"]
    assert decide(rw, repair, first, False).json()["state"] == "notice"
    rw.move_to(ends)  # the notice's last day: still open to objections
    second = objection(rw, rw.w.authority, repair)
    assert second.status_code == 201, second.text
    rw.move_to(ends + timedelta(days=3))
    assert rw.tick() == 0  # undecided objection
    decided = decide(rw, repair, second.json()["id"], False)
    # The last pending objection rejected after the notice: the repair takes effect at once.
    assert decided.json()["state"] == "effective", decided.text
    assert [o["upheld"] for o in decided.json()["objections"]] == [False, False]
    entry = rw.client.get(f"/api/v1/list-entries/{rw.entry}", headers=rw.acme.headers).json()
    assert entry["exit_reason"] == "repair"
    assert rw.tick() == 0


def test_objections_are_taken_up_to_the_notice_s_last_day(rw: RepairWorld) -> None:
    repair = rw.noticed()
    ends = date.fromisoformat(repair["notice_ends_on"])
    for offset, status in ((-1, 201), (0, 201), (1, 409)):  # the day before, of, after
        rw.move_to(ends + timedelta(days=offset))
        answer = objection(rw, rw.w.user, repair)
        assert answer.status_code == status, answer.text
    assert error(answer)["code"] == "notice_over"
    assert len(rw.get(repair)["objections"]) == 2


def test_no_objection_outside_a_notice(rw: RepairWorld) -> None:
    repair = rw.applied()
    before = objection(rw, rw.w.user, repair)
    assert (before.status_code, error(before)["code"]) == (409, "not_in_notice")
    # Another subject is not told that a repair never noticed exists.
    hidden = objection(rw, rw.beta, repair)
    assert (hidden.status_code, error(hidden)["code"]) == (404, "unknown_repair")
    # After effect, the notice is over.
    noticed = rw.opinion(repair).json()
    rw.move_to(day_after(noticed["notice_ends_on"]))
    assert rw.tick() == 1
    after = objection(rw, rw.beta, repair)
    assert (after.status_code, error(after)["code"]) == (409, "notice_over")
    unknown = rw.post(
        rw.w.court, f"{repair['id']}/objections/1/decision", {"upheld": True, "reason": "x"}
    )
    assert (unknown.status_code, error(unknown)["code"]) == (404, "unknown_objection")


def test_the_public_sees_notices_of_public_information_only(rw: RepairWorld) -> None:
    # A watch list is shared between departments, not published: so is the notice of its repair.
    watch = rw.w.list_entry(rw.w.market, "food_drug_watch", org(ACME), "w")
    shared = rw.opinion(rw.applied({"list_entry": watch}), caller=rw.w.market).json()
    public = rw.noticed()
    assert [n["repair_id"] for n in rw.client.get("/api/v1/repair-notices").json()] == [
        public["id"]
    ]
    seen = rw.client.get("/api/v1/repair-notices", headers=rw.acme.headers).json()
    assert [n["repair_id"] for n in seen] == [public["id"]]
    everything = rw.client.get("/api/v1/repair-notices", headers=rw.w.user.headers).json()
    assert {n["repair_id"] for n in everything} == {public["id"], shared["id"]}
    [listed] = [n for n in everything if n["repair_id"] == shared["id"]]
    assert listed["target"]["list"] == "food_drug_watch"
    assert listed["subject"] == ACME and listed["subject_name"]


def test_an_objection_s_verification_is_overdue_only_after_its_last_day(
    rw: RepairWorld,
) -> None:
    """Measures art. 35: 公示期间有异议的，信息提供单位应核实并提出意见 — within the setting's
    working days; the task is overdue the day after, and the repair waits for the decision."""
    repair = rw.noticed()
    filed = objection(rw, rw.w.user, repair)
    due = date.fromisoformat(filed.json()["due_on"])
    for offset, overdue in ((-1, False), (0, False), (1, True)):  # the day before, of, after
        rw.move_to(due + timedelta(days=offset))
        [task] = rw.tasks(rw.w.court, kind="repair_objection")
        assert (task["due_on"], task["overdue"]) == (due.isoformat(), overdue)
        late = rw.tasks(rw.w.court, kind="repair_objection", overdue=True)
        assert len(late) == (1 if overdue else 0)
    assert rw.tick() == 0 and rw.get(repair)["state"] == "notice"
    assert decide(rw, repair, filed.json()["id"], False).status_code == 200
    assert rw.tasks(rw.w.court, kind="repair_objection") == []
