"""Declarations through the API, on both databases: one verified by the platform itself, one
by the competent department (its task opened, overdue the day after its deadline, closed by
the verification), one rejected, one found false (the broken_commitment record); the steps'
audit entries and feed changes; the archive's 自主申报 section."""

from __future__ import annotations

import hashlib
from datetime import date

from declaration_world import (
    CONTRACT,
    HONOUR,
    LEGAL_REP_NAME,
    LICENCE,
    PDF,
    DeclarationWorld,
    error,
    qualification,
)
from sqlalchemy import select

from fixtures.lists import ACME
from xinyong.declarations.service import verified_declarations
from xinyong.models import AuditEntry, Change, Task


def archive(dw: DeclarationWorld, caller=None) -> dict:  # type: ignore[no-untyped-def]
    answer = dw.client.get(
        f"/api/v1/subjects/{ACME}/archive",
        params={"purpose": "核验自主申报"},
        headers=(caller or dw.w.authority).headers,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def tasks(dw: DeclarationWorld, **params: str) -> list[dict]:
    answer = dw.client.get(
        "/api/v1/tasks",
        params={"kind": "declaration_verification", **params},
        headers=dw.w.market.headers,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    return body["tasks"] if isinstance(body, dict) else body


def test_the_categories_and_the_truthfulness_text_are_public(dw: DeclarationWorld) -> None:
    answer = dw.client.get("/api/v1/declaration-categories")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [c["code"] for c in body["categories"]] == [
        "qualification",
        "operation",
        "contract",
        "honour",
        "public_interest",
    ]
    q = body["categories"][0]
    assert q["confirmed_by"] == ["administrative_licensing", "qualification"]
    assert {f["name"]: f["required"] for f in q["fields"]}["licence_number"] is True
    assert body["commitment_version"] == 1 and "{subject_name}" in body["commitment_text"]
    assert body["max_attachment_bytes"] == 20 * 1024 * 1024


def test_a_licence_the_platform_holds_is_verified_automatically(dw: DeclarationWorld) -> None:
    # Written as people write it: spaces and lower case do not hide the number.
    d = dw.declared(fields=qualification(licence_number=" jy1320 1000001 "))
    assert d["state"] == "verified" and d["verified_by"] == "automatic"
    assert d["confirming_record_id"] is not None and d["due_on"] is None
    assert d["department"] == "amr" and d["disclosure"] == "public"
    assert d["legal_representative"] == LEGAL_REP_NAME
    # The truthfulness commitment, rendered whole, with its digest.
    assert "南京测试科技有限公司" in d["text"] and "2026年6月15日" in d["text"]
    assert "{" not in d["text"]
    assert d["text_sha256"] == hashlib.sha256(d["text"].encode()).hexdigest()
    assert [(s["step"], s["actor"]) for s in d["steps"]] == [
        ("declared", d["declared_by"]),
        ("verified", "system"),
    ]
    [attachment] = d["attachments"]
    assert attachment["content_type"] == "application/pdf"
    assert attachment["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert tasks(dw) == []

    # In the archive, apart from the records and marked as the subject's own.
    [shown] = archive(dw)["declarations"]
    assert shown["id"] == d["id"] and shown["source"] == "self_declared"
    assert shown["fields"]["licence_number"] == " jy1320 1000001 ".strip()
    with dw.w.db.transaction() as session:
        assert [x.id for x in verified_declarations(session, dw.acme_id)] == [int(d["id"])]
        actions = set(
            session.execute(
                select(AuditEntry.action).where(AuditEntry.target_id == d["id"])
            ).scalars()
        )
        events = list(
            session.execute(
                select(Change.event).where(Change.topic == "declaration").order_by(Change.seq)
            ).scalars()
        )
    assert {"declaration.declared", "declaration.verified"} <= actions
    assert events == ["declared", "verified"]


def test_a_licence_unknown_to_the_platform_goes_to_the_department_with_a_deadline(
    dw: DeclarationWorld,
) -> None:
    d = dw.declared(fields=qualification(licence_number="JY99999999999"))
    assert d["state"] == "pending" and d["verified_by"] is None
    assert d["department"] == "amr"
    # 10 working days from 15 June 2026 over 端午 (19 June).
    assert d["due_on"] == "2026-06-30"
    referred = d["steps"][-1]
    assert referred["step"] == "referred" and referred["actor"] == "system"
    assert referred["detail"]["findings"] == ["no_confirming_record"]
    [task] = tasks(dw)
    assert task["due_on"] == "2026-06-30" and task["procedure_id"] == d["id"]

    # The department reads the attachment of a declaration routed to it.
    file_id = d["attachments"][0]["id"]
    got = dw.client.get(f"/api/v1/evidence/{file_id}", headers=dw.w.market.headers)
    assert got.status_code == 200 and got.content == PDF

    # Overdue the day after its last day, not on it.
    dw.move_to(date(2026, 6, 30))
    assert tasks(dw, overdue="true") == []
    dw.move_to(date(2026, 7, 1))
    assert [t["id"] for t in tasks(dw, overdue="true")] == [task["id"]]

    done = dw.verify(d["id"], "verified")
    assert done.status_code == 200, done.text
    out = done.json()
    assert out["state"] == "verified" and out["verified_by"] == "department"
    assert [s["step"] for s in out["steps"]] == ["declared", "referred", "verified"]
    assert tasks(dw) == []
    with dw.w.db.transaction() as session:
        closed = session.execute(
            select(Task.closed_at).where(Task.procedure_id == int(d["id"]))
        ).scalar_one()
    assert closed is not None
    assert [x["id"] for x in archive(dw)["declarations"]] == [d["id"]]


def test_a_registration_that_disagrees_leaves_it_to_the_department(dw: DeclarationWorld) -> None:
    d = dw.declared(legal_representative="李别人")
    assert d["state"] == "pending"
    assert d["steps"][-1]["detail"]["findings"] == ["legal_representative_differs"]


def test_a_contract_is_rejected_with_its_reason(dw: DeclarationWorld) -> None:
    d = dw.declared("contract", CONTRACT)
    assert d["state"] == "pending" and d["disclosure"] == "government"
    assert d["steps"][-1]["detail"]["findings"] == ["not_judged_by_platform"]
    answer = dw.verify(d["id"], "rejected", reason="合同相对方否认已履行完毕")
    assert answer.status_code == 200, answer.text
    out = answer.json()
    assert out["state"] == "rejected" and out["reason"] == "合同相对方否认已履行完毕"
    assert out["record_id"] is None and out["closed_at"] is not None
    assert tasks(dw) == []
    assert archive(dw)["declarations"] == []
    # Closed: nothing follows.
    again = dw.verify(d["id"], "verified")
    assert again.status_code == 409
    assert error(again)["code"] == "invalid_state"
    assert error(again)["detail"]["reason"] == "invalid_state"


def test_a_verified_declaration_found_false_writes_the_broken_commitment_record(
    dw: DeclarationWorld,
) -> None:
    d = dw.declared()
    assert d["state"] == "verified"
    dw.move_to(date(2026, 7, 6))
    answer = dw.verify(d["id"], "false", reason="许可证已转让他人，申报时隐瞒")
    assert answer.status_code == 200, answer.text
    out = answer.json()
    assert out["state"] == "false" and out["record_id"] is not None
    assert out["steps"][-1]["detail"]["decision_number"] == "宁市监信认〔2026〕7号"

    shown = archive(dw)
    assert shown["declarations"] == []
    [record] = [r for r in shown["categories"]["negative"] if r["id"] == out["record_id"]]
    assert record["item"] == "broken_commitment"
    assert record["source_id"] == f"declaration:{d['id']}"
    assert record["provider"] == "amr" and record["severity"] == "general"
    assert record["fields"]["breach_type"] == "虚假承诺"
    assert record["fields"]["commitment_number"] == d["id"]
    assert record["fields"]["committed_on"] == "2026-06-15"
    assert record["fields"]["determined_on"] == "2026-07-06"
    assert "资质证照" in record["fields"]["commitment_matter"]

    # The archive as it stood before shows the declaration, verified then.
    before = dw.client.get(
        f"/api/v1/subjects/{ACME}/archive",
        params={"purpose": "核验", "as_of": "2026-07-01"},
        headers=dw.w.authority.headers,
    ).json()
    assert [x["id"] for x in before["declarations"]] == [d["id"]]
    with dw.w.db.transaction() as session:
        assert verified_declarations(session, dw.acme_id) == []


def test_the_authority_finds_an_honour_false_on_its_own_queue(dw: DeclarationWorld) -> None:
    # No development-reform department: the honour waits on the authority's queue.
    d = dw.declared("honour", HONOUR, files=[])
    assert d["state"] == "pending" and d["department"] is None and d["attachments"] == []
    answer = dw.verify(
        d["id"], "false", caller=dw.w.authority, decision_number="宁信用认〔2026〕1号"
    )
    assert answer.status_code == 200, answer.text
    out = answer.json()
    assert out["state"] == "false"
    [record] = [r for r in archive(dw)["categories"]["negative"] if r["id"] == out["record_id"]]
    assert record["provider"] == "cred"


def test_a_person_declares_without_a_legal_representative(dw: DeclarationWorld) -> None:
    d = dw.declared(
        "public_interest",
        {"activity": "社区义务献血", "held_on": "2026-05-01", "organiser": "玄武区红十字会"},
        caller=dw.citizen,
        files=[("证书.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 8, "image/png")],
    )
    assert d["state"] == "pending" and d["legal_representative"] is None
    assert d["attachments"][0]["content_type"] == "image/png"


def test_who_sees_and_who_verifies(dw: DeclarationWorld) -> None:
    d = dw.declared("contract", CONTRACT)
    other = dw.declared(
        "operation", {"period_from": "2025-01-01", "period_to": "2025-12-31", "revenue": "500"}
    )
    assert other["department"] == "tax"
    mine = dw.client.get("/api/v1/declarations", headers=dw.acme.headers).json()
    assert [x["id"] for x in mine] == [d["id"], other["id"]]
    assert dw.client.get("/api/v1/declarations", headers=dw.citizen.headers).json() == []
    amr = dw.client.get("/api/v1/declarations", headers=dw.w.market.headers).json()
    assert [x["id"] for x in amr] == [d["id"]]
    everyone = dw.client.get(
        "/api/v1/declarations", params={"state": "pending"}, headers=dw.w.authority.headers
    ).json()
    assert {x["id"] for x in everyone} == {d["id"], other["id"]}

    hidden = dw.client.get(f"/api/v1/declarations/{d['id']}", headers=dw.w.tax.headers)
    assert hidden.status_code == 404 and error(hidden)["code"] == "unknown_declaration"
    by_citizen = dw.client.get(f"/api/v1/declarations/{d['id']}", headers=dw.citizen.headers)
    assert by_citizen.status_code == 404
    assert (
        dw.client.get(f"/api/v1/declarations/{d['id']}", headers=dw.acme.headers).json()["id"]
        == d["id"]
    )

    refused = dw.verify(d["id"], "verified", caller=dw.w.tax)
    assert refused.status_code == 403 and error(refused)["code"] == "not_competent_department"
    by_subject = dw.verify(d["id"], "verified", caller=dw.acme)
    assert by_subject.status_code == 403 and error(by_subject)["code"] == "forbidden"
    # The authority verifies any.
    assert dw.verify(d["id"], "verified", caller=dw.w.authority).status_code == 200
    assert LICENCE  # the world's licence stays the platform's only one
