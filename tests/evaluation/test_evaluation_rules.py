"""evaluation/rules.py without a database: what a model may say against the catalog and the
lists (each refusal by its stable code), the model in force, effect dates, drift."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from evaluation_world import small
from pydantic import ValidationError

from xinyong.catalog.service import default_catalog
from xinyong.errors import Conflict, InvalidRequest
from xinyong.evaluation.rules import (
    in_force,
    model_problems,
    psi,
    require_next_version,
    require_not_retroactive,
    require_valid_model,
)
from xinyong.evaluation.schemas import ModelIn
from xinyong.evaluation.service import default_model
from xinyong.lists.service import default_lists

ITEMS = {i.code: i for i in default_catalog().items}
LISTS = {lst.code: lst.kind for lst in default_lists().lists}


def problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.code, p.field) for p in model_problems(ModelIn.model_validate(data), ITEMS, LISTS)]


def with_indicator(**indicator: Any) -> dict[str, Any]:
    """The small model with its first indicator changed."""
    data = small()
    data["dimensions"][0]["indicators"][0].update(indicator)
    return data


FIRST = "dimensions[0].indicators[0]"


class TestTheShippedModels:
    def test_default_model_is_valid_against_the_default_catalog_and_lists(self) -> None:
        assert model_problems(default_model(), ITEMS, LISTS) == []

    def test_default_model_has_five_dimensions_and_about_fifteen_indicators(self) -> None:
        model = default_model()
        assert [d.name for d in model.dimensions] == [
            "遵纪守法",
            "履约践诺",
            "资质荣誉",
            "社会责任",
            "监管风险",
        ]
        assert 14 <= len(model.indicators()) <= 18
        assert model.base == 1000
        assert all(i.basis for _d, i in model.indicators())

    def test_small_model_of_the_tests_is_valid(self) -> None:
        assert problems(small()) == []


class TestReferences:
    def test_unknown_item_is_named_where_it_is(self) -> None:
        data = with_indicator(source={"kind": "records", "items": ["administrative_penalty", "x"]})
        assert problems(data) == [("unknown_item", f"{FIRST}.source.items[1]")]

    def test_unknown_field_of_a_filter(self) -> None:
        source = {
            "kind": "records",
            "items": ["administrative_penalty"],
            "where": {"field": "colour", "values": ["红"]},
        }
        assert problems(with_indicator(source=source)) == [
            ("unknown_field", f"{FIRST}.source.where.field")
        ]

    def test_field_must_be_in_every_item_named(self) -> None:
        source = {
            "kind": "records",
            "items": ["administrative_penalty", "administrative_reward"],
            "where": {"field": "penalty_category", "values": ["罚款"]},
        }
        assert problems(with_indicator(source=source)) == [
            ("unknown_field", f"{FIRST}.source.where.field")
        ]

    def test_points_by_an_unknown_field(self) -> None:
        rule = {
            "kind": "per_record",
            "points": {"by_field": "level", "values": {"国家级": 5}},
        }
        assert problems(with_indicator(rule=rule)) == [
            ("unknown_field", f"{FIRST}.rule.points.by_field")
        ]

    def test_date_field_must_be_a_date(self) -> None:
        source = {
            "kind": "records",
            "items": ["administrative_penalty"],
            "date_field": "decision_number",
        }
        assert problems(with_indicator(source=source)) == [
            ("field_not_date", f"{FIRST}.source.date_field")
        ]

    def test_item_not_collected_for_the_subjects_of_the_model(self) -> None:
        source = {"kind": "records", "items": ["person_basic"]}
        assert problems(with_indicator(source=source)) == [
            ("item_not_for_subjects", f"{FIRST}.source.items[0]")
        ]

    def test_unknown_list_or_list_of_another_kind(self) -> None:
        data = small()
        lists = data["dimensions"][2]["indicators"][0]
        lists["source"] = {"kind": "list_entries", "list_kinds": ["black"], "lists": ["nope"]}
        assert problems(data) == [("unknown_list", "dimensions[2].indicators[0].source.lists[0]")]
        lists["source"]["lists"] = ["tax_a_grade"]  # a red list
        assert [c for c, _f in problems(data)] == ["unknown_list"]

    def test_unknown_field_of_supervision(self) -> None:
        industry = {
            "item": "credit_evaluation_by_department",
            "field_field": "evaluation_field",
            "grade_field": "credit_grade",
            "combine": {"rule": "lower", "basis": "测试"},
            "fields": [
                {"field": "astrology", "label": "占星领域", "grades": {"A级": "A"}, "basis": "测试"}
            ],
        }
        assert problems(small(industry=industry)) == [
            ("unknown_sector", "industry.fields[0].field")
        ]

    def test_duplicate_indicator_code(self) -> None:
        data = small()
        data["dimensions"][1]["indicators"][0]["code"] = "penalties"
        assert problems(data) == [("duplicate_code", "dimensions[1].indicators[0].code")]

    def test_registration_rule_only_with_a_registration_source(self) -> None:
        rule = {"kind": "registration", "age_steps": [{"min_years": 1, "points": 5}]}
        assert problems(with_indicator(rule=rule)) == [
            ("rule_not_for_source", f"{FIRST}.rule.kind")
        ]

    def test_validity_decay_only_for_records(self) -> None:
        data = small()
        red = data["dimensions"][2]["indicators"][1]
        red["rule"] = {"kind": "per_record", "points": {"each": 5}, "decay": {"kind": "validity"}}
        assert problems(data) == [
            ("rule_not_for_source", "dimensions[2].indicators[1].rule.decay.kind")
        ]


def bands(*ranges: tuple[str, float | None, float | None]) -> dict[str, Any]:
    return small(bands=[{"grade": g, "min": lo, "max": hi} for g, lo, hi in ranges])


class TestBands:
    def test_overlap_names_both_bands(self) -> None:
        data = bands(("A", 1010, None), ("B", 990, 1020), ("C", 950, 990), ("D", None, 950))
        with pytest.raises(InvalidRequest) as refused:
            require_valid_model(ModelIn.model_validate(data), ITEMS, LISTS)
        assert refused.value.code == "band_overlap"
        assert "B（990–1020）、A（1010–+∞）" in refused.value.message
        assert refused.value.message_en == "bands B [990, 1020) and A [1010, inf) overlap"

    def test_gap_names_the_bands_around_it(self) -> None:
        data = bands(("A", 1010, None), ("B", 1000, 1010), ("C", 950, 990), ("D", None, 950))
        assert problems(data) == [("band_gap", "bands")]
        with pytest.raises(InvalidRequest) as refused:
            require_valid_model(ModelIn.model_validate(data), ITEMS, LISTS)
        assert "C（950–990）、B（1000–1010）" in refused.value.message
        assert "[990, 1000)" in refused.value.message_en

    def test_scores_below_the_lowest_band(self) -> None:
        data = bands(("A", 1010, None), ("B", 990, 1010), ("C", 950, 990), ("D", 0, 950))
        assert problems(data) == [("band_gap", "bands")]

    def test_scores_above_the_highest_band(self) -> None:
        data = bands(("A", 1010, 2000), ("B", 990, 1010), ("C", 950, 990), ("D", None, 950))
        assert problems(data) == [("band_gap", "bands")]

    def test_each_grade_once(self) -> None:
        data = bands(("A", 1010, None), ("B", 990, 1010), ("B", 950, 990), ("D", None, 950))
        assert problems(data) == [("band_grades", "bands")]

    def test_empty_band(self) -> None:
        data = bands(("A", 1010, None), ("B", 1010, 1010), ("C", 950, 1010), ("D", None, 950))
        assert ("band_empty", "bands[1]") in problems(data)

    def test_better_grade_on_lower_scores(self) -> None:
        data = bands(("B", 1010, None), ("A", 990, 1010), ("C", 950, 990), ("D", None, 950))
        assert problems(data) == [("band_order", "bands")]

    def test_touching_bands_cover_every_score(self) -> None:
        data = bands(("A", 1010, None), ("B", 990, 1010), ("C", 950, 990), ("D", None, 950))
        assert problems(data) == []


class TestTheFileShape:
    def test_unknown_key_is_refused(self) -> None:
        with pytest.raises(ValidationError):
            ModelIn.model_validate(small(colour="red"))

    def test_points_given_two_ways_are_refused(self) -> None:
        rule = {"kind": "per_record", "points": {"each": 5, "by_severity": {"general": -5}}}
        with pytest.raises(ValidationError, match="exactly one"):
            ModelIn.model_validate(with_indicator(rule=rule))

    def test_points_with_more_than_two_decimals_are_refused(self) -> None:
        rule = {"kind": "per_record", "points": {"each": "0.125"}}
        with pytest.raises(ValidationError):
            ModelIn.model_validate(with_indicator(rule=rule))

    def test_recency_steps_from_the_most_recent(self) -> None:
        decay = {
            "kind": "recency",
            "steps": [{"within_days": 730, "percent": 50}, {"within_days": 365, "percent": 100}],
        }
        rule = {"kind": "per_record", "points": {"each": 5}, "decay": decay}
        with pytest.raises(ValidationError, match="within_days rising"):
            ModelIn.model_validate(with_indicator(rule=rule))

    def test_min_points_above_max_points(self) -> None:
        with pytest.raises(ValidationError, match="min_points above max_points"):
            ModelIn.model_validate(with_indicator(min_points=5, max_points=-5))


@dataclass
class Version:
    id: int
    applies_to: str
    effective_from: date
    version: int


class TestInForce:
    V1 = Version(1, "organisation", date(2026, 1, 1), 1)
    V2 = Version(2, "organisation", date(2026, 7, 1), 2)
    PERSONS = Version(3, "natural_person", date(2026, 1, 1), 1)
    ALL = (V1, V2, PERSONS)

    def test_the_day_before_a_new_version_takes_effect(self) -> None:
        assert in_force(self.ALL, "organisation", date(2026, 6, 30)) is self.V1

    def test_the_day_it_takes_effect(self) -> None:
        assert in_force(self.ALL, "organisation", date(2026, 7, 1)) is self.V2

    def test_the_day_after(self) -> None:
        assert in_force(self.ALL, "organisation", date(2026, 7, 2)) is self.V2

    def test_none_before_the_first(self) -> None:
        assert in_force(self.ALL, "organisation", date(2025, 12, 31)) is None

    def test_a_later_version_of_the_same_day_wins(self) -> None:
        same_day = Version(4, "organisation", date(2026, 1, 1), 2)
        assert in_force((self.V1, same_day), "organisation", date(2026, 3, 1)) is same_day

    def test_persons_have_their_own(self) -> None:
        assert in_force(self.ALL, "natural_person", date(2026, 7, 1)) is self.PERSONS


class TestEffectAndVersions:
    TODAY = date(2026, 6, 15)

    def test_yesterday_is_refused(self) -> None:
        with pytest.raises(Conflict) as refused:
            require_not_retroactive(date(2026, 6, 14), self.TODAY)
        assert refused.value.code == "model_retroactive"

    def test_today_and_tomorrow_are_taken(self) -> None:
        require_not_retroactive(self.TODAY, self.TODAY)
        require_not_retroactive(date(2026, 6, 16), self.TODAY)

    def test_versions_follow_one_another(self) -> None:
        require_next_version("m", 1, None)
        require_next_version("m", 3, 2)
        for version, latest in ((1, 1), (3, 1), (2, None)):
            with pytest.raises(Conflict) as refused:
                require_next_version("m", version, latest)
            assert refused.value.code == "model_version_not_next"


class TestDrift:
    def test_same_distribution_is_zero(self) -> None:
        counts = {"A": 10, "B": 50, "C": 30, "D": 10}
        assert psi(counts, counts) == 0.0

    def test_same_shares_of_a_larger_population_is_zero(self) -> None:
        assert psi({"A": 1, "B": 3}, {"A": 100, "B": 300}) == pytest.approx(0.0)

    def test_a_shift_is_positive_and_symmetric_in_size(self) -> None:
        before = {"A": 25, "B": 50, "C": 20, "D": 5}
        after = {"A": 15, "B": 45, "C": 25, "D": 15}
        shift = psi(before, after)
        assert shift is not None and shift > 0.1
        assert psi(after, before) == pytest.approx(shift)

    def test_a_grade_nobody_had_stays_finite(self) -> None:
        assert psi({"B": 10}, {"B": 5, "D": 5}) is not None

    def test_no_previous_population(self) -> None:
        assert psi({}, {"A": 1}) is None
