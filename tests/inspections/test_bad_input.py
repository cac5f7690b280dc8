"""Bad input to plans, draws and pools: each a 4xx with a stable code (issue 16 § bad input)."""

from __future__ import annotations

import pytest
from inspection_world import NANJING, WUXI, InspectionWorld, error

from fixtures.helpers import credit_code


def _post_plan(iw: InspectionWorld, **over):  # type: ignore[no-untyped-def]
    return iw.client.post(
        "/api/v1/inspections/plans", json=iw.plan_body(**over), headers=iw.w.market.headers
    )


class TestEmptyPopulation:
    def test_a_plan_whose_filter_selects_nobody_is_refused(self, iw: InspectionWorld) -> None:
        iw.subjects(WUXI, 3)
        answer = _post_plan(iw, population={"regions": ["3201"]})
        assert answer.status_code == 422
        assert (error(answer)["code"], error(answer)["field"]) == (
            "empty_population",
            "population",
        )

    def test_a_grade_nobody_has_is_an_empty_population(self, iw: InspectionWorld) -> None:
        iw.subjects(NANJING, 3)
        answer = _post_plan(iw, population={"grades": ["A"]})
        assert error(answer)["code"] == "empty_population"

    def test_a_population_emptied_before_the_draw_is_refused_then(
        self, iw: InspectionWorld
    ) -> None:
        codes = iw.subjects(NANJING, 3)
        iw.pool(iw.w.market, 2)
        plan = iw.plan(population={"grades": ["ungraded"]})
        iw.publish(plan["id"])
        for code in codes:
            iw.grade(code, "A")
        answer = iw.draw(plan["id"])
        assert answer.status_code == 422
        assert error(answer)["code"] == "empty_population"


class TestRatios:
    def test_a_ratio_over_100_percent_is_refused(self, iw: InspectionWorld) -> None:
        iw.subjects(NANJING, 3)
        answer = _post_plan(iw, ratios={"high": "100.01"})
        assert answer.status_code == 422
        assert (error(answer)["code"], error(answer)["field"]) == (
            "ratio_over_100",
            "ratios.high",
        )

    def test_100_percent_is_everyone(self, iw: InspectionWorld) -> None:
        iw.subjects(NANJING, 3)
        iw.pool(iw.w.market, 2)
        _, draw = iw.drawn_plan(ratios={"ordinary": "100"})
        assert draw["drawn"] == 3

    def test_a_ratio_of_an_unknown_class(self, iw: InspectionWorld) -> None:
        iw.subjects(NANJING, 3)
        answer = _post_plan(iw, ratios={"extreme": "5"})
        assert error(answer)["code"] == "unknown_class"

    def test_graded_supervision_with_a_ratio_over_100_is_refused(self, iw: InspectionWorld) -> None:
        rules = iw.client.get("/api/v1/inspections/supervision").json()
        rules["fields"][0]["classes"][3]["ratio_percent"] = "120"
        body = {"fields": rules["fields"]}
        answer = iw.client.post(
            "/api/v1/inspections/supervision", json=body, headers=iw.w.authority.headers
        )
        assert answer.status_code == 422
        assert (error(answer)["code"], error(answer)["field"]) == (
            "ratio_over_100",
            "fields[0].classes[3].ratio_percent",
        )


class TestPoolTooSmall:
    def test_a_pool_of_one_lacks_for_every_subject(self, iw: InspectionWorld) -> None:
        iw.subjects(NANJING, 3)
        iw.pool(iw.w.market, 1)
        plan = iw.plan()
        iw.publish(plan["id"])
        answer = iw.draw(plan["id"])
        assert answer.status_code == 409
        err = error(answer)
        assert err["code"] == "pool_too_small"
        (short,) = err["detail"]["departments"]
        assert (short["department"], short["inspectors"], short["lacking"]) == ("amr", 1, 3)
        assert {s["available"] for s in short["subjects"]} == {1}
        # Nothing stored: the plan can still be drawn once the pool is mended.
        iw.pool(iw.w.market, 2)
        assert iw.draw(plan["id"]).status_code == 201

    def test_conflicts_name_the_subjects_that_lack_inspectors(self, iw: InspectionWorld) -> None:
        codes = iw.subjects(NANJING, 5)
        # Three inspectors; two have declared a conflict with the same subject.
        iw.pool(iw.w.market, 3, conflicts={0: [codes[2]], 1: [codes[2]]})
        plan = iw.plan()
        iw.publish(plan["id"])
        answer = iw.draw(plan["id"])
        assert answer.status_code == 409
        (short,) = error(answer)["detail"]["departments"]
        assert short["lacking"] == 1
        assert [(s["credit_code"], s["available"]) for s in short["subjects"]] == [(codes[2], 1)]
        assert short["subjects"][0]["name"] == f"测试企业{NANJING}2"

    def test_a_joint_plan_is_refused_for_a_partner_without_inspectors(
        self, iw: InspectionWorld
    ) -> None:
        iw.subjects(NANJING, 3)
        iw.pool(iw.w.market, 2)
        items = [
            {"code": "A", "name": "公示信息", "basis": "《企业信息公示暂行条例》"},
            {"code": "B", "name": "发票", "department": "tax", "basis": "《发票管理办法》"},
        ]
        plan = iw.plan(departments=["tax"], items=items)
        iw.publish(plan["id"])
        answer = iw.draw(plan["id"])
        assert error(answer)["code"] == "pool_too_small"
        assert [d["department"] for d in error(answer)["detail"]["departments"]] == ["tax"]

    def test_inspectors_not_qualified_for_the_items_field_do_not_count(
        self, iw: InspectionWorld
    ) -> None:
        iw.subjects(NANJING, 3)
        iw.pool(iw.w.market, 4, fields=("health",))
        plan = iw.plan()
        iw.publish(plan["id"])
        short = error(iw.draw(plan["id"]))["detail"]["departments"][0]
        assert short["inspectors"] == 0


class TestPlanInput:
    def test_a_period_that_ends_before_it_starts(self, iw: InspectionWorld) -> None:
        iw.subjects(NANJING, 3)
        answer = _post_plan(iw, inspect_from="2026-08-01", inspect_until="2026-07-01")
        assert error(answer)["code"] == "invalid_period"

    def test_an_unknown_field(self, iw: InspectionWorld) -> None:
        iw.subjects(NANJING, 3)
        answer = _post_plan(iw, field="astrology")
        assert error(answer)["code"] == "unknown_field"

    def test_an_item_of_a_department_outside_the_plan(self, iw: InspectionWorld) -> None:
        iw.subjects(NANJING, 3)
        items = [{"code": "B", "name": "发票", "department": "tax", "basis": "《发票管理办法》"}]
        answer = _post_plan(iw, items=items)
        assert (error(answer)["code"], error(answer)["field"]) == (
            "department_not_in_plan",
            "items[0].department",
        )

    def test_a_person_is_never_in_a_population(self, iw: InspectionWorld) -> None:
        iw.subjects(NANJING, 3)
        answer = _post_plan(iw, population={"subject_kinds": ["natural_person"]})
        assert answer.status_code == 422


class TestPoolInput:
    @pytest.mark.parametrize(
        ("key", "code"),
        [
            (credit_code("91320100MA1YYYYY0"), "subject_not_found"),
            ("91320100MA1YYYYY01", "invalid_credit_code"),
        ],
    )
    def test_a_conflict_with_an_unknown_subject_or_a_bad_code(
        self, iw: InspectionWorld, key: str, code: str
    ) -> None:
        body = {
            "inspectors": [
                {
                    "badge_number": "A-1",
                    "name": "甲",
                    "fields": ["market_regulation"],
                    "conflicts": [{"subject": key, "reason": "亲属"}],
                }
            ]
        }
        answer = iw.client.put("/api/v1/inspections/pool", json=body, headers=iw.w.market.headers)
        assert answer.status_code == 422
        assert (error(answer)["code"], error(answer)["field"]) == (
            code,
            "inspectors[0].conflicts[0].subject",
        )

    def test_a_repeated_badge_number(self, iw: InspectionWorld) -> None:
        one = {"badge_number": "A-1", "name": "甲", "fields": ["market_regulation"]}
        answer = iw.client.put(
            "/api/v1/inspections/pool",
            json={"inspectors": [one, one]},
            headers=iw.w.market.headers,
        )
        assert answer.status_code == 422
