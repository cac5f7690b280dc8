"""The breach record a false 告知承诺 writes is a record like any other, through the API on both
databases: the subject objects to it (Measures art. 31–32) and the accepting department, its
provider, verifies; or the subject repairs it (信用修复, art. 34–35) with the department's
opinion, and it takes effect after the public notice."""

from __future__ import annotations

from datetime import date, timedelta

from commitment_world import NOTICE, CommitmentWorld

from fixtures.helpers import Caller
from fixtures.lists import ACME
from xinyong.jobs import run_jobs
from xinyong.records.service import CollectionContext


def false_commitment(cw: CommitmentWorld) -> tuple[dict, str]:
    """ACME's 告知承诺 found false on the day it was granted: the commitment and its record."""
    c = cw.paper(item=NOTICE)
    answer = cw.fulfil(c["id"], "false", note="现场核查发现无经营场所")
    assert answer.status_code == 200, answer.text
    return answer.json(), answer.json()["record_id"]


def records(cw: CommitmentWorld, caller: Caller) -> dict[str, dict]:
    answer = cw.client.get(
        f"/api/v1/subjects/{ACME}/archive",
        params={"purpose": "信用核查"},
        headers=caller.headers,
    )
    assert answer.status_code == 200, answer.text
    return {r["id"]: r for recs in answer.json()["categories"].values() for r in recs}


def kinds(cw: CommitmentWorld, caller: Caller) -> list[str]:
    answer = cw.client.get("/api/v1/tasks", headers=caller.headers)
    assert answer.status_code == 200, answer.text
    return [t["kind"] for t in answer.json()["tasks"]]


def object_to(cw: CommitmentWorld, rid: str, statement: str) -> dict:
    """ACME objects to record ``rid`` (Measures art. 31)."""
    body = {"target": {"record": rid}, "ground": "wrong_or_incomplete", "statement": statement}
    return post(cw, cw.acme, "objections", body)


def post(cw: CommitmentWorld, caller: Caller, path: str, body: dict | None = None) -> dict:
    answer = cw.client.post(f"/api/v1/{path}", json=body, headers=caller.headers)
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def test_an_objection_to_the_breach_record_is_verified_by_the_accepting_department(
    cw: CommitmentWorld,
) -> None:
    _, rid = false_commitment(cw)
    # The subject sees its own record, its provider the accepting department.
    mine = records(cw, cw.acme)[rid]
    assert mine["item"] == "broken_commitment" and mine["provider"] == "amr"

    filed = object_to(cw, rid, "经营场所属实")
    assert (filed["state"], filed["target_id"]) == ("review", rid)
    assert records(cw, cw.acme)[rid]["under_objection"] is True
    referred = post(cw, cw.w.authority, f"objections/{filed['id']}/referral")
    assert referred["state"] == "verification"
    # On the accepting department's queue, with the revocation it already owes.
    assert sorted(kinds(cw, cw.w.market)) == ["licence_revocation", "objection_verification"]
    verified = post(
        cw,
        cw.w.market,
        f"objections/{filed['id']}/verification",
        {"found_wrong": True, "opinion": "复核确认经营场所真实存在，原核查有误"},
    )
    assert verified["state"] == "review"
    upheld = post(
        cw,
        cw.w.authority,
        f"objections/{filed['id']}/decision",
        {"outcome": "upheld", "reason": "经核实"},
    )
    assert upheld["state"] == "correction"
    done = post(cw, cw.w.authority, f"objections/{filed['id']}/correction", {"action": "revoke"})
    assert done["state"] == "closed"
    kept = records(cw, cw.w.authority)[rid]
    assert kept["standing"] == "revoked" and kept["under_objection"] is False
    assert "objection_verification" not in kinds(cw, cw.w.market)


def test_an_objection_found_without_ground_leaves_the_record(cw: CommitmentWorld) -> None:
    _, rid = false_commitment(cw)
    filed = object_to(cw, rid, "不服")
    rejected = post(
        cw,
        cw.w.authority,
        f"objections/{filed['id']}/decision",
        {"outcome": "rejected", "reason": "信息无误"},
    )
    assert (rejected["state"], rejected["outcome"]) == ("closed", "rejected")
    assert records(cw, cw.acme)[rid]["standing"] == "active"


def test_the_breach_record_is_repaired_with_the_accepting_departments_opinion(
    cw: CommitmentWorld,
) -> None:
    _, rid = false_commitment(cw)
    cw.move_to(date(2026, 6, 22))

    repair = post(
        cw,
        cw.acme,
        "repairs",
        {
            "target": {"record": rid},
            "ways": ["commitment", "rectification"],
            "corrected_on": "2026-06-19",
            "correction": "已取得合法经营场所并配齐设施设备，重新申请许可。",
            "commitment": "本单位承诺今后如实作出承诺，不再发生失信行为。（盖章）",
            "credit_management": "已建立信用管理制度，由专人负责许可申请材料审核。",
            "evidence": [
                {"file_id": cw.upload(cw.acme), "kind": "evidence"},
                {"file_id": cw.upload(cw.acme), "kind": "rectification"},
            ],
        },
    )
    assert repair["state"] == "opinion"
    assert repair["target"]["department"] == "amr"
    assert all(c["met"] for c in repair["eligibility"])
    assert "repair_opinion" in kinds(cw, cw.w.market)
    noticed = post(
        cw,
        cw.w.market,
        f"repairs/{repair['id']}/opinion",
        {"positive": True, "text": "经核实，该主体已纠正失信行为，同意信用修复。"},
    )
    assert noticed["state"] == "notice"
    ends = date.fromisoformat(noticed["notice_ends_on"])
    cw.move_to(ends + timedelta(days=1))
    assert run_jobs(cw.w.db, cw.w.clock, CollectionContext(cw.w.db))["repairs_effective"] == 1
    assert records(cw, cw.w.authority)[rid]["standing"] == "repaired"
