"""The rules of 容缺受理 without a database: the deadline over a holiday by the built-in 2026
calendar, the sweep's day (before / of / after the deadline), and eligibility — the three-year
period's edge, and what excludes whatever qualifies."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from xinyong.commitments import eligibility as el
from xinyong.commitments.rules import due_on
from xinyong.commitments.schemas import Verification
from xinyong.commitments.sweep import decision_number, sweep_due
from xinyong.core.calendar import Calendar, builtin_years

CALENDAR = Calendar(builtin_years().values())
TEN_WORKING_DAYS = Verification(method="在期限内补齐容缺材料", days=10, day_kind="working")
RULES = el.default_eligibility()
TODAY = date(2026, 6, 15)


def test_ten_working_days_run_over_the_mid_autumn_and_national_day_holidays() -> None:
    # Signed Tuesday 22 September: 23, 24, 28, 29, 30 September, 8, 9, 10 (a make-up
    # Saturday), 12 and 13 October. Counted in calendar days it would end on 2 October.
    assert due_on(CALENDAR, date(2026, 9, 22), TEN_WORKING_DAYS) == date(2026, 10, 13)


@pytest.mark.parametrize(
    ("today", "breached"),
    [(date(2026, 10, 12), False), (date(2026, 10, 13), False), (date(2026, 10, 14), True)],
    ids=["day before", "day of", "day after"],
)
def test_the_sweep_breaches_from_the_day_after_the_deadline(today: date, breached: bool) -> None:
    assert sweep_due(today, date(2026, 10, 13)) is breached


def test_a_deadline_on_the_eve_of_national_day_is_over_on_the_holiday() -> None:
    # Signed 16 September: its tenth working day is 30 September; the period is over on
    # 1 October, a holiday, and the daily jobs run on holidays too.
    last = due_on(CALENDAR, date(2026, 9, 16), TEN_WORKING_DAYS)
    assert last == date(2026, 9, 30)
    assert not sweep_due(date(2026, 9, 30), last)
    assert sweep_due(date(2026, 10, 1), last)
    assert not CALENDAR.is_working_day(date(2026, 10, 1))


def test_the_breach_decision_number_names_the_commitment() -> None:
    assert decision_number(123) == "容缺逾期认定〔123〕"


def _codes(result: el.Eligibility) -> list[str]:
    return [r.code for r in result.reasons]


def test_a_clean_subject_is_eligible_with_the_reason_and_its_basis() -> None:
    result = el.evaluate(RULES, el.Facts(), TODAY)
    assert result.eligible and _codes(result) == ["clean_record"]
    reason = result.reasons[0]
    assert reason.text == "该主体连续3年无不良信用记录"
    assert "《江苏省关于建立完善守信联合激励和失信联合惩戒制度的实施意见》" in reason.basis
    assert "第（八）项" in reason.basis and "§" not in reason.basis


@pytest.mark.parametrize(
    ("determined_on", "eligible"),
    [(date(2023, 6, 16), False), (date(2023, 6, 15), False), (date(2023, 6, 14), True)],
    ids=["3 years less a day", "3 years to the day", "3 years and a day"],
)
def test_a_negative_record_counts_for_three_years_to_the_day(
    determined_on: date, eligible: bool
) -> None:
    result = el.evaluate(RULES, el.Facts(latest_negative=determined_on), TODAY)
    assert result.eligible is eligible
    if not eligible:
        assert _codes(result) == ["red_list", "clean_record"]
        assert f"最近一条认定于{determined_on.isoformat()}" in result.reasons[1].text


def test_the_period_from_a_leap_day_ends_on_the_last_of_february() -> None:
    assert el.negative_since(date(2028, 2, 29), 3) == date(2025, 2, 28)


def test_a_red_list_qualifies_despite_a_recent_negative_record() -> None:
    facts = el.Facts(lists_in_force={"red": ["纳税信用A级纳税人"]}, latest_negative=TODAY)
    result = el.evaluate(RULES, facts, TODAY)
    assert result.eligible and _codes(result) == ["red_list"]
    assert "“纳税信用A级纳税人”" in result.reasons[0].text


@pytest.mark.parametrize(
    ("kind", "code", "article"),
    [("black", "black_list", "第（十一）项"), ("watch", "watch_list", "第（八）项")],
)
def test_a_black_or_watch_entry_in_force_excludes_even_a_red_listed_subject(
    kind: str, code: str, article: str
) -> None:
    facts = el.Facts(lists_in_force={kind: ["某名单"], "red": ["纳税信用A级纳税人"]})
    result = el.evaluate(RULES, facts, TODAY)
    assert not result.eligible and _codes(result) == [code]
    assert "“某名单”" in result.reasons[0].text and article in result.reasons[0].basis


def test_a_minimum_grade_is_enabled_and_needs_its_grade_and_texts() -> None:
    data = RULES.model_dump()
    assert [c["code"] for c in data["conditions"] if not c["enabled"]] == []
    grade = next(c for c in data["conditions"] if c["code"] == "min_grade")
    assert grade["grade"] == "B" and grade["effect"] == "requires"
    grade["ungraded"] = None
    with pytest.raises(ValidationError, match="name the grade and the ungraded text"):
        el.EligibilityRules.model_validate(data)
    grade["ungraded"], grade["grade"] = "x", "E"
    with pytest.raises(ValidationError):
        el.EligibilityRules.model_validate(data)


def test_conditions_need_a_qualifying_one_and_a_basis_people_read() -> None:
    data = RULES.model_dump()
    data["conditions"] = [c for c in data["conditions"] if c["effect"] != "qualifies"]
    with pytest.raises(ValidationError, match="qualifying"):
        el.EligibilityRules.model_validate(data)
    data = RULES.model_dump()
    data["conditions"][0]["basis"] = ["003 联合奖惩 §（十一）"]  # a seed file's tag
    with pytest.raises(ValidationError, match="by title and number"):
        el.EligibilityRules.model_validate(data)


# ---- min_grade: 申请人信用状况较好 (002 §（一）), B（良） or better by default


@pytest.mark.parametrize(
    ("grade", "eligible"),
    [("A", True), ("B", True), ("C", False), ("D", False)],
    ids=["a grade above", "the threshold", "a grade below", "the lowest"],
)
def test_the_public_grade_on_both_sides_of_the_threshold(grade: str, eligible: bool) -> None:
    result = el.evaluate(RULES, el.Facts(public_grade=grade), TODAY)
    assert result.eligible is eligible
    reason = next(r for r in result.reasons if r.code == "min_grade")
    assert reason.holds is eligible
    assert f"信用等级为{grade}（" in reason.text and "（公共信用综合评价）" in reason.text
    assert ("不低于B（良）" if eligible else "低于B（良）") in reason.text
    assert "国办发〔2019〕35号" in reason.basis


def test_the_combined_grade_of_the_departments_field_comes_first() -> None:
    facts = el.Facts(public_grade="A", field_grades={"tax": "C", "ecology": "A"})
    by_tax = el.evaluate(RULES, facts, TODAY, "tax")
    assert not by_tax.eligible and _codes(by_tax) == ["min_grade", "red_list"]
    assert "C（中）（行业信用评价与公共信用综合评价结合）" in by_tax.reasons[0].text
    # Another department's field has no industry evaluation: the public grade.
    by_market = el.evaluate(RULES, facts, TODAY, "market_regulation")
    assert by_market.eligible and _codes(by_market) == ["clean_record", "min_grade"]
    assert "（公共信用综合评价）" in by_market.reasons[1].text


def test_no_grade_is_no_condition_by_default_and_can_be_made_one() -> None:
    ungraded = el.evaluate(RULES, el.Facts(), TODAY)
    assert ungraded.eligible and _codes(ungraded) == ["clean_record"]
    strict = el.EligibilityRules.model_validate(
        {
            "conditions": [
                c.model_dump()
                | (
                    {"if_ungraded": "fails", "ungraded": "该主体尚无信用评价等级，不予容缺受理"}
                    if c.code == "min_grade"
                    else {}
                )
                for c in RULES.conditions
            ]
        }
    )
    refused = el.evaluate(strict, el.Facts(), TODAY)
    assert not refused.eligible and _codes(refused) == ["min_grade", "red_list"]
    assert refused.reasons[0].text == "该主体尚无信用评价等级，不予容缺受理"


def test_a_black_listed_subject_is_excluded_whatever_its_grade() -> None:
    facts = el.Facts(lists_in_force={"black": ["失信被执行人名单"]}, public_grade="A")
    result = el.evaluate(RULES, facts, TODAY)
    assert not result.eligible and _codes(result) == ["black_list"]
