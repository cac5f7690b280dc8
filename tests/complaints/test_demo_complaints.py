"""The demo data carries complaints made through the real procedure: one of each state, the
substantiated one with the market regulator's record linked, each followed on the portal by
its fixed demo receipt code."""

from __future__ import annotations

from sqlalchemy import select

from fixtures.demo import SMALL, kept_demo
from xinyong.demo.complaints import DEMO_CODES, complain_demo
from xinyong.models import Complaint, ComplaintState, Department, Record
from xinyong.records.service import CollectionContext


def test_demo_complaints_are_of_each_state(client, db, clock) -> None:  # type: ignore[no-untyped-def]
    kept_demo(client, db, clock, **SMALL)
    with db.transaction() as session:
        complaints = list(session.execute(select(Complaint).order_by(Complaint.filed_at)).scalars())
        assert [c.state for c in complaints] == [
            ComplaintState.substantiated,
            ComplaintState.accepted,
            ComplaintState.received,
        ]
        done = complaints[0]
        record = session.execute(select(Record).where(Record.id == done.record_id)).scalar_one()
        dept = session.get_one(Department, done.department_id)
        assert record.provider_id == dept.id and dept.kind == "market_regulation"
        assert record.source_id == f"complaint:{done.id}" and record.subject_id == done.subject_id
        assert complaints[-1].informant is None and complaints[0].informant is not None
    progress = [
        client.post("/api/v1/complaint-receipts", json={"receipt_code": code}).json()["progress"]
        for code in DEMO_CODES
    ]
    assert progress == ["已收到，等待主管部门受理", "已受理，主管部门正在核查", "已查实并依法处理"]
    # Loaded again: nothing more.
    assert complain_demo(db, CollectionContext(db), clock) == 0
