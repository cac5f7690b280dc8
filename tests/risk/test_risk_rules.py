"""risk/rules.py without a database: each window on the day before, of and after its deadline
(30 days, 5 working days by the official calendar, 12 months), the bands a grade fell, facts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from xinyong.core.calendar import Calendar, builtin_years
from xinyong.risk import rules

TODAY = date(2026, 6, 15)  # a Monday; Friday 06-19 is the Dragon Boat Festival holiday
CALENDAR = Calendar(builtin_years().values())


def _window(within: int, unit: str = "days", overdue_days: int = 0) -> rules.DueWindow:
    return rules.due_window(
        TODAY,
        within=within,
        unit=unit,  # type: ignore[arg-type]
        overdue_days=overdue_days,
        calendar=CALENDAR,
    )


@pytest.mark.parametrize(
    ("due", "phase"),
    [
        (date(2026, 7, 14), "due"),  # the day before the 30th
        (date(2026, 7, 15), "due"),  # the 30th day
        (date(2026, 7, 16), None),  # the day after
        (TODAY, "due"),  # expiring today: still in its period
        (TODAY - timedelta(days=1), None),  # expired yesterday: not this rule's (no overdue)
    ],
)
def test_a_licence_expiring_within_30_days(due: date, phase: str | None) -> None:
    assert _window(30).phase(due) == phase


@pytest.mark.parametrize(
    ("due", "phase"),
    [
        (date(2026, 6, 22), "due"),  # the 4th working day after today
        (date(2026, 6, 23), "due"),  # the 5th (06-19 is a holiday, 06-20/21 a weekend)
        (date(2026, 6, 24), None),  # the 6th
        (TODAY, "due"),  # the deadline is today: not yet passed
        (TODAY - timedelta(days=1), "overdue"),  # passed yesterday
        (TODAY - timedelta(days=29), "overdue"),
        (TODAY - timedelta(days=30), "overdue"),  # the last day overdue ones are warned of
        (TODAY - timedelta(days=31), None),
    ],
)
def test_a_rectification_deadline_within_5_working_days_or_passed(
    due: date, phase: str | None
) -> None:
    assert _window(5, "working_days", overdue_days=30).phase(due) == phase


def test_the_working_day_horizon_follows_the_calendar_not_the_weekdays() -> None:
    assert _window(5, "working_days").horizon == date(2026, 6, 23)
    # A Friday: the weekend is not counted.
    friday = rules.due_window(
        date(2026, 6, 12), within=1, unit="working_days", overdue_days=0, calendar=CALENDAR
    )
    assert friday.horizon == date(2026, 6, 15)


@pytest.mark.parametrize(
    ("determined_on", "counts"),
    [
        (date(2025, 6, 15), False),  # 12 months ago today: the day before the window
        (date(2025, 6, 16), True),  # the window's first day
        (date(2025, 6, 17), True),
    ],
)
def test_a_penalty_counts_within_12_months(determined_on: date, counts: bool) -> None:
    start = rules.count_window_start(TODAY, 12)
    assert (start <= determined_on <= TODAY) is counts


def test_a_window_of_months_ends_on_a_shorter_months_last_day() -> None:
    # 2025-02-28 − 12 months = 2024-02-28 (not a clamped 29th), so the window starts 02-29.
    assert rules.count_window_start(date(2025, 2, 28), 12) == date(2024, 2, 29)
    assert rules.count_window_start(date(2024, 2, 29), 12) == date(2023, 3, 1)


def test_the_last_days() -> None:
    assert rules.recent_since(TODAY, 30) == date(2026, 5, 17)
    assert rules.recent_since(TODAY, 1) == TODAY


@pytest.mark.parametrize(
    ("previous", "grade", "bands"),
    [("A", "C", 2), ("B", "D", 2), ("A", "D", 3), ("A", "B", 1), ("C", "A", 0), (None, "D", 0)],
)
def test_bands_fallen(previous: str | None, grade: str, bands: int) -> None:
    assert rules.bands_fallen(previous, grade) == bands


def test_facts() -> None:
    assert rules.record_fact(7) == "record:7"
    assert rules.record_fact(7, "overdue") == "record:7:overdue"
    assert rules.change_fact(9) == "grade_change:9"
