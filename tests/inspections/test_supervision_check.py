"""Graded supervision (分级分类监管): the rules as data, loaded by the authority, and the check
in scenario `inspection` answering each subject's class and ratio (POST /api/v1/checks)."""

from __future__ import annotations

from datetime import datetime

from inspection_world import NANJING, InspectionWorld, error

from fixtures.helpers import credit_code
from xinyong.core.clock import SHANGHAI


def _check(iw: InspectionWorld, *keys: str, caller=None, scenario: str = "inspection"):  # type: ignore[no-untyped-def]
    answer = iw.client.post(
        "/api/v1/checks",
        json={"scenario": scenario, "subjects": list(keys), "purpose": "日常监督检查 2026-01"},
        headers=(caller or iw.w.market).headers,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["results"]


def _rules_with(iw: InspectionWorld, percent: str) -> dict:
    rules = iw.client.get("/api/v1/inspections/supervision").json()
    for field in rules["fields"]:
        for cls in field["classes"]:
            if cls["code"] == "high":
                cls["ratio_percent"] = percent
    return {"fields": rules["fields"]}


class TestRules:
    def test_the_shipped_rules_are_in_force_for_everyone(self, iw: InspectionWorld) -> None:
        rules = iw.client.get("/api/v1/inspections/supervision").json()
        assert rules["version"] == 0
        default = next(f for f in rules["fields"] if f["field"] == "*")
        assert default["grades"] == {"A": "low", "B": "ordinary", "C": "elevated", "D": "high"}
        assert default["ungraded"] == "ordinary"
        assert [c["ratio_percent"] for c in default["classes"]] == ["3", "5", "10", "20"]
        assert any("国办发〔2019〕35号" in b for b in default["basis"])

    def test_the_authority_loads_a_version_from_a_day(self, iw: InspectionWorld) -> None:
        body = {**_rules_with(iw, "30"), "effective_from": "2026-06-16"}
        answer = iw.client.post(
            "/api/v1/inspections/supervision", json=body, headers=iw.w.authority.headers
        )
        assert answer.status_code == 201, answer.text
        assert answer.json()["version"] == 1
        assert iw.client.get("/api/v1/inspections/supervision").json()["version"] == 0
        iw.w.clock.set(datetime(2026, 6, 16, 0, 0, tzinfo=SHANGHAI))
        assert iw.client.get("/api/v1/inspections/supervision").json()["version"] == 1

    def test_rules_never_take_effect_in_the_past(self, iw: InspectionWorld) -> None:
        body = {**_rules_with(iw, "30"), "effective_from": "2026-06-14"}
        answer = iw.client.post(
            "/api/v1/inspections/supervision", json=body, headers=iw.w.authority.headers
        )
        assert (answer.status_code, error(answer)["code"]) == (422, "retroactive_rule")

    def test_only_the_authority_loads_rules(self, iw: InspectionWorld) -> None:
        answer = iw.client.post(
            "/api/v1/inspections/supervision",
            json=_rules_with(iw, "30"),
            headers=iw.w.market.headers,
        )
        assert answer.status_code == 403

    def test_a_plan_keeps_the_ratios_it_was_made_with(self, iw: InspectionWorld) -> None:
        codes = iw.subjects(NANJING, 10)
        for code in codes:
            iw.grade(code, "D")
        iw.pool(iw.w.market, 2)
        plan = iw.plan()
        loaded = iw.client.post(
            "/api/v1/inspections/supervision",
            json=_rules_with(iw, "50"),
            headers=iw.w.authority.headers,
        )
        assert loaded.status_code == 201
        iw.publish(plan["id"])
        draw = iw.draw(plan["id"]).json()
        assert draw["drawn"] == 2  # 20 % of 10, not 50 %
        later = iw.plan(title="新规则后")
        assert next(c for c in later["classes"] if c["code"] == "high")["ratio_percent"] == "50"


class TestCheck:
    def test_the_check_answers_the_class_and_ratio_from_the_public_grade(
        self, iw: InspectionWorld
    ) -> None:
        code = iw.subjects(NANJING, 1)[0]
        iw.grade(code, "C")
        (result,) = _check(iw, code)
        supervision = result["supervision"]
        assert supervision["field"] == "market_regulation"
        assert supervision["rule_field"] == "market_regulation"
        assert (supervision["grade"], supervision["grade_source"]) == ("C", "public")
        assert (supervision["class_code"], supervision["ratio_percent"]) == ("elevated", "10")
        assert supervision["frequency"] == {"times_per_year": 1, "bound": "at_least"}
        assert supervision["version"] == 0

    def test_the_field_grade_wins_over_the_public_one(self, iw: InspectionWorld) -> None:
        code = iw.subjects(NANJING, 1)[0]
        iw.grade(code, "A")
        iw.field_grade(code, "market_regulation", "D", public="A")
        iw.field_grade(code, "tax", "B", public="A")
        (result,) = _check(iw, code)
        assert (result["supervision"]["grade"], result["supervision"]["grade_source"]) == (
            "D",
            "field",
        )
        assert result["supervision"]["class_code"] == "high"
        (by_tax,) = _check(iw, code, caller=iw.w.tax)
        assert (by_tax["supervision"]["grade"], by_tax["supervision"]["rule_field"]) == ("B", "*")

    def test_an_ungraded_subject_and_one_not_in_the_platform_get_the_stated_class(
        self, iw: InspectionWorld
    ) -> None:
        code = iw.subjects(NANJING, 1)[0]
        unknown = credit_code("91320100MA1YYYYY0")
        graded, missing = _check(iw, code, unknown)
        assert graded["supervision"]["grade_source"] == "none"
        assert graded["supervision"]["class_code"] == "ordinary"
        assert missing["found"] is False
        assert missing["supervision"]["class_code"] == "ordinary"

    def test_a_loaded_version_is_answered_from_its_day(self, iw: InspectionWorld) -> None:
        code = iw.subjects(NANJING, 1)[0]
        iw.grade(code, "D")
        body = {**_rules_with(iw, "35"), "effective_from": "2026-06-16"}
        assert (
            iw.client.post(
                "/api/v1/inspections/supervision", json=body, headers=iw.w.authority.headers
            ).status_code
            == 201
        )
        assert _check(iw, code)[0]["supervision"]["ratio_percent"] == "20"
        iw.w.clock.set(datetime(2026, 6, 16, 9, 0, tzinfo=SHANGHAI))
        (after,) = _check(iw, code)
        assert (after["supervision"]["ratio_percent"], after["supervision"]["version"]) == (
            "35",
            1,
        )

    def test_other_scenarios_answer_no_class(self, iw: InspectionWorld) -> None:
        code = iw.subjects(NANJING, 1)[0]
        (result,) = _check(iw, code, scenario="bidding")
        assert "supervision" not in result

    def test_a_user_department_gets_its_own_fields_class(self, iw: InspectionWorld) -> None:
        code = iw.subjects(NANJING, 1)[0]
        iw.grade(code, "B")
        (result,) = _check(iw, code, caller=iw.w.user)
        assert (result["supervision"]["field"], result["supervision"]["rule_field"]) == (
            "finance",
            "*",
        )
