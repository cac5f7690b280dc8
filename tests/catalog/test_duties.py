"""catalog/duties: which items a provider owes and when its next push is due (Measures art. 16),
on the day before, of and after each due day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.catalog import duties
from xinyong.core.calendar import Calendar, builtin_years

CALENDAR = Calendar(builtin_years().values())


@dataclass
class Item:
    code: str
    sources: list[str]
    update_cycle: str


def test_a_provider_owes_the_items_whose_sources_name_its_sector() -> None:
    items = [
        Item("administrative_penalty", ["market_regulation", "tax"], "daily"),
        Item("tax_credit_a", ["tax"], "yearly"),
        Item("commitment", ["credit_authority", "market_regulation"], "daily"),
    ]
    assert [i.code for i in duties.duties(items, "tax")] == [
        "administrative_penalty",
        "tax_credit_a",
    ]
    assert [i.code for i in duties.duties(items, "market_regulation")] == [
        "administrative_penalty",
        "commitment",
    ]
    # What the platform itself derives is never a provider's duty.
    assert duties.duties(items, "credit_authority") == []


@pytest.mark.parametrize(
    ("cycle", "last_push", "due"),
    [
        # Thursday 2026-10-01 is the National Day holiday (1–7 October; Saturday 10 October is
        # worked): a push on Monday 28 September is due again on Tuesday 29 September.
        ("daily", date(2026, 9, 28), date(2026, 9, 29)),
        # A push on Wednesday 30 September: the next working day is Thursday 8 October.
        ("daily", date(2026, 9, 30), date(2026, 10, 8)),
        ("realtime", date(2026, 9, 30), date(2026, 10, 8)),
        # A push on a holiday counts for the next working day (8 October); the one after is 9.
        ("daily", date(2026, 10, 3), date(2026, 10, 9)),
        ("weekly", date(2026, 11, 4), date(2026, 11, 15)),
        ("monthly", date(2026, 1, 31), date(2026, 2, 28)),
        ("monthly", date(2026, 11, 1), date(2026, 12, 31)),
        ("quarterly", date(2026, 3, 31), date(2026, 6, 30)),
        ("quarterly", date(2026, 11, 20), date(2027, 3, 31)),
        ("yearly", date(2025, 6, 1), date(2026, 12, 31)),
    ],
)
def test_due_by_and_overdue_around_the_due_day(cycle: str, last_push: date, due: date) -> None:
    assert duties.due_by(cycle, last_push, CALENDAR) == due
    assert not duties.is_overdue(cycle, last_push, due - timedelta(days=1), CALENDAR)
    assert not duties.is_overdue(cycle, last_push, due, CALENDAR)
    assert duties.is_overdue(cycle, last_push, due + timedelta(days=1), CALENDAR)


def test_an_unknown_cycle_is_refused() -> None:
    with pytest.raises(ValueError, match="fortnightly"):
        duties.period_of("fortnightly", date(2026, 1, 5), CALENDAR)


@given(
    cycle=st.sampled_from(duties.CYCLES),
    day=st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 11, 30)),
)
def test_a_period_holds_its_day_and_the_next_push_is_due_after_it(cycle: str, day: date) -> None:
    start, end = duties.period_of(cycle, day, CALENDAR)
    assert start <= end
    if cycle not in ("realtime", "daily"):
        assert start <= day <= end
    due = duties.due_by(cycle, day, CALENDAR)
    assert due > end
    # The due period is the very next one: nothing between the two periods.
    assert duties.period_of(cycle, end + timedelta(days=1), CALENDAR)[1] == due
