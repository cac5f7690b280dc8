"""The rules of objections and appeals (objections/rules.py, Measures art. 30–33) without a
database: what an objection may target, every step allowed and refused in every state and to
every role, and each deadline the day before, of and after it — across National Day 2026
(10-01 … 10-07 off, Saturday 10-10 worked) and 端午节 2026 (06-19 off), where counting working
days rather than days matters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fixtures.transitions import allowed_steps, leads_to, takers
from xinyong.core.auth import Principal
from xinyong.core.calendar import Calendar, builtin_years
from xinyong.models import (
    AppealState,
    EntryState,
    ExitReason,
    ListEntry,
    ListKind,
    ObjectionGround,
    ObjectionOutcome,
    ObjectionState,
    Role,
    Standing,
)
from xinyong.objections import rules
from xinyong.rights.deadlines import is_over
from xinyong.subjects.rules import effective_standing

CALENDAR = Calendar(builtin_years().values())
ONE = timedelta(days=1)
FILED_ON = date(2026, 9, 28)  # a Monday, three working days before National Day
# 09-29, 09-30, 10-08, 10-09, 10-10 (Saturday, worked), 10-12 … 10-16.
REVIEW_DUE = date(2026, 10, 16)
VERIFY_DUE = date(2026, 10, 10)
CORRECT_DUE = date(2026, 10, 8)
# Rejected on Monday 2026-06-15; 15 working days step over 端午节 (Friday 06-19).
REJECTED_ON = date(2026, 6, 15)
APPEAL_BY = date(2026, 7, 7)
# Days of 2026 from which every period of these rules stays within the years the calendar knows.
days_2024_2026 = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 11, 30))


def around(day: date) -> list[tuple[date, bool]]:
    """The day before, of and after ``day``, and whether a period ending on it is over then."""
    return [(day - ONE, False), (day, False), (day + ONE, True)]


# --- deadlines ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due_on", "expected"),
    [
        (rules.review_due_on, REVIEW_DUE),
        (rules.verify_due_on, VERIFY_DUE),
        (rules.correction_due_on, CORRECT_DUE),
    ],
)
def test_the_periods_of_art_32_count_working_days_over_national_day(
    due_on: Callable[[Calendar, date], date], expected: date
) -> None:
    due = due_on(CALENDAR, FILED_ON)
    assert due == expected
    for day, over in around(due):
        assert is_over(due, day) is over, day


def test_a_period_opened_on_a_holiday_counts_from_the_next_working_day() -> None:
    # Filed on 10-01 (a holiday): 10-08, 10-09, 10-10, 10-12 … 10-16, 10-19, 10-20.
    assert rules.review_due_on(CALENDAR, date(2026, 10, 1)) == date(2026, 10, 20)
    # Filed the day before and the day after FILED_ON: the holiday is in every count.
    assert rules.review_due_on(CALENDAR, FILED_ON - ONE) == date(2026, 10, 15)
    assert rules.review_due_on(CALENDAR, FILED_ON + ONE) == date(2026, 10, 19)


def test_the_appeal_period_steps_over_the_dragon_boat_festival() -> None:
    deadline = rules.appeal_deadline(CALENDAR, REJECTED_ON, 15)
    assert deadline == APPEAL_BY
    for day, over in around(deadline):
        assert is_over(deadline, day) is over, day
    # The appeal's own review: 10 working days from filing, 06-19 not among them.
    assert rules.appeal_due_on(CALENDAR, REJECTED_ON, 10) == date(2026, 6, 30)


@given(filed_on=days_2024_2026)
def test_each_period_ends_on_a_working_day_after_exactly_its_working_days(filed_on: date) -> None:
    for due_on, days in (
        (rules.review_due_on, 10),
        (rules.verify_due_on, 5),
        (rules.correction_due_on, 3),
    ):
        due = due_on(CALENDAR, filed_on)
        assert due > filed_on
        assert CALENDAR.is_working_day(due)
        assert CALENDAR.working_days_between(filed_on, due) == days
        # The day before the last day is one working day short (or a rest day before it).
        assert CALENDAR.working_days_between(filed_on, due - ONE) == days - 1


@given(a=days_2024_2026, b=days_2024_2026, days=st.integers(min_value=1, max_value=20))
def test_a_later_decision_never_has_an_earlier_appeal_deadline(a: date, b: date, days: int) -> None:
    first, second = sorted((a, b))
    assert rules.appeal_deadline(CALENDAR, first, days) <= rules.appeal_deadline(
        CALENDAR, second, days
    )


# --- what an objection may target (art. 30, 31) -------------------------------------------------


@pytest.mark.parametrize("ground", list(ObjectionGround))
@pytest.mark.parametrize("standing", list(Standing))
def test_which_records_an_objection_may_target(standing: Standing, ground: ObjectionGround) -> None:
    refusal = rules.record_refusal(standing, ground)
    # Excluded by 容错纠错 (003 政务诚信 §二（三）), a record left the archive's use too.
    if standing in (Standing.corrected, Standing.revoked, Standing.repaired, Standing.excluded):
        assert refusal == "target_not_active"
    elif standing is Standing.expired and ground is not ObjectionGround.past_validity:
        assert refusal == "target_expired"
    else:
        assert refusal is None


def test_a_record_may_be_objected_to_on_any_ground_until_the_day_it_expires() -> None:
    expires_on = date(2026, 10, 8)
    for day, expired in ((expires_on - ONE, False), (expires_on, True), (expires_on + ONE, True)):
        standing = effective_standing(Standing.active, expires_on, day)
        assert rules.record_refusal(standing, ObjectionGround.wrong_or_incomplete) == (
            "target_expired" if expired else None
        ), day
        assert rules.record_refusal(standing, ObjectionGround.past_validity) is None


def entry(
    state: EntryState, *, until: date | None = None, exit_reason: ExitReason | None = None
) -> ListEntry:
    return ListEntry(kind=ListKind.black, state=state, listed_until=until, exit_reason=exit_reason)


TODAY = date(2026, 10, 8)


@pytest.mark.parametrize(
    ("target", "wrong", "past_validity"),
    [
        (entry(EntryState.listed), None, None),
        (entry(EntryState.listed, until=TODAY + ONE), None, None),
        (entry(EntryState.listed, until=TODAY), "target_expired", None),
        (entry(EntryState.listed, until=TODAY - ONE), "target_expired", None),
        (entry(EntryState.notice), None, None),
        (entry(EntryState.candidate), None, None),
        (entry(EntryState.withdrawn), "target_not_active", "target_not_active"),
        (entry(EntryState.exited, exit_reason=ExitReason.expiry), "target_expired", None),
        (
            entry(EntryState.exited, exit_reason=ExitReason.repair),
            "target_not_active",
            "target_not_active",
        ),
        (
            entry(EntryState.exited, exit_reason=ExitReason.revocation),
            "target_not_active",
            "target_not_active",
        ),
        (
            entry(EntryState.exited, exit_reason=ExitReason.black_listed),
            "target_not_active",
            "target_not_active",
        ),
    ],
)
def test_which_list_entries_an_objection_may_target(
    target: ListEntry, wrong: rules.Refusal | None, past_validity: rules.Refusal | None
) -> None:
    assert rules.entry_refusal(target, ObjectionGround.wrong_or_incomplete, TODAY) == wrong
    assert rules.entry_refusal(target, ObjectionGround.forbidden_data, TODAY) == wrong
    assert rules.entry_refusal(target, ObjectionGround.past_validity, TODAY) == past_validity


# --- the steps and who takes them (art. 31–33) --------------------------------------------------

ALLOWED = {
    ("refer", ObjectionState.review),
    ("verify", ObjectionState.verification),
    ("decide", ObjectionState.review),
    ("correct", ObjectionState.correction),
    ("reopen", ObjectionState.closed),
}
TAKERS = {
    "file": {Role.subject, Role.authority},
    "refer": {Role.authority},
    "verify": {Role.provider},
    "decide": {Role.authority},
    "correct": {Role.authority},
    "reopen": {Role.authority},
}


def test_every_step_is_allowed_in_its_states_and_refused_in_all_others() -> None:
    assert allowed_steps(rules.TRANSITIONS, ObjectionState) == ALLOWED


def test_every_step_is_taken_by_its_roles_and_refused_to_all_others() -> None:
    assert takers(rules.TRANSITIONS) == TAKERS


def test_each_step_leads_where_the_workflow_says() -> None:
    to = leads_to(rules.TRANSITIONS)
    assert to == {
        "file": {ObjectionState.review},
        "refer": {ObjectionState.verification},
        "verify": {ObjectionState.review},
        "decide": {ObjectionState.closed, ObjectionState.correction},
        "correct": {ObjectionState.closed},
        "reopen": {ObjectionState.correction},
    }
    assert rules.state_after_decision(ObjectionOutcome.upheld) is ObjectionState.correction
    assert rules.state_after_decision(ObjectionOutcome.rejected) is ObjectionState.closed


def test_only_the_verifying_department_verifies() -> None:
    provider = Principal(Role.provider, department_id=7)
    assert rules.may_verify(provider, 7)
    assert not rules.may_verify(provider, 8)
    assert not rules.may_verify(Principal(Role.authority, department_id=7), 7)
    assert not rules.may_verify(Principal(Role.user_department, department_id=7), 7)
    assert not rules.may_verify(Principal(Role.subject, subject_id=7), 7)


# --- appeals (art. 33) --------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", [*ObjectionOutcome, None])
@pytest.mark.parametrize("state", list(ObjectionState))
def test_only_a_rejected_objection_is_appealable(
    state: ObjectionState, outcome: ObjectionOutcome | None
) -> None:
    expected = state is ObjectionState.closed and outcome is ObjectionOutcome.rejected
    assert rules.objection_appealable(state, outcome) is expected


def test_an_appeal_is_decided_once_by_the_authority_and_not_by_who_decided_first() -> None:
    assert allowed_steps(rules.APPEAL_TRANSITIONS, AppealState) == {("decide", AppealState.review)}
    assert takers(rules.APPEAL_TRANSITIONS) == {
        "file": {Role.subject, Role.authority},
        "decide": {Role.authority},
    }
    assert not rules.may_decide_appeal("authority:A#t1", "authority:A#t1")
    assert rules.may_decide_appeal("authority:A#t1", "authority:A#t2")
    assert rules.may_decide_appeal(None, "authority:A#t2")
