"""The arithmetic of validity (Measures art. 30) and the choice of the rule in force, without a
database: months added to the day of determination, the first day a record no longer counts,
and which rule applies to a failure determined on a given day."""

from __future__ import annotations

import pickle
from calendar import monthrange
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from xinyong.models import Standing
from xinyong.records.rules import Rule, ValidityRules, add_months, expires_on
from xinyong.subjects.rules import effective_standing

days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
periods = st.integers(min_value=1, max_value=1200)


@given(day=days, months=periods)
def test_expiry_is_after_determination(day: date, months: int) -> None:
    assert expires_on(day, months) > day


@given(day=days, a=periods, b=periods)
def test_expiry_is_monotone_in_months(day: date, a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert expires_on(day, low) <= expires_on(day, high)
    if low < high:
        assert expires_on(day, low) < expires_on(day, high)


@given(day=days, months=periods)
def test_months_move_the_calendar_month_and_clamp_the_day(day: date, months: int) -> None:
    end = add_months(day, months)
    assert (end.year * 12 + end.month) - (day.year * 12 + day.month) == months
    assert end.day == min(day.day, monthrange(end.year, end.month)[1])


@given(day=days, months=periods)
def test_the_day_before_expiry_counts_and_the_day_of_expiry_does_not(
    day: date, months: int
) -> None:
    end = expires_on(day, months)
    assert effective_standing(Standing.active, end, day) is Standing.active
    assert effective_standing(Standing.active, end, end - timedelta(days=1)) is Standing.active
    assert effective_standing(Standing.active, end, end) is Standing.expired
    assert effective_standing(Standing.active, end, end + timedelta(days=1)) is Standing.expired


@given(day=days, years=st.integers(min_value=1, max_value=10))
def test_twelve_months_are_the_year_of_the_former_settings(day: date, years: int) -> None:
    try:
        same_day = day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one: the 28th
        same_day = day.replace(year=day.year + years, day=28)
    assert expires_on(day, 12 * years) == same_day


def test_month_ends_are_clamped() -> None:
    assert expires_on(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert expires_on(date(2024, 2, 29), 48) == date(2028, 2, 29)
    assert expires_on(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert expires_on(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert expires_on(date(2025, 3, 1), 12) == date(2026, 3, 1)  # counts through 2026-02-28


ART_30 = Rule(1, date(2018, 1, 29), None, {"general": 12, "serious": 12, "severe": 36})
GRADED = Rule(2, date(2026, 7, 1), None, {"minor": 6, "general": 24, "serious": 24, "severe": 60})
PENALTY = Rule(3, date(2026, 7, 1), "administrative_penalty", {"general": 18})
PENALTY_EARLY = Rule(4, date(2020, 1, 1), "administrative_penalty", {"general": 9})


def test_a_later_rule_applies_from_its_effective_date() -> None:
    rules = ValidityRules([GRADED, ART_30])
    assert rules.rule_for("tax_arrears", date(2026, 6, 30)) == ART_30
    assert rules.rule_for("tax_arrears", date(2026, 7, 1)) == GRADED
    assert rules.rule_for("tax_arrears", date(2026, 7, 2)) == GRADED


def test_before_any_rule_the_earliest_general_rule_applies() -> None:
    rules = ValidityRules([GRADED, ART_30, PENALTY_EARLY])
    assert rules.rule_for("tax_arrears", date(2010, 5, 1)) == ART_30
    assert rules.rule_for("administrative_penalty", date(2010, 5, 1)) == ART_30


def test_the_items_rule_wins_on_its_date_and_a_later_general_rule_supersedes_it() -> None:
    rules = ValidityRules([ART_30, GRADED, PENALTY, PENALTY_EARLY])
    assert rules.rule_for("administrative_penalty", date(2019, 12, 31)) == ART_30
    assert rules.rule_for("administrative_penalty", date(2020, 1, 1)) == PENALTY_EARLY
    assert rules.rule_for("administrative_penalty", date(2026, 7, 1)) == PENALTY  # same date
    assert rules.rule_for("tax_arrears", date(2026, 7, 1)) == GRADED
    later = Rule(5, date(2027, 1, 1), None, {"general": 12})
    rules = ValidityRules([*rules.rules, later])
    assert rules.rule_for("administrative_penalty", date(2026, 12, 31)) == PENALTY
    assert rules.rule_for("administrative_penalty", date(2027, 1, 1)) == later


def _reference(rules: list[Rule], item: str, day: date) -> Rule | None:
    """The selection as docs/workflows/validity.md states it, the slow way."""
    candidates = [r for r in rules if r.item_code in (None, item) and r.effective_from <= day]
    if not candidates:
        general = [r for r in rules if r.item_code is None]
        return min(general, key=lambda r: r.effective_from) if general else None
    latest = max(r.effective_from for r in candidates)
    on_that_day = [r for r in candidates if r.effective_from == latest]
    return next((r for r in on_that_day if r.item_code == item), on_that_day[0])


rule_sets = st.lists(
    st.tuples(
        st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)),
        st.sampled_from([None, "administrative_penalty", "tax_arrears"]),
    ),
    max_size=8,
    unique=True,
)


@given(keys=rule_sets, day=st.dates(min_value=date(2010, 1, 1), max_value=date(2032, 1, 1)))
def test_selection_matches_its_statement(keys: list[tuple[date, str | None]], day: date) -> None:
    rules = [Rule(i + 1, start, item, {"general": i + 1}) for i, (start, item) in enumerate(keys)]
    chosen = ValidityRules(rules)
    for item in ("administrative_penalty", "tax_arrears", "wage_arrears"):
        assert chosen.rule_for(item, day) == _reference(rules, item, day)
    # Validation workers receive the rules pickled (records/pipeline.py).
    copy = pickle.loads(pickle.dumps(chosen))
    assert copy.rule_for("administrative_penalty", day) == chosen.rule_for(
        "administrative_penalty", day
    )
