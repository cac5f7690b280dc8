"""Eligibility (Measures art. 34): each condition checked and explained, alone and together, and
the reading of art. 34(二) — no record of the same item from the day after the correction up to
today, within the year (docs/workflows/repair.md)."""

from __future__ import annotations

from typing import Any

from repair_world import CORRECTED, RepairWorld, error

from fixtures.lists import ACME

CONDITIONS = ["corrected", "no_repeat_within_year", "commitment"]


def repeat(rw: RepairWorld, determined_on: str = "2026-06-01") -> int:
    """Another court judgment defaulter record of ACME: the same item, a repeated failure."""
    return rw.push(rw.w.court, "court_judgment_defaulter", "again", determined_on=determined_on)


# Each case: what it changes in an eligible application, and the conditions that then fail.
# The cases after REPEAT are tried once ACME has failed again after its correction.
CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    ("correction in the future", {"corrected_on": "2026-06-18"}, ["corrected"]),
    ("correction before the determination", {"corrected_on": "2026-05-09"}, ["corrected"]),
    ("no account of the correction", {"correction": "  "}, ["corrected"]),
    ("no evidence file", {"ways": ("commitment",), "evidence": []}, ["corrected"]),
    ("no commitment text", {"commitment": ""}, ["commitment"]),
    ("no commitment way", {"ways": ("rectification",)}, ["commitment"]),
    # Measures art. 34 (三): 建立信用管理制度 as well as the commitment.
    ("no credit management system", {"credit_management": " "}, ["commitment"]),
    ("a repeat within the year", {}, ["no_repeat_within_year"]),
    ("all three", {"correction": "", "commitment": " "}, CONDITIONS),
]
REPEAT = 7


def test_each_failed_condition_is_named_alone_and_together(rw: RepairWorld) -> None:
    assert rw.today().isoformat() == "2026-06-17"  # "2026-06-18" above is tomorrow
    for index, (case, over, failed) in enumerate(CASES):
        if index == REPEAT:
            repeat(rw)
        answer = rw.apply(rw.body({"record": str(rw.record)}, **over))
        assert answer.status_code == 422, (case, answer.text)
        body = error(answer)
        assert body["code"] == "repair_ineligible"
        assert body["detail"]["failed"] == failed, case
        conditions = body["detail"]["conditions"]
        assert [c["condition"] for c in conditions] == CONDITIONS
        for c in conditions:
            assert c["met"] is (c["condition"] not in failed), case
            assert c["reason"] and c["reason_en"]
            if not c["met"]:
                assert c["reason"] in body["message"]
    # Nothing was filed, and no file was taken.
    assert rw.client.get("/api/v1/repairs", headers=rw.acme.headers).json() == []
    assert rw.tasks(rw.w.court) == []


def test_the_repeat_names_the_offending_records(rw: RepairWorld) -> None:
    again = repeat(rw)
    answer = rw.apply(rw.body({"record": str(rw.record)}))
    [condition] = [c for c in error(answer)["detail"]["conditions"] if not c["met"]]
    assert condition["records"] == [str(again)]
    assert str(again) in condition["reason"] and "2026-06-01" in condition["reason"]


def test_only_the_same_item_after_the_correction_is_a_repeat(rw: RepairWorld) -> None:
    body = rw.body({"record": str(rw.record)})

    def failed() -> list[str]:
        answer = rw.client.post("/api/v1/repairs/eligibility", json=body, headers=rw.acme.headers)
        assert answer.status_code == 200, answer.text
        return [c["condition"] for c in answer.json()["conditions"] if not c["met"]]

    rw.push(rw.w.court, "court_judgment_defaulter", "before", determined_on="2026-05-15")
    assert failed() == []  # before the correction: not a repeat
    rw.push(rw.w.court, "court_judgment_defaulter", "same-day", determined_on=CORRECTED)
    assert failed() == []  # the correction's own day is not counted (民法典 第二百零一条)
    rw.push(rw.w.market, "administrative_penalty", "other", determined_on="2026-06-01")
    assert failed() == []  # another kind of failure
    rw.push(rw.w.court, "court_judgment_defaulter", "after", determined_on="2026-05-21")
    assert failed() == ["no_repeat_within_year"]  # the first day of the year after it


def test_a_repair_may_be_applied_for_before_the_year_after_the_correction_is_over(
    rw: RepairWorld,
) -> None:
    """A general record counts for 1 year only: waiting a full year after the correction would
    leave nothing to repair, so the condition is read up to today (repair.md)."""
    repair = rw.applied()
    [condition] = [c for c in repair["eligibility"] if c["condition"] == "no_repeat_within_year"]
    assert condition["met"] is True
    assert f"{CORRECTED} 起至 {rw.today()}" in condition["reason"]


def test_the_eligibility_answer_explains_and_files_nothing(rw: RepairWorld) -> None:
    body = rw.body({"record": str(rw.record)})
    answer = rw.client.post("/api/v1/repairs/eligibility", json=body, headers=rw.acme.headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["eligible"] is True
    assert [c["met"] for c in answer.json()["conditions"]] == [True, True, True]
    assert answer.json()["target"]["department"] == "court"
    assert rw.client.get("/api/v1/repairs", headers=rw.acme.headers).json() == []
    # Its files are still free: the application itself takes them.
    assert rw.apply(body).status_code == 201

    failing = rw.body({"list_entry": rw.entry}, commitment="")
    explained = rw.client.post(
        "/api/v1/repairs/eligibility", json=failing, headers=rw.acme.headers
    ).json()
    assert explained["eligible"] is False
    assert [c["condition"] for c in explained["conditions"] if not c["met"]] == ["commitment"]


def test_the_authority_applies_for_a_subject_it_names(rw: RepairWorld) -> None:
    body = rw.body({"record": str(rw.record)}, caller=rw.w.authority, subject=ACME)
    answer = rw.apply(body, rw.w.authority)
    assert answer.status_code == 201, answer.text
    assert answer.json()["filed_by"].startswith("authority:cred")
    assert answer.json()["subject"] == ACME
    unnamed = rw.apply({**body, "subject": None}, rw.w.authority)
    assert (unnamed.status_code, error(unnamed)["code"]) == (422, "missing_subject")
