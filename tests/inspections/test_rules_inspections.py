"""The pure rules of graded supervision and 双随机、一公开 (inspections/rules.py), without a
database: classes, ratios and their rounding, the periods on the day before, of and after."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.core.calendar import Calendar, builtin_years
from xinyong.errors import Conflict, Forbidden, InvalidRequest
from xinyong.inspections import rules
from xinyong.inspections.supervision import default_supervision, publication_rules
from xinyong.models import PlanState

CALENDAR = Calendar(builtin_years().values())
PUBLICATION = publication_rules()


class TestClasses:
    def test_the_field_grade_comes_first_then_the_public_one(self) -> None:
        assert rules.supervision_grade("A", "D") == ("D", "field")
        assert rules.supervision_grade("A", None) == ("A", "public")
        assert rules.supervision_grade(None, None) == (None, "none")

    def test_each_grade_has_its_class_and_the_ungraded_the_stated_one(self) -> None:
        rule = default_supervision().for_field("market_regulation")
        assert [rules.class_of(rule, g) for g in "ABCD"] == ["low", "ordinary", "elevated", "high"]
        assert rules.class_of(rule, None) == "ordinary"

    def test_a_field_without_rules_of_its_own_takes_the_default(self) -> None:
        assert default_supervision().for_field("tax").field == "*"
        assert default_supervision().for_field(None).field == "*"


class TestRatios:
    @pytest.mark.parametrize(
        ("percent", "bp"), [("0", 0), ("3", 300), ("3.25", 325), ("99.99", 9999), ("100", 10000)]
    )
    def test_a_ratio_in_basis_points(self, percent: str, bp: int) -> None:
        assert rules.ratio_bp(Decimal(percent), field="r") == bp

    def test_over_100_percent_is_refused(self) -> None:
        with pytest.raises(InvalidRequest) as refused:
            rules.ratio_bp(Decimal("100.01"), field="ratios.high")
        assert (refused.value.code, refused.value.field) == ("ratio_over_100", "ratios.high")

    @pytest.mark.parametrize("percent", ["-1", "3.125"])
    def test_negative_or_finer_than_a_basis_point_is_refused(self, percent: str) -> None:
        with pytest.raises(InvalidRequest) as refused:
            rules.ratio_bp(Decimal(percent), field="r")
        assert refused.value.code == "invalid_ratio"

    @pytest.mark.parametrize(
        ("size", "bp", "n"),
        [(0, 300, 0), (10, 300, 1), (100, 300, 3), (101, 300, 4), (33, 0, 0), (7, 10000, 7)],
    )
    def test_the_sample_is_rounded_up(self, size: int, bp: int, n: int) -> None:
        assert rules.sample_size(size, bp) == n

    @given(st.integers(0, 10_000_000), st.integers(0, 10_000))
    def test_the_sample_is_the_least_count_that_meets_the_ratio(self, size: int, bp: int) -> None:
        n = rules.sample_size(size, bp)
        assert 0 <= n <= size
        # n / size ≥ ratio, and one fewer would not be (exact integer arithmetic).
        assert n * rules.WHOLE_BP >= size * bp
        assert n == 0 or (n - 1) * rules.WHOLE_BP < size * bp

    def test_a_percentage_from_basis_points(self) -> None:
        assert rules.percent(325) == Decimal("3.25")


class TestPublicationPeriods:
    """Results: 20 working days after the decision (《企业信息公示暂行条例》第六条、第七条).
    Decided Monday 2026-06-15; 端午节 2026-06-19 is off: the last day is 2026-07-14."""

    def test_the_last_day_of_a_result(self) -> None:
        assert rules.results_due_on(CALENDAR, date(2026, 6, 15), PUBLICATION) == date(2026, 7, 14)

    @pytest.mark.parametrize(
        ("published", "late"),
        [(date(2026, 7, 13), False), (date(2026, 7, 14), False), (date(2026, 7, 15), True)],
    )
    def test_late_only_after_the_last_day(self, published: date, late: bool) -> None:
        assert rules.is_late(date(2026, 7, 14), published) is late

    @pytest.mark.parametrize(
        ("today", "overdue"),
        [(date(2026, 8, 27), False), (date(2026, 8, 28), False), (date(2026, 8, 29), True)],
    )
    def test_a_missing_result_is_overdue_the_day_after_its_last_day(
        self, today: date, overdue: bool
    ) -> None:
        due = rules.missing_due_on(CALENDAR, date(2026, 7, 31), PUBLICATION)
        assert due == date(2026, 8, 28)
        assert rules.is_overdue(due, today) is overdue


class TestOneYear:
    """An assignment drawn on 2025-06-15 keeps the inspector off the subject through
    2026-06-15."""

    @pytest.mark.parametrize(
        ("today", "counts"),
        [(date(2026, 6, 14), True), (date(2026, 6, 15), True), (date(2026, 6, 16), False)],
    )
    def test_the_window(self, today: date, counts: bool) -> None:
        drawn_on = date(2025, 6, 15)
        assert (drawn_on >= rules.recent_since(today, PUBLICATION)) is counts


class TestPlanRules:
    @pytest.mark.parametrize(
        ("until", "ok"),
        [(date(2026, 6, 14), False), (date(2026, 6, 15), True), (date(2026, 6, 16), True)],
    )
    def test_a_period_ending_before_today_is_refused(self, until: date, ok: bool) -> None:
        today = date(2026, 6, 15)
        if ok:
            rules.require_period(date(2026, 6, 1), until, today)
        else:
            with pytest.raises(InvalidRequest):
                rules.require_period(date(2026, 6, 1), until, today)

    @pytest.mark.parametrize(
        ("effective", "ok"),
        [(date(2026, 6, 14), False), (date(2026, 6, 15), True), (date(2026, 6, 16), True)],
    )
    def test_rules_take_effect_today_or_later(self, effective: date, ok: bool) -> None:
        if ok:
            rules.require_not_retroactive(effective, date(2026, 6, 15))
        else:
            with pytest.raises(InvalidRequest):
                rules.require_not_retroactive(effective, date(2026, 6, 15))

    def test_a_plan_is_published_then_drawn_once(self) -> None:
        assert rules.require_move(PlanState.draft, "publish") is PlanState.published
        assert rules.require_move(PlanState.published, "draw") is PlanState.drawn
        for state, move in [
            (PlanState.draft, "draw"),
            (PlanState.drawn, "draw"),
            (PlanState.published, "publish"),
        ]:
            with pytest.raises(Conflict):
                rules.require_move(state, move)

    def test_only_the_lead_and_the_plans_departments(self) -> None:
        rules.require_lead(1, 1)
        with pytest.raises(Forbidden):
            rules.require_lead(1, 2)
        assert rules.require_member({1, 2}, 2) == 2
        with pytest.raises(Forbidden):
            rules.require_member({1, 2}, 3)
