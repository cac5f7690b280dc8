"""The complaint rules without a database: the deadlines by the official calendar (the day
before, of and after each; working days over 端午, calendar days ending on a Sunday or in 国庆),
the periods as data and a sector's own, the subject named, the informant's contact, the
routing, which step may follow which and who takes it, and the receipt code's forms."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from fixtures.helpers import credit_code, id_number
from xinyong.complaints import rules
from xinyong.complaints.periods import load_periods, periods_for
from xinyong.core.calendar import Calendar, builtin_years
from xinyong.models import ComplaintState, Role

CAL = Calendar(builtin_years().values())
S = ComplaintState
SPEC = load_periods()
ACCEPTANCE = periods_for(SPEC, "market_regulation")["acceptance"]
HANDLING = periods_for(SPEC, "market_regulation")["handling"]
FILED = date(2026, 6, 15)  # a Monday; 端午 is Friday 19 June
ACME = credit_code("91320100MA1X2Y3W4")  # registered in 南京 320100
PERSON = id_number("32010219750505123")


class TestDeadlines:
    def test_acceptance_is_fifteen_working_days_over_the_dragon_boat_festival(self) -> None:
        assert {
            "days": 15,
            "day_kind": "working",
            "from": "filed",
            "basis": ACCEPTANCE["basis"],
        } == ACCEPTANCE
        assert rules.due_on(CAL, FILED, ACCEPTANCE) == date(2026, 7, 7)

    def test_handling_is_ninety_days_moved_off_a_sunday(self) -> None:
        # 15 June + 90 days = Sunday 13 September: the period ends on Monday the 14th.
        assert rules.due_on(CAL, FILED, HANDLING) == date(2026, 9, 14)
        assert rules.due_on(CAL, date(2026, 6, 16), HANDLING) == date(2026, 9, 14)

    def test_handling_ending_in_the_national_day_holiday_ends_after_it(self) -> None:
        # 3 July + 90 days = 1 October; 1–7 October are off: 8 October.
        assert rules.due_on(CAL, date(2026, 7, 3), HANDLING) == date(2026, 10, 8)

    @pytest.mark.parametrize(
        ("today", "overdue"),
        [(date(2026, 7, 6), False), (date(2026, 7, 7), False), (date(2026, 7, 8), True)],
    )
    def test_a_complaint_not_accepted_is_overdue_from_the_day_after(
        self, today: date, overdue: bool
    ) -> None:
        due = rules.due_on(CAL, FILED, ACCEPTANCE)
        assert rules.is_overdue(S.received, due, None, today) is overdue
        assert rules.current_due(S.received, due, None) == due

    @pytest.mark.parametrize(
        ("today", "overdue"),
        [(date(2026, 9, 13), False), (date(2026, 9, 14), False), (date(2026, 9, 15), True)],
    )
    def test_a_complaint_accepted_is_overdue_from_the_day_after_its_handling(
        self, today: date, overdue: bool
    ) -> None:
        handled = rules.due_on(CAL, FILED, HANDLING)
        # The acceptance's own deadline no longer counts once accepted.
        assert rules.is_overdue(S.accepted, date(2026, 6, 1), handled, today) is overdue

    @pytest.mark.parametrize("state", [S.not_accepted, S.substantiated, S.unsubstantiated])
    def test_a_closed_complaint_is_never_overdue(self, state: ComplaintState) -> None:
        assert (
            rules.is_overdue(state, date(2026, 1, 1), date(2026, 2, 1), date(2027, 1, 1)) is False
        )
        assert rules.current_due(state, date(2026, 1, 1), date(2026, 2, 1)) is None


class TestExtension:
    EXTENSION = periods_for(SPEC, "market_regulation")

    def test_thirty_days_from_the_handling_periods_last_day(self) -> None:
        extension = self.EXTENSION["extension"]
        assert (extension["days"], extension["from"]) == (30, "handling_due")
        assert "第六十四条" in extension["basis"]
        # 14 September + 30 days = Wednesday 14 October.
        assert rules.due_on(CAL, date(2026, 9, 14), extension) == date(2026, 10, 14)
        # 2 September + 30 days = 2 October, in 国庆: the period ends on the 8th.
        assert rules.due_on(CAL, date(2026, 9, 2), extension) == date(2026, 10, 8)

    @pytest.mark.parametrize(
        ("today", "problem"),
        [
            (date(2026, 9, 13), None),
            (date(2026, 9, 14), None),
            (date(2026, 9, 15), "complaint_period_over"),
        ],
    )
    def test_approved_by_the_periods_last_day(self, today: date, problem: str | None) -> None:
        got = rules.extension_refusal(self.EXTENSION, False, date(2026, 9, 14), today)
        assert (got.code if got else None) == problem

    def test_once_and_only_where_a_rule_allows_it(self) -> None:
        once = rules.extension_refusal(self.EXTENSION, True, date(2026, 9, 14), date(2026, 9, 1))
        assert once is not None and once.code == "complaint_already_extended"
        without = {k: v for k, v in self.EXTENSION.items() if k != "extension"}
        none = rules.extension_refusal(without, False, date(2026, 9, 14), date(2026, 9, 1))
        assert none is not None and none.code == "complaint_not_extendable"
        police = periods_for(SPEC, "public_security")["extension"]
        assert "第一百六十五条" in police["basis"]

    def test_the_informant_reads_the_new_day_and_the_reason(self) -> None:
        told = rules.told_extension(date(2026, 10, 14), "需调取银行流水")
        assert told == "经批准，办理期限延长至2026年10月14日。延期理由：需调取银行流水"


class TestPeriodsAsData:
    def test_a_sector_whose_law_sets_another_period_has_its_own(self) -> None:
        police = periods_for(SPEC, "public_security")
        assert (
            police["handling"]["days"] == 30
            and "公安机关办理行政案件程序规定" in police["handling"]["basis"]
        )
        assert police["acceptance"] == ACCEPTANCE
        assert rules.due_on(CAL, FILED, police["handling"]) == date(2026, 7, 15)

    def test_every_period_states_its_basis(self) -> None:
        for name in ("acceptance", "handling"):
            assert "条" in periods_for(SPEC, "tax")[name]["basis"]

    def test_a_file_replaces_the_defaults_and_a_bad_one_is_refused(self, tmp_path: Path) -> None:
        own = json.loads(
            (Path(rules.__file__).parent / "default_periods.json").read_text(encoding="utf-8")
        )
        own["periods"]["acceptance"]["days"] = 5
        path = tmp_path / "periods.json"
        path.write_text(json.dumps(own, ensure_ascii=False), encoding="utf-8")
        assert periods_for(load_periods(path), "tax")["acceptance"]["days"] == 5
        del own["periods"]["handling"]
        path.write_text(json.dumps(own), encoding="utf-8")
        with pytest.raises(ValueError, match="handling"):
            load_periods(path)
        path.write_text("{", encoding="utf-8")
        with pytest.raises(ValueError, match="not a valid complaint periods file"):
            load_periods(path)


class TestSubject:
    def test_an_organisation_by_its_credit_code(self) -> None:
        named = rules.check_subject(f" {ACME.lower()} ", None, " 南京  测试 ", FILED)
        assert isinstance(named, rules.SubjectNamed)
        assert (named.kind, named.credit_code, named.region_code, named.name) == (
            "legal_person",
            ACME,
            "320100",
            "南京 测试",
        )
        assert named.masked == ACME

    def test_a_person_by_name_and_id_number_masked(self) -> None:
        named = rules.check_subject(None, PERSON, "王某某", FILED)
        assert isinstance(named, rules.SubjectNamed)
        assert named.kind == "natural_person" and named.region_code == "320102"
        assert named.masked == PERSON[:6] + "********" + PERSON[-4:]

    @pytest.mark.parametrize(
        ("code", "number", "name", "problem"),
        [
            (None, None, "某公司", "complaint_subject_required"),
            ("", " ", None, "complaint_subject_required"),
            (ACME, PERSON, "王", "complaint_subject_ambiguous"),
            (ACME[:-1] + ("0" if ACME[-1] != "0" else "1"), None, None, "invalid_credit_code"),
            (None, PERSON[:-1] + ("0" if PERSON[-1] != "0" else "1"), "王", "invalid_id_number"),
            (None, PERSON, "  ", "complaint_subject_name_required"),
            (None, id_number("32010220270101123"), "未生", "invalid_id_number"),
        ],
    )
    def test_a_subject_not_named_properly(
        self, code: str | None, number: str | None, name: str | None, problem: str
    ) -> None:
        got = rules.check_subject(code, number, name, FILED)
        assert isinstance(got, rules.Problem) and got.code == problem
        assert got.message and got.message_en

    def test_the_informant_gives_a_name_and_a_way_to_be_reached(self) -> None:
        assert rules.check_informant("李", "139", None) is None
        assert rules.check_informant("李", None, "a@b.cn") is None
        assert rules.check_informant(" ", "139", None).code == "informant_name_required"  # type: ignore[union-attr]
        assert rules.check_informant("李", " ", None).code == "informant_contact_required"  # type: ignore[union-attr]

    @pytest.mark.parametrize(
        ("day", "ok"), [(date(2026, 6, 14), True), (FILED, True), (date(2026, 6, 16), False)]
    )
    def test_what_happened_happened_by_today(self, day: date, ok: bool) -> None:
        assert (rules.check_happened_on(day, FILED) is None) is ok


class TestRouting:
    D = rules.DepartmentFacts
    NANJING_AMR = D(3, "nj-amr", "market_regulation", "320100")
    XUANWU_AMR = D(5, "xw-amr", "market_regulation", "320102")
    PROVINCE_AMR = D(1, "js-amr", "market_regulation", "320000")
    SUZHOU_AMR = D(2, "sz-amr", "market_regulation", "320500")
    BEIJING_AMR = D(4, "bj-amr", "market_regulation", "110000")
    TAX = D(6, "nj-tax", "tax", "320100")
    ALL = (PROVINCE_AMR, SUZHOU_AMR, NANJING_AMR, BEIJING_AMR, XUANWU_AMR, TAX)

    def test_the_department_of_the_sector_nearest_the_subject(self) -> None:
        route = rules.route
        assert route(None, self.ALL, "market_regulation", "320102") == self.XUANWU_AMR
        assert route(None, self.ALL, "market_regulation", "320105") == self.NANJING_AMR
        assert route(None, self.ALL, "market_regulation", "320300") == self.PROVINCE_AMR
        # Nothing shared: the oldest of the sector.
        assert route(None, self.ALL, "market_regulation", "440100") == self.PROVINCE_AMR
        assert route(None, self.ALL, "market_regulation", None) == self.PROVINCE_AMR
        assert route(None, self.ALL, "tax", "320500") == self.TAX

    def test_the_department_named_and_none_of_the_sector(self) -> None:
        assert rules.route(self.TAX, self.ALL, "market_regulation", "320102") == self.TAX
        assert rules.route(None, self.ALL, "education", "320102") is None


class TestSteps:
    @pytest.mark.parametrize(
        ("step", "state", "problem"),
        [
            ("accepted", S.received, None),
            ("not_accepted", S.received, None),
            ("referred", S.received, None),
            ("replied", S.received, None),
            ("replied", S.accepted, None),
            ("substantiated", S.accepted, None),
            ("unsubstantiated", S.accepted, None),
            ("substantiated", S.received, "complaint_not_accepted_yet"),
            ("accepted", S.accepted, "complaint_already_accepted"),
            ("referred", S.accepted, "complaint_already_accepted"),
            ("replied", S.substantiated, "complaint_closed"),
            ("accepted", S.not_accepted, "complaint_closed"),
            ("referred", S.unsubstantiated, "complaint_closed"),
            ("extended", S.accepted, None),
            ("extended", S.received, "complaint_not_accepted_yet"),
            ("extended", S.substantiated, "complaint_closed"),
        ],
    )
    def test_which_step_follows_which(
        self, step: str, state: ComplaintState, problem: str | None
    ) -> None:
        got = rules.refusal(step, state)
        assert (got.code if got else None) == problem

    def test_who_handles_and_who_refers(self) -> None:
        assert rules.may_handle(Role.provider, 7, 7) and rules.may_handle(
            Role.user_department, 7, 7
        )
        assert not rules.may_handle(Role.provider, 8, 7)
        assert not rules.may_handle(Role.provider, None, None)
        assert rules.may_handle(Role.authority, 1, None)
        assert not rules.may_handle(Role.authority, 1, 7)
        assert not rules.may_handle(Role.subject, 7, 7) and not rules.may_handle(
            Role.public, None, None
        )
        assert rules.may_refer(Role.authority, 1, 7) and rules.may_refer(Role.provider, 7, 7)
        assert not rules.may_refer(Role.provider, 8, 7) and not rules.may_refer(
            Role.subject, None, None
        )
        assert rules.TRANSITIONS["filed"].by == (Role.public,)

    def test_the_informant_is_told_each_state_and_no_other_words(self) -> None:
        assert set(rules.PROGRESS) == set(S)
        assert rules.PROGRESS[S.substantiated] == "已查实并依法处理"
        assert set(rules.TOLD) == set(rules.TRANSITIONS)


class TestReceipt:
    def test_the_code_as_typed_shown_and_hashed(self) -> None:
        code = "ABCDEFGH23456777"
        assert rules.shown_receipt(code.lower()) == "ABCD-EFGH-2345-6777"
        assert rules.normal_receipt(" abcd-efgh 2345-6777 ") == code
        assert rules.receipt_hash("abcd-efgh-2345-6777") == rules.receipt_hash(code)
        assert len(rules.receipt_hash(code)) == 64 and code not in rules.receipt_hash(code)
