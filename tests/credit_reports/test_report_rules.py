"""credit_reports/rules.py without a database: who may have a report, the purpose, the size of
a list, the moment a report is as of, list entries in force at a moment (the moment before, of
and after each edge), numbers, the digest, masking, sections."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.core.auth import Principal
from xinyong.core.clock import SHANGHAI
from xinyong.credit_reports import rules
from xinyong.errors import Forbidden, InvalidRequest, PayloadTooLarge
from xinyong.models import (
    EntryState,
    ExitReason,
    ListEntry,
    ListKind,
    ReportBasis,
    Role,
    SubjectKind,
)

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI)
SUBJECT = Principal(role=Role.subject, subject_id=7)
DEPARTMENT = Principal(role=Role.user_department, department_id=3, department_kind="finance")
BANK = Principal(role=Role.user_department, department_id=4, department_kind="banking")
REGULATOR = Principal(role=Role.provider, department_id=5, department_kind="banking")
ORG, PERSON = SubjectKind.legal_person, SubjectKind.natural_person


class TestReportBasis:
    def test_a_subject_has_its_own(self) -> None:
        assert rules.report_basis(SUBJECT, 7, PERSON, live_grant=False) is ReportBasis.own

    def test_a_subject_has_no_others(self) -> None:
        with pytest.raises(Forbidden) as refused:
            rules.report_basis(SUBJECT, 8, ORG, live_grant=False)
        assert refused.value.code == "report_not_permitted"

    def test_a_department_reviews_an_organisation(self) -> None:
        assert rules.report_basis(DEPARTMENT, 8, ORG, live_grant=False) is ReportBasis.review

    def test_a_department_may_not_review_a_person(self) -> None:
        with pytest.raises(Forbidden):
            rules.report_basis(DEPARTMENT, 8, PERSON, live_grant=False)

    @pytest.mark.parametrize("kind", [ORG, PERSON])
    def test_a_live_grant_makes_it_authorised(self, kind: SubjectKind) -> None:
        assert rules.report_basis(DEPARTMENT, 8, kind, live_grant=True) is ReportBasis.authorised
        assert rules.report_basis(BANK, 8, kind, live_grant=True) is ReportBasis.authorised

    def test_a_bank_without_a_grant_has_none(self) -> None:
        with pytest.raises(Forbidden):
            rules.report_basis(BANK, 8, ORG, live_grant=False)

    def test_a_financial_regulator_pushing_records_reviews(self) -> None:
        # A provider of the banking sector is a regulator, not an institution.
        assert rules.report_basis(REGULATOR, 8, ORG, live_grant=False) is ReportBasis.review

    def test_the_public_has_none(self) -> None:
        with pytest.raises(Forbidden):
            rules.report_basis(Principal(role=Role.public), 8, ORG, live_grant=False)


class TestPurpose:
    def test_a_department_must_state_one(self) -> None:
        with pytest.raises(InvalidRequest) as refused:
            rules.require_purpose(ReportBasis.review, "  ")
        assert refused.value.code == "missing_purpose"

    def test_the_subjects_own_is_its_own_query(self) -> None:
        assert rules.require_purpose(ReportBasis.own, None) == "本人查询"

    def test_it_is_kept_to_200_characters(self) -> None:
        assert len(rules.require_purpose(ReportBasis.review, "x" * 300)) == 200


class TestBatchSize:
    @pytest.mark.parametrize("count", [1, 999, 1000])
    def test_up_to_a_thousand(self, count: int) -> None:
        rules.require_batch_size(count)

    def test_a_thousand_and_one_is_refused(self) -> None:
        with pytest.raises(PayloadTooLarge) as refused:
            rules.require_batch_size(1001)
        assert refused.value.code == "too_many_reports" and refused.value.status == 413

    def test_none_is_refused(self) -> None:
        with pytest.raises(InvalidRequest):
            rules.require_batch_size(0)


class TestAsOf:
    def test_no_day_is_the_moment_of_issue(self) -> None:
        assert rules.as_of_moment(None, NOW) == NOW

    def test_yesterday_is_its_end(self) -> None:
        end = datetime(2026, 6, 15, 0, 0, tzinfo=SHANGHAI)
        assert rules.as_of_moment(date(2026, 6, 14), NOW) == end

    def test_today_is_now_not_tonight(self) -> None:
        assert rules.as_of_moment(date(2026, 6, 15), NOW) == NOW

    def test_tomorrow_is_refused(self) -> None:
        with pytest.raises(InvalidRequest) as refused:
            rules.as_of_moment(date(2026, 6, 16), NOW)
        assert refused.value.code == "as_of_in_future"

    def test_the_last_day_there_is_is_refused_not_overflowed(self) -> None:
        with pytest.raises(InvalidRequest):
            rules.as_of_moment(date.max, NOW)


def _entry(**over: object) -> ListEntry:
    values: dict = {
        "subject_id": 1,
        "id": 1,
        "kind": ListKind.black,
        "state": EntryState.listed,
        "confirmed_at": datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI),
        "listed_until": date(2027, 3, 1),
        "exited_at": None,
        "exit_reason": None,
    }
    values.update(over)
    return ListEntry(**values)


class TestEntryInForceAt:
    confirmed = datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI)

    def test_the_moment_before_confirmation(self) -> None:
        assert not rules.entry_in_force_at(_entry(), self.confirmed - timedelta(seconds=1))

    def test_the_moment_of_confirmation(self) -> None:
        assert rules.entry_in_force_at(_entry(), self.confirmed)

    def test_the_last_day_of_its_period(self) -> None:
        at = datetime(2027, 2, 28, 23, 59, tzinfo=SHANGHAI)
        assert rules.entry_in_force_at(_entry(), at)

    def test_the_first_day_past_its_period(self) -> None:
        at = datetime(2027, 3, 1, 0, 0, tzinfo=SHANGHAI)
        assert not rules.entry_in_force_at(_entry(), at)

    def test_exited_later_counts_before_its_exit(self) -> None:
        exited = datetime(2026, 6, 1, 12, 0, tzinfo=SHANGHAI)
        entry = _entry(state=EntryState.exited, exited_at=exited, exit_reason=ExitReason.repair)
        assert rules.entry_in_force_at(entry, exited - timedelta(seconds=1))
        assert not rules.entry_in_force_at(entry, exited)
        assert not rules.entry_in_force_at(entry, exited + timedelta(days=1))

    def test_an_entry_revoked_as_an_error_never_counts(self) -> None:
        exited = datetime(2026, 6, 1, 12, 0, tzinfo=SHANGHAI)
        entry = _entry(state=EntryState.exited, exited_at=exited, exit_reason=ExitReason.revocation)
        assert not rules.entry_in_force_at(entry, exited - timedelta(days=30))

    @pytest.mark.parametrize(
        "state", [EntryState.notice, EntryState.candidate, EntryState.withdrawn]
    )
    def test_an_entry_never_listed_does_not_count(self, state: EntryState) -> None:
        assert not rules.entry_in_force_at(_entry(state=state, confirmed_at=None), NOW)


class TestNumbersAndDigests:
    def test_a_number_is_of_its_day_and_unguessable(self) -> None:
        numbers = {rules.new_number(date(2026, 6, 15)) for _ in range(200)}
        assert len(numbers) == 200
        assert all(rules.is_number(n) and n.startswith("XY-20260615-") for n in numbers)
        assert not rules.is_number("XY-20260615-IIII-LLLL-OOOO")  # letters left out

    @given(
        st.dictionaries(
            st.text(min_size=1, max_size=8),
            st.one_of(st.integers(), st.text(max_size=12), st.booleans(), st.none()),
            max_size=8,
        )
    )
    def test_the_digest_does_not_depend_on_key_order(self, content: dict) -> None:
        reversed_order = dict(reversed(list(content.items())))
        assert rules.digest(content) == rules.digest(reversed_order)

    @given(st.text(min_size=1, max_size=20), st.text(min_size=1, max_size=20))
    def test_different_content_has_a_different_digest(self, a: str, b: str) -> None:
        if a != b:
            assert rules.digest({"x": a}) != rules.digest({"x": b})


class TestMasking:
    def test_an_organisation_keeps_its_first_two_and_last_four_characters(self) -> None:
        assert rules.mask_name("南京艾克米科技有限公司", ORG) == "南京*****有限公司"

    def test_a_person_keeps_the_surname(self) -> None:
        assert rules.mask_name("张三丰", PERSON) == "张**"

    def test_a_short_name(self) -> None:
        assert rules.mask_name("某某公司", ORG) == "某***"

    def test_a_key_keeps_its_first_six_and_last_four(self) -> None:
        assert rules.mask_key("91320100MA1X2Y3W4X") == "913201********3W4X"


class TestSections:
    def test_items_go_to_their_section_of_the_standard(self) -> None:
        assert rules.section_of_item("administrative_penalty", "penalty") == "administrative"
        assert rules.section_of_item("administrative_reward", "reward") == "honesty"
        assert rules.section_of_item("court_judgment_defaulter", None) == "black_list"
        assert rules.section_of_item("abnormal_operation", None) == "abnormal"
        assert rules.section_of_item("criminal_judgment", None) == "judicial"
        assert rules.section_of_item("tax_arrears", None) == "other"

    def test_every_section_is_there_in_order_even_empty(self) -> None:
        sections = rules.sections_in_order([("other", {"title": "x"})])
        assert [s["code"] for s in sections] == [code for code, _ in rules.SECTIONS]
        assert [s["count"] for s in sections if s["count"]] == [1]

    def test_the_cover_flags(self) -> None:
        assert rules.cover_flags({"honesty": 1, "black_list": 0, "abnormal": 2}) == {
            "reward": True,
            "punishment": False,
            "supervision": True,
        }
