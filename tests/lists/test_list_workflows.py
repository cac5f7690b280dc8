"""Every path of the list workflows through the API (003 联合奖惩 §（三）–（六）, （十七）,
（二十四）; Measures art. 17, 29; 002 §（九））."""

from __future__ import annotations

import gc
import weakref

import pytest
from sqlalchemy import select

from fixtures.helpers import catalog_record, make_caller
from fixtures.lists import ACME, BETA, CITIZEN, LEGAL_REP, MANAGER, World, make_world, org, person
from xinyong.lists.service import entry_out
from xinyong.models import EntryState, ListEntry, Role


@pytest.fixture
def w(client, db, clock) -> World:
    return make_world(client, db, clock)


def steps(w: World, entry_id: str, caller=None) -> list[str]:
    got = w.client.get(f"/api/v1/list-entries/{entry_id}", headers=(caller or w.authority).headers)
    assert got.status_code == 200, got.text
    return [s["step"] for s in got.json()["steps"]]


def test_red_list_goes_through_public_notice_before_confirmation(w: World) -> None:
    rid = w.basis(w.tax, "tax_credit_a", org(ACME), "a-2025")
    answer = w.propose(w.tax, "tax_a_grade", ACME, [rid])
    assert answer.status_code == 201, answer.text
    entry = answer.json()
    assert entry["state"] == "notice"
    # 7 working days after Monday 2026-06-15; 端午节 falls on Friday 06-19.
    assert entry["notice_ends_on"] == "2026-06-25"
    assert [s["step"] for s in entry["steps"]] == ["candidate", "cross_checked", "public_notice"]

    # The public sees the candidate in notice (公示) …
    public = w.client.get("/api/v1/lists/tax_a_grade/entries").json()
    assert [(e["subject"], e["state"]) for e in public] == [(ACME, "notice")]
    assert public[0]["steps"] == [] and public[0]["basis_records"] == []

    # … and it cannot be confirmed before the notice ends.
    early = w.step(w.tax, entry["id"], "confirm")
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "notice_period_running"

    w.pass_days(11)
    confirmed = w.step(w.tax, entry["id"], "confirm")
    assert confirmed.status_code == 200, confirmed.text
    body = confirmed.json()
    assert body["state"] == "listed"
    assert body["listed_until"] == "2027-06-26"  # validity_years 1 from confirmation on 06-26
    assert body["steps"][-1]["step"] == "confirmed"


def test_red_candidate_on_a_black_list_is_refused_with_the_blocking_entry(w: World) -> None:
    black = w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "x")
    rid = w.basis(w.tax, "tax_credit_a", org(ACME), "a-2025")
    answer = w.propose(w.tax, "tax_a_grade", ACME, [rid])
    assert answer.status_code == 409
    error = answer.json()["error"]
    assert error["code"] == "blocked_by_list"
    assert error["detail"]["blocking_entry"]["id"] == black
    assert error["detail"]["blocking_entry"]["kind"] == "black"


def test_black_listing_removes_the_subject_from_every_red_list(w: World) -> None:
    red = w.list_entry(w.tax, "tax_a_grade", org(ACME), "r")
    rid = w.basis(w.court, "court_judgment_defaulter", org(ACME), "case-1")
    entry = w.propose(w.court, "court_judgment_defaulters", ACME, [rid]).json()
    assert entry["state"] == "notice"
    assert "prior_notice" in [s["step"] for s in entry["steps"]]
    # A black candidate's prior notice is told to the subject, not published.
    assert w.client.get("/api/v1/lists/court_judgment_defaulters/entries").json() == []

    # The subject states its case; the court must decide before confirming.
    subject = make_caller(w.db, w.clock, role=Role.subject, subject_id=_subject_id(w, ACME))
    stated = w.client.post(
        f"/api/v1/list-entries/{entry['id']}/objections",
        json={"statement": "已部分履行，请求暂缓"},
        headers=subject.headers,
    )
    assert stated.status_code == 201, stated.text
    # Proposed on Friday 2026-06-26: one working day of prior notice ends on Monday 06-29.
    w.pass_days(4)
    pending = w.step(w.court, entry["id"], "confirm")
    assert pending.json()["error"]["code"] == "objection_pending"
    decided = w.step(
        w.court,
        entry["id"],
        f"objections/{stated.json()['id']}/decision",
        {"upheld": False, "reason": "未履行生效法律文书确定的义务"},
    )
    assert decided.status_code == 200, decided.text
    confirmed = w.step(w.court, entry["id"], "confirm")
    assert confirmed.status_code == 200, confirmed.text

    removed = w.client.get(f"/api/v1/list-entries/{red}", headers=w.authority.headers).json()
    assert removed["state"] == "exited"
    assert removed["exit_reason"] == "black_listed"
    assert removed["benefits_recall"] is True
    # The subject sees every step of both entries.
    seen = w.client.get(f"/api/v1/subjects/{ACME}/list-entries", headers=subject.headers).json()
    assert {e["state"] for e in seen} == {"exited", "listed"}
    assert "objection_decided" in [s["step"] for e in seen for s in e["steps"]]


def _subject_id(w: World, key: str) -> int:
    return int(w.client.get(f"/api/v1/subjects/{key}").json()["id"])


def test_an_upheld_objection_withdraws_the_candidate(w: World) -> None:
    rid = w.basis(w.tax, "tax_credit_a", org(ACME), "a-2025")
    entry = w.propose(w.tax, "tax_a_grade", ACME, [rid]).json()
    objection = w.client.post(
        f"/api/v1/list-entries/{entry['id']}/objections",
        json={"statement": "该企业存在欠税"},
        headers=w.market.headers,
    ).json()
    decided = w.step(
        w.tax,
        entry["id"],
        f"objections/{objection['id']}/decision",
        {"upheld": True, "reason": "核实存在欠税"},
    ).json()
    assert decided["state"] == "withdrawn"
    w.pass_days(8)
    assert w.step(w.tax, entry["id"], "confirm").json()["error"]["code"] == "invalid_state"


def test_only_the_identifying_department_lists_in_its_field(w: World) -> None:
    rid = w.basis(w.court, "court_judgment_defaulter", org(ACME), "case-1")
    answer = w.propose(w.tax, "court_judgment_defaulters", ACME, [rid])
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "not_identifying_department"
    # A user department cannot list at all.
    assert w.propose(w.user, "court_judgment_defaulters", ACME, [rid]).status_code == 403


@pytest.mark.parametrize("problem", ["other_item", "unknown", "expired", "other_subject"])
def test_a_listing_without_an_active_basis_is_refused(w: World, problem: str) -> None:
    if problem == "other_item":
        rid = w.basis(w.tax, "tax_arrears", org(ACME), "arrears")
    elif problem == "unknown":
        w.basis(w.tax, "major_tax_violation", org(ACME), "v")
        rid = 12345
    elif problem == "expired":
        rid = w.basis(w.tax, "major_tax_violation", org(ACME), "v", determined_on="2023-01-10")
    else:
        rid = w.basis(w.tax, "major_tax_violation", org(BETA, "南京另一家有限公司"), "v")
        w.push(w.tax, catalog_record("tax_credit_a", "a", org(ACME)))
    answer = w.propose(w.tax, "major_tax_violators", ACME, [rid])
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "invalid_basis"
    assert error["field"] == "basis_records[0]"


def test_a_subject_has_one_live_entry_per_list(w: World) -> None:
    w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "1")
    rid = w.basis(w.court, "court_judgment_defaulter", org(ACME), "case-2")
    again = w.propose(w.court, "court_judgment_defaulters", ACME, [rid])
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_listed"


def test_a_watch_entry_is_confirmed_without_notice(w: World) -> None:
    rid = w.basis(w.market, "administrative_penalty", org(ACME), "p1")
    entry = w.propose(w.market, "food_drug_watch", ACME, [rid]).json()
    assert entry["state"] == "candidate" and entry["notice_ends_on"] is None
    confirmed = w.step(w.market, entry["id"], "confirm").json()
    assert confirmed["state"] == "listed"
    assert confirmed["rectify_by"] == "2026-07-15"
    # Watch lists are shared between departments, not published.
    assert w.client.get("/api/v1/lists/food_drug_watch/entries").json() == []
    listed = w.client.get("/api/v1/lists/food_drug_watch/entries", headers=w.user.headers).json()
    assert [e["id"] for e in listed] == [entry["id"]]


def test_leaving_a_black_list_publishes_an_exit_notice_and_starts_monitoring(w: World) -> None:
    entry = w.list_entry(w.tax, "major_tax_violators", org(ACME), "v")
    out = w.step(w.tax, entry, "exit", {"reason": "repair", "explanation": "已补缴税款、滞纳金"})
    assert out.status_code == 200, out.text
    body = out.json()
    assert body["state"] == "exited" and body["exit_reason"] == "repair"
    # Listed and left on 2026-06-24 (after 5 working days' prior notice, 06-16 to 06-23);
    # monitored 365 days.
    assert body["monitoring_until"] == "2027-06-24"
    notice = next(s for s in body["steps"] if s["step"] == "exit_notice")
    assert "完成信用修复" in notice["detail"]["notice"]
    published = w.client.get(
        "/api/v1/lists/major_tax_violators/entries", params={"state": "exited"}
    ).json()
    assert [e["exit_reason"] for e in published] == ["repair"]
    # Leaving twice is refused.
    again = w.step(w.tax, entry, "exit", {"reason": "repair", "explanation": "x"})
    assert again.json()["error"]["code"] == "invalid_state"


def test_the_authority_may_revoke_but_not_repair(w: World) -> None:
    entry = w.list_entry(w.tax, "tax_a_grade", org(ACME), "r")
    repair = w.step(w.authority, entry, "exit", {"reason": "repair", "explanation": "x"})
    assert repair.status_code == 403
    revoked = w.step(w.authority, entry, "exit", {"reason": "revocation", "explanation": "误列"})
    assert revoked.status_code == 200, revoked.text
    # Wrongly red-listed: what it gained is flagged for recall (003 联合奖惩 §（二十四））.
    assert revoked.json()["benefits_recall"] is True


def test_expiry_ends_the_entry_at_once_and_the_job_publishes_the_exit(w: World) -> None:
    from xinyong.jobs import run_jobs
    from xinyong.records.service import CollectionContext

    entry = w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "1")
    assert w.check("bidding", ACME).json()["results"][0]["decision"] == "intercept"
    w.pass_days(2 * 366)
    # Before the daily job runs, the expired entry already counts for nothing.
    assert w.check("bidding", ACME).json()["results"][0]["decision"] == "clear"
    ctx = CollectionContext(w.db)
    assert run_jobs(w.db, w.clock, ctx)["list_entries_expired"] == 1
    assert run_jobs(w.db, w.clock, ctx)["list_entries_expired"] == 0  # idempotent
    body = w.client.get(f"/api/v1/list-entries/{entry}", headers=w.authority.headers).json()
    assert body["exit_reason"] == "expiry"
    assert body["monitoring_until"] is not None


def test_related_persons_carry_the_black_listing_of_their_organisation(w: World) -> None:
    registration = catalog_record("org_registration", "reg-1", org(ACME))
    registration["fields"].update(
        {"legal_representative_name": "李法人", "legal_representative_id_number": LEGAL_REP}
    )
    w.push(w.market, registration)
    rid = w.basis(w.court, "court_judgment_defaulter", org(ACME), "case-1")
    entry = w.propose(
        w.court,
        "court_judgment_defaulters",
        ACME,
        [rid],
        responsible_persons=[{"id_number": MANAGER, "name": "王经理", "position": "财务总监"}],
    ).json()
    w.pass_days(2)
    confirmed = w.step(w.court, entry["id"], "confirm").json()
    assert "related_persons_recorded" in [s["step"] for s in confirmed["steps"]]

    # Measures art. 29: the failure is in the persons' own archives …
    for number, role in ((LEGAL_REP, "法定代表人"), (MANAGER, "直接责任人员")):
        archive = w.client.get(
            f"/api/v1/subjects/{number}/archive",
            params={"purpose": "核查"},
            headers=w.authority.headers,
        ).json()
        records = [r for r in archive["categories"]["negative"]]
        assert [r["item"] for r in records] == ["black_list_responsibility"]
        assert records[0]["fields"]["responsibility"] == role
        assert records[0]["fields"]["organisation_credit_code"] == ACME

    # … and a check on the person reaches the organisation's measures.
    result = w.check("high_consumption", LEGAL_REP, MANAGER).json()["results"]
    assert [r["decision"] for r in result] == ["intercept", "intercept"]
    via = result[0]["measures"][0]["via"]
    assert via["organisation"] == ACME and via["role"] == "legal_representative"
    assert "法定代表人" in result[0]["measures"][0]["reason"]


def test_a_black_listing_revoked_as_wrong_carries_the_whole_remedy(w: World) -> None:
    """003 联合奖惩 §（二十四）, found by the identifying department itself: the listing ends at
    once, the failure it wrote into the persons' archives falls with it (Measures art. 29),
    and the organisation receives a written apology and clarification."""
    registration = catalog_record("org_registration", "reg-1", org(ACME))
    registration["fields"].update(
        {"legal_representative_name": "李法人", "legal_representative_id_number": LEGAL_REP}
    )
    w.push(w.market, registration)
    entry = w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "wrong")
    revoked = w.step(
        w.court, entry, "exit", {"reason": "revocation", "explanation": "案号录入错误，误列"}
    )
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["exit_reason"] == "revocation"
    assert "related_person_records_revoked" in [s["step"] for s in revoked.json()["steps"]]
    archive = w.client.get(
        f"/api/v1/subjects/{LEGAL_REP}/archive",
        params={"purpose": "核查"},
        headers=w.authority.headers,
    ).json()
    assert [r["standing"] for r in archive["categories"]["negative"]] == ["revoked"]
    assert w.check("high_consumption", ACME, LEGAL_REP).json()["results"][1]["decision"] == (
        "clear"
    )
    documents = w.client.get(
        f"/api/v1/subjects/{ACME}/documents", headers=w.authority.headers
    ).json()
    (letter,) = [d for d in documents if d["kind"] == "apology"]
    assert "案号录入错误，误列" in letter["body"] and "书面致歉" in letter["body"]


def test_rectification_overdue_leads_to_an_interview_in_the_archive(w: World) -> None:
    entry = w.list_entry(w.tax, "major_tax_violators", org(ACME), "v")
    body = {
        "interview_type": "警示约谈",
        "interviewed_on": "2026-08-01",
        "interviewee_name": "李法人",
        "interviewee_position": "法定代表人",
        "content": "限期补缴税款并提交整改报告",
    }
    early = w.step(w.tax, entry, "interviews", body)
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "rectification_not_overdue"
    w.pass_days(40)
    held = w.step(w.tax, entry, "interviews", body)
    assert held.status_code == 201, held.text
    archive = w.client.get(
        f"/api/v1/subjects/{ACME}/archive", params={"purpose": "核查"}, headers=w.tax.headers
    ).json()
    interviews = [r for r in archive["categories"]["other"] if r["item"] == "interview"]
    assert [r["id"] for r in interviews] == [held.json()["record_id"]]
    assert interviews[0]["fields"]["interview_type"] == "警示约谈"
    assert "interview" in steps(w, entry)


def test_rectified_in_time_means_no_interview(w: World) -> None:
    entry = w.list_entry(w.tax, "major_tax_violators", org(ACME), "v")
    done = w.step(w.tax, entry, "rectification", {"reason": "已补缴全部税款"})
    assert done.status_code == 200 and done.json()["rectified_at"] is not None
    w.pass_days(40)
    late = w.step(
        w.tax,
        entry,
        "interviews",
        {
            "interview_type": "提示约谈",
            "interviewed_on": "2026-08-01",
            "interviewee_name": "李法人",
            "content": "x",
        },
    )
    assert late.json()["error"]["code"] == "rectification_not_overdue"


def test_a_natural_person_on_a_black_list(w: World) -> None:
    w.list_entry(w.court, "court_judgment_defaulters", person(CITIZEN, "赵被执行"), "p")
    public = w.client.get("/api/v1/lists/court_judgment_defaulters/entries").json()
    assert public[0]["subject"] == CITIZEN[:6] + "********" + CITIZEN[-4:]
    result = w.check("high_consumption", CITIZEN).json()["results"][0]
    assert result["decision"] == "intercept" and result["subject"]["name"] == "赵被执行"


def test_public_cannot_see_a_prior_notice_entry(w: World) -> None:
    rid = w.basis(w.court, "court_judgment_defaulter", org(ACME), "case-1")
    entry = w.propose(w.court, "court_judgment_defaulters", ACME, [rid]).json()
    hidden = w.client.get(f"/api/v1/list-entries/{entry['id']}")
    assert hidden.status_code == 404
    assert hidden.json()["error"]["code"] == "unknown_entry"


def test_lists_are_published_with_their_standards(client) -> None:  # type: ignore[no-untyped-def]
    lists = client.get("/api/v1/lists").json()
    by_code = {x["code"]: x for x in lists}
    assert by_code["court_judgment_defaulters"]["kind"] == "black"
    assert by_code["court_judgment_defaulters"]["identifying_sector"] == "court"
    assert by_code["tax_a_grade"]["standard"]
    assert {x["kind"] for x in lists} == {"red", "black", "watch"}


def test_a_serving_process_runs_the_expiry_job_itself(w: World, db, clock) -> None:  # type: ignore[no-untyped-def]
    import time

    from fastapi.testclient import TestClient

    from xinyong.app import create_app

    entry = w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "1")
    w.pass_days(2 * 366)
    settings = db.settings.model_copy(update={"run_jobs": True, "job_interval_seconds": 0.05})
    with TestClient(create_app(settings, clock=clock, db=db)) as server:
        for _ in range(100):
            body = server.get(f"/api/v1/list-entries/{entry}", headers=w.court.headers).json()
            if body["state"] == "exited":
                break
            time.sleep(0.05)
    assert body["exit_reason"] == "expiry"


def test_an_entry_shown_keeps_neither_its_session_nor_a_stale_copy(w: World) -> None:
    """entry_out reads the entry afresh each time and holds nothing: a server process would
    otherwise keep every session and entry it ever showed, and show a changed entry as it
    was."""
    entry_id = w.list_entry(w.tax, "tax_a_grade", org(ACME), "keep")
    with w.db.transaction() as session:
        entry = session.execute(select(ListEntry).where(ListEntry.id == int(entry_id))).scalar_one()
        before = entry_out(session, entry, full=False)
        entry.state = EntryState.exited  # in memory only: the transaction is rolled back
        after = entry_out(session, entry, full=False)
        session.rollback()
        kept = weakref.ref(session)
    assert (before.state, after.state) == ("listed", "exited")
    del session, entry
    gc.collect()
    assert kept() is None
