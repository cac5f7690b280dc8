"""The check's pure rules (checks/rules.py), without a database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from xinyong.checks import rules
from xinyong.errors import Forbidden, InvalidRequest
from xinyong.measures.schemas import MeasureSpec

DAY = date(2027, 3, 15)
BEFORE, AFTER = DAY - timedelta(days=1), DAY + timedelta(days=1)


def measure(**spec: object) -> MeasureSpec:
    return MeasureSpec.model_validate(
        {
            "code": "restrict_bidding",
            "name": "限制参与招标投标",
            "kind": "punishment",
            "type": "administrative",
            "content": "依法限制",
            "trigger_kinds": ["black"],
            "targets": ["subject", "legal_representative"],
            "scenarios": {"bidding": "intercept"},
            "initiating_sectors": ["tax"],
            "implementing_sectors": ["finance"],
            "sharing": "推送",
            "legal_basis": "依据",
        }
        | spec
    )


def problem(call, *args: object) -> InvalidRequest:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidRequest) as caught:
        call(*args)
    return caught.value


class TestWhatACheckMustSay:
    def test_a_known_scenario_is_taken(self) -> None:
        assert rules.require_scenario("bidding") == "bidding"

    @pytest.mark.parametrize("value", ["", "Bidding", "lottery", None, 3, ["bidding"]])
    def test_any_other_scenario_is_refused(self, value: object) -> None:
        error = problem(rules.require_scenario, value)
        assert (error.code, error.field) == ("unknown_scenario", "scenario")

    def test_a_purpose_is_kept_trimmed(self) -> None:
        assert rules.require_purpose("  （2027）苏01采购123号 ") == "（2027）苏01采购123号"

    def test_a_long_purpose_is_cut_to_its_column(self) -> None:
        assert rules.require_purpose("案" * 500) == "案" * rules.PURPOSE_LENGTH

    @pytest.mark.parametrize("value", [None, "", "   ", "\t\n", 12, ["用途"]])
    def test_a_check_without_purpose_is_refused(self, value: object) -> None:
        error = problem(rules.require_purpose, value)
        assert (error.code, error.field) == ("missing_purpose", "purpose")

    def test_a_purpose_holding_nul_is_refused(self) -> None:
        error = problem(rules.require_purpose, "招标\x00")
        assert (error.code, error.field) == ("invalid_request", "purpose")

    def test_one_to_the_most_subjects_are_taken(self) -> None:
        assert rules.require_subjects(["x"]) == ["x"]
        assert len(rules.require_subjects(["x"] * rules.MAX_SUBJECTS)) == rules.MAX_SUBJECTS

    @pytest.mark.parametrize("value", [None, [], "91320100MA1XXXXX0X", {"a": 1}])
    def test_no_subject_is_refused(self, value: object) -> None:
        assert problem(rules.require_subjects, value).code == "invalid_request"

    def test_one_subject_too_many_is_refused_as_too_large(self) -> None:
        error = problem(rules.require_subjects, ["x"] * (rules.MAX_SUBJECTS + 1))
        assert (error.code, error.status) == ("too_many_subjects", 413)


class TestWhatCountsOnADay:
    def test_an_entry_counts_until_the_day_before_its_end(self) -> None:
        assert rules.in_force(DAY, BEFORE)
        assert not rules.in_force(DAY, DAY)
        assert not rules.in_force(DAY, AFTER)

    def test_an_entry_without_an_end_counts(self) -> None:
        assert rules.in_force(None, date(2099, 1, 1))

    def test_monitoring_is_shown_until_the_day_before_its_end(self) -> None:
        assert rules.monitored(DAY, BEFORE)
        assert not rules.monitored(DAY, DAY)
        assert not rules.monitored(DAY, AFTER)


class TestWhichMeasuresReach:
    def test_a_measure_follows_a_list_of_its_kind_to_its_targets(self) -> None:
        spec = measure()
        assert rules.reaches(spec, "tax_black", "black", "subject")
        assert rules.reaches(spec, "tax_black", "black", "legal_representative")

    def test_it_follows_a_list_it_names_whatever_the_kind(self) -> None:
        spec = measure(trigger_kinds=[], trigger_lists=["court_dishonest"])
        assert rules.reaches(spec, "court_dishonest", "black", "subject")
        assert not rules.reaches(spec, "tax_black", "black", "subject")

    def test_it_reaches_no_one_it_does_not_target(self) -> None:
        spec = measure()
        assert not rules.reaches(spec, "tax_black", "black", "actual_controller")
        assert not rules.reaches(spec, "tax_black", "black", "principal")

    def test_another_kind_of_list_is_no_trigger(self) -> None:
        assert not rules.reaches(measure(), "tax_watch", "watch", "subject")


class TestTheDecision:
    @pytest.mark.parametrize(
        ("actions", "expected"),
        [
            ([], "clear"),
            (["facilitate"], "facilitate"),
            (["facilitate", "prompt"], "prompt"),
            (["prompt", "intercept", "facilitate"], "intercept"),
            (["intercept", "intercept"], "intercept"),
        ],
    )
    def test_the_strongest_action_or_clear(self, actions: list[str], expected: str) -> None:
        assert rules.decision(iter(actions)) == expected

    def test_the_strongest_action_of_a_measure_is_kept(self) -> None:
        assert rules.stronger("prompt", None)
        assert rules.stronger("intercept", "prompt")
        assert not rules.stronger("prompt", "intercept")
        assert not rules.stronger("prompt", "prompt")  # the first entry stays


class TestFeedback:
    def test_only_the_department_that_checked_gives_feedback(self) -> None:
        rules.require_own_check(7, 7)
        with pytest.raises(Forbidden) as caught:
            rules.require_own_check(7, 8)
        assert caught.value.code == "not_your_check"

    def test_applied_needs_no_reason(self) -> None:
        assert rules.require_feedback(True, None, 0) == (True, None)
        assert rules.require_feedback(True, " 已拒绝 ", 0) == (True, "已拒绝")

    def test_not_applied_says_why(self) -> None:
        assert rules.require_feedback(False, " 已履行完毕 ", 2) == (False, "已履行完毕")

    @pytest.mark.parametrize("reason", [None, "", "  ", 5])
    def test_not_applied_without_a_reason_is_refused(self, reason: object) -> None:
        error = problem(rules.require_feedback, False, reason, 2)
        assert (error.code, error.field) == ("missing_reason", "items[2].reason")

    @pytest.mark.parametrize("applied", [None, "true", 1, 0])
    def test_applied_is_a_boolean(self, applied: object) -> None:
        error = problem(rules.require_feedback, applied, "理由", 1)
        assert (error.code, error.field) == ("invalid_request", "items[1].applied")
