"""Commitments through the API, on both databases: the item list, signing online and on paper,
acceptance, fulfilment, a breach and a false commitment writing their negative record, the
steps' audit entries and feed changes."""

from __future__ import annotations

import hashlib
from datetime import date

from commitment_world import MISSING, NOTICE, CommitmentWorld, error
from sqlalchemy import select

from fixtures.lists import ACME
from xinyong.models import AuditEntry, Change, Record


def test_the_item_list_is_public_with_its_current_texts(cw: CommitmentWorld) -> None:
    answer = cw.client.get("/api/v1/commitment-items")
    assert answer.status_code == 200
    items = {i["code"]: i for i in answer.json()}
    assert len(items) == 15
    item = items[MISSING]
    assert item["type"] == "missing_documents"
    assert item["sector"] == "market_regulation"
    assert item["verification"] == {
        "method": "在期限内补齐容缺材料",
        "days": 10,
        "day_kind": "working",
    }
    assert item["breach"]["item"] == "broken_commitment"
    assert item["template_version"] == 1 and item["version"] == 1
    assert "苏政发〔2018〕23号" in item["legal_basis"]


def test_a_subject_signs_online_the_department_accepts_and_finds_it_fulfilled(
    cw: CommitmentWorld,
) -> None:
    c = cw.signed()
    assert c["state"] == "pending" and c["channel"] == "online"
    assert c["accepted_at"] is None
    assert c["subject"] == ACME and c["department"] == "amr"
    assert c["item"] == MISSING and c["type"] == "missing_documents"
    assert c["template_version"] == 1
    # The whole text, rendered, with its digest: 10 working days from 15 June over 端午.
    assert c["due_on"] == "2026-06-30"
    assert "南京测试科技有限公司" in c["text"] and "2026年6月30日" in c["text"]
    assert "{" not in c["text"]
    assert c["text_sha256"] == hashlib.sha256(c["text"].encode()).hexdigest()
    assert c["obligations"] and c["signed_by"].startswith("subject")

    accepted = cw.step(cw.w.market, c["id"], "acceptance")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["accepted_at"] is not None

    done = cw.fulfil(c["id"], "fulfilled")
    assert done.status_code == 200, done.text
    out = done.json()
    assert out["state"] == "fulfilled" and out["record_id"] is None
    assert [s["step"] for s in out["steps"]] == ["signed", "accepted", "fulfilled"]

    # Anyone who may read it reads the same; the stored text is the text signed.
    again = cw.client.get(f"/api/v1/commitments/{c['id']}", headers=cw.acme.headers).json()
    assert again["text"] == c["text"] and again["state"] == "fulfilled"
    with cw.w.db.transaction() as session:
        actions = set(
            session.execute(
                select(AuditEntry.action).where(AuditEntry.target_id == c["id"])
            ).scalars()
        )
        events = list(
            session.execute(
                select(Change.event).where(Change.topic == "commitment").order_by(Change.seq)
            ).scalars()
        )
    assert {"commitment.signed", "commitment.accepted", "commitment.fulfilled"} <= actions
    assert events == ["signed", "accepted", "fulfilled"]


def test_a_breach_after_the_deadline_writes_the_negative_record(cw: CommitmentWorld) -> None:
    c = cw.paper()
    assert c["channel"] == "paper" and c["accepted_at"] is not None
    assert c["due_on"] == "2026-06-30"
    # The day before and the day of the deadline: not yet a breach, nothing written.
    for day in (date(2026, 6, 29), date(2026, 6, 30)):
        cw.move_to(day)
        early = cw.fulfil(c["id"], "breached")
        assert early.status_code == 409, early.text
        assert error(early)["code"] == "invalid_state"
        assert error(early)["detail"]["reason"] == "not_yet_due"
    cw.move_to(date(2026, 7, 1))
    answer = cw.fulfil(c["id"], "breached", note="逾期未补齐容缺材料")
    assert answer.status_code == 200, answer.text
    out = answer.json()
    assert out["state"] == "breached" and out["record_id"]
    assert out["steps"][-1]["detail"]["severity"] == "serious"
    with cw.w.db.transaction() as session:
        record = session.execute(
            select(Record).where(
                Record.subject_id == cw.acme_id, Record.id == int(out["record_id"])
            )
        ).scalar_one()
        assert record.item_code == "broken_commitment"
        assert record.severity is not None and record.severity.value == "serious"
        assert record.source_id == f"commitment:{c['id']}"
        assert record.determined_on == date(2026, 7, 1)
        assert record.fields["breach_type"] == "未在承诺期限内履行"
        assert record.fields["commitment_number"] == c["id"]
    # In the archive, like any negative record.
    assert cw.w.record_id(ACME, "broken_commitment") == int(out["record_id"])


def test_a_false_commitment_writes_its_record_at_once(cw: CommitmentWorld) -> None:
    c = cw.paper(item=NOTICE)
    answer = cw.fulfil(c["id"], "false", note="核查发现无经营场所")
    assert answer.status_code == 200, answer.text
    out = answer.json()
    assert out["state"] == "false" and out["record_id"]
    with cw.w.db.transaction() as session:
        record = session.execute(
            select(Record).where(
                Record.subject_id == cw.acme_id, Record.id == int(out["record_id"])
            )
        ).scalar_one()
    assert record.fields["breach_type"] == "虚假承诺"
    assert record.fields["decision_number"] == "苏市监信认〔2026〕1号"


def test_a_paper_commitment_keeps_its_scan(cw: CommitmentWorld) -> None:
    file_id = cw.upload(cw.acme)
    c = cw.paper(evidence_file_id=file_id)
    assert c["evidence_file_id"] == file_id
    # The scan is taken: it cannot serve another commitment.
    again = cw.sign(cw.w.market, subject=ACME, reference="受理-002", evidence_file_id=file_id)
    assert again.status_code == 409 and error(again)["code"] == "file_in_use"


def test_withdrawn_before_acceptance_and_signed_again(cw: CommitmentWorld) -> None:
    c = cw.signed()
    answer = cw.step(cw.acme, c["id"], "withdrawal", {"reason": "改为补齐材料后再申请"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["state"] == "withdrawn"
    # The acceptance is free again.
    assert cw.sign().status_code == 201


def test_the_authority_publishes_a_new_text_and_old_commitments_keep_theirs(
    cw: CommitmentWorld,
) -> None:
    first = cw.paper()
    items = cw.client.get("/api/v1/commitment-items").json()
    for item in items:
        del item["version"], item["template_version"]
        if item["code"] == MISSING:
            item["template"] += "\n（2026年修订）"
    answer = cw.client.post(
        "/api/v1/commitment-items", json={"items": items}, headers=cw.w.authority.headers
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["texts"] == [f"{MISSING}:2"]
    assert answer.json()["revised"] == [MISSING]
    signed = cw.signed(reference="受理-002", template_version=2)
    assert signed["template_version"] == 2 and "（2026年修订）" in signed["text"]
    old = cw.client.get(f"/api/v1/commitments/{first['id']}", headers=cw.acme.headers).json()
    assert old["template_version"] == 1 and "（2026年修订）" not in old["text"]
    with cw.w.db.transaction() as session:
        assert session.execute(
            select(Change.event).where(Change.topic == "commitment_items")
        ).scalars().all() == ["published", "published"]


def test_each_caller_lists_the_commitments_it_may_see(cw: CommitmentWorld) -> None:
    online = cw.signed()
    paper = cw.paper(reference="受理-002")
    mine = cw.signed(cw.citizen, item=NOTICE)
    assert cw.fulfil(paper["id"], "fulfilled").status_code == 200

    def ids(caller, **params) -> list[str]:  # type: ignore[no-untyped-def]
        answer = cw.client.get("/api/v1/commitments", params=params, headers=caller.headers)
        assert answer.status_code == 200, answer.text
        return [c["id"] for c in answer.json()]

    assert ids(cw.acme) == [online["id"], paper["id"]]
    assert ids(cw.citizen) == [mine["id"]]
    assert ids(cw.w.market) == [online["id"], paper["id"], mine["id"]]
    assert ids(cw.w.tax) == []
    assert ids(cw.w.authority) == [online["id"], paper["id"], mine["id"]]
    assert ids(cw.w.market, state="fulfilled") == [paper["id"]]
    assert ids(cw.w.market, item=NOTICE) == [mine["id"]]
    assert ids(cw.w.market, after=online["id"], limit=1) == [paper["id"]]


def test_a_breach_leads_to_what_the_item_said_when_it_was_signed(cw: CommitmentWorld) -> None:
    c = cw.paper(item=NOTICE)
    assert c["breach"] == {
        "item": "broken_commitment",
        "severity": "serious",
        "watch_list_eligible": True,
    }
    items = cw.client.get("/api/v1/commitment-items").json()
    for item in items:
        del item["version"], item["template_version"]
        if item["code"] == NOTICE:
            item["breach"]["severity"] = "general"
    answer = cw.client.post(
        "/api/v1/commitment-items", json={"items": items}, headers=cw.w.authority.headers
    )
    assert answer.status_code == 200 and answer.json()["revised"] == [NOTICE]
    out = cw.fulfil(c["id"], "false").json()
    assert out["steps"][-1]["detail"]["severity"] == "serious"
    with cw.w.db.transaction() as session:
        record = session.execute(
            select(Record).where(
                Record.subject_id == cw.acme_id, Record.id == int(out["record_id"])
            )
        ).scalar_one()
    assert record.severity is not None and record.severity.value == "serious"
