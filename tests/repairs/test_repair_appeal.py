"""The hook the appeals procedure calls (objections/appeals.py): the credit authority overturned
a refusal (Measures art. 33), and the repair goes to public notice as if the opinion were
positive. The appeal's own endpoint is tested with it; here the hook through its service."""

from __future__ import annotations

from datetime import date

import pytest
from repair_world import RepairWorld, day_after

from xinyong.core.auth import SYSTEM
from xinyong.errors import Conflict
from xinyong.records.service import CollectionContext
from xinyong.repairs.service import appeal_upheld, get_repair
from xinyong.rights.step import Step


def uphold(rw: RepairWorld, repair: dict, reason: str = "原决定认定事实不清，予以撤销") -> None:
    with rw.w.db.transaction() as session:
        row = get_repair(session, int(repair["id"]), for_update=True)
        appeal_upheld(
            session, Step(CollectionContext(rw.w.db), SYSTEM, rw.w.clock.now()), row, reason
        )


def test_an_upheld_appeal_sends_a_refused_repair_to_notice(rw: RepairWorld) -> None:
    repair = rw.applied()
    rw.post(rw.w.court, f"{repair['id']}/opinion", {"positive": False, "text": "不同意"})
    rw.move_to(date(2026, 6, 22))
    uphold(rw, repair)
    noticed = rw.get(repair)
    assert noticed["state"] == "notice"
    assert noticed["notice_ends_on"] == "2026-06-29"  # 5 working days from 06-22
    assert noticed["closed_at"] is None and noticed["refused_reason"] is None
    assert noticed["opinion"]["text"] == "原决定认定事实不清，予以撤销"
    assert [s["step"] for s in noticed["steps"]][-3:] == [
        "refused",
        "appeal_upheld",
        "public_notice",
    ]
    assert [d["title"] for d in rw.documents()] == ["不予信用修复决定书", "信用修复申诉结果通知书"]
    rw.move_to(day_after(noticed["notice_ends_on"]))
    assert rw.tick() == 1
    assert rw.get(repair)["state"] == "effective"


def test_only_a_refused_repair_can_be_overturned(rw: RepairWorld) -> None:
    repair = rw.applied()
    with pytest.raises(Conflict) as raised:
        uphold(rw, repair)
    assert raised.value.code == "invalid_state"
    # A refusal overturned while the subject has a new application open for the same target.
    rw.post(rw.w.court, f"{repair['id']}/opinion", {"positive": False, "text": "不同意"})
    rw.applied()
    with pytest.raises(Conflict) as raised:
        uphold(rw, repair)
    assert raised.value.code == "repair_open"
