"""The rules of credit repair (repairs/rules.py, Measures art. 34–35) without a database: what
may be repaired, the three conditions of art. 34 and the year of art. 34(二), the evidence the
ways need, every step allowed and refused in every state and to every role, who may appeal, and
each period the day before, of and after it — across National Day 2026 (10-01 … 10-07 off,
Saturday 10-10 worked) and the Spring Festival 2026 (02-15 … 02-23 off, Saturdays 02-14 and
02-28 worked)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fixtures.transitions import allowed_steps, leads_to, takers
from xinyong.core.auth import Principal
from xinyong.core.calendar import Calendar, builtin_years
from xinyong.models import (
    Category,
    EntryState,
    ExitReason,
    ListEntry,
    ListKind,
    Record,
    RepairState,
    Role,
    Standing,
)
from xinyong.records.rules import add_years
from xinyong.repairs import rules
from xinyong.repairs.schemas import WAYS, RepairIn, TargetIn
from xinyong.rights.evidence import lacks_authorisation

CALENDAR = Calendar(builtin_years().values())
ONE = timedelta(days=1)
TODAY = date(2026, 10, 8)
days_2024_2026 = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 11, 30))


def record(
    record_id: int = 1,
    *,
    category: Category = Category.negative,
    standing: Standing = Standing.active,
    expires_on: date | None = None,
    determined_on: date | None = date(2026, 3, 2),
    item: str = "tax_arrears",
) -> Record:
    return Record(
        subject_id=9,
        id=record_id,
        provider_id=3,
        item_code=item,
        category=category,
        standing=standing,
        expires_on=expires_on,
        determined_on=determined_on,
    )


def entry(
    state: EntryState = EntryState.listed,
    *,
    kind: ListKind = ListKind.black,
    until: date | None = None,
    exit_reason: ExitReason | None = None,
    basis: tuple[str, ...] = ("1",),
) -> ListEntry:
    return ListEntry(
        subject_id=9,
        id=50,
        department_id=4,
        kind=kind,
        state=state,
        listed_until=until,
        exit_reason=exit_reason,
        basis_records=list(basis),
    )


def application(**change: Any) -> RepairIn:
    body = {
        "target": TargetIn(record="1"),
        "ways": ["commitment", "rectification"],
        "corrected_on": date(2026, 5, 20),
        "correction": "补缴税款及滞纳金",
        "commitment": "承诺不再失信",
        "credit_management": "设立信用管理岗位",
    }
    return RepairIn.model_validate({**body, **change})


FILES = [(11, "evidence"), (12, "rectification")]


# --- periods (art. 35) --------------------------------------------------------------------------


def test_the_periods_of_art_35_count_working_days_over_national_day() -> None:
    # Opinion given on Wednesday 09-30: 10-08, 10-09, 10-10 (Saturday, worked), 10-12, 10-13.
    ends = rules.notice_ends_on(CALENDAR, date(2026, 9, 30))
    assert ends == date(2026, 10, 13)
    assert rules.opinion_due_on(CALENDAR, date(2026, 9, 30), 10) == date(2026, 10, 20)
    assert rules.objection_due_on(CALENDAR, date(2026, 9, 30), 5) == date(2026, 10, 13)
    # The day before and of its last day the notice takes objections; the day after it is over.
    assert not rules.notice_over(ends, ends - ONE)
    assert not rules.notice_over(ends, ends)
    assert rules.notice_over(ends, ends + ONE)
    # A repair never noticed has no notice to be over.
    assert not rules.notice_over(None, ends + ONE)


def test_the_notice_steps_over_the_spring_festival_and_its_working_saturdays() -> None:
    # Opinion on Friday 02-13: 02-14 (Saturday, worked), 02-24, 02-25, 02-26, 02-27.
    assert rules.notice_ends_on(CALENDAR, date(2026, 2, 13)) == date(2026, 2, 27)
    # The day before and after: the count moves with the working days, not the calendar days.
    assert rules.notice_ends_on(CALENDAR, date(2026, 2, 12)) == date(2026, 2, 26)
    assert rules.notice_ends_on(CALENDAR, date(2026, 2, 14)) == date(2026, 2, 28)


@given(opinion_on=days_2024_2026, days=st.integers(min_value=1, max_value=20))
def test_each_period_ends_on_a_working_day_after_exactly_its_working_days(
    opinion_on: date, days: int
) -> None:
    ends = rules.notice_ends_on(CALENDAR, opinion_on)
    assert CALENDAR.is_working_day(ends)
    assert CALENDAR.working_days_between(opinion_on, ends) == 5
    for due_on in (rules.opinion_due_on, rules.objection_due_on):
        due = due_on(CALENDAR, opinion_on, days)
        assert CALENDAR.is_working_day(due)
        assert CALENDAR.working_days_between(opinion_on, due) == days
        assert CALENDAR.working_days_between(opinion_on, due - ONE) == days - 1


# --- what may be repaired (art. 30, 34) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        (record(), None),
        (record(category=Category.positive), "not_negative"),
        (record(category=Category.basic), "not_negative"),
        (record(standing=Standing.repaired), "already_repaired"),
        (record(standing=Standing.revoked), "revoked"),
        (record(standing=Standing.corrected), "corrected"),
        (record(standing=Standing.expired), "expired"),
        # Validity counts at once, before the daily job: the day before, of and after expiry.
        (record(expires_on=TODAY + ONE), None),
        (record(expires_on=TODAY), "expired"),
        (record(expires_on=TODAY - ONE), "expired"),
    ],
)
def test_which_records_may_be_repaired(target: Record, reason: str | None) -> None:
    assert rules.not_repairable(rules.record_target(target), TODAY) == reason


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        (entry(), None),
        (entry(kind=ListKind.watch), None),
        (entry(kind=ListKind.red), "not_negative"),
        (entry(until=TODAY + ONE), None),
        (entry(until=TODAY), "expired"),
        (entry(until=TODAY - ONE), "expired"),
        (entry(EntryState.exited, exit_reason=ExitReason.repair), "already_repaired"),
        (entry(EntryState.exited, exit_reason=ExitReason.revocation), "revoked"),
        (entry(EntryState.exited, exit_reason=ExitReason.expiry), "expired"),
        (entry(EntryState.notice), "not_listed"),
        (entry(EntryState.candidate), "not_listed"),
        (entry(EntryState.withdrawn), "not_listed"),
    ],
)
def test_which_list_entries_may_be_repaired(target: ListEntry, reason: str | None) -> None:
    assert rules.not_repairable(rules.entry_target(target, []), TODAY) == reason


def test_an_entry_stands_for_its_basis_records() -> None:
    basis = [
        record(1, determined_on=date(2026, 1, 5), item="tax_arrears"),
        record(2, determined_on=date(2026, 3, 2), item="court_judgment"),
    ]
    target = rules.entry_target(entry(basis=("1", "2", "3")), basis)
    assert (target.department_id, target.items) == (4, ["court_judgment", "tax_arrears"])
    # A basis record not stored is still the failure itself, never its repetition.
    assert target.failure_records == {1, 2, 3}
    assert target.determined_on == date(2026, 3, 2)
    assert rules.entry_target(entry(basis=()), []).determined_on is None


# --- the year of art. 34(二) --------------------------------------------------------------------


@given(corrected_on=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_the_year_counts_from_the_day_after_the_correction_to_the_same_date(
    corrected_on: date,
) -> None:
    after, upto = rules.repeat_window(corrected_on)
    assert after == corrected_on
    assert upto == add_years(corrected_on, 1)
    assert 365 <= (upto - after).days <= 366


def test_the_year_from_a_leap_day_ends_on_the_last_day_of_february() -> None:
    assert rules.repeat_window(date(2024, 2, 29)) == (date(2024, 2, 29), date(2025, 2, 28))


def test_the_failure_itself_is_never_its_repetition() -> None:
    target = rules.record_target(record(1))
    found = rules.repeats(target, [record(1), record(2), record(3)])
    assert [r.id for r in found] == [2, 3]


# --- the three conditions (art. 34) -------------------------------------------------------------


def met(conditions: list[dict]) -> dict[str, bool]:
    return {c["condition"]: c["met"] for c in conditions}


def assess(
    body: RepairIn,
    files: list[tuple[int, str]] = FILES,
    found: tuple[Record, ...] = (),
    today: date = TODAY,
) -> list[dict]:
    target = rules.record_target(record())
    return rules.conditions(target, body, list(files), list(found), today)


def test_an_application_meeting_every_condition_says_why() -> None:
    conditions = assess(application())
    assert met(conditions) == {"corrected": True, "no_repeat_within_year": True, "commitment": True}
    assert rules.Assessment(rules.record_target(record()), FILES, conditions).eligible
    assert "2026-05-20" in conditions[0]["reason"] and "2 份" in conditions[0]["reason"]
    # While the year runs, no repetition is known up to today.
    assert f"至 {TODAY}" in conditions[1]["reason"]


def test_the_correction_is_dated_between_the_failure_and_today() -> None:
    # The day before, of and after today; then of the failure's determination (2026-03-02).
    for corrected_on, ok in (
        (TODAY - ONE, True),
        (TODAY, True),
        (TODAY + ONE, False),
        (date(2026, 3, 1), False),
        (date(2026, 3, 2), True),
        (date(2026, 3, 3), True),
    ):
        conditions = assess(application(corrected_on=corrected_on))
        assert met(conditions)["corrected"] is ok, corrected_on


@pytest.mark.parametrize(
    ("change", "files"),
    [
        ({"correction": "  "}, FILES),
        ({}, []),
        # An agent's letter of authorisation shows nothing of the correction.
        ({}, [(13, "authorisation")]),
    ],
)
def test_the_correction_needs_an_account_and_evidence(
    change: dict[str, str], files: list[tuple[int, str]]
) -> None:
    conditions = assess(application(**change), files=files)
    assert met(conditions)["corrected"] is False
    assert not rules.Assessment(rules.record_target(record()), files, conditions).eligible


def test_a_repetition_within_the_year_is_named() -> None:
    repeat = record(7, determined_on=date(2026, 7, 1))
    conditions = assess(application(), found=(repeat,))
    assert met(conditions)["no_repeat_within_year"] is False
    assert conditions[1]["records"] == ["7"]


def test_after_the_year_the_window_ends_a_year_after_the_correction() -> None:
    conditions = assess(application(corrected_on=date(2025, 5, 20)), today=date(2026, 10, 8))
    assert "至 2026-05-20" in conditions[1]["reason"]


@pytest.mark.parametrize(
    "change",
    [
        {"commitment": ""},
        {"credit_management": " "},
        {"ways": ["rectification"]},
    ],
)
def test_the_commitment_needs_its_text_a_credit_management_system_and_the_way(
    change: dict[str, Any],
) -> None:
    assert met(assess(application(**change)))["commitment"] is False


def test_each_way_but_the_commitment_needs_a_file_of_its_kind() -> None:
    assert rules.missing_way_evidence(WAYS, set(WAYS)) == []
    assert rules.missing_way_evidence(["commitment"], set()) == []
    assert rules.missing_way_evidence(["commitment", "training", "credit_check"], {"training"}) == [
        "credit_check"
    ]


def test_an_agent_needs_the_letter_of_authorisation() -> None:
    assert lacks_authorisation("张三", {"evidence"})
    assert not lacks_authorisation("张三", {"evidence", "authorisation"})
    assert not lacks_authorisation(None, set())


# --- the steps and who takes them (art. 33–35) --------------------------------------------------

ALLOWED = {
    ("opinion", RepairState.opinion),
    ("object", RepairState.notice),
    ("decide_objection", RepairState.notice),
    ("take_effect", RepairState.notice),
    ("appeal_upheld", RepairState.refused),
}
TAKERS = {
    "apply": {Role.subject, Role.authority},
    "opinion": {Role.provider},
    "object": {Role.subject, Role.provider, Role.user_department, Role.authority},
    "decide_objection": {Role.provider},
    "take_effect": set(),  # the daily job only
    "appeal_upheld": {Role.authority},
}


def test_every_step_is_allowed_in_its_states_and_refused_in_all_others() -> None:
    assert allowed_steps(rules.TRANSITIONS, RepairState) == ALLOWED


def test_every_step_is_taken_by_its_roles_and_refused_to_all_others() -> None:
    assert takers(rules.TRANSITIONS) == TAKERS


def test_each_step_leads_where_the_workflow_says() -> None:
    assert leads_to(rules.TRANSITIONS) == {
        "apply": {RepairState.opinion},
        "opinion": {RepairState.notice, RepairState.refused},
        "object": {RepairState.notice},
        "decide_objection": {RepairState.refused, RepairState.notice, RepairState.effective},
        "take_effect": {RepairState.effective, RepairState.refused},
        "appeal_upheld": {RepairState.notice},
    }
    assert set(rules.OPEN_STATES) == {RepairState.opinion, RepairState.notice}


def test_only_the_department_that_gave_the_information_gives_the_opinion() -> None:
    assert rules.is_opinion_department(Principal(Role.provider, department_id=4), 4)
    assert not rules.is_opinion_department(Principal(Role.provider, department_id=5), 4)
    assert not rules.is_opinion_department(Principal(Role.authority, department_id=4), 4)
    assert not rules.is_opinion_department(Principal(Role.subject, subject_id=4), 4)


@pytest.mark.parametrize(
    ("state", "closed", "refusals", "appealable"),
    [
        (RepairState.refused, True, [{"appealable": True}], True),
        (RepairState.refused, True, [{}], True),
        # Ended because its target went away first: nothing to decide.
        (RepairState.refused, True, [{"appealable": False}], False),
        # Refused again after an upheld appeal: the last refusal counts.
        (RepairState.refused, True, [{"appealable": False}, {"appealable": True}], True),
        (RepairState.refused, True, [], False),
        (RepairState.refused, False, [{"appealable": True}], False),
        (RepairState.opinion, False, [], False),
        (RepairState.notice, False, [], False),
        (RepairState.effective, True, [], False),
    ],
)
def test_which_repairs_may_be_appealed(
    state: RepairState, closed: bool, refusals: list[dict[str, Any]], appealable: bool
) -> None:
    assert rules.is_appealable(state, closed, refusals) is appealable
