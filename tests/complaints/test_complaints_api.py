"""Complaints through the API (docs/complaints.md): filing, routing and the deadline, the
department's steps, the record of a substantiated complaint, the informant's receipt, and who
may see what."""

from __future__ import annotations

from complaint_world import (
    INFORMANT,
    PDF,
    PENALTY_FIELDS,
    ComplaintWorld,
    error,
)
from sqlalchemy import select

from fixtures.lists import ACME
from xinyong.core.audit import verify
from xinyong.models import Record, Task


def test_a_complaint_goes_to_the_competent_department_with_its_deadline(cw: ComplaintWorld) -> None:
    filed = cw.filed(files=[("小票.pdf", PDF, "application/pdf")])
    code = filed["receipt_code"]
    assert len(code) == 19 and code.count("-") == 3
    assert filed["state"] == "received"
    assert filed["department_name"] == "测试market_regulation"
    # 15 working days from Monday 2026-06-15: 端午 (06-19) is a holiday.
    assert filed["accept_due_on"] == "2026-07-07"
    cid = cw.complaint_id(code)
    one = cw.get(cid).json()
    assert one["department"] == "amr" and one["subject"] == ACME and one["subject_known"]
    assert one["named"] is False and one["overdue"] is False
    assert one["periods"]["acceptance"]["days"] == 15
    assert "行政处罚程序规定" in one["periods"]["acceptance"]["basis"]
    assert [s["step"] for s in one["steps"]] == ["filed"]
    assert one["steps"][0]["actor"] == "public"
    assert len(one["attachments"]) == 1
    tasks = cw.client.get("/api/v1/tasks", headers=cw.w.market.headers).json()["tasks"]
    mine = [t for t in tasks if t["procedure"] == "complaint"]
    assert [(t["kind"], t["due_on"], t["procedure_id"]) for t in mine] == [
        ("complaint_handling", "2026-07-07", cid)
    ]
    # The receipt.
    seen = cw.receipt(code.lower().replace("-", "")).json()
    assert seen["state"] == "received" and seen["progress"].startswith("已收到")
    assert seen["due_on"] == "2026-07-07" and seen["replies"] == []


def test_the_steps_to_a_substantiated_complaint_and_its_record(cw: ComplaintWorld) -> None:
    code = cw.filed(informant=INFORMANT)["receipt_code"]
    cid = cw.complaint_id(code)
    accepted = cw.stepped(cid, "accepted", text="已受理，将派员核查")
    assert accepted["state"] == "accepted"
    # 90 days from 2026-06-15: 2026-09-13, a Sunday → Monday 09-14.
    assert accepted["handle_due_on"] == "2026-09-14"
    cw.stepped(cid, "replied", text="已赴现场检查")
    done = cw.stepped(
        cid,
        "substantiated",
        text="经核查，举报属实，已依法处罚",
        record={
            "item": "administrative_penalty",
            "fields": PENALTY_FIELDS,
            "severity": "general",
            "determined_on": "2026-06-15",
        },
    )
    assert done["state"] == "substantiated"
    assert done["record_source_id"] == f"complaint:{cid}"
    with cw.w.db.transaction() as session:
        record = session.execute(
            select(Record).where(Record.id == int(done["record_id"]))
        ).scalar_one()
        assert record.subject_id == cw.acme_id and record.item_code == "administrative_penalty"
        assert record.source_id == f"complaint:{cid}"
        assert (
            session.execute(
                select(Task.closed_at).where(
                    Task.procedure_id == int(cid), Task.closed_at.is_(None)
                )
            ).all()
            == []
        )
        assert verify(session).ok
    seen = cw.receipt(code).json()
    assert seen["state"] == "substantiated" and seen["progress"] == "已查实并依法处理"
    assert [r["text"] for r in seen["replies"]] == [
        "已受理，将派员核查",
        "已赴现场检查",
        "经核查，举报属实，已依法处罚",
    ]
    # Closed: no more steps, no more reads of the informant.
    again = cw.step(cid, "replied", text="再次答复")
    assert again.status_code == 409 and error(again)["code"] == "complaint_closed"
