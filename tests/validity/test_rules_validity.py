"""The rules about validity rules and the archive as of a day (validity/rules.py, Measures
art. 30) without a database: a rule takes effect today or later, never earlier; the archive is
shown as of today or a past day, never a future one; and "as of a day" ends at the first instant
of the next day in Asia/Shanghai — each the day before, of and after today, around the National
Day holiday of 2026 (validity counts calendar days: a holiday changes nothing)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from xinyong.core.clock import SHANGHAI, local_date
from xinyong.validity import rules

ONE = timedelta(days=1)
TODAY = date(2026, 10, 1)  # National Day: a holiday is a day like any other here
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


def test_a_rule_takes_effect_today_or_later_never_earlier() -> None:
    assert rules.retroactive(TODAY - ONE, TODAY)
    assert not rules.retroactive(TODAY, TODAY)
    assert not rules.retroactive(TODAY + ONE, TODAY)


def test_the_archive_is_shown_as_of_today_or_a_past_day() -> None:
    assert not rules.as_of_in_future(TODAY - ONE, TODAY)
    assert not rules.as_of_in_future(TODAY, TODAY)
    assert rules.as_of_in_future(TODAY + ONE, TODAY)


@given(a=days, b=days)
def test_exactly_one_of_retroactive_today_and_future(a: date, b: date) -> None:
    assert rules.retroactive(a, b) + (a == b) + rules.as_of_in_future(a, b) == 1


def test_a_day_ends_at_midnight_in_shanghai() -> None:
    end = rules.end_of_day(TODAY)
    assert end == datetime(2026, 10, 2, tzinfo=SHANGHAI)
    # 16:00 UTC on the day itself: Shanghai is 8 hours ahead, all year.
    assert end.astimezone(UTC) == datetime(2026, 10, 1, 16, tzinfo=UTC)


@given(day=days)
def test_the_end_of_a_day_is_the_first_instant_of_the_next(day: date) -> None:
    end = rules.end_of_day(day)
    assert local_date(end) == day + ONE
    assert local_date(end - timedelta(microseconds=1)) == day
    assert rules.end_of_day(day + ONE) - end == ONE
