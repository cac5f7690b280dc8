"""容缺受理 end to end through the API, on both databases: eligibility in the check and at the
acceptance, documents supplied in time, the daily sweep's breach on the right day, the breach
record as the basis of a watch-list entry, and the measure a later check shows."""

from __future__ import annotations

from datetime import date, timedelta

from commitment_world import DOCUMENTS, NOTICE, CommitmentWorld, error
from sqlalchemy import func, select

from fixtures.helpers import catalog_record, credit_code
from fixtures.lists import ACME, BETA, GAMMA, org
from xinyong.core.audit import verify
from xinyong.jobs import run_jobs
from xinyong.models import AuditEntry, Change, Commitment, Record
from xinyong.records.service import CollectionContext

LICENSING = "administrative_licensing"


def jobs(cw: CommitmentWorld) -> int:
    return run_jobs(cw.w.db, cw.w.clock, CollectionContext(cw.w.db))["commitments_breached"]


def eligibility(cw: CommitmentWorld, key: str, scenario: str = LICENSING) -> dict:
    answer = cw.w.check(scenario, key)
    assert answer.status_code == 200, answer.text
    return answer.json()["results"][0]


def penalty(cw: CommitmentWorld, key: str, determined_on: date, tag: str) -> None:
    """A general administrative penalty of ``key`` determined on that day (valid one year)."""
    cw.w.push(
        cw.w.market,
        catalog_record(
            "administrative_penalty",
            f"penalty-{tag}",
            org(key),
            severity="general",
            determined_on=determined_on.isoformat(),
        ),
    )


def stored_commitments(cw: CommitmentWorld) -> int:
    with cw.w.db.transaction() as session:
        return session.execute(select(func.count()).select_from(Commitment)).scalar_one()


def test_documents_never_supplied_become_a_breach_the_watch_list_can_rest_on(
    cw: CommitmentWorld,
) -> None:
    cw.move_to(date(2026, 9, 22))
    c = cw.paper()
    # Ten working days over 中秋 and 国庆: 13 October, not 2 October.
    assert c["due_on"] == "2026-10-13" and c["state"] == "pending"
    assert c["missing_documents"] == DOCUMENTS and c["documents_supplied"] == []
    assert [s["step"] for s in c["steps"]] == ["signed", "accepted"]
    assert c["steps"][0]["detail"]["eligible_by"] == ["clean_record"]

    cw.move_to(date(2026, 10, 12))
    assert jobs(cw) == 0  # the day before
    cw.move_to(date(2026, 10, 13))
    # One document on the last day, the other never.
    part = cw.step(cw.w.market, c["id"], "documents", {"documents": [DOCUMENTS[0]]})
    assert part.status_code == 200, part.text
    assert part.json()["state"] == "pending"
    assert part.json()["steps"][-1]["detail"]["outstanding"] == [DOCUMENTS[1]]
    assert jobs(cw) == 0  # the day of: still in the period

    cw.move_to(date(2026, 10, 14))
    assert jobs(cw) == 1
    assert jobs(cw) == 0  # idempotent
    out = cw.client.get(f"/api/v1/commitments/{c['id']}", headers=cw.w.market.headers).json()
    assert out["state"] == "breached" and out["record_id"] and out["closed_at"]
    last = out["steps"][-1]
    assert last["step"] == "breached" and last["actor"] == "system"
    assert last["detail"]["automatic"] is True
    assert last["detail"]["outstanding"] == [DOCUMENTS[1]]
    assert last["detail"]["watch_list_eligible"] is True
    # Late documents change nothing.
    late = cw.step(cw.w.market, c["id"], "documents", {"documents": [DOCUMENTS[1]]})
    assert late.status_code == 409 and error(late)["detail"]["reason"] == "invalid_state"

    with cw.w.db.transaction() as session:
        record = session.execute(
            select(Record).where(
                Record.subject_id == cw.acme_id, Record.id == int(out["record_id"])
            )
        ).scalar_one()
        audited = session.execute(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "commitment.breached", AuditEntry.target_id == c["id"])
        ).scalar_one()
        events = list(
            session.execute(
                select(Change.event).where(Change.topic == "commitment").order_by(Change.seq)
            ).scalars()
        )
    assert record.item_code == "broken_commitment" and record.source_id == f"commitment:{c['id']}"
    assert record.determined_on == date(2026, 10, 14)
    assert record.severity is not None and record.severity.value == "serious"
    assert record.fields["breach_type"] == "未在承诺期限内履行"
    assert DOCUMENTS[1] in record.fields["breach_facts"]
    assert record.fields["determining_authority"]
    assert audited == 1
    assert events == ["signed", "accepted", "documents_supplied", "breached"]
    with cw.w.db.transaction() as session:  # the entries written at once chain as one by one
        verified = verify(session)
    assert verified.ok, verified.findings

    # The breach record is the basis of a watch-list entry (重点关注对象名单).
    proposed = cw.w.propose(cw.w.market, "food_drug_watch", ACME, [int(out["record_id"])])
    assert proposed.status_code == 201, proposed.text
    entry = proposed.json()
    if entry["state"] == "notice":
        cw.move_to(date.fromisoformat(entry["notice_ends_on"]) + timedelta(days=1))
    confirmed = cw.w.step(cw.w.market, entry["id"], "confirm")
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["state"] == "listed"

    later = eligibility(cw, ACME)
    assert later["decision"] == "prompt"
    assert "watch_strict_licensing_review" in {m["measure"] for m in later["measures"]}
    refused = later["missing_documents_eligibility"]
    assert refused["eligible"] is False
    assert [r["code"] for r in refused["reasons"]] == ["watch_list"]
    assert "第（八）项" in refused["reasons"][0]["basis"]
    # And the next 容缺受理 is refused, with the same reason.
    again = cw.sign(cw.w.market, subject=ACME, reference="受理-002")
    assert again.status_code == 409 and error(again)["code"] == "not_eligible"


def test_documents_supplied_in_time_fulfil_it_and_the_sweep_leaves_it(
    cw: CommitmentWorld,
) -> None:
    c = cw.paper()
    assert c["due_on"] == "2026-06-30"
    wrong = cw.step(cw.w.market, c["id"], "documents", {"documents": ["营业执照"]})
    assert wrong.status_code == 422 and error(wrong)["code"] == "unknown_document"
    done = cw.step(
        cw.w.market, c["id"], "documents", {"documents": DOCUMENTS, "note": "窗口收取原件"}
    )
    assert done.status_code == 200, done.text
    out = done.json()
    assert out["state"] == "fulfilled" and out["documents_supplied"] == DOCUMENTS
    assert [s["step"] for s in out["steps"]][-2:] == ["documents_supplied", "fulfilled"]
    cw.move_to(date(2026, 7, 1))
    assert jobs(cw) == 0
    # Another department may not record them; nor may the subject.
    other = cw.paper(reference="受理-002")
    assert cw.step(cw.w.tax, other["id"], "documents", {"documents": DOCUMENTS}).status_code == 403
    assert cw.step(cw.acme, other["id"], "documents", {"documents": DOCUMENTS}).status_code == 403


def test_documents_after_the_deadline_are_refused_before_the_sweep_ran(
    cw: CommitmentWorld,
) -> None:
    c = cw.paper()
    notice = cw.paper(item=NOTICE)
    cw.move_to(date(2026, 7, 1))
    late = cw.step(cw.w.market, c["id"], "documents", {"documents": DOCUMENTS})
    assert late.status_code == 409 and error(late)["detail"]["reason"] == "past_due"
    other = cw.step(cw.w.market, notice["id"], "documents", {"documents": ["x"]})
    assert other.status_code == 409
    assert error(other)["detail"]["reason"] == "not_missing_documents"
    # Only 容缺受理 is swept: the 告知承诺 waits for its verification.
    assert jobs(cw) == 1
    still = cw.client.get(f"/api/v1/commitments/{notice['id']}", headers=cw.w.market.headers)
    assert still.json()["state"] == "pending"


def test_a_black_listed_subject_is_refused_with_the_reason(cw: CommitmentWorld) -> None:
    cw.w.list_entry(cw.w.tax, "major_tax_violators", org(BETA, "南京乙公司"), "b")
    result = eligibility(cw, BETA)["missing_documents_eligibility"]
    assert result["eligible"] is False
    assert [r["code"] for r in result["reasons"]] == ["black_list"]
    assert "第（十一）项" in result["reasons"][0]["basis"]
    before = stored_commitments(cw)
    answer = cw.sign(cw.w.market, subject=BETA)
    assert answer.status_code == 409, answer.text
    problem = error(answer)
    assert problem["code"] == "not_eligible" and "不符合容缺受理条件" in problem["message"]
    assert [r["code"] for r in problem["detail"]["reasons"]] == ["black_list"]
    assert stored_commitments(cw) == before


def test_a_negative_record_of_two_years_ago_refuses_one_of_three_years_and_a_day_not(
    cw: CommitmentWorld,
) -> None:
    # 2026-06-15: a general penalty of two years ago is past its one-year validity, yet the
    # subject has not been clean for three years.
    penalty(cw, ACME, date(2024, 6, 15), "two")
    result = eligibility(cw, ACME)["missing_documents_eligibility"]
    assert result["eligible"] is False
    assert [r["code"] for r in result["reasons"]] == ["red_list", "clean_record"]
    assert "最近一条认定于2024-06-15" in result["reasons"][1]["text"]
    refused = cw.sign(cw.w.market, subject=ACME)
    assert refused.status_code == 409 and error(refused)["code"] == "not_eligible"
    # Online, the subject is refused the same way.
    assert error(cw.sign())["code"] == "not_eligible"

    penalty(cw, GAMMA, date(2023, 6, 14), "old")
    assert eligibility(cw, GAMMA)["missing_documents_eligibility"]["eligible"] is True
    assert cw.sign(cw.w.market, subject=GAMMA).status_code == 201
    penalty(cw, BETA, date(2023, 6, 15), "edge")  # three years to the day: still in the period
    assert eligibility(cw, BETA)["missing_documents_eligibility"]["eligible"] is False


def test_red_listed_and_clean_subjects_are_eligible(cw: CommitmentWorld) -> None:
    cw.w.list_entry(cw.w.tax, "tax_a_grade", org(GAMMA, "南京丙公司"), "r")
    red = eligibility(cw, GAMMA)
    assert red["decision"] == "facilitate"
    assert red["missing_documents_eligibility"]["eligible"] is True
    assert "red_list" in [r["code"] for r in red["missing_documents_eligibility"]["reasons"]]
    clean = eligibility(cw, ACME)["missing_documents_eligibility"]
    assert clean == {
        "eligible": True,
        "reasons": [
            {
                "code": "clean_record",
                "holds": True,
                "text": "该主体连续3年无不良信用记录",
                "basis": clean["reasons"][0]["basis"],
            }
        ],
    }
    # Only licensing answers it.
    assert "missing_documents_eligibility" not in eligibility(cw, ACME, "government_procurement")


def test_a_missing_documents_item_names_its_documents_and_others_may_not(
    cw: CommitmentWorld,
) -> None:
    empty = cw.sign(cw.w.market, subject=ACME, missing_documents=[" "])
    assert empty.status_code == 422 and error(empty)["code"] == "missing_documents_required"
    other = cw.sign(cw.w.market, subject=ACME, item=NOTICE, missing_documents=["x"])
    assert other.status_code == 422
    assert error(other)["code"] == "missing_documents_not_applicable"


def test_one_check_answers_each_subject_of_a_batch(cw: CommitmentWorld) -> None:
    cw.w.list_entry(cw.w.tax, "major_tax_violators", org(BETA, "南京乙公司"), "b")
    penalty(cw, GAMMA, date(2025, 1, 10), "batch")
    unknown = credit_code("91320100MA1Y9Y9Y9")  # not in the platform
    answer = cw.w.check(LICENSING, ACME, BETA, GAMMA, unknown)
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    eligible = [r["missing_documents_eligibility"]["eligible"] for r in results]
    assert eligible == [True, False, False, True]
    assert [r["found"] for r in results] == [True, True, True, False]
    assert results[1]["missing_documents_eligibility"]["reasons"][0]["code"] == "black_list"
    assert "2025-01-10" in results[2]["missing_documents_eligibility"]["reasons"][1]["text"]


def _evaluate(cw: CommitmentWorld, bands: list[dict] | None = None) -> None:
    """A real run of the small evaluation model (tests/evaluation/evaluation_world.py): a
    subject with nothing on record scores its base, 1,000 — B by its bands, or as ``bands``
    say."""
    from evaluation.evaluation_world import load, run, small

    load(cw.w.db, cw.w.clock, small(**({"bands": bands} if bands else {})))
    run(cw.w.db, cw.w.clock)


def test_a_grade_below_the_minimum_is_refused_with_the_reason(cw: CommitmentWorld) -> None:
    _evaluate(
        cw,
        [
            {"grade": "A", "min": 1100},
            {"grade": "B", "min": 1050, "max": 1100},
            {"grade": "C", "min": 950, "max": 1050},
            {"grade": "D", "max": 950},
        ],
    )
    result = eligibility(cw, ACME)["missing_documents_eligibility"]
    assert result["eligible"] is False
    assert [r["code"] for r in result["reasons"]] == ["min_grade", "red_list"]
    grade = result["reasons"][0]
    assert grade["holds"] is False
    assert grade["text"] == (
        "该主体信用等级为C（中）（公共信用综合评价），低于B（良），不属于信用状况较好的申请人"
    )
    assert "国办发〔2019〕35号" in grade["basis"]
    before = stored_commitments(cw)
    refused = cw.sign(cw.w.market, subject=ACME)
    assert refused.status_code == 409 and error(refused)["code"] == "not_eligible"
    assert "低于B（良）" in error(refused)["message"]
    assert stored_commitments(cw) == before


def test_a_grade_at_the_minimum_is_eligible_and_said_so(cw: CommitmentWorld) -> None:
    _evaluate(cw)
    result = eligibility(cw, ACME)["missing_documents_eligibility"]
    assert result["eligible"] is True
    assert [r["code"] for r in result["reasons"]] == ["clean_record", "min_grade"]
    assert "信用等级为B（良）（公共信用综合评价），不低于B（良）" in result["reasons"][1]["text"]
    c = cw.paper()
    assert c["steps"][0]["detail"]["eligible_by"] == ["clean_record", "min_grade"]
