"""告知承诺 (审批替代型) through the API, on both databases: granted on the commitment, its
verification on the accepting department's task queue with its deadline; found false, the
breach record and the revocation of the grant (撤销许可) with its own task, recorded once;
found true, nothing more. 食品经营许可（仅销售预包装食品） 告知承诺: market regulation (amr)
accepts, verification within 20 working days."""

from __future__ import annotations

from datetime import date
from typing import Any

from commitment_world import MISSING, NOTICE, CommitmentWorld, error
from sqlalchemy import select

from fixtures.helpers import Caller
from fixtures.lists import ACME
from xinyong.models import AuditEntry, Change

VERIFICATION = "commitment_verification"
REVOCATION = "licence_revocation"


def tasks(cw: CommitmentWorld, caller: Caller, **params: Any) -> list[dict]:
    answer = cw.client.get("/api/v1/tasks", params=params, headers=caller.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["tasks"]


def revoke(cw: CommitmentWorld, cid: str, caller: Caller | None = None, **over: Any):  # type: ignore[no-untyped-def]
    body = {"decision_number": "宁市监许撤〔2026〕7号", "note": "撤销食品经营许可", **over}
    return cw.step(caller or cw.w.market, cid, "revocation", body)


def test_a_notice_commitment_found_false_leads_to_the_record_and_the_revocation(
    cw: CommitmentWorld,
) -> None:
    # Granted on a paper commitment on Monday 15 June: the verification is due on the 20th
    # working day after, 14 July (端午 19 June not counted).
    c = cw.paper(item=NOTICE, reference="食经许-2026-0615")
    assert c["type"] == "approval_substitute" and c["accepted_at"] is not None
    (task,) = tasks(cw, cw.w.market)
    assert task["kind"] == VERIFICATION
    assert (task["procedure"], task["procedure_id"]) == ("commitment", c["id"])
    assert task["due_on"] == "2026-07-14" == c["due_on"]
    assert task["department"] == "amr" and task["overdue"] is False
    assert "核查告知承诺" in task["title"] and "材料核查和现场检查" in task["title"]
    # Only the accepting department's queue; the authority sees it as amr's.
    assert tasks(cw, cw.w.tax) == []
    assert [t["id"] for t in tasks(cw, cw.w.authority, department="amr")] == [task["id"]]

    # Found false on 2 July (虚假承诺): the breach record, the verification done, and the
    # revocation on the queue, due 20 working days later (30 July).
    cw.move_to(date(2026, 7, 2))
    answer = cw.fulfil(c["id"], "false", note="现场核查发现无经营场所")
    assert answer.status_code == 200, answer.text
    out = answer.json()
    assert out["state"] == "false" and out["record_id"]
    assert cw.w.record_id(ACME, "broken_commitment") == int(out["record_id"])
    (open_task,) = tasks(cw, cw.w.market)
    assert open_task["kind"] == REVOCATION
    assert open_task["procedure_id"] == c["id"]
    assert open_task["due_on"] == "2026-07-30"
    assert "撤销许可" in open_task["title"] and "经核查不实" in open_task["title"]
    closed = tasks(cw, cw.w.market, state="closed")
    assert [(t["kind"], t["closed_at"] is not None) for t in closed] == [(VERIFICATION, True)]

    # Another department may not record it; the accepting department does, once.
    other = revoke(cw, c["id"], cw.w.tax)
    assert other.status_code == 403 and error(other)["code"] == "not_accepting_department"
    done = revoke(cw, c["id"])
    assert done.status_code == 200, done.text
    revoked = done.json()
    assert [s["step"] for s in revoked["steps"]] == [
        "signed",
        "accepted",
        "false",
        "revocation_recorded",
    ]
    assert revoked["steps"][-1]["detail"]["decision_number"] == "宁市监许撤〔2026〕7号"
    assert revoked["state"] == "false"
    assert tasks(cw, cw.w.market) == []
    again = revoke(cw, c["id"], decision_number="宁市监许撤〔2026〕8号")
    assert again.status_code == 409
    assert error(again)["code"] == "invalid_state"
    assert error(again)["detail"]["reason"] == "already_revoked"


def test_online_the_verification_runs_from_the_grant(cw: CommitmentWorld) -> None:
    c = cw.signed(cw.citizen, item=NOTICE)
    # Signed, not yet granted: nothing to verify.
    assert tasks(cw, cw.w.market) == []
    cw.move_to(date(2026, 6, 17))
    accepted = cw.step(cw.w.market, c["id"], "acceptance")
    assert accepted.status_code == 200, accepted.text
    (task,) = tasks(cw, cw.w.market)
    # 20 working days from the day after 17 June: 16 July.
    assert (task["kind"], task["due_on"]) == (VERIFICATION, "2026-07-16")


def test_found_true_the_verification_closes_and_nothing_is_to_revoke(
    cw: CommitmentWorld,
) -> None:
    c = cw.paper(item=NOTICE)
    done = cw.fulfil(c["id"], "fulfilled", note="经现场检查，承诺属实")
    assert done.status_code == 200, done.text
    assert done.json()["record_id"] is None
    assert tasks(cw, cw.w.market) == []
    assert [t["kind"] for t in tasks(cw, cw.w.market, state="all")] == [VERIFICATION]
    refused = revoke(cw, c["id"])
    assert refused.status_code == 409
    assert error(refused)["detail"]["reason"] == "no_revocation_due"


def test_not_kept_by_its_deadline_the_grant_is_revoked_too(cw: CommitmentWorld) -> None:
    c = cw.paper(item=NOTICE)
    cw.move_to(date(2026, 7, 15))
    answer = cw.fulfil(c["id"], "breached", note="逾期未具备经营条件")
    assert answer.status_code == 200, answer.text
    (task,) = tasks(cw, cw.w.market)
    assert task["kind"] == REVOCATION and "未履行告知承诺" in task["title"]
    # 20 working days from the day after 15 July.
    assert task["due_on"] == "2026-08-12"


def test_other_types_open_no_verification_task(cw: CommitmentWorld) -> None:
    # 容缺受理 is verified by the subject's supplying its documents, not by a grant's check.
    c = cw.paper(item=MISSING)
    assert tasks(cw, cw.w.market, state="all") == []
    cw.move_to(date(2026, 7, 1))
    assert cw.fulfil(c["id"], "breached").status_code == 200
    assert tasks(cw, cw.w.market, state="all") == []
    refused = revoke(cw, c["id"])
    assert refused.status_code == 409
    assert error(refused)["detail"]["reason"] == "no_revocation_due"


def test_a_revocation_before_any_determination_is_refused(cw: CommitmentWorld) -> None:
    c = cw.paper(item=NOTICE)
    refused = revoke(cw, c["id"])
    assert refused.status_code == 409
    assert error(refused)["detail"]["reason"] == "no_revocation_due"
    # A subject never reaches the step; a stranger does not see the commitment.
    assert revoke(cw, c["id"], cw.acme).status_code == 403
    assert revoke(cw, c["id"], cw.citizen).status_code == 403
    missing = cw.step(cw.w.market, c["id"], "revocation", {"note": "无文号"})
    assert missing.status_code == 422


def test_the_revocation_leaves_its_audit_entry_and_feed_change(cw: CommitmentWorld) -> None:
    c = cw.paper(item=NOTICE)
    cw.fulfil(c["id"], "false")
    assert revoke(cw, c["id"]).status_code == 200
    with cw.w.db.transaction() as session:
        (entry,) = session.execute(
            select(AuditEntry).where(AuditEntry.action == "commitment.revocation_recorded")
        ).scalars()
        last = session.execute(select(Change).order_by(Change.seq.desc()).limit(1)).scalar_one()
    assert entry.target_id == c["id"] and entry.actor.startswith("provider:amr")
    assert entry.detail["decision_number"] == "宁市监许撤〔2026〕7号"
    assert (last.topic, last.event) == ("commitment", "revocation_recorded")
    assert last.detail["commitment"] == c["id"] and last.detail["state"] == "false"
