"""Appeals to the credit authority (申诉, Measures art. 33): against an objection found
unfounded, within the filing period, once, heard by someone other than who decided; every
outcome names the route onward, and an upheld appeal sends the objection to correction."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from objection_world import Ow, make_ow

from fixtures.lists import ACME, BETA, org

ONWARD = "可依法申请行政复议或者提起行政诉讼"
# Rejected on 2026-06-15: 15 working days (XINYONG_APPEAL_FILING_WORKING_DAYS), 端午节 06-19
# not counted.
APPEAL_BY = date(2026, 7, 7)


@pytest.fixture
def ow_records(client, db, clock) -> tuple[Ow, int, int]:
    return make_ow(client, db, clock)


def rejected(ow: Ow, record: int) -> dict:
    return ow.decide(ow.filed(ow.acme, record=record), "rejected")


def error(answer) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    return answer.status_code, answer.json()["error"]["code"]


def test_a_dismissed_appeal_names_the_route_onward(ow_records) -> None:  # type: ignore[no-untyped-def]
    ow, record, _ = ow_records
    objection = rejected(ow, record)
    filed = ow.appeal(ow.acme, objection, evidence=[ow.evidence(ow.acme)])
    assert filed.status_code == 201, filed.text
    appeal = filed.json()
    assert (appeal["state"], appeal["procedure"], appeal["procedure_id"]) == (
        "review",
        "objection",
        objection["id"],
    )
    assert appeal["due_on"] == "2026-06-30"  # 10 working days (the setting)
    assert len(appeal["evidence"]) == 1
    (task,) = ow.tasks()
    assert (task["kind"], task["procedure"], task["department"]) == (
        "appeal_review",
        "appeal",
        None,
    )
    shown = ow.get(ow.acme, objection).json()
    assert shown["appeal"]["id"] == appeal["id"]
    assert shown["steps"][-1]["step"] == "appealed"

    decided = ow.decide_appeal(ow.reviewer, appeal, "dismissed")
    assert decided.status_code == 200, decided.text
    body = decided.json()
    assert (body["state"], body["outcome"], body["onward_route"]) == ("closed", "dismissed", ONWARD)
    assert [s["step"] for s in body["steps"]] == ["filed", "dismissed"]
    assert ow.tasks() == []
    (doc,) = [d for d in ow.documents(ACME, ow.acme) if d["kind"] == "appeal_decision"]
    assert "申诉不成立" in doc["body"] and ONWARD in doc["body"]
    # The objection itself stays as decided.
    assert ow.get(ow.acme, objection).json()["outcome"] == "rejected"
    assert error(ow.decide_appeal(ow.reviewer, appeal, "upheld")) == (409, "already_decided")
    assert (
        ow.client.get(f"/api/v1/appeals/{appeal['id']}", headers=ow.acme.headers).json()["outcome"]
        == "dismissed"
    )


def test_whoever_decided_the_objection_may_not_decide_its_appeal(ow_records) -> None:  # type: ignore[no-untyped-def]
    ow, record, _ = ow_records
    appeal = ow.appeal(ow.acme, rejected(ow, record)).json()
    assert error(ow.decide_appeal(ow.authority, appeal, "dismissed")) == (409, "same_reviewer")
    assert ow.decide_appeal(ow.reviewer, appeal, "dismissed").status_code == 200


def test_an_upheld_appeal_sends_the_objection_to_correction_and_ends_the_listing(
    ow_records,  # type: ignore[no-untyped-def]
) -> None:
    ow, _, _ = ow_records
    w = ow.w
    entry = w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "1")
    basis = w.record_id(ACME, "court_judgment_defaulter")
    ow.go_to(date(2026, 7, 1))
    objection = ow.decide(ow.filed(ow.acme, record=basis), "rejected")
    assert ow.check(ACME)["decision"] == "intercept"
    ow.go_to(date(2026, 7, 3))  # a Friday
    appeal = ow.appeal(ow.acme, objection).json()
    decided = ow.decide_appeal(ow.reviewer, appeal, "upheld")
    assert decided.status_code == 200, decided.text
    assert (decided.json()["outcome"], decided.json()["onward_route"]) == ("upheld", ONWARD)

    reopened = ow.get(ow.acme, objection).json()
    assert (reopened["state"], reopened["outcome"]) == ("correction", "upheld")
    assert reopened["correction_due_on"] == "2026-07-08"  # 3 working days from 07-03
    assert reopened["closed_at"] is None
    assert reopened["appeal"]["outcome"] == "upheld"
    upheld_step = next(s for s in reopened["steps"] if s["step"] == "upheld")
    assert upheld_step["detail"]["appeal_id"] == appeal["id"]
    (task,) = ow.tasks()
    assert (task["kind"], task["due_on"]) == ("objection_correction", "2026-07-08")
    # The wrongful-listing remedy applies on appeal too.
    listed = w.client.get(f"/api/v1/list-entries/{entry}", headers=ow.acme.headers).json()
    assert (listed["state"], listed["exit_reason"]) == ("exited", "revocation")
    assert ow.check(ACME)["decision"] == "clear"
    kinds = [d["kind"] for d in ow.documents(ACME, ow.acme)]
    assert kinds == ["objection_decision", "appeal_decision", "apology"]

    done = ow.done(ow.authority, objection, "correction", {"action": "revoke"})
    assert (done["state"], done["outcome"]) == ("closed", "upheld")
    # An upheld objection is not appealed again: the subject got what it asked.
    assert error(ow.appeal(ow.acme, done)) == (409, "appeal_exists")


@pytest.mark.parametrize(("offset", "status"), [(-1, 201), (0, 201), (1, 409)])
def test_an_appeal_is_filed_by_the_last_day_of_its_period(ow_records, offset, status) -> None:  # type: ignore[no-untyped-def]
    ow, record, _ = ow_records
    objection = rejected(ow, record)
    ow.go_to(date.fromordinal(APPEAL_BY.toordinal() + offset))
    answer = ow.appeal(ow.acme, objection)
    assert answer.status_code == status, answer.text
    if status == 409:
        err = answer.json()["error"]
        assert err["code"] == "appeal_too_late"
        assert (err["detail"]["deadline"], err["detail"]["decided_on"]) == (
            "2026-07-07",
            "2026-06-15",
        )


def test_what_may_not_be_appealed(ow_records) -> None:  # type: ignore[no-untyped-def]
    ow, record, beta_record = ow_records
    open_one = ow.filed(ow.acme, record=record)
    assert error(ow.appeal(ow.acme, open_one)) == (409, "not_appealable")
    ow.decide(open_one, "upheld")
    upheld = ow.done(ow.authority, open_one, "correction", {"action": "revoke"})
    assert error(ow.appeal(ow.acme, upheld)) == (409, "not_appealable")
    theirs = rejected(ow, record=ow.penalty(ACME, "p-2"))
    assert ow.appeal(ow.acme, theirs).status_code == 201
    assert error(ow.appeal(ow.acme, theirs)) == (409, "appeal_exists")
    # Another subject's objection is not confirmed to exist; nor its appeal.
    assert error(ow.appeal(ow.beta, theirs)) == (404, "unknown_objection")
    appeal_id = ow.get(ow.acme, theirs).json()["appeal"]["id"]
    seen = ow.client.get(f"/api/v1/appeals/{appeal_id}", headers=ow.beta.headers)
    assert error(seen) == (404, "unknown_appeal")
    assert error(ow.appeal(ow.acme, {"id": "1"}, procedure="repair")) == (404, "unknown_repair")
    # The authority files an appeal for the subject it names.
    beta_objection = ow.decide(ow.filed(ow.beta, record=beta_record), "rejected")
    assert error(ow.appeal(ow.authority, beta_objection)) == (422, "missing_subject")
    assert ow.appeal(ow.authority, beta_objection, subject=BETA).status_code == 201


@pytest.mark.parametrize(("offset", "overdue"), [(-1, False), (0, False), (1, True)])
def test_the_appeal_review_is_overdue_only_after_its_last_day(  # type: ignore[no-untyped-def]
    ow_records, offset: int, overdue: bool
) -> None:
    """Measures art. 33: the authority decides within its period (10 working days, the
    setting): on its queue, overdue the day after, and still decided when late."""
    ow, record, _ = ow_records
    appeal = ow.appeal(ow.acme, rejected(ow, record), evidence=[ow.evidence(ow.acme)]).json()
    assert appeal["due_on"] == "2026-06-30"
    ow.go_to(date(2026, 6, 30) + timedelta(days=offset))
    (task,) = ow.tasks()
    assert (task["kind"], task["overdue"]) == ("appeal_review", overdue)
    assert len(ow.tasks(overdue=True)) == (1 if overdue else 0)
    assert ow.decide_appeal(ow.reviewer, appeal, "dismissed").status_code == 200
    assert ow.tasks() == []
