"""Scoring of subjects built through the API, on both databases, with the small model of
evaluation_world.py whose points are worked out by hand: list caps, the red bonus, records
as their standing says, decay by date, the explanation, grade changes on the feed, industry
grades, persons.

The clock starts at 2026-06-15 10:00 Asia/Shanghai."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from evaluation_world import (
    SMALL,
    all_grades,
    grade_of,
    load,
    points_of,
    run,
    small,
    subject_id,
)
from sqlalchemy import select

from fixtures.helpers import catalog_record, id_number, make_caller, org, penalty, person
from fixtures.lists import ACME, BETA, World, make_world
from xinyong.core.auth import SYSTEM
from xinyong.core.clock import SHANGHAI
from xinyong.evaluation import repository
from xinyong.evaluation.explain import explain_subject
from xinyong.models import Change, EvaluationGradeChange, EvaluationRun, Role, Standing
from xinyong.records.service import CollectionContext
from xinyong.records.standing import change_standing, get_record
from xinyong.rights.step import Step

PERSON = id_number("32010219800101009")


def on(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=10, tzinfo=SHANGHAI)


@pytest.fixture
def w(client, db, clock) -> World:  # type: ignore[no-untyped-def]
    return make_world(client, db, clock)


def licence(key: str, tag: str) -> dict:
    """A record outside the small model: the subject exists, its score is the base."""
    return catalog_record("administrative_licensing", f"lic-{tag}", org(key, f"公司{tag}"))


def tax_a(key: str, tag: str, evaluated_on: str) -> dict:
    return catalog_record(
        "tax_credit_a",
        f"tax-a-{tag}",
        org(key),
        fields={
            "evaluation_year": 2025,
            "credit_grade": "A",
            "evaluated_on": evaluated_on,
            "tax_authority": "国家税务总局南京市税务局",
        },
    )


def without(*codes: str) -> dict[str, Any]:
    """The small model without these indicators."""
    data = small()
    for dimension in data["dimensions"]:
        dimension["indicators"] = [i for i in dimension["indicators"] if i["code"] not in codes]
    data["dimensions"] = [d for d in data["dimensions"] if d["indicators"]]
    return data


class TestListCaps:
    def test_black_listed_subject_is_graded_lowest_with_capped_by(self, w: World) -> None:
        w.push(w.market, licence(BETA, "b"))
        w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "black")
        load(w.db, w.clock, small())
        run(w.db, w.clock)
        acme = grade_of(w.db, ACME)
        # 1000 − 50 for the entry: band C, capped to D by the black list.
        assert (acme.score, acme.grade.value, acme.capped_by) == (Decimal("950.00"), "D", "black")
        beta = grade_of(w.db, BETA)
        assert (beta.score, beta.grade.value, beta.capped_by) == (Decimal("1000.00"), "B", None)

    def test_watch_list_caps_one_above_the_lowest(self, w: World) -> None:
        w.list_entry(w.market, "food_drug_watch", org(ACME), "watch")
        load(w.db, w.clock, without("penalties", "bad_lists"))
        run(w.db, w.clock)
        acme = grade_of(w.db, ACME)
        assert (acme.score, acme.grade.value, acme.capped_by) == (Decimal("1000.00"), "C", "watch")

    def test_no_capped_by_when_the_score_is_as_low_already(self, w: World) -> None:
        w.list_entry(w.market, "food_drug_watch", org(ACME), "watch")
        load(w.db, w.clock, small())
        run(w.db, w.clock)
        acme = grade_of(w.db, ACME)
        # The basis penalty (severe, −40 faded) and the entry (−50) leave it in D already.
        assert (acme.grade.value, acme.capped_by) == ("D", None)

    def test_red_list_gives_its_bonus(self, w: World) -> None:
        w.list_entry(w.tax, "tax_a_grade", org(ACME), "red")
        load(w.db, w.clock, small())
        run(w.db, w.clock)
        acme = grade_of(w.db, ACME)
        points = points_of(w.db, acme)
        # The basis A rating (+10, its evaluation day not given: counted from its receipt)
        # and the entry (+20).
        assert (points["red_lists"], points["tax_a"]) == (Decimal(20), Decimal(10))
        assert (acme.score, acme.grade.value) == (Decimal("1030.00"), "A")


class TestStanding:
    def test_record_under_objection_counts_unless_the_model_excludes_it(
        self,
        w: World,
        client,  # type: ignore[no-untyped-def]
    ) -> None:
        w.push(w.market, penalty("p1", ACME))
        record_id = w.record_id(ACME, "administrative_penalty")
        acme_caller = make_caller(
            w.db, w.clock, role=Role.subject, subject_id=subject_id(w.db, ACME)
        )
        filed = client.post(
            "/api/v1/objections",
            json={
                "target": {"record": str(record_id)},
                "ground": "wrong_or_incomplete",
                "statement": "处罚金额记载错误",
            },
            headers=acme_caller.headers,
        )
        assert filed.status_code == 201, filed.text
        load(w.db, w.clock, small())
        run(w.db, w.clock)
        assert points_of(w.db, grade_of(w.db, ACME))["penalties"] < 0
        excluded = small(version=2)
        excluded["counting"] = {**SMALL["counting"], "under_objection": "exclude"}
        load(w.db, w.clock, excluded)
        run(w.db, w.clock)
        assert points_of(w.db, grade_of(w.db, ACME))["penalties"] == 0

    def test_revoked_and_repaired_records_no_longer_count(self, w: World) -> None:
        w.push(w.market, penalty("p1", ACME), penalty("p2", ACME), penalty("p3", ACME))
        sid = subject_id(w.db, ACME)
        archive = w.client.get(
            f"/api/v1/subjects/{ACME}/archive",
            headers=w.authority.headers,
            params={"purpose": "评价"},
        ).json()
        by_source = {r["source_id"]: int(r["id"]) for r in archive["categories"]["negative"]}
        ids = [by_source["p1"], by_source["p2"]]
        with w.db.transaction() as session:
            step = Step(CollectionContext(w.db), SYSTEM, w.clock.now())
            for record_id, standing in zip(ids, (Standing.revoked, Standing.repaired), strict=True):
                record = get_record(session, sid, record_id, for_update=True)
                change_standing(session, step, record, standing, procedure="test", reason="测试")
        load(w.db, w.clock, small())
        run(w.db, w.clock)
        explained = explain_subject(w.db, sid, now=w.clock.now())
        by_code = {i.code: i for i in explained.indicators}
        # Only p3 still counts as a penalty; the repaired p2 counts as rectification.
        assert len(by_code["penalties"].contributions) == 1
        assert by_code["rectification"].points == Decimal(5)
        assert [c.id for c in by_code["rectification"].contributions] == [str(ids[1])]


class TestDecay:
    @pytest.fixture
    def at_start(self, w: World) -> World:
        """The model in force from 2026-06-14; ACME rated A on 2025-06-15, fined on
        2026-05-10 (general: valid a year, to 2027-05-10)."""
        w.clock.set(on("2026-06-14"))
        load(w.db, w.clock, small(effective_from="2026-06-14"))
        w.push(w.tax, tax_a(ACME, "1", "2025-06-15"))
        w.push(w.market, penalty("p1", ACME))
        return w

    @pytest.mark.parametrize(
        ("day", "percent"),
        [("2026-06-14", 100), ("2026-06-15", 100), ("2026-06-16", 50), ("2027-06-15", 50)],
    )
    def test_recency_steps_on_the_day_before_of_and_after(
        self, at_start: World, day: str, percent: int
    ) -> None:
        at_start.clock.set(on(day))
        run(at_start.db, at_start.clock)
        points = points_of(at_start.db, grade_of(at_start.db, ACME))
        assert points["tax_a"] == Decimal(10 * percent) / 100

    def test_recency_ends_after_the_last_step(self, at_start: World) -> None:
        at_start.clock.set(on("2027-06-16"))
        run(at_start.db, at_start.clock)
        assert points_of(at_start.db, grade_of(at_start.db, ACME))["tax_a"] == 0

    @pytest.mark.parametrize("day", ["2026-06-14", "2026-11-10", "2027-05-09", "2027-05-10"])
    def test_validity_decay_is_the_share_still_to_run(self, at_start: World, day: str) -> None:
        at_start.clock.set(on(day))
        run(at_start.db, at_start.clock)
        today, determined, expires = date.fromisoformat(day), date(2026, 5, 10), date(2027, 5, 10)
        share = max(0, (expires - today).days) * 100 // (expires - determined).days
        expected = Decimal(-10 * share) / 100 if today < expires else Decimal(0)
        assert points_of(at_start.db, grade_of(at_start.db, ACME))["penalties"] == expected


class TestExplanation:
    def test_points_sum_exactly_to_the_score_and_equal_the_stored_ones(self, w: World) -> None:
        w.push(w.market, penalty("p1", ACME), penalty("p2", ACME, severity="severe"))
        w.push(w.tax, tax_a(ACME, "1", "2026-01-07"), tax_a(ACME, "2", "2025-01-07"))
        w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "black")
        load(w.db, w.clock, small())
        run(w.db, w.clock)
        stored = grade_of(w.db, ACME)
        explained = explain_subject(w.db, stored.subject_id, now=w.clock.now())
        total = sum((i.points for i in explained.indicators), Decimal(0))
        assert explained.base + total == explained.score == stored.score
        assert {i.code: i.points for i in explained.indicators} == points_of(w.db, stored)
        assert (explained.grade, explained.capped_by) == (stored.grade, stored.capped_by)
        by_code = {i.code: i for i in explained.indicators}
        assert len(by_code["penalties"].contributions) == 2
        assert [c.points for c in by_code["tax_a"].contributions] == [Decimal(10), Decimal(5)]
        assert [c.source for c in by_code["bad_lists"].contributions] == ["list_entry"]


class TestRuns:
    def test_grade_changes_are_kept_and_go_out_on_the_feed(self, w: World) -> None:
        w.push(w.market, licence(ACME, "a"), licence(BETA, "b"))
        load(w.db, w.clock, small())
        [first] = run(w.db, w.clock)
        assert (first.subjects, first.changed, first.psi) == (2, 2, None)
        w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "black")
        [second] = run(w.db, w.clock)
        assert (second.changed, second.previous_run_id) == (1, first.id)
        assert second.psi is not None and second.psi > 0
        acme = subject_id(w.db, ACME)
        with w.db.transaction() as session:
            history = repository.grade_history(session, acme)
            feed = (
                session.execute(
                    select(Change)
                    .where(Change.topic == "evaluation", Change.event == "grade_changed")
                    .order_by(Change.seq)
                )
                .scalars()
                .all()
            )
            runs = session.execute(select(EvaluationRun).order_by(EvaluationRun.started_at))
            states = [r.state.value for r in runs.scalars()]
        assert [(h.previous_grade, h.grade.value) for h in history] == [(None, "B"), ("B", "D")]
        assert [c.subject_id for c in feed][-1] == acme
        assert feed[-1].detail["previous_grade"] == "B" and feed[-1].detail["grade"] == "D"
        assert feed[-1].detail["run_id"] == second.id
        assert len(feed) == 3
        assert states == ["done", "done"]

    def test_a_result_that_did_not_move_is_left_as_it_is(self, w: World) -> None:
        w.push(w.market, licence(ACME, "a"), licence(BETA, "b"))
        w.push(w.tax, evaluation(ACME, "1", "C级", "2026-05-01"))
        load(w.db, w.clock, small(industry=industry()))
        [first] = run(w.db, w.clock)
        w.push(w.market, penalty("p1", BETA))
        [second] = run(w.db, w.clock)
        # Beta's score moves (its grade does not); Acme's result is the one it had.
        assert (second.subjects, second.changed) == (2, 0)
        acme, beta = grade_of(w.db, ACME), grade_of(w.db, BETA)
        assert beta.score < 1000 and beta.as_of == acme.as_of
        assert (acme.run_id, beta.run_id) == (int(first.id), int(second.id))
        assert acme.digest is not None and len(acme.digest) == 32
        with w.db.transaction() as session:
            [field] = repository.field_grades_of(session, acme.subject_id)
        assert field.run_id == int(first.id)

    def test_a_moved_field_grade_alone_writes_the_result_again(self, w: World) -> None:
        w.push(w.tax, evaluation(ACME, "1", "C级", "2026-05-01"))
        load(w.db, w.clock, small(industry=industry()))
        run(w.db, w.clock)
        before = grade_of(w.db, ACME)
        # A later industry grade: it gives no points of the public evaluation, only the
        # field's combined grade moves (D → B).
        w.push(w.tax, evaluation(ACME, "2", "A级", "2026-06-01"))
        [second] = run(w.db, w.clock)
        after = grade_of(w.db, ACME)
        assert (after.score, after.points) == (before.score, before.points)
        assert (second.changed, after.run_id) == (0, int(second.id))
        assert after.digest != before.digest
        with w.db.transaction() as session:
            [field] = repository.field_grades_of(session, after.subject_id)
        assert (field.run_id, field.combined_grade) == (int(second.id), "B")

    def test_the_next_day_every_result_is_written_with_its_day(self, w: World) -> None:
        w.push(w.market, licence(ACME, "a"))
        load(w.db, w.clock, small())
        run(w.db, w.clock)
        before = grade_of(w.db, ACME)
        w.clock.advance(days=1)
        [second] = run(w.db, w.clock)
        after = grade_of(w.db, ACME)
        assert (after.digest, second.changed) == (before.digest, 0)
        assert (after.run_id, after.as_of) == (int(second.id), before.as_of + timedelta(days=1))

    def test_only_the_indicators_with_points_are_stored(self, w: World) -> None:
        w.push(w.market, penalty("p1", ACME))
        load(w.db, w.clock, small())
        run(w.db, w.clock)
        acme = grade_of(w.db, ACME)
        stored = set(acme.points)
        every = points_of(w.db, acme)
        assert stored == {code for code, points in every.items() if points != 0} != set(every)
        assert stored == {"penalties"}

    def test_a_failed_run_is_kept_with_its_error(self, w: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
        w.push(w.market, licence(ACME, "a"))
        load(w.db, w.clock, small())
        with pytest.raises(FileNotFoundError):
            run(w.db, w.clock, extract_from=tmp_path / "none")
        acme = subject_id(w.db, ACME)
        with w.db.transaction() as session:
            [failed] = repository.recent_runs(session)
            assert repository.grade_of(session, acme) is None
            changes = session.execute(select(EvaluationGradeChange)).scalars().all()
        assert (failed.state.value, changes) == ("failed", [])
        assert "FileNotFoundError" in (failed.error or "")


def industry(rule: str = "lower", public_percent: int = 50) -> dict[str, Any]:
    return {
        "item": "credit_evaluation_by_department",
        "field_field": "evaluation_field",
        "grade_field": "credit_grade",
        "valid_to_field": "valid_to",
        "combine": {"rule": rule, "public_percent": public_percent, "basis": "测试"},
        "fields": [
            {
                "field": "tax",
                "label": "税务领域",
                "grades": {"A级": "A", "B级": "B", "C级": "D"},
                "basis": "测试",
            }
        ],
    }


def evaluation(key: str, tag: str, grade: str, on_day: str, **fields: str) -> dict:
    return catalog_record(
        "credit_evaluation_by_department",
        f"eval-{tag}",
        org(key),
        fields={
            "evaluation_name": "纳税信用评价",
            "evaluation_field": "税务领域",
            "credit_grade": grade,
            "evaluated_on": on_day,
            "evaluating_authority": "国家税务总局江苏省税务局",
            **fields,
        },
    )


class TestIndustry:
    def test_the_lower_of_the_public_and_the_latest_industry_grade(self, w: World) -> None:
        w.push(w.tax, evaluation(ACME, "1", "C级", "2026-05-01"))
        load(w.db, w.clock, small(industry=industry()))
        run(w.db, w.clock)
        with w.db.transaction() as session:
            field = repository.field_grade_of(session, subject_id(w.db, ACME), "tax")
        assert field is not None
        grades = (field.industry_label, field.industry_grade, field.public_grade)
        assert (*grades, field.combined_grade) == ("C级", "D", "B", "D")
        w.push(w.tax, evaluation(ACME, "2", "A级", "2026-06-01"))
        run(w.db, w.clock)
        with w.db.transaction() as session:
            field = repository.field_grade_of(session, subject_id(w.db, ACME), "tax")
        assert field is not None and (field.industry_grade, field.combined_grade) == ("A", "B")

    def test_a_weighted_blend_halfway_takes_the_lower_grade(self, w: World) -> None:
        w.push(w.tax, evaluation(ACME, "1", "C级", "2026-05-01"))
        load(w.db, w.clock, small(industry=industry("weighted", 50)))
        run(w.db, w.clock)
        with w.db.transaction() as session:
            field = repository.field_grade_of(session, subject_id(w.db, ACME), "tax")
        # B (3) and D (1), half each: 2, C.
        assert field is not None and field.combined_grade == "C"

    def test_an_evaluation_past_its_validity_no_longer_counts(self, w: World) -> None:
        w.push(w.tax, evaluation(ACME, "1", "C级", "2025-05-01", valid_to="2026-05-01"))
        load(w.db, w.clock, small(industry=industry()))
        run(w.db, w.clock)
        with w.db.transaction() as session:
            assert repository.field_grades_of(session, subject_id(w.db, ACME)) == []


class TestPersons:
    def test_persons_are_evaluated_only_where_a_model_for_them_is_loaded(self, w: World) -> None:
        w.push(w.market, licence(ACME, "a"), penalty("p1", PERSON, subject=person(PERSON)))
        load(w.db, w.clock, small())
        [only] = run(w.db, w.clock)
        assert only.subjects == 1
        for_persons = small(code="persons", applies_to="natural_person")
        for_persons["dimensions"] = for_persons["dimensions"][:1]
        load(w.db, w.clock, for_persons)
        organisations, persons = run(w.db, w.clock)
        assert (organisations.subjects, persons.subjects) == (1, 1)
        graded = all_grades(w.db)
        assert len(graded) == 2
