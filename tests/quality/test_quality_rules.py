"""The pure rules of data quality (quality/rules.py): regions, the update-cycle duty on the day
before, of and after it falls due, the task's period, the score, and a finding's one ending;
and the rule file's shape (quality/schemas.py)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from xinyong.core.auth import Principal
from xinyong.core.calendar import Calendar, builtin_years
from xinyong.errors import Conflict, Forbidden
from xinyong.models import Role
from xinyong.quality import rules
from xinyong.quality.ruleset import default_rule_set
from xinyong.quality.schemas import RuleSetIn, ScoreFormula

CALENDAR = Calendar(builtin_years().values())
FORMULA = ScoreFormula(
    weights={"serious": Decimal(2), "general": Decimal(1), "minor": Decimal("0.5")},
    overdue_duty=Decimal(1),
)


class TestRegions:
    @pytest.mark.parametrize(
        ("provider", "code", "covered"),
        [
            ("320000", "320583", True),  # the province covers Kunshan
            ("320000", "310101", False),  # … not Shanghai
            ("320100", "320102", True),  # Nanjing covers Xuanwu
            ("320100", "320583", False),  # … not Kunshan
            ("320102", "320102", True),  # a county covers itself
            ("320102", "320104", False),  # … not its neighbour
        ],
    )
    def test_a_region_covers_the_codes_within_it(
        self, provider: str, code: str, covered: bool
    ) -> None:
        assert rules.region_covers(provider, code) is covered


class TestDuties:
    # Monday 2026-06-15: a daily item pushed that day is due again by Tuesday 16th.
    PUSHED = date(2026, 6, 15)

    def duty(self, cycle: str = "daily") -> rules.Duty:
        return rules.Duty("administrative_penalty", cycle, self.PUSHED, True)

    @pytest.mark.parametrize(
        ("today", "overdue"),
        [(date(2026, 6, 16), None), (date(2026, 6, 17), date(2026, 6, 16))],
    )
    def test_a_daily_item_is_overdue_from_the_day_after_the_next_working_day(
        self, today: date, overdue: date | None
    ) -> None:
        assert rules.overdue_since(self.duty(), today, CALENDAR) == overdue

    def test_a_friday_push_is_due_by_monday(self) -> None:
        friday = rules.Duty("administrative_penalty", "daily", date(2026, 6, 12), True)
        assert rules.overdue_since(friday, date(2026, 6, 15), CALENDAR) is None  # the due day
        assert rules.overdue_since(friday, date(2026, 6, 16), CALENDAR) == date(2026, 6, 15)

    @pytest.mark.parametrize(
        ("today", "overdue"),
        [
            (date(2026, 7, 30), None),
            (date(2026, 7, 31), None),
            (date(2026, 8, 1), date(2026, 7, 31)),
        ],
    )
    def test_a_monthly_item_is_due_by_the_end_of_the_next_month(
        self, today: date, overdue: date | None
    ) -> None:
        assert rules.overdue_since(self.duty("monthly"), today, CALENDAR) == overdue

    def test_a_provider_that_never_pushed_counts_from_its_creation(self) -> None:
        assert rules.duty_start(None, date(2026, 6, 15)) == (date(2026, 6, 15), False)
        assert rules.duty_start(date(2026, 6, 20), date(2026, 6, 15)) == (date(2026, 6, 20), True)
        # A push stamped before the department existed (a migration) counts from its creation.
        assert rules.duty_start(date(2026, 6, 1), date(2026, 6, 15)) == (date(2026, 6, 15), True)

    def test_a_day_in_a_year_the_calendar_lacks_is_never_guessed(self) -> None:
        from xinyong.core.calendar import UnknownCalendarYear

        late = rules.Duty("administrative_penalty", "daily", date(2026, 12, 31), True)
        with pytest.raises(UnknownCalendarYear):
            rules.overdue_since(late, date(2027, 1, 5), CALENDAR)


class TestTaskDue:
    def test_ten_working_days_on_the_calendar(self) -> None:
        # From Monday 15 June, over the Dragon Boat Festival (Friday 19 June): Tuesday 30 June.
        assert rules.task_due(CALENDAR, date(2026, 6, 15), 10) == date(2026, 6, 30)

    def test_calendar_days_when_the_year_is_unknown(self) -> None:
        assert rules.task_due(CALENDAR, date(2026, 12, 28), 10) == date(2027, 1, 12)


class TestScore:
    def test_no_findings_and_no_overdue_item_is_full_marks(self) -> None:
        assert rules.score(FORMULA, records=5000, open_findings={}, overdue_duties=0) == 100

    def test_findings_weigh_by_severity_per_thousand_records(self) -> None:
        # 10 general (10 points) and 4 serious (8 points) per 2,000 records: 9 points.
        found = rules.score(
            FORMULA, records=2000, open_findings={"general": 10, "serious": 4}, overdue_duties=0
        )
        assert found == Decimal("91.0")

    def test_a_small_provider_counts_as_a_thousand_records(self) -> None:
        assert rules.score(
            FORMULA, records=10, open_findings={"minor": 3}, overdue_duties=0
        ) == Decimal("98.5")

    def test_each_overdue_item_costs_its_points_and_the_floor_holds(self) -> None:
        assert rules.score(FORMULA, records=0, open_findings={}, overdue_duties=3) == 97
        assert (
            rules.score(FORMULA, records=0, open_findings={"serious": 1000}, overdue_duties=0) == 0
        )


class TestFindingSteps:
    OWNER = Principal(role=Role.provider, department_id=7, department_code="amr", token_id=1)

    def test_only_the_provider_of_the_record_settles_it(self) -> None:
        rules.require_provider_of(self.OWNER, 7)
        for other in (
            Principal(role=Role.provider, department_id=8, department_code="tax", token_id=2),
            Principal(role=Role.authority, department_id=7, department_code="cred", token_id=3),
        ):
            with pytest.raises(Forbidden):
                rules.require_provider_of(other, 7)

    @pytest.mark.parametrize("state", ["confirmed", "corrected", "withdrawn", "superseded"])
    def test_a_finding_is_settled_once(self, state: str) -> None:
        rules.require_open("open")
        with pytest.raises(Conflict) as refused:
            rules.require_open(state)
        assert refused.value.code == "finding_closed"


class TestRuleFile:
    def test_the_shipped_rules_name_the_five_checks(self) -> None:
        shipped = default_rule_set()
        assert {r.check.kind for r in shipped.rules} == {
            "name_mismatch",
            "region_mismatch",
            "duplicate_decision",
            "decision_after_arrival",
            "dual_publicity_fields_empty",
        }
        assert all(r.title and r.basis.number for r in shipped.rules)

    def test_a_code_twice_is_refused(self) -> None:
        data = default_rule_set().model_dump(mode="json")
        data["rules"].append(data["rules"][0])
        with pytest.raises(ValidationError, match="more than once"):
            RuleSetIn.model_validate(data)

    @pytest.mark.parametrize("field", ["decision_number'); DROP TABLE records; --", "决定文书号"])
    def test_a_name_that_is_not_the_catalogs_never_reaches_a_statement(self, field: str) -> None:
        data = default_rule_set().model_dump(mode="json")
        data["rules"][2]["check"]["field"] = field
        with pytest.raises(ValidationError):
            RuleSetIn.model_validate(json.loads(json.dumps(data)))
