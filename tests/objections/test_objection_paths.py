"""Objections end to end through the API (Measures art. 31–32; 003 联合奖惩 §（二十四））: found
right (the mark goes, the record stays), found wrong and corrected or revoked (the correction
published where the original was), and a wrongful listing ended at once with an apology."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from objection_world import Ow, make_ow
from sqlalchemy import update

from fixtures.lists import ACME, BETA, MANAGER, org
from xinyong.models import ListEntry


@pytest.fixture
def ow_records(client, db, clock) -> tuple[Ow, int, int]:
    return make_ow(client, db, clock)


@pytest.fixture
def ow(ow_records) -> Ow:  # type: ignore[no-untyped-def]
    return ow_records[0]


def test_found_right_the_mark_goes_and_the_record_stays_published(ow_records) -> None:  # type: ignore[no-untyped-def]
    ow, record, _ = ow_records
    rid = str(record)
    filed = ow.filed(ow.acme, record=record, evidence=[ow.evidence(ow.acme)])
    assert (filed["state"], filed["target_type"], filed["target_id"]) == ("review", "record", rid)
    assert filed["review_due_on"] == "2026-06-30"  # 10 working days, 端午节 06-19 not counted
    assert [s["step"] for s in filed["steps"]] == ["filed"]
    assert filed["evidence"][0]["content_type"] == "application/pdf"
    # Marked, but still published and in force (Measures art. 32).
    public = ow.archive_records(ACME)[rid]
    assert public["standing"] == "active" and public["under_objection"] is True

    decided = ow.decide(filed, "rejected")
    assert (decided["state"], decided["outcome"]) == ("closed", "rejected")
    assert decided["decision_reason"] == "信息无误"
    steps = decided["steps"]
    assert [s["step"] for s in steps] == ["filed", "rejected"]
    assert steps[1]["detail"]["appeal_by"] == "2026-07-07"  # 15 working days, the setting
    public = ow.archive_records(ACME)[rid]
    assert public["standing"] == "active" and public["under_objection"] is False
    (doc,) = [d for d in ow.documents(ACME, ow.acme) if d["kind"] == "objection_decision"]
    assert doc["procedure_id"] == filed["id"]
    assert "异议不成立" in doc["body"] and "申诉" in doc["body"] and "2026-07-07" in doc["body"]
    # No task is left open.
    assert ow.tasks() == []
    # The subject sees its own objection in its list.
    mine = ow.client.get("/api/v1/objections", headers=ow.acme.headers).json()
    assert [o["id"] for o in mine["objections"]] == [filed["id"]]


def test_found_wrong_by_the_provider_and_corrected_where_it_was_published(ow_records) -> None:  # type: ignore[no-untyped-def]
    ow, record, _ = ow_records
    w = ow.w
    rid = str(record)
    filed = ow.filed(ow.acme, record=record)
    referred = ow.done(ow.authority, filed, "referral")
    assert referred["state"] == "verification"
    assert referred["verify_due_on"] == "2026-06-23"  # 5 working days, 端午节 not counted
    # The verification lands on the provider's queue, and only its own.
    (task,) = ow.tasks(w.market)
    assert (task["kind"], task["due_on"]) == ("objection_verification", "2026-06-23")
    assert ow.tasks(w.tax) == []
    assert ow.get(w.market, filed).status_code == 200
    assert ow.get(w.tax, filed).status_code == 404
    provider_list = ow.client.get("/api/v1/objections", headers=w.market.headers).json()
    assert provider_list["total"] == 1
    wrong_department = ow.act(w.tax, filed, "verification", {"found_wrong": True, "opinion": "x"})
    assert wrong_department.status_code == 403
    assert wrong_department.json()["error"]["code"] == "not_verifying_department"

    verified = ow.done(
        w.market, filed, "verification", {"found_wrong": True, "opinion": "罚款金额应为三万元"}
    )
    assert verified["state"] == "review"
    assert verified["verification"]["found_wrong"] is True
    assert ow.tasks(w.market) == []

    upheld = ow.decide(filed, "upheld")
    assert (upheld["state"], upheld["outcome"]) == ("correction", "upheld")
    assert upheld["correction_due_on"] == "2026-06-18"  # 3 working days
    assert [t["kind"] for t in ow.tasks()] == ["objection_correction"]
    # Still published and in force until corrected.
    assert ow.archive_records(ACME)[rid]["under_objection"] is True

    corrected = ow.done(
        ow.authority,
        filed,
        "correction",
        {
            "action": "correct",
            "fields": {"penalty_content": "罚款人民币三万元", "fine_amount": "3.00"},
        },
    )
    assert corrected["state"] == "closed" and corrected["corrected_at"] is not None
    new_id = corrected["correction"]["new_record_id"]
    assert corrected["correction"]["record_id"] == rid
    assert [s["step"] for s in corrected["steps"]] == [
        "filed",
        "referred",
        "verified",
        "upheld",
        "corrected",
    ]
    assert ow.tasks() == []
    # The public sees the corrected record instead of the original.
    public = ow.archive_records(ACME)
    assert rid not in public
    fields = public[new_id]["fields"]
    assert (fields["penalty_content"], fields["fine_amount"]) == ("罚款人民币三万元", "3.00")
    assert fields["decision_number"] == "宁市监处罚〔2026〕p-acme号"  # the rest kept
    assert public[new_id]["source_id"] == "p-acme#更正1"
    assert public[new_id]["provider"] == "amr" and public[new_id]["under_objection"] is False
    history = ow.archive_records(ACME, ow.authority)
    assert history[rid]["standing"] == "corrected"
    # The correction goes through the list-change feed to wherever the original went.
    feed = ow.client.get("/api/v1/feeds/list-changes", headers=ow.authority.headers).json()
    (change,) = [c for c in feed["changes"] if c["event"] == "corrected"]
    assert change["detail"]["record_id"] == rid
    assert change["detail"]["new_record_id"] == new_id
    assert change["detail"]["objection_id"] == filed["id"]
    kinds = [d["kind"] for d in ow.documents(ACME)]
    assert kinds == ["objection_decision"]


def test_found_wrong_and_revoked(ow_records) -> None:  # type: ignore[no-untyped-def]
    ow, record, _ = ow_records
    filed = ow.filed(ow.acme, record=record, ground="forbidden_data")
    ow.decide(filed, "upheld")
    revoked = ow.done(ow.authority, filed, "correction", {"action": "revoke"})
    assert revoked["correction"]["action"] == "revoke"
    assert revoked["correction"]["new_record_id"] is None
    assert str(record) not in ow.archive_records(ACME)
    kept = ow.archive_records(ACME, ow.acme)[str(record)]
    assert kept["standing"] == "revoked"
    # Measures art. 14: what law forbids collecting is not kept as history either.
    assert set(kept["fields"].values()) == {"（已依法删除）"}
    # A revoked record takes no further objection.
    again = ow.file(ow.acme, record=record)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "target_not_active"


def test_measures_go_on_during_review_and_stop_at_once_when_wrongly_listed(ow: Ow) -> None:
    w = ow.w
    entry = w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "1")
    basis = w.record_id(ACME, "court_judgment_defaulter")
    assert ow.check(ACME)["decision"] == "intercept"
    assert w.client.get(f"/api/v1/list-entries/{entry}").json()["under_objection"] is False
    filed = ow.filed(ow.acme, entry=entry)
    # 003 联合奖惩 §（二十四）: 信息核实期间不停止执行联合惩戒措施 — marked (Measures art. 32),
    # still published and in force.
    assert ow.check(ACME)["decision"] == "intercept"
    public = w.client.get(f"/api/v1/list-entries/{entry}").json()
    assert (public["state"], public["under_objection"]) == ("listed", True)
    assert "异议处理中" in w.client.get("/lists/court_judgment_defaulters?section=listed").text
    ow.done(ow.authority, filed, "referral")
    assert ow.tasks(w.court)[0]["kind"] == "objection_verification"
    ow.done(w.court, filed, "verification", {"found_wrong": True, "opinion": "已履行完毕"})
    assert ow.check(ACME)["decision"] == "intercept"

    upheld = ow.decide(filed, "upheld")
    assert [s["step"] for s in upheld["steps"]][-2:] == ["upheld", "listing_revoked"]
    listed = w.client.get(f"/api/v1/list-entries/{entry}", headers=ow.acme.headers).json()
    assert (listed["state"], listed["exit_reason"]) == ("exited", "revocation")
    assert listed["under_objection"] is False
    assert "exit_notice" in [s["step"] for s in listed["steps"]]
    result = ow.check(ACME)
    assert result["decision"] == "clear" and result["measures"] == []
    (apology,) = [d for d in ow.documents(ACME, ow.acme) if d["kind"] == "apology"]
    assert "失信被执行人" in apology["body"] and entry in apology["body"]
    assert "致歉" in apology["title"] and "撤销" in apology["body"]
    assert upheld["correction_due_on"] in apology["body"]

    # The basis record is corrected next: for an entry, the record is named.
    missing = ow.act(ow.authority, filed, "correction", {"action": "revoke"})
    assert missing.status_code == 422
    assert missing.json()["error"]["code"] == "missing_record"
    wrong = ow.act(
        ow.authority, filed, "correction", {"action": "revoke", "record_id": str(ow_record(ow))}
    )
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "invalid_record"
    done = ow.done(ow.authority, filed, "correction", {"action": "revoke", "record_id": str(basis)})
    assert done["state"] == "closed"
    assert ow.archive_records(ACME, ow.authority)[str(basis)]["standing"] == "revoked"


def ow_record(ow: Ow) -> int:
    return ow.w.record_id(ACME, "administrative_penalty")


def test_a_record_behind_a_red_listing_found_wrong_recalls_the_benefits(ow: Ow) -> None:
    w = ow.w
    entry = w.list_entry(w.tax, "tax_a_grade", org(BETA, "南京乙公司"), "a")
    basis = w.record_id(BETA, "tax_credit_a")
    filed = ow.filed(ow.beta, record=basis)
    ow.decide(filed, "upheld")
    red = w.client.get(f"/api/v1/list-entries/{entry}", headers=ow.beta.headers).json()
    assert (red["state"], red["exit_reason"]) == ("exited", "revocation")
    assert red["benefits_recall"] is True
    assert ow.check(BETA, "administrative_licensing")["decision"] == "clear"
    # A red listing calls for a clarification, not an apology (§（二十四））.
    docs = {d["kind"]: d for d in ow.documents(BETA, ow.beta)}
    assert "apology" not in docs
    assert entry in docs["clarification"]["body"] and "收回" in docs["clarification"]["body"]


def test_a_wrongful_black_listing_takes_the_related_persons_records_with_it(ow: Ow) -> None:
    w = ow.w
    rid = w.basis(w.court, "court_judgment_defaulter", org(ACME), "case-rp")
    entry = w.propose(
        w.court,
        "court_judgment_defaulters",
        ACME,
        [rid],
        responsible_persons=[{"id_number": MANAGER, "name": "王经理", "position": "财务总监"}],
    ).json()["id"]
    w.pass_days(2)
    assert w.step(w.court, entry, "confirm").json()["state"] == "listed"
    person = w.record_id(MANAGER, "black_list_responsibility")
    assert w.check("high_consumption", MANAGER).json()["results"][0]["decision"] == "intercept"

    filed = ow.filed(ow.acme, entry=entry)
    upheld = ow.decide(filed, "upheld")
    assert upheld["steps"][-1]["detail"]["related_person_records"] == [str(person)]
    # Measures art. 29's record in the manager's archive falls with the listing …
    archive = w.client.get(
        f"/api/v1/subjects/{MANAGER}/archive",
        params={"purpose": "核查"},
        headers=w.authority.headers,
    ).json()
    (record,) = archive["categories"]["negative"]
    assert (record["id"], record["standing"]) == (str(person), "revoked")
    # … and so do the measures that reached the person through the organisation.
    assert w.check("high_consumption", MANAGER).json()["results"][0]["decision"] == "clear"


def _listing_on_an_old_record(ow: Ow) -> tuple[int, str]:
    """A court listing whose only basis is a record determined on 2024-07-01 (the item's legal
    period: 2 years, so valid until 2026-07-01), confirmed on 2026-06-17."""
    w = ow.w
    rid = w.basis(
        w.court,
        "court_judgment_defaulter",
        org(ACME),
        "old-case",
        determined_on="2024-07-01",
    )
    entry = w.propose(w.court, "court_judgment_defaulters", ACME, [rid]).json()["id"]
    w.pass_days(2)
    confirmed = w.step(w.court, entry, "confirm").json()
    assert confirmed["state"] == "listed"
    return rid, entry


def test_a_listing_ends_when_its_basis_expires(ow: Ow) -> None:
    """Measures art. 30: a record past its validity "不得再作为惩戒依据" — the listing resting on
    it stands no longer than the record, and leaves by expiry with its exit notice."""
    from xinyong.jobs import run_jobs
    from xinyong.records.service import CollectionContext

    w = ow.w
    rid, entry = _listing_on_an_old_record(ow)
    assert w.client.get(f"/api/v1/list-entries/{entry}").json()["listed_until"] == "2026-07-01"
    w.clock.set(datetime(2026, 6, 30, 10, 0))  # the day before: in force
    assert ow.check(ACME)["decision"] == "intercept"
    w.clock.set(datetime(2026, 7, 1, 10, 0))  # the day of: the record and the listing end
    assert ow.check(ACME)["decision"] == "clear"
    run_jobs(w.db, w.clock, CollectionContext(w.db))
    shown = w.client.get(f"/api/v1/list-entries/{entry}").json()
    assert (shown["state"], shown["exit_reason"]) == ("exited", "expiry")
    assert ow.archive_records(ACME, ow.authority)[str(rid)]["standing"] == "expired"
    w.clock.set(datetime(2026, 7, 2, 10, 0))  # the day after
    assert ow.check(ACME)["decision"] == "clear"


def test_a_record_used_past_its_validity_ends_with_its_listing(ow: Ow) -> None:
    """Measures art. 31 (三): the record itself stays as expired history; what used it past
    its validity — the listing — is revoked, and the objection closes. A listing outlives its
    basis only if it was confirmed before listings were bounded by their basis (data migrated
    from an earlier system): made here by moving its end."""
    from xinyong.jobs import run_jobs
    from xinyong.records.service import CollectionContext

    w = ow.w
    rid, entry = _listing_on_an_old_record(ow)
    with w.db.transaction() as session:
        session.execute(
            update(ListEntry)
            .where(ListEntry.id == int(entry))
            .values(listed_until=date(2029, 6, 17))
        )
    w.pass_days(20)  # 2026-07-07: the record expired on 2026-07-01; the listing goes on
    run_jobs(w.db, w.clock, CollectionContext(w.db))
    assert ow.archive_records(ACME, ow.authority)[str(rid)]["standing"] == "expired"
    assert ow.check(ACME)["decision"] == "intercept"

    wrong_ground = ow.file(ow.acme, record=rid)
    assert wrong_ground.json()["error"]["code"] == "target_expired"
    filed = ow.filed(ow.acme, record=rid, ground="past_validity")
    ow.decide(filed, "upheld")
    assert ow.check(ACME)["decision"] == "clear"
    refused = ow.act(ow.authority, filed, "correction", {"action": "correct", "fields": {"x": 1}})
    assert refused.json()["error"]["code"] == "target_expired"
    done = ow.done(ow.authority, filed, "correction", {"action": "revoke"})
    assert (done["state"], done["steps"][-1]["step"]) == ("closed", "expiry_confirmed")
    assert ow.archive_records(ACME, ow.authority)[str(rid)]["standing"] == "expired"


def test_a_record_revoked_on_objection_leaves_every_public_page(ow_records) -> None:  # type: ignore[no-untyped-def]
    """The public surface never shows a revoked record (issue 5; Measures art. 32): not on the
    subject's page, not in the 双公示 column, not in the public archive — while its
    correction decision is in the subject's documents."""
    ow, record, _ = ow_records
    number = "宁市监处罚〔2026〕p-acme号"
    pages = (f"/subjects/{ACME}", "/dual-publicity?tab=penalty")
    assert all(number in ow.client.get(page).text for page in pages)
    filed = ow.filed(ow.acme, record=record)
    assert all(number in ow.client.get(page).text for page in pages)  # marked, still public
    ow.decide(filed, "upheld")
    ow.done(ow.authority, filed, "correction", {"action": "revoke"})
    assert not any(number in ow.client.get(page).text for page in pages)
    assert str(record) not in ow.archive_records(ACME)
    assert "objection_decision" in [d["kind"] for d in ow.documents(ACME, ow.acme)]
