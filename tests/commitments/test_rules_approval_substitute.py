"""The rules of 告知承诺 after the grant and of commitments in the archive, without a database:
the verification's and the revocation's last days by the official calendar (over 端午 and 国庆
2026, and a year the calendar does not know), which determinations call for a revocation and
when one may be recorded, who records it, and what an archive's reader sees."""

from __future__ import annotations

from datetime import date

import pytest

from xinyong.commitments import rules
from xinyong.commitments.schemas import Verification
from xinyong.core.auth import Principal
from xinyong.core.calendar import Calendar, UnknownCalendarYear, builtin_years
from xinyong.models import CommitmentState, Role, Task
from xinyong.tasks.rules import is_overdue

CAL = Calendar(builtin_years().values())
S = CommitmentState
TWENTY = Verification(method="材料核查和现场检查", days=20, day_kind="working")
SIXTY_DAYS = Verification(method="书面核查和实地核查", days=60, day_kind="calendar")


class TestVerificationDeadline:
    def test_twenty_working_days_over_the_dragon_boat_festival(self) -> None:
        assert rules.verification_due_on(CAL, date(2026, 6, 15), TWENTY) == date(2026, 7, 14)

    def test_over_mid_autumn_and_a_working_sunday_to_the_eve_of_national_day(self) -> None:
        assert rules.verification_due_on(CAL, date(2026, 9, 2), TWENTY) == date(2026, 9, 30)

    def test_calendar_days_ending_in_national_day_end_after_it(self) -> None:
        # 2026-08-07 + 60 days = 6 Oct, inside 国庆: the period ends on Thursday 8 Oct.
        assert rules.verification_due_on(CAL, date(2026, 8, 7), SIXTY_DAYS) == date(2026, 10, 8)

    @pytest.mark.parametrize(
        ("today", "overdue"),
        [
            (date(2026, 9, 29), False),  # the day before
            (date(2026, 9, 30), False),  # the last day is still in the period
            (date(2026, 10, 1), True),  # the day after, a holiday: overdue all the same
        ],
    )
    def test_the_task_is_overdue_from_the_day_after(self, today: date, overdue: bool) -> None:
        due = rules.verification_due_on(CAL, date(2026, 9, 2), TWENTY)
        task = Task(due_on=due, closed_at=None)
        assert is_overdue(task, today) is overdue

    def test_a_year_the_calendar_does_not_know_is_refused(self) -> None:
        with pytest.raises(UnknownCalendarYear):
            rules.verification_due_on(CAL, date(2026, 12, 10), TWENTY)


class TestRevocation:
    @pytest.mark.parametrize(
        ("determined", "last_day"),
        [
            (date(2026, 6, 15), date(2026, 7, 14)),  # over 端午
            (date(2026, 9, 28), date(2026, 10, 30)),  # over 国庆, with the working 10 Oct
        ],
    )
    def test_twenty_working_days_from_the_determination(
        self, determined: date, last_day: date
    ) -> None:
        assert rules.REVOCATION_WORKING_DAYS == 20
        assert rules.revocation_due_on(CAL, determined) == last_day

    def test_a_year_the_calendar_does_not_know_is_refused(self) -> None:
        with pytest.raises(UnknownCalendarYear):
            rules.revocation_due_on(CAL, date(2026, 12, 10))

    def test_only_a_notice_commitment_found_false_or_not_kept_calls_for_it(self) -> None:
        assert rules.prompts_revocation("approval_substitute", "false")
        assert rules.prompts_revocation("approval_substitute", "breached")
        assert not rules.prompts_revocation("approval_substitute", "fulfilled")
        for other in ("missing_documents", "self_discipline", "voluntary", "repair"):
            assert not rules.prompts_revocation(other, "false"), other
            assert not rules.is_granted_on_commitment(other)
        assert rules.is_granted_on_commitment("approval_substitute")

    @pytest.mark.parametrize(
        ("kind", "state", "revoked", "refused"),
        [
            ("approval_substitute", S.false, False, None),
            ("approval_substitute", S.breached, False, None),
            ("approval_substitute", S.false, True, "already_revoked"),
            ("approval_substitute", S.pending, False, "no_revocation_due"),
            ("approval_substitute", S.fulfilled, False, "no_revocation_due"),
            ("approval_substitute", S.withdrawn, False, "no_revocation_due"),
            ("missing_documents", S.false, False, "no_revocation_due"),
        ],
    )
    def test_when_a_revocation_may_be_recorded(self, kind, state, revoked, refused) -> None:  # type: ignore[no-untyped-def]
        assert rules.revocation_refusal(kind, state, revoked=revoked) == refused

    def test_the_accepting_department_records_it(self) -> None:
        assert rules.may_revoke(Principal(role=Role.provider, department_id=7), department_id=7)
        assert rules.may_revoke(
            Principal(role=Role.user_department, department_id=7), department_id=7
        )
        assert not rules.may_revoke(Principal(role=Role.provider, department_id=8), department_id=7)
        assert not rules.may_revoke(Principal(role=Role.subject, subject_id=1), department_id=7)


class TestArchive:
    @pytest.mark.parametrize("state", [S.pending, S.fulfilled, S.breached, S.false])
    def test_published_accepted_and_not_withdrawn_is_public(self, state: CommitmentState) -> None:
        assert rules.is_public(True, state, accepted=True)
        assert not rules.is_public(False, state, accepted=True)
        assert rules.shown_in_archive(True, state, accepted=True, sees_own=False)
        assert not rules.shown_in_archive(False, state, accepted=True, sees_own=False)
        assert rules.shown_in_archive(False, state, accepted=True, sees_own=True)

    def test_not_yet_accepted_only_its_own_readers_see(self) -> None:
        # Until its department accepts it, the subject may still withdraw it.
        assert not rules.is_public(True, S.pending, accepted=False)
        assert not rules.shown_in_archive(True, S.pending, accepted=False, sees_own=False)
        assert rules.shown_in_archive(True, S.pending, accepted=False, sees_own=True)

    def test_withdrawn_is_shown_to_no_one(self) -> None:
        assert not rules.is_public(True, S.withdrawn, accepted=True)
        assert not rules.shown_in_archive(True, S.withdrawn, accepted=True, sees_own=True)

    def test_the_state_at_the_end_of_a_past_day(self) -> None:
        assert rules.state_on(S.fulfilled, True) is S.fulfilled
        assert rules.state_on(S.fulfilled, False) is S.pending
        assert rules.state_on(S.withdrawn, False) is S.pending
        assert rules.state_on(S.pending, False) is S.pending
