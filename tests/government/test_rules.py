"""government/rules: deadlines on the day before, of and after; the moves a case allows; the
debt lines; the regional score (Hypothesis over its arithmetic)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.core.calendar import Calendar, builtin_years
from xinyong.core.identifiers import division_name
from xinyong.government import rules
from xinyong.government.schemas import DebtThreshold, Periods, RegionalIndicator
from xinyong.government.service import default_policy
from xinyong.models import CaseState

CALENDAR = Calendar(builtin_years().values())
PERIODS = Periods(explanation_working_days=10, rectification_working_days=60, basis="测试")


def test_bodies_by_their_credit_code() -> None:
    assert rules.body_kind("11320115MB0123456X") == "organ"
    assert rules.body_kind("12320115MB0654321X") == "institution"
    assert rules.body_kind("91320100MA1X2Y3W4X") is None
    assert rules.body_kind(None) is None


def test_deadlines_count_working_days_over_holidays() -> None:
    # Opened Wednesday 30 September 2026: the National Day holiday runs to 7 October, and
    # Saturday 10 October is a working day.
    due = rules.deadlines(date(2026, 9, 30), PERIODS, CALENDAR)
    # 8, 9, 10 (a Saturday worked), 12–16, 19, 20 October.
    assert due.explain_by == date(2026, 10, 20)
    assert CALENDAR.working_days_between(date(2026, 9, 30), due.rectify_by) == 60


@pytest.mark.parametrize(
    ("explained", "today", "lapse"),
    [
        (False, date(2026, 10, 20), None),  # the day before the explanation's last day
        (False, date(2026, 10, 21), None),  # its last day
        (False, date(2026, 10, 22), "explanation"),  # the day after
        (True, date(2026, 10, 22), None),
        (True, date(2026, 12, 31), None),
        (True, date(2027, 1, 1), "rectification"),
    ],
)
def test_what_a_case_is_late_with(explained: bool, today: date, lapse: str | None) -> None:
    state = CaseState.explained if explained else CaseState.open
    assert rules.overdue(state, explained, date(2026, 10, 21), date(2026, 12, 31), today) == lapse


def test_a_closed_case_is_never_late() -> None:
    for state in (CaseState.cleared, CaseState.excluded):
        assert (
            rules.overdue(state, False, date(2026, 1, 1), date(2026, 1, 2), date(2027, 1, 1))
            is None
        )


def _refusal(action: rules.Action, **over: object) -> str | None:
    facts: dict = {
        "state": CaseState.open,
        "failure_kind": "违约毁约",
        "explained": False,
        "reported": False,
        "lapse": None,
        **over,
    }
    found = rules.refusal(action, **facts)
    return None if found is None else found.code


def test_the_moves_of_a_case() -> None:
    assert _refusal("explain") is None
    assert _refusal("explain", explained=True) == "already_explained"
    assert _refusal("pay") == "not_unpaid_bills"
    assert _refusal("pay", failure_kind=rules.UNPAID_BILLS) is None
    assert _refusal("confirm") == "rectification_not_reported"
    assert _refusal("confirm", reported=True) is None
    assert (
        _refusal("confirm", failure_kind=rules.UNPAID_BILLS, reported=True) == "cleared_by_payment"
    )
    assert _refusal("interview") == "case_not_overdue"
    assert _refusal("interview", lapse="explanation") is None
    assert _refusal("exclude") is None
    for state in (CaseState.cleared, CaseState.excluded):
        for action in ("explain", "report", "confirm", "pay", "exclude", "interview"):
            assert _refusal(action, state=state) == "case_closed"  # type: ignore[arg-type]


def test_paid_in_full() -> None:
    assert not rules.paid_in_full(Decimal(50), Decimal("49.9999"))
    assert rules.paid_in_full(Decimal(50), Decimal(50))
    assert not rules.paid_in_full(None, Decimal(50))


LINE = DebtThreshold(code="debt_ratio", name="债务率", yellow=Decimal(100), red=Decimal(120))


@pytest.mark.parametrize(
    ("value", "level"),
    [("99.99", None), ("100", "yellow"), ("119.99", "yellow"), ("120", "red"), ("300", "red")],
)
def test_debt_levels_at_and_around_the_lines(value: str, level: str | None) -> None:
    assert rules.debt_level(Decimal(value), LINE) == level


def test_a_region_takes_its_worst_indicator() -> None:
    assert rules.worst([None, "yellow"]) == "yellow"
    assert rules.worst(["yellow", "red", None]) == "red"
    assert rules.worst([None]) is None


def test_the_red_line_is_never_below_the_yellow() -> None:
    with pytest.raises(ValueError, match="red line"):
        DebtThreshold(code="x_ratio", name="x", yellow=Decimal(10), red=Decimal(5))


COUNT = RegionalIndicator(
    code="failures", name="失信", source="failures", weight=Decimal(30), cap=Decimal(1), basis="b"
)
SHARE = RegionalIndicator(
    code="kept", name="践诺", source="commitments_kept", weight=Decimal(70), basis="b"
)


def test_indicator_scores() -> None:
    assert rules.indicator_score(COUNT, Decimal("0.25")) == Decimal("0.7500")
    assert rules.indicator_score(COUNT, Decimal(3)) == Decimal(0)  # over the cap
    assert rules.indicator_score(SHARE, Decimal("0.9")) == Decimal("0.9000")
    assert rules.indicator_score(SHARE, None) == Decimal(1)  # nothing to measure


@given(
    figures=st.tuples(
        st.decimals(min_value=0, max_value=10, places=4),
        st.decimals(min_value=0, max_value=1, places=4),
    )
)
def test_a_score_is_between_0_and_100_and_monotone(figures: tuple[Decimal, Decimal]) -> None:
    failures, kept = figures
    scores = [rules.indicator_score(COUNT, failures), rules.indicator_score(SHARE, kept)]
    total = rules.points([COUNT, SHARE], scores)
    assert Decimal(0) <= total <= Decimal(100)
    # One failure more never raises the score; a commitment kept more never lowers it.
    worse = [rules.indicator_score(COUNT, failures + 1), scores[1]]
    assert rules.points([COUNT, SHARE], worse) <= total


def test_regions_and_quarters() -> None:
    assert rules.region_level("320000") == "province"
    assert rules.region_level("320100") == "city"
    assert rules.region_level("320115") == "county"
    assert rules.city_of("320115") == "320100"
    assert rules.quarter_bounds(2026, 1) == (date(2026, 1, 1), date(2026, 3, 31))
    assert rules.quarter_bounds(2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))
    with pytest.raises(ValueError):
        rules.quarter_bounds(2026, 5)


def test_division_names_of_divisions_in_use() -> None:
    assert division_name("320115") == "江苏省南京市江宁区"
    assert division_name("320100") == "江苏省南京市"
    assert division_name("110101") == "北京市东城区"
    assert division_name("320103") is None  # 白下区, abolished in 2013
    assert division_name("329999") is None
    assert division_name("32011") is None


def test_the_shipped_policy_is_valid_and_weighs_to_100() -> None:
    policy = default_policy()
    assert sum(i.weight for i in policy.regional.indicators) == 100
    assert {i.code for i in policy.debt.indicators} >= {"debt_ratio"}
    assert policy.periods.explanation_working_days < policy.periods.rectification_working_days
