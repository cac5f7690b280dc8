"""The commitment rules without a database: deadlines by the official calendar (the day
before, of and after; over 国庆 2026), the standard text and its digest, which step may follow
which and who takes it, and the default item list."""

from __future__ import annotations

import hashlib
import re
from datetime import date

import pytest

from xinyong.commitments import rules
from xinyong.commitments.items import default_commitment_items
from xinyong.commitments.schemas import PLACEHOLDER, CommitmentItemSpec, Verification
from xinyong.core.auth import Principal
from xinyong.core.calendar import Calendar, builtin_years
from xinyong.models import CommitmentState, Role

CAL = Calendar(builtin_years().values())
S = CommitmentState


def working(days: int) -> Verification:
    return Verification(method="核查", days=days, day_kind="working")


def calendar_days(days: int) -> Verification:
    return Verification(method="核查", days=days, day_kind="calendar")


class TestDeadline:
    def test_working_days_skip_the_national_day_holiday(self) -> None:
        # 2026-09-28 (Mon): 29, 30 Sep, then 1–7 Oct are holidays; 8, 9 Oct and the adjusted
        # working Saturday 10 Oct.
        assert rules.due_on(CAL, date(2026, 9, 28), working(5)) == date(2026, 10, 10)
        assert rules.due_on(CAL, date(2026, 9, 28), working(2)) == date(2026, 9, 30)
        assert rules.due_on(CAL, date(2026, 9, 28), working(3)) == date(2026, 10, 8)

    def test_working_days_skip_the_dragon_boat_festival(self) -> None:
        # 2026-06-15 (Mon): 19 Jun is 端午; the 10th working day after is 30 Jun.
        assert rules.due_on(CAL, date(2026, 6, 15), working(10)) == date(2026, 6, 30)

    def test_calendar_days_ending_in_a_holiday_end_on_the_next_working_day(self) -> None:
        # 2026-09-26 + 7 days = 3 Oct, inside 国庆: the period ends on 8 Oct.
        assert rules.due_on(CAL, date(2026, 9, 26), calendar_days(7)) == date(2026, 10, 8)
        # Ending on a working day, it stays.
        assert rules.due_on(CAL, date(2026, 9, 1), calendar_days(7)) == date(2026, 9, 8)
        # Ending on a Sunday: the Monday.
        assert rules.due_on(CAL, date(2026, 9, 6), calendar_days(7)) == date(2026, 9, 14)

    def test_no_verification_no_deadline(self) -> None:
        assert rules.due_on(CAL, date(2026, 9, 28), None) is None

    def test_a_year_the_calendar_does_not_know_is_refused(self) -> None:
        from xinyong.core.calendar import UnknownCalendarYear

        with pytest.raises(UnknownCalendarYear):
            rules.due_on(CAL, date(2026, 12, 20), working(20))

    @pytest.mark.parametrize(
        ("today", "refused"),
        [
            (date(2026, 10, 9), "not_yet_due"),  # the day before
            (date(2026, 10, 10), "not_yet_due"),  # the last day is still in the period
            (date(2026, 10, 11), None),  # the day after
        ],
    )
    def test_a_breach_is_determined_only_after_the_last_day(self, today, refused) -> None:  # type: ignore[no-untyped-def]
        due = rules.due_on(CAL, date(2026, 9, 28), working(5))
        assert rules.refusal("breached", S.pending, accepted=True, due_on=due, today=today) == (
            refused
        )
        # Fulfilment and a false commitment do not wait for the deadline.
        for name in ("fulfilled", "false"):
            assert rules.refusal(name, S.pending, accepted=True, due_on=due, today=today) is None

    def test_without_deadline_a_breach_may_be_determined_any_day(self) -> None:
        assert (
            rules.refusal("breached", S.pending, accepted=True, due_on=None, today=date(2026, 1, 5))
            is None
        )


class TestTransitions:
    DAY = date(2026, 6, 15)

    @pytest.mark.parametrize("state", [S.fulfilled, S.breached, S.false, S.withdrawn])
    @pytest.mark.parametrize("name", ["accepted", "fulfilled", "breached", "false", "withdrawn"])
    def test_a_closed_commitment_takes_no_step(self, state, name) -> None:  # type: ignore[no-untyped-def]
        assert (
            rules.refusal(name, state, accepted=True, due_on=None, today=self.DAY)
            == "invalid_state"
        )

    def test_withdrawal_only_before_acceptance(self) -> None:
        kw = {"due_on": None, "today": self.DAY}
        assert rules.refusal("withdrawn", S.pending, accepted=False, **kw) is None
        assert rules.refusal("withdrawn", S.pending, accepted=True, **kw) == "already_accepted"

    def test_fulfilment_only_after_acceptance(self) -> None:
        kw = {"due_on": None, "today": self.DAY}
        for name in ("fulfilled", "breached", "false"):
            assert rules.refusal(name, S.pending, accepted=False, **kw) == "not_accepted"
        assert rules.refusal("accepted", S.pending, accepted=False, **kw) is None
        assert rules.refusal("accepted", S.pending, accepted=True, **kw) == "already_accepted"

    def test_who_takes_each_step(self) -> None:
        dept = Principal(role=Role.provider, department_id=7)
        other = Principal(role=Role.provider, department_id=8)
        user = Principal(role=Role.user_department, department_id=7)
        own = Principal(role=Role.subject, subject_id=1)
        stranger = Principal(role=Role.subject, subject_id=2)
        authority = Principal(role=Role.authority, department_id=9)
        ids = {"subject_id": 1, "department_id": 7}
        for name in ("accepted", "fulfilled", "breached", "false"):
            assert rules.may_take(name, dept, **ids)
            assert rules.may_take(name, user, **ids)
            assert not rules.may_take(name, other, **ids)
            assert not rules.may_take(name, own, **ids)
            assert not rules.may_take(name, authority, **ids)
        assert rules.may_take("withdrawn", own, **ids)
        assert not rules.may_take("withdrawn", stranger, **ids)
        assert not rules.may_take("withdrawn", dept, **ids)


class TestText:
    def test_render_fills_the_placeholders_and_leaves_no_other(self) -> None:
        out = rules.render(
            "{subject_name}承诺于{due_on}前{unknown}", {"subject_name": "甲", "due_on": "某日"}
        )
        assert out == "甲承诺于某日前{unknown}"

    def test_digest_is_the_sha256_of_the_utf8_text(self) -> None:
        text = "信用承诺书\n本主体郑重承诺"
        assert rules.digest(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()
        assert rules.digest(text + " ") != rules.digest(text)

    def test_breach_types(self) -> None:
        assert rules.breach_type("false", date(2026, 1, 1)) == "虚假承诺"
        assert rules.breach_type("breached", date(2026, 1, 1)) == "未在承诺期限内履行"
        assert rules.breach_type("breached", None) == "其他违反承诺情形"

    def test_an_unknown_placeholder_is_refused_at_publication(self) -> None:
        spec = default_commitment_items().items[0].model_dump()
        spec["template"] = "{subject_nam}"
        with pytest.raises(ValueError, match="unknown placeholders"):
            CommitmentItemSpec.model_validate(spec)

    def test_approval_and_missing_documents_items_need_a_deadline(self) -> None:
        spec = default_commitment_items().items[0].model_dump()
        spec["verification"] = None
        with pytest.raises(ValueError, match="verified by a deadline"):
            CommitmentItemSpec.model_validate(spec)


class TestDefaultList:
    ITEMS = default_commitment_items().items

    def test_about_fifteen_items_of_all_five_types(self) -> None:
        assert len(self.ITEMS) == 15
        assert {i.type for i in self.ITEMS} == {
            "approval_substitute",
            "missing_documents",
            "self_discipline",
            "voluntary",
            "repair",
        }

    def test_each_basis_names_documents_never_seed_tags(self) -> None:
        tag = re.compile(r"Measures art\.|\b00\d §|联合奖惩 §|_[0-9a-f]{16}")
        for item in self.ITEMS:
            assert "《" in item.legal_basis, item.code
            for text in (item.legal_basis, item.template, *item.obligations):
                assert not tag.search(text), (item.code, text)

    def test_each_text_renders_whole(self) -> None:
        values = dict.fromkeys(
            (
                "subject_name",
                "subject_code",
                "item_name",
                "procedure",
                "department_name",
                "reference",
                "signed_on",
                "due_on",
            ),
            "x",
        )
        for item in self.ITEMS:
            assert not PLACEHOLDER.search(rules.render(item.template, values)), item.code

    def test_applies_to_the_subject_kinds_it_names(self) -> None:
        orgs_only = next(i for i in self.ITEMS if i.code == "enterprise_registration_missing")
        assert rules.applies_to(orgs_only, "legal_person")
        assert not rules.applies_to(orgs_only, "natural_person")
