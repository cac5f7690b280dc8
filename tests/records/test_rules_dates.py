"""The rules of a row's dates, severity and validity (records/rules.py), and prepare_row
composing every check, without a database: the day before, the day of and the day after each
date that matters."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fixtures.helpers import credit_code
from xinyong.catalog.schemas import FieldSpec, ItemSpec
from xinyong.core.crypto import IdCipher
from xinyong.models import Category, Disclosure
from xinyong.records.checkers import compile_item
from xinyong.records.rules import (
    BatchIdNumbers,
    PreparedRow,
    Rule,
    ValidityRules,
    add_months,
    check_decision_date,
    check_determined_on,
    check_severity,
    check_validity,
    prepare_row,
    validity_months,
)

TODAY = date(2026, 6, 15)
ORG = credit_code("91320100MA1MXY3B0")
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


def make_spec(*, legal_validity_years: int | None = None) -> ItemSpec:
    return ItemSpec(
        code="sample_penalty",
        name="样例处罚",
        category=Category.negative,
        disclosure=Disclosure.public,
        subject_types=["organisation"],
        sources=["market_regulation"],
        update_cycle="daily",
        legal_validity_years=legal_validity_years,
        retention_years=5,
        legal_basis="测试",
        decision_date_field="decided_on",
        fields=[
            FieldSpec(name="title", label="名称", type="string", required=True),
            FieldSpec(name="decided_on", label="决定日期", type="date", required=True),
        ],
    )


SPEC = make_spec()
# Measures art. 30 as the default rule has it, and a later rule that grades only severe.
GENERAL = Rule(1, date(2018, 1, 29), None, {"general": 12, "serious": 12, "severe": 36})
LATER = Rule(2, date(2026, 1, 1), None, {"severe": 24})
RULES = ValidityRules([GENERAL, LATER])


def codes(errors: list[dict]) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in errors]


class TestDecisionDate:
    """000 §（十五）: publication is timed from the decision, which cannot be in the future."""

    @pytest.mark.parametrize("offset", [-1, 0])
    def test_a_decision_yesterday_or_today_passes(self, offset: int) -> None:
        errors: list[dict] = []
        day = (TODAY + timedelta(days=offset)).isoformat()
        check_decision_date("decided_on", {"decided_on": day}, TODAY, errors)
        assert errors == []

    def test_a_decision_tomorrow_is_in_the_future(self) -> None:
        errors: list[dict] = []
        day = (TODAY + timedelta(days=1)).isoformat()
        check_decision_date("decided_on", {"decided_on": day}, TODAY, errors)
        assert codes(errors) == [("fields.decided_on", "future_date")]

    def test_no_decision_field_or_no_decision_date_is_not_checked(self) -> None:
        errors: list[dict] = []
        check_decision_date(None, {"decided_on": "2999-01-01"}, TODAY, errors)
        check_decision_date("decided_on", {}, TODAY, errors)
        assert errors == []


class TestSeverity:
    """Measures art. 15: a provider marks each failure with its severity."""

    @pytest.mark.parametrize("severity", ["minor", "general", "serious", "severe"])
    def test_a_negative_record_keeps_its_severity(self, severity: str) -> None:
        errors: list[dict] = []
        assert check_severity(severity, True, errors) == severity
        assert errors == []

    @pytest.mark.parametrize("severity", [None, ""])
    def test_a_negative_record_without_severity_is_refused(self, severity: Any) -> None:
        errors: list[dict] = []
        check_severity(severity, True, errors)
        assert codes(errors) == [("severity", "missing_severity")]

    def test_a_severity_not_of_the_four_is_refused(self) -> None:
        errors: list[dict] = []
        assert check_severity("grave", True, errors) == "grave"
        assert codes(errors) == [("severity", "invalid_field")]

    @pytest.mark.parametrize("severity", [[], {}, ["severe"], 3])
    def test_a_severity_that_is_no_text_is_refused(self, severity: Any) -> None:
        errors: list[dict] = []
        check_severity(severity, True, errors)
        assert codes(errors) == [("severity", "invalid_field")]

    def test_only_a_negative_record_carries_a_severity(self) -> None:
        errors: list[dict] = []
        assert check_severity(None, False, errors) is None
        assert check_severity("", False, errors) is None
        assert errors == []
        assert check_severity("severe", False, errors) is None
        assert codes(errors) == [("severity", "invalid_field")]


class TestDeterminedOn:
    """Measures art. 30: validity counts from the day of determination, never after today."""

    @pytest.mark.parametrize("offset", [-1, 0])
    def test_determined_yesterday_or_today_passes(self, offset: int) -> None:
        errors: list[dict] = []
        day = TODAY + timedelta(days=offset)
        assert check_determined_on(day.isoformat(), TODAY, errors, required=True) == day
        assert errors == []

    def test_determined_tomorrow_is_in_the_future(self) -> None:
        errors: list[dict] = []
        tomorrow = (TODAY + timedelta(days=1)).isoformat()
        assert check_determined_on(tomorrow, TODAY, errors, required=True) is None
        assert codes(errors) == [("determined_on", "future_date")]

    @given(day=days, today=days)
    def test_a_day_passes_exactly_when_it_is_not_after_today(self, day: date, today: date) -> None:
        errors: list[dict] = []
        found = check_determined_on(day.isoformat(), today, errors, required=True)
        assert (found == day) is (day <= today)
        assert (errors == []) is (day <= today)

    @pytest.mark.parametrize("raw", ["20260614", "2026/06/14", date(2026, 6, 14)])
    def test_other_date_forms_are_read(self, raw: Any) -> None:
        errors: list[dict] = []
        assert check_determined_on(raw, TODAY, errors, required=True) == date(2026, 6, 14)

    @pytest.mark.parametrize("raw", ["2026-02-30", "14/06/2026", "yesterday", 3.5])
    def test_a_date_not_read_is_refused(self, raw: Any) -> None:
        errors: list[dict] = []
        assert check_determined_on(raw, TODAY, errors, required=False) is None
        assert codes(errors) == [("determined_on", "invalid_field")]

    def test_required_of_a_negative_record_only(self) -> None:
        errors: list[dict] = []
        assert check_determined_on(None, TODAY, errors, required=False) is None
        assert errors == []
        assert check_determined_on("", TODAY, errors, required=True) is None
        assert codes(errors) == [("determined_on", "missing_field")]


class TestValidity:
    """Measures art. 30: 1 year general, 3 years severe, unless law sets another period; the
    rule in force on the day of determination applies."""

    def test_the_period_law_sets_for_the_item_wins(self) -> None:
        errors: list[dict] = []
        spec = make_spec(legal_validity_years=2)
        assert validity_months(spec, "minor", date(2026, 3, 1), RULES, errors) == 24
        assert errors == []

    @pytest.mark.parametrize(
        ("day", "months"),
        [(date(2025, 12, 31), 36), (date(2026, 1, 1), 24), (date(2026, 1, 2), 24)],
    )
    def test_the_rule_in_force_on_the_day_before_of_and_after_its_start(
        self, day: date, months: int
    ) -> None:
        errors: list[dict] = []
        assert validity_months(SPEC, "severe", day, RULES, errors) == months
        assert errors == []

    def test_a_severity_the_rule_in_force_does_not_grade_is_refused(self) -> None:
        errors: list[dict] = []
        assert validity_months(SPEC, "general", date(2026, 1, 1), RULES, errors) is None
        assert codes(errors) == [("severity", "severity_not_graded")]
        assert (
            "2026-01-01" in errors[0]["message"]
            and "（该规则规定：严重失信）" in errors[0]["message"]
        )

    def test_without_any_rule_no_period_applies(self) -> None:
        errors: list[dict] = []
        assert validity_months(SPEC, "general", TODAY, ValidityRules([]), errors) is None
        assert codes(errors) == [("severity", "severity_not_graded")]

    @given(day=days, severity=st.sampled_from(["general", "serious", "severe"]))
    def test_the_record_expires_its_period_after_determination(
        self, day: date, severity: str
    ) -> None:
        errors: list[dict] = []
        only = ValidityRules([GENERAL])
        expiry = check_validity(SPEC, severity, day, only, errors)
        assert expiry == add_months(day, GENERAL.months[severity])
        assert expiry is not None and expiry > day and errors == []

    @pytest.mark.parametrize(
        ("severity", "day"), [("grave", TODAY), ("severe", None), (None, TODAY)]
    )
    def test_no_expiry_without_a_valid_severity_and_day(self, severity: Any, day: Any) -> None:
        errors: list[dict] = []
        assert check_validity(SPEC, severity, day, RULES, errors) is None
        assert errors == []


class TestPrepareRow:
    """prepare_row composes the checks: a valid row prepared, an invalid one's errors in the
    order of the checks."""

    ITEM = compile_item(7, 3, SPEC)

    def prepare(self, raw: Any) -> PreparedRow | list[dict]:
        return prepare_row(
            0,
            raw,
            items={"sample_penalty": self.ITEM},
            provider_kind="market_regulation",
            today=TODAY,
            id_numbers=BatchIdNumbers(IdCipher(b"k" * 32), TODAY),
            validity=RULES,
        )

    def errors_of(self, raw: Any) -> list[dict]:
        errors = self.prepare(raw)
        assert isinstance(errors, list)
        return errors

    def test_a_valid_row_is_prepared(self) -> None:
        row = self.prepare(
            {
                "item": "sample_penalty",
                "source_id": " P-1 ",
                "subject": {"credit_code": ORG, "name": "南京测试有限公司"},
                "fields": {"title": "罚款", "decided_on": "2026-06-15"},
                "severity": "severe",
                "determined_on": "2026-06-15",
            }
        )
        assert row == PreparedRow(
            index=0,
            item="sample_penalty",
            source_id="P-1",
            credit_code=ORG,
            person=None,
            name="南京测试有限公司",
            fields_json='{"title":"罚款","decided_on":"2026-06-15"}',
            protected_json=None,
            severity="severe",
            determined_on="2026-06-15",
            expires_on="2028-06-15",
            links=[],
        )

    @pytest.mark.parametrize("severity", [[], {}])
    def test_a_severity_that_is_no_text_is_a_row_error(self, severity: Any) -> None:
        errors = self.errors_of(
            {
                "item": "sample_penalty",
                "source_id": "P-2",
                "subject": {"credit_code": ORG, "name": "南京测试有限公司"},
                "fields": {"title": "罚款", "decided_on": "2026-06-15"},
                "severity": severity,
                "determined_on": "2026-06-15",
            }
        )
        assert ("severity", "invalid_field") in codes(errors)

    def test_errors_come_in_the_order_of_the_checks(self) -> None:
        errors = self.errors_of(
            {
                "item": "sample_penalty",
                "subject": {"credit_code": ORG},
                "fields": {"religion": "x", "decided_on": "2026-06-16"},
                "severity": "grave",
                "determined_on": "2026-06-16",
            }
        )
        assert codes(errors) == [
            ("source_id", "missing_field"),
            ("subject.name", "missing_field"),
            ("fields.religion", "forbidden_field"),
            ("fields.title", "missing_field"),
            ("fields.decided_on", "future_date"),
            ("severity", "invalid_field"),
            ("determined_on", "future_date"),
        ]

    @pytest.mark.parametrize("raw", ["a row", ["item"], None])
    def test_a_row_not_an_object_is_refused_alone(self, raw: Any) -> None:
        assert codes(self.errors_of(raw)) == [(None, "invalid_record")]

    def test_an_unknown_item_stops_the_checks(self) -> None:
        errors = self.errors_of({"item": "nothing", "source_id": ""})
        assert codes(errors) == [("item", "unknown_item")]

    def test_too_many_fields_stop_the_checks(self) -> None:
        errors = self.errors_of(
            {"item": "sample_penalty", "fields": {f"k{n}": n for n in range(101)}}
        )
        assert codes(errors) == [
            ("source_id", "missing_field"),
            ("subject", "missing_field"),
            ("fields", "invalid_field"),
        ]
