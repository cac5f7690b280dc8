"""Inspector pools and who may inspect whom: declared conflicts (回避) and no inspector on the
same subject within a year."""

from __future__ import annotations

from datetime import datetime

from inspection_world import NANJING, InspectionWorld, error
from sqlalchemy import select

from xinyong.core.clock import SHANGHAI
from xinyong.models import AuditEntry, Change


def _badges(draw: dict) -> dict[str, set[str]]:
    return {
        s["credit_code"]: {i["badge_number"] for i in s["inspectors"]} for s in draw["subjects"]
    }


class TestPool:
    def test_a_pool_is_imported_whole_and_every_change_audited(self, iw: InspectionWorld) -> None:
        codes = iw.subjects(NANJING, 2)
        first = iw.pool(iw.w.market, 3, conflicts={1: [codes[0]]})
        assert first == {"added": 3, "changed": 0, "left": 0, "declared": 1, "withdrawn": 0}
        second = iw.pool(iw.w.market, 2)  # amr-002 leaves; amr-001 withdraws its conflict
        assert second == {"added": 0, "changed": 0, "left": 1, "declared": 0, "withdrawn": 1}
        pool = iw.client.get("/api/v1/inspections/pool", headers=iw.w.market.headers).json()
        assert [(i["badge_number"], i["active"]) for i in pool] == [
            ("amr-000", True),
            ("amr-001", True),
            ("amr-002", False),
        ]
        with iw.w.db.transaction() as session:
            actions = (
                session.execute(
                    select(AuditEntry.action)
                    .where(AuditEntry.action.like("inspections.%"))
                    .order_by(AuditEntry.id)
                )
                .scalars()
                .all()
            )
        assert actions == [
            "inspections.inspector_added",
            "inspections.inspector_added",
            "inspections.conflict_declared",
            "inspections.inspector_added",
            "inspections.conflict_withdrawn",
            "inspections.inspector_left",
        ]

    def test_the_authority_reads_any_pool_and_the_public_none(self, iw: InspectionWorld) -> None:
        iw.pool(iw.w.market, 2)
        seen = iw.client.get(
            "/api/v1/inspections/pool",
            params={"department": "amr"},
            headers=iw.w.authority.headers,
        )
        assert [i["name"] for i in seen.json()] == ["检查员0", "检查员1"]
        assert iw.client.get("/api/v1/inspections/pool").status_code == 401
        assert (
            iw.client.get(
                "/api/v1/inspections/pool", params={"department": "amr"}, headers=iw.w.tax.headers
            ).json()
            == []
        )


class TestConflicts:
    def test_an_inspector_is_never_assigned_to_a_subject_it_declared(
        self, iw: InspectionWorld
    ) -> None:
        codes = iw.subjects(NANJING, 6)
        iw.pool(iw.w.market, 3, conflicts={0: codes})
        _, draw = iw.drawn_plan(ratios={"ordinary": "100"})
        assert set(_badges(draw)) == set(codes)
        assert all(b == {"amr-001", "amr-002"} for b in _badges(draw).values())

    def test_not_the_same_inspector_on_the_same_subject_within_a_year(
        self, iw: InspectionWorld
    ) -> None:
        codes = iw.subjects(NANJING, 6)
        iw.pool(iw.w.market, 4)
        _, first = iw.drawn_plan(ratios={"ordinary": "100"})
        _, second = iw.drawn_plan(title="第二批", ratios={"ordinary": "100"})
        for code in codes:
            assert _badges(first)[code].isdisjoint(_badges(second)[code])
        a_year_on = {"inspect_from": "2027-06-15", "inspect_until": "2027-07-31"}
        # 2027-06-15: the inspections of 2026-06-15 still count, all four are taken.
        iw.w.clock.set(datetime(2027, 6, 15, 10, 0, tzinfo=SHANGHAI))
        third = iw.plan(title="第三批", ratios={"ordinary": "100"}, **a_year_on)
        iw.publish(third["id"])
        refused = iw.draw(third["id"])
        assert error(refused)["code"] == "pool_too_small"
        assert error(refused)["detail"]["departments"][0]["lacking"] == 6
        # The day after, they no longer do.
        iw.w.clock.set(datetime(2027, 6, 16, 10, 0, tzinfo=SHANGHAI))
        assert iw.draw(third["id"]).status_code == 201

    def test_a_publication_a_draw_and_a_result_go_out_on_the_change_feed(
        self, iw: InspectionWorld
    ) -> None:
        iw.subjects(NANJING, 4)
        iw.pool(iw.w.market, 2)
        plan_id, _ = iw.drawn_plan()
        with iw.w.db.transaction() as session:
            events = (
                session.execute(
                    select(Change.event).where(Change.topic == "inspection").order_by(Change.seq)
                )
                .scalars()
                .all()
            )
        assert events == ["plan_published", "draw_published"]
        del plan_id
