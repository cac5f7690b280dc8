"""Credit repair end to end (Measures art. 34–35): application → the provider's opinion → public
notice → effect by the daily job, or refusal; for a record and for a list entry."""

from __future__ import annotations

from datetime import date

from repair_world import ACME, CORRECTED, RepairWorld, day_after, error


def feed(rw: RepairWorld) -> list[dict]:
    answer = rw.client.get("/api/v1/feeds/list-changes", headers=rw.w.authority.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["changes"]


def public_negative(rw: RepairWorld) -> list[str]:
    archive = rw.client.get(f"/api/v1/subjects/{ACME}/archive")
    assert archive.status_code == 200, archive.text
    return [r["id"] for r in archive.json()["categories"]["negative"]]


def test_a_record_repair_takes_effect_the_day_after_its_notice(rw: RepairWorld) -> None:
    assert rw.w.check("bidding", ACME).json()["results"][0]["decision"] == "intercept"
    repair = rw.applied()
    assert repair["state"] == "opinion"
    assert repair["target"]["type"] == "record"
    assert repair["target"]["item"] == "court_judgment_defaulter"
    assert repair["target"]["department"] == "court"
    assert [c["condition"] for c in repair["eligibility"]] == [
        "corrected",
        "no_repeat_within_year",
        "commitment",
    ]
    assert all(c["met"] for c in repair["eligibility"])
    assert sorted(f["kind"] for f in repair["evidence"]) == ["evidence", "rectification"]
    assert [s["step"] for s in repair["steps"]] == ["applied", "eligible", "opinion_requested"]
    # The provider's queue holds the opinion with its due date; the provider reads the evidence.
    queue = rw.tasks(rw.w.court, kind="repair_opinion")
    assert [(t["procedure_id"], t["due_on"]) for t in queue] == [
        (repair["id"], repair["opinion_due_on"])
    ]
    file_id = repair["evidence"][0]["id"]
    assert (
        rw.client.get(f"/api/v1/evidence/{file_id}", headers=rw.w.court.headers).status_code == 200
    )

    noticed = rw.opinion(repair).json()
    assert noticed["state"] == "notice"
    assert noticed["opinion"]["positive"] is True
    assert rw.tasks(rw.w.court, kind="repair_opinion") == []
    ends = noticed["notice_ends_on"]
    # The notice is public: subject, item, opinion, last day.
    notices = rw.client.get("/api/v1/repair-notices").json()
    assert [(n["repair_id"], n["subject"], n["notice_ends_on"]) for n in notices] == [
        (repair["id"], ACME, ends)
    ]
    assert notices[0]["target"]["item_name"] and "同意信用修复" in notices[0]["opinion"]

    rw.move_to(date.fromisoformat(ends))  # the notice's last day: not yet
    assert rw.tick() == 0
    assert rw.get(repair)["state"] == "notice"
    assert str(rw.record) in public_negative(rw)

    rw.move_to(day_after(ends))
    assert rw.tick() == 1
    assert rw.tick() == 0  # idempotent
    done = rw.get(repair)
    assert done["state"] == "effective"
    assert done["effective_at"] and done["closed_at"]
    assert done["steps"][-1]["step"] == "effective"
    assert done["steps"][-1]["detail"]["list_entries"] == [rw.entry]

    # No longer published: gone from the public archive, kept as archive with its standing.
    assert str(rw.record) not in public_negative(rw)
    history = rw.client.get(
        f"/api/v1/subjects/{ACME}/archive", params={"purpose": "核查"}, headers=rw.w.court.headers
    ).json()["categories"]["negative"]
    assert {r["id"]: r["standing"] for r in history}[str(rw.record)] == "repaired"
    # The entry based on it left its list, with its exit notice; measures ended.
    entry = rw.client.get(f"/api/v1/list-entries/{rw.entry}", headers=rw.w.court.headers).json()
    assert (entry["state"], entry["exit_reason"]) == ("exited", "repair")
    assert "完成信用修复" in entry["steps"][-1]["detail"]["notice"]
    check = rw.w.check("bidding", ACME).json()["results"][0]
    assert check["decision"] == "clear" and check["measures"] == [] and check["entries"] == []
    # Other platforms are told: the record's repair and the entry's exit are on the feed.
    changes = [(c["event"], c["entry_id"], c["detail"]) for c in feed(rw)]
    [repaired] = [d for event, _, d in changes if event == "repaired"]
    assert (repaired["record_id"], repaired["procedure"]) == (str(rw.record), "repair")
    assert repaired["repair_id"] == repair["id"]
    [exited] = [(e, d) for event, e, d in changes if event == "exited"]
    assert exited[0] == rw.entry and exited[1]["reason"] == "repair"
    # The decision is in the subject's archive; the notice list no longer shows it.
    assert [d["title"] for d in rw.documents() if d["kind"] == "repair_decision"] == [
        "信用修复决定书"
    ]
    assert rw.client.get("/api/v1/repair-notices").json() == []
    # Repaired once: a second application for it is refused with the reason.
    again = rw.apply(rw.body({"record": str(rw.record)}))
    assert again.status_code == 409
    assert (error(again)["code"], error(again)["detail"]["reason"]) == (
        "repair_not_allowed",
        "already_repaired",
    )


def test_a_list_entry_repair_exits_the_entry_and_leaves_its_basis(rw: RepairWorld) -> None:
    repair = rw.applied({"list_entry": rw.entry})
    assert repair["target"]["list"] == "court_judgment_defaulters"
    assert repair["target"]["items"] == ["court_judgment_defaulter"]
    notice = rw.opinion(repair).json()
    rw.move_to(day_after(notice["notice_ends_on"]))
    assert rw.tick() == 1
    entry = rw.client.get(f"/api/v1/list-entries/{rw.entry}", headers=rw.acme.headers).json()
    assert (entry["state"], entry["exit_reason"]) == ("exited", "repair")
    assert rw.w.check("bidding", ACME).json()["results"][0]["decision"] == "clear"
    # Only the entry: its basis record stays published.
    assert str(rw.record) in public_negative(rw)


def test_a_negative_opinion_refuses_with_a_decision_naming_the_appeal(rw: RepairWorld) -> None:
    repair = rw.applied()
    refused = rw.post(
        rw.w.court, f"{repair['id']}/opinion", {"positive": False, "text": "尚未履行全部义务。"}
    )
    assert refused.status_code == 200, refused.text
    body = refused.json()
    assert body["state"] == "refused"
    assert body["refused_reason"] == "尚未履行全部义务。" and body["closed_at"]
    assert body["notice_ends_on"] is None
    assert rw.tasks(rw.w.court) == []
    [doc] = rw.documents()
    assert (doc["kind"], doc["procedure_id"]) == ("repair_decision", repair["id"])
    assert "尚未履行全部义务" in doc["body"]
    assert "15个工作日内向信用管理部门提出申诉" in doc["body"]
    # Nothing changed for the record, and the subject may apply again.
    assert str(rw.record) in public_negative(rw)
    assert rw.opinion(repair).status_code == 409
    assert rw.apply(rw.body({"record": str(rw.record)})).status_code == 201


def test_only_the_department_that_gave_the_record_gives_the_opinion(rw: RepairWorld) -> None:
    repair = rw.applied()
    other = rw.opinion(repair, caller=rw.w.tax)
    assert (other.status_code, error(other)["code"]) == (403, "not_opinion_department")
    assert rw.opinion(repair, caller=rw.w.authority).status_code == 403
    assert rw.opinion(repair, caller=rw.acme).status_code == 403
    assert rw.get(repair)["state"] == "opinion"


def test_the_subject_sees_its_own_repairs_and_departments_theirs(rw: RepairWorld) -> None:
    repair = rw.applied()

    def listed(caller, **params) -> list[str]:  # type: ignore[no-untyped-def]
        answer = rw.client.get("/api/v1/repairs", params=params, headers=caller.headers)
        assert answer.status_code == 200, answer.text
        return [r["id"] for r in answer.json()]

    assert listed(rw.acme) == [repair["id"]]
    assert listed(rw.beta) == []
    assert listed(rw.w.court, state="opinion") == [repair["id"]]
    assert listed(rw.w.tax) == []
    assert listed(rw.w.authority) == [repair["id"]]
    assert listed(rw.w.authority, state="notice") == []
    # Another subject's repair, or another department's, is never confirmed to exist.
    for other in (rw.beta, rw.w.tax):
        seen = rw.client.get(f"/api/v1/repairs/{repair['id']}", headers=other.headers)
        assert (seen.status_code, error(seen)["code"]) == (404, "unknown_repair")
    assert rw.get(repair, rw.w.court)["corrected_on"] == CORRECTED
    assert rw.get(repair, rw.w.authority)["state"] == "opinion"
    assert rw.client.get("/api/v1/repairs", headers=rw.w.user.headers).status_code == 403
