"""The deadlines of lists/rules.py and tasks/rules.py without a database, on the official
working-day calendar (chinesecalendar's 2026: 端午 06-19–21; 中秋 09-25–27; 国庆 10-01–07,
with Sunday 09-20 and Saturday 10-10 worked in lieu): each on the day before, the day of and
the day after it; and the counting itself, by Hypothesis."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fixtures.entries import BLACK, CALENDAR, RED, WATCH, entry, record, spec
from xinyong.core.calendar import UnknownCalendarYear
from xinyong.errors import Conflict, InvalidRequest
from xinyong.lists import rules
from xinyong.models import EntryState, ListKind, Task
from xinyong.tasks.rules import is_overdue

DAY = timedelta(days=1)
AROUND = [(-1, "before"), (0, "of"), (1, "after")]


# --- notice periods (003 联合奖惩 §（六）) in working days ---------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "end"),
    [
        (date(2026, 6, 15), 7, date(2026, 6, 25)),  # red notice over 端午 (06-19 not counted)
        (date(2026, 9, 28), 5, date(2026, 10, 10)),  # black notice over 国庆, ending on a Saturday
        (date(2026, 2, 13), 1, date(2026, 2, 14)),  # Saturday 02-14 is worked for 春节
        (date(2026, 9, 30), 1, date(2026, 10, 8)),
        (date(2026, 6, 20), 1, date(2026, 6, 22)),  # from a holiday: the next working day
    ],
)
def test_a_notice_period_counts_working_days_only(start: date, days: int, end: date) -> None:
    assert rules.notice_end(CALENDAR, start, days) == end


@pytest.mark.parametrize(("offset", "when"), AROUND)
def test_an_entry_in_notice_is_confirmed_only_after_its_last_day(offset: int, when: str) -> None:
    ends = rules.notice_end(CALENDAR, date(2026, 6, 15), spec(RED).notice_days)
    e = entry(RED, state=EntryState.notice, notice_ends_on=ends)
    today = ends + offset * DAY
    if when == "after":
        rules.require_confirmable(e, [], today)
    else:
        with pytest.raises(Conflict) as refused:
            rules.require_confirmable(e, [], today)
        assert refused.value.code == "notice_period_running"
        assert refused.value.detail == {"notice_ends_on": "2026-06-25"}


def test_a_notice_into_a_year_the_calendar_does_not_know_is_refused() -> None:
    with pytest.raises(UnknownCalendarYear) as refused:
        rules.notice_end(CALENDAR, date(2026, 12, 28), spec(BLACK).notice_days)
    assert refused.value.year == 2027


# --- the identifying department's verification of an objection (Measures art. 32) -------------


@pytest.mark.parametrize(("offset", "when"), AROUND)
def test_an_objection_in_a_notice_is_overdue_after_ten_working_days(offset: int, when: str) -> None:
    # Filed Thursday 09-24: 中秋 and 国庆 pass uncounted, Saturday 10-10 counts.
    verify_by = rules.objection_verify_by(CALENDAR, date(2026, 9, 24))
    assert verify_by == date(2026, 10, 15)
    task = Task(due_on=verify_by, closed_at=None)
    assert is_overdue(task, verify_by + offset * DAY) is (when == "after")


def test_a_closed_task_is_never_overdue() -> None:
    task = Task(due_on=date(2026, 6, 1), closed_at=datetime(2026, 6, 30, 9))
    assert not is_overdue(task, date(2026, 7, 1))


# --- rectification (002 §（九）) and interviews -------------------------------------------------


@pytest.mark.parametrize(
    ("confirmed_on", "rectify_by"),
    [
        (date(2026, 8, 31), date(2026, 9, 30)),  # a working day: kept
        (date(2026, 9, 3), date(2026, 10, 8)),  # 10-03 in 国庆: the next working day
        (date(2026, 9, 10), date(2026, 10, 10)),  # Saturday 10-10 worked in lieu: kept
        (date(2026, 5, 22), date(2026, 6, 22)),  # Sunday 06-21 in 端午: Monday
    ],
)
def test_a_rectification_deadline_ending_off_work_moves_to_the_next_working_day(
    confirmed_on: date, rectify_by: date
) -> None:
    """民法典 第二百零三条: a period whose last day is a statutory rest day ends the day after."""
    assert rules.rectify_by(CALENDAR, spec(WATCH), confirmed_on) == rectify_by


def test_a_red_list_orders_no_rectification() -> None:
    assert rules.rectify_by(CALENDAR, spec(RED), date(2026, 6, 15)) is None


@pytest.mark.parametrize(("offset", "when"), AROUND)
def test_an_interview_is_held_only_after_the_rectification_deadline(offset: int, when: str) -> None:
    deadline = rules.rectify_by(CALENDAR, spec(BLACK), date(2026, 9, 3))
    assert deadline == date(2026, 10, 8)
    e = entry(BLACK, state=EntryState.listed, rectify_by=deadline)
    today = deadline + offset * DAY
    if when == "after":
        assert rules.require_interview_due(e, today) == deadline
    else:
        with pytest.raises(Conflict) as refused:
            rules.require_interview_due(e, today)
        assert refused.value.code == "rectification_not_overdue"


# --- the period of a listing (Measures art. 30) -------------------------------------------------


@pytest.mark.parametrize(("offset", "when"), AROUND)
def test_an_entry_counts_until_the_day_before_listed_until(offset: int, when: str) -> None:
    until = date(2026, 10, 1)
    e = entry(BLACK, state=EntryState.listed, listed_until=until)
    assert rules.is_in_force(e, until + offset * DAY) is (when == "before")


def test_an_entry_without_an_end_stays_in_force_and_only_a_listed_one() -> None:
    assert rules.is_in_force(entry(BLACK, state=EntryState.listed), date(2099, 1, 1))
    for state in (EntryState.notice, EntryState.candidate, EntryState.exited):
        assert not rules.is_in_force(entry(BLACK, state=state), date(2026, 6, 15))


@pytest.mark.parametrize(("offset", "when"), AROUND)
def test_a_basis_record_holds_until_the_day_before_it_expires(offset: int, when: str) -> None:
    expires = date(2026, 10, 1)
    problem = rules.basis_problem(record(expires_on=expires), spec(RED), expires + offset * DAY)
    assert (problem is None) is (when == "before")


def test_a_listing_ends_with_the_list_the_decision_or_the_basis_first() -> None:
    confirmed = date(2026, 6, 26)
    black = spec(BLACK)  # 3 years
    assert rules.listed_until(black, confirmed, [record()], None) == date(2029, 6, 26)
    basis = [record(expires_on=date(2027, 3, 1)), record(expires_on=date(2028, 3, 1))]
    assert rules.listed_until(black, confirmed, basis, None) == date(2028, 3, 1)
    assert rules.listed_until(black, confirmed, basis, date(2027, 1, 1)) == date(2027, 1, 1)
    assert rules.listed_until(black, date(2028, 2, 29), [record()], None) == date(2031, 2, 28)


@pytest.mark.parametrize(("offset", "when"), AROUND)
def test_a_shorter_period_set_by_the_decision_must_lie_ahead(offset: int, when: str) -> None:
    today = date(2026, 6, 15)
    if when == "after":
        rules.require_listed_until_ahead(today + offset * DAY, today)
    else:
        with pytest.raises(InvalidRequest) as refused:
            rules.require_listed_until_ahead(today + offset * DAY, today)
        assert (refused.value.code, refused.value.field) == ("invalid_date", "listed_until")
    rules.require_listed_until_ahead(None, today)


@pytest.mark.parametrize(("kind", "code"), [(ListKind.black, BLACK), (ListKind.red, RED)])
def test_a_subject_leaving_a_black_list_is_monitored_for_the_lists_period(
    kind: ListKind, code: str
) -> None:
    """003 联合奖惩 §（十七）: 退出黑名单主体仍应作为信用重点监测对象 — 365 calendar days."""
    until = rules.monitoring_until(kind, spec(code), date(2026, 6, 15))
    assert until == (date(2027, 6, 15) if kind == ListKind.black else None)


# --- the counting itself ------------------------------------------------------------------------

# Starts whose periods stay within the years chinesecalendar knows (2004–2026).
starts = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 10, 31))


@given(start=starts, days=st.integers(min_value=1, max_value=40))
def test_a_notice_ends_on_the_nth_working_day_after_its_start(start: date, days: int) -> None:
    end = rules.notice_end(CALENDAR, start, days)
    assert end > start and CALENDAR.is_working_day(end)
    assert CALENDAR.working_days_between(start, end) == days
    # The n-th, not a later one: the day before it leaves one working day to go.
    assert CALENDAR.working_days_between(start, end - DAY) == days - 1
    assert rules.notice_end(CALENDAR, start, days + 1) > end


@given(start=starts, days=st.integers(min_value=1, max_value=60))
def test_a_deadline_ends_on_the_first_working_day_from_its_calendar_end(
    start: date, days: int
) -> None:
    plain = rules.period_end(start, days)
    assert (plain - start).days == days
    end = rules.deadline_end(CALENDAR, start, days)
    assert end >= plain and CALENDAR.is_working_day(end)
    assert not any(CALENDAR.is_working_day(plain + i * DAY) for i in range((end - plain).days))


@given(start=starts)
def test_the_objection_period_is_the_notice_count_of_ten(start: date) -> None:
    assert rules.objection_verify_by(CALENDAR, start) == rules.notice_end(CALENDAR, start, 10)
