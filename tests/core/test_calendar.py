"""The working-day arithmetic of core/calendar, on chinesecalendar's years and an explicit
extra year: no database needed."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.core.calendar import Calendar, UnknownCalendarYear, YearArrangement, builtin_years

# A made-up 2027 (the official one is published late in 2026): New Year's Day on a Friday,
# one make-up Saturday.
EXTRA_2027 = YearArrangement(
    year=2027,
    source="authority",
    basis="test",
    holidays={date(2027, 1, 1): "元旦", date(2027, 2, 5): "春节", date(2027, 2, 8): "春节"},
    working_weekends={date(2027, 2, 20): "春节调休"},
)
YEAR_2028 = YearArrangement(
    year=2028,
    source="authority",
    basis="test",
    holidays={date(2028, 1, 1): "元旦"},
    working_weekends={},
)
BUILTIN = Calendar(builtin_years().values())
EXTENDED = Calendar([*builtin_years().values(), EXTRA_2027])

# chinesecalendar 1.11.0, 2026 (国办发明电〔2025〕7号): the weekend days worked in lieu.
MAKE_UP_2026 = {
    date(2026, 1, 4): "元旦",  # Sunday
    date(2026, 2, 14): "春节",  # Saturday before the Spring Festival
    date(2026, 2, 28): "春节",  # Saturday
    date(2026, 5, 9): "劳动节",  # Saturday
    date(2026, 9, 20): "国庆节",  # Sunday
    date(2026, 10, 10): "国庆节",  # Saturday
}

known_days = st.dates(min_value=date(2004, 1, 1), max_value=date(2027, 12, 31))
counts = st.integers(min_value=0, max_value=400)


def _result(calendar: Calendar, start: date, n: int) -> date | None:
    try:
        return calendar.add_working_days(start, n)
    except UnknownCalendarYear as exc:
        assert exc.year == 2028
        return None


@given(start=known_days, n=counts)
def test_adding_then_counting_round_trips(start: date, n: int) -> None:
    end = _result(EXTENDED, start, n)
    if end is not None:
        assert EXTENDED.working_days_between(start, end) == n
        assert EXTENDED.working_days_between(end, start) == -n


@given(start=known_days, n=st.integers(min_value=1, max_value=400))
def test_a_deadline_is_always_a_working_day_and_the_first_such(start: date, n: int) -> None:
    end = _result(EXTENDED, start, n)
    if end is not None:
        assert EXTENDED.is_working_day(end)
        # The n-th: one day earlier there were only n - 1.
        assert EXTENDED.working_days_between(start, end - timedelta(days=1)) == n - 1


@given(a=known_days, b=known_days)
def test_counting_then_adding_reaches_the_last_working_day_up_to_b(a: date, b: date) -> None:
    a, b = min(a, b), max(a, b)
    end = EXTENDED.add_working_days(a, EXTENDED.working_days_between(a, b))
    assert a <= end <= b
    assert EXTENDED.working_days_between(end, b) == 0
    assert end == a or EXTENDED.is_working_day(end)


@given(day=st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31)))
def test_the_builtin_years_agree_with_chinesecalendar(day: date) -> None:
    assert BUILTIN.is_working_day(day) == chinese_calendar.is_workday(day)


@pytest.mark.parametrize("day", sorted(MAKE_UP_2026))
def test_the_2026_make_up_weekends_are_working_days(day: date) -> None:
    assert day.weekday() >= 5
    assert BUILTIN.is_working_day(day)
    assert BUILTIN.year(2026).working_weekends[day] == MAKE_UP_2026[day]


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1),
        date(2026, 2, 16),  # Monday in the Spring Festival
        date(2026, 2, 20),
        date(2026, 4, 6),
        date(2026, 5, 5),
        date(2026, 6, 19),
        date(2026, 9, 25),
        date(2026, 10, 7),
    ],
)
def test_2026_holidays_on_weekdays_are_not_working_days(day: date) -> None:
    assert day.weekday() < 5
    assert not BUILTIN.is_working_day(day)


def test_deadlines_step_over_holidays_and_count_make_up_days() -> None:
    # Filed on the eve of the National Day week: the first working day is 8 October.
    assert BUILTIN.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    # Friday 13 February: the next working day is the make-up Saturday, then the holiday.
    assert BUILTIN.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert BUILTIN.add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)
    # Measures art. 32's 10 working days from a Thursday in April, over 清明 (4–6 April).
    assert BUILTIN.add_working_days(date(2026, 4, 2), 10) == date(2026, 4, 17)
    assert BUILTIN.working_days_between(date(2026, 1, 1), date(2026, 12, 31)) == 248
    # n = 0 is the day itself, working or not; the start day is never counted.
    assert BUILTIN.add_working_days(date(2026, 10, 1), 0) == date(2026, 10, 1)
    assert BUILTIN.working_days_between(date(2026, 10, 8), date(2026, 10, 8)) == 0


def test_a_deadline_across_the_year_end_needs_the_next_year() -> None:
    with pytest.raises(UnknownCalendarYear) as caught:
        BUILTIN.add_working_days(date(2026, 12, 24), 10)
    assert caught.value.year == 2027
    assert caught.value.code == "calendar_year_unknown"
    assert caught.value.status == 409
    # 25 Dec, 28–31 Dec, then 4–8 Jan 2027 (1 January a holiday).
    assert EXTENDED.add_working_days(date(2026, 12, 24), 10) == date(2027, 1, 8)
    assert EXTENDED.working_days_between(date(2026, 12, 24), date(2027, 1, 8)) == 10


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.is_working_day(date(2031, 3, 3)),
        lambda c: c.add_working_days(date(2031, 3, 3), 0),
        lambda c: c.add_working_days(date(2026, 6, 1), 2000),
        lambda c: c.working_days_between(date(2026, 6, 1), date(2031, 3, 3)),
        lambda c: c.working_days_between(date(2031, 3, 3), date(2026, 6, 1)),
        lambda c: c.year(2031),
    ],
)
def test_a_date_in_an_unknown_year_is_an_explicit_error(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownCalendarYear) as caught:
        call(EXTENDED)
    assert caught.value.year in (2028, 2031)
    assert str(caught.value.year) in caught.value.message
    assert str(caught.value.year) in caught.value.message_en


def test_a_gap_between_known_years_is_not_stepped_over() -> None:
    calendar = Calendar([builtin_years()[2026], YEAR_2028])
    with pytest.raises(UnknownCalendarYear) as caught:
        calendar.add_working_days(date(2026, 12, 30), 5)
    assert caught.value.year == 2027
    with pytest.raises(UnknownCalendarYear):
        calendar.working_days_between(date(2026, 12, 30), date(2028, 1, 10))
    assert calendar.add_working_days(date(2028, 1, 3), 1) == date(2028, 1, 4)


def test_years_before_chinesecalendar_are_unknown_too() -> None:
    with pytest.raises(UnknownCalendarYear) as caught:
        BUILTIN.is_working_day(date(2003, 12, 31))
    assert caught.value.year == 2003


def test_a_negative_count_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        BUILTIN.add_working_days(date(2026, 6, 1), -1)
