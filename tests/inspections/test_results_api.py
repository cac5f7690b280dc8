"""Results of a drawn plan (一公开): entered once per department and subject, each into the
subject's archive as an administrative-inspection record (so in 双公示), due 20 working days
after its decision, overdue or late for the department and the authority."""

from __future__ import annotations

from datetime import datetime

from inspection_world import NANJING, InspectionWorld, error

from xinyong.core.clock import SHANGHAI


def _results(iw: InspectionWorld, plan_id: str, caller, *bodies: dict):  # type: ignore[no-untyped-def]
    return iw.client.post(
        f"/api/v1/inspections/plans/{plan_id}/results",
        json={"results": list(bodies)},
        headers=caller.headers,
    )


class TestResults:
    def test_a_result_enters_the_archive_and_the_portal(self, iw: InspectionWorld) -> None:
        iw.subjects(NANJING, 20)
        iw.pool(iw.w.market, 3)
        plan_id, draw = iw.drawn_plan()
        code = draw["subjects"][0]["credit_code"]
        answer = _results(iw, plan_id, iw.w.market, iw.result(code, result="发现问题已责令改正"))
        assert answer.status_code == 201, answer.text
        (result,) = answer.json()
        assert result["due_on"] == "2026-07-14"  # 20 working days; 端午节 2026-06-19 off
        assert result["late"] is False
        # On the portal (public): the result, no record id.
        public = iw.client.get(f"/api/v1/inspections/plans/{plan_id}/results").json()
        assert [(r["credit_code"], r["result"], r["record_id"]) for r in public] == [
            (code, "发现问题已责令改正", None)
        ]
        # In the subject's archive, public, as 行政检查 of the department.
        archive = iw.client.get(f"/api/v1/subjects/{code}/archive").json()
        records = [
            r for rs in archive["categories"].values() for r in rs
            if r["item"] == "administrative_inspection"
        ]  # fmt: skip
        assert len(records) == 1
        fields = records[0]["fields"]
        assert fields["inspection_type"] == "双随机抽查"
        assert fields["inspection_item"] == "企业公示信息抽查"
        assert fields["inspection_result"] == "发现问题已责令改正"

    def test_a_result_counts_in_dual_publicity(self, iw: InspectionWorld) -> None:
        iw.subjects(NANJING, 20)
        iw.pool(iw.w.market, 3)
        plan_id, draw = iw.drawn_plan()
        code = draw["subjects"][0]["credit_code"]
        assert _results(iw, plan_id, iw.w.market, iw.result(code)).status_code == 201
        report = iw.client.get(
            "/api/v1/reports/dual-publicity",
            params={"month": "2026-06"},
            headers=iw.w.authority.headers,
        ).json()
        amr = next(d for d in report["departments"] if d["department"] == "amr")
        assert (amr["total"], amr["on_time"]) == (1, 1)

    def test_a_result_is_entered_once(self, iw: InspectionWorld) -> None:
        iw.subjects(NANJING, 20)
        iw.pool(iw.w.market, 3)
        plan_id, draw = iw.drawn_plan()
        code = draw["subjects"][0]["credit_code"]
        assert _results(iw, plan_id, iw.w.market, iw.result(code)).status_code == 201
        again = _results(iw, plan_id, iw.w.market, iw.result(code))
        assert again.status_code == 409
        assert error(again)["code"] == "result_entered"

    def test_only_drawn_subjects_and_the_plans_departments(self, iw: InspectionWorld) -> None:
        codes = iw.subjects(NANJING, 20)
        iw.pool(iw.w.market, 3)
        plan_id, draw = iw.drawn_plan()
        drawn = {s["credit_code"] for s in draw["subjects"]}
        other = next(c for c in codes if c not in drawn)
        answer = _results(iw, plan_id, iw.w.market, iw.result(other))
        assert answer.status_code == 422
        assert (error(answer)["code"], error(answer)["field"]) == (
            "not_drawn",
            "results[0].subject",
        )
        stranger = _results(iw, plan_id, iw.w.tax, iw.result(sorted(drawn)[0]))
        assert stranger.status_code == 403
        assert error(stranger)["code"] == "not_plan_department"

    def test_an_unknown_result_and_a_decision_before_the_inspection(
        self, iw: InspectionWorld
    ) -> None:
        iw.subjects(NANJING, 20)
        iw.pool(iw.w.market, 3)
        plan_id, draw = iw.drawn_plan()
        code = draw["subjects"][0]["credit_code"]
        unknown = _results(iw, plan_id, iw.w.market, iw.result(code, result="良好"))
        assert error(unknown)["code"] == "unknown_result"
        early = _results(
            iw,
            plan_id,
            iw.w.market,
            iw.result(code, inspected_on="2026-06-15", decided_on="2026-06-14"),
        )
        assert error(early)["code"] == "invalid_date"


class TestOverdue:
    def test_results_missing_after_their_last_day_are_overdue(self, iw: InspectionWorld) -> None:
        iw.subjects(NANJING, 40)
        iw.pool(iw.w.market, 3)
        plan_id, draw = iw.drawn_plan()
        first, second = (s["credit_code"] for s in draw["subjects"])
        assert _results(iw, plan_id, iw.w.market, iw.result(first)).status_code == 201
        # Plan ends 2026-07-31: results are due by 2026-08-28.
        iw.w.clock.set(datetime(2026, 8, 28, 23, 0, tzinfo=SHANGHAI))
        on_the_day = iw.client.get("/api/v1/inspections/overdue", headers=iw.w.market.headers)
        assert on_the_day.json() == []
        iw.w.clock.set(datetime(2026, 8, 29, 9, 0, tzinfo=SHANGHAI))
        after = iw.client.get("/api/v1/inspections/overdue", headers=iw.w.market.headers).json()
        assert [(o["credit_code"], o["state"], o["due_on"]) for o in after] == [
            (second, "missing", "2026-08-28")
        ]
        # The authority sees every department's; another department none of these.
        seen = iw.client.get("/api/v1/inspections/overdue", headers=iw.w.authority.headers)
        assert [o["credit_code"] for o in seen.json()] == [second]
        assert iw.client.get("/api/v1/inspections/overdue", headers=iw.w.tax.headers).json() == []

    def test_a_result_published_after_its_last_day_is_late(self, iw: InspectionWorld) -> None:
        iw.subjects(NANJING, 20)
        iw.pool(iw.w.market, 4)
        plan_id, draw = iw.drawn_plan()
        code = draw["subjects"][0]["credit_code"]
        iw.w.clock.set(datetime(2026, 7, 14, 20, 0, tzinfo=SHANGHAI))  # the last day: in time
        in_time = _results(iw, plan_id, iw.w.market, iw.result(code))
        assert in_time.json()[0]["late"] is False
        plan2, draw2 = iw.drawn_plan(title="第二批")
        code2 = draw2["subjects"][0]["credit_code"]
        iw.w.clock.set(datetime(2026, 7, 15, 9, 0, tzinfo=SHANGHAI))  # the day after
        late = _results(iw, plan2, iw.w.market, iw.result(code2))
        assert late.json()[0]["late"] is True
        overdue = iw.client.get("/api/v1/inspections/overdue", headers=iw.w.market.headers)
        assert [(o["plan_id"], o["state"]) for o in overdue.json()] == [(plan2, "late")]
