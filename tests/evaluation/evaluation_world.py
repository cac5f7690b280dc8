"""A small evaluation model whose every point a test can work out by hand, and shortcuts to
load it, run it and read the grades."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from xinyong.core.clock import SHANGHAI, FixedClock
from xinyong.db import Database
from xinyong.evaluation import repository
from xinyong.evaluation.runs import run_evaluation
from xinyong.evaluation.schemas import ModelIn, RunOut
from xinyong.evaluation.service import load_model
from xinyong.models import EvaluationGrade, EvaluationModel, Subject

BASIS = "《江苏省公共信用信息管理办法（试行）》（苏政发〔2018〕23号）第三十条"

# Base 1000; a general penalty −10 fading over its validity, a severe one −40; an A-grade
# tax rating +10 within a year of its evaluation, +5 within two; each black or watch entry
# in force −50, each red one +20; each repaired record +5 for rectification.
SMALL: dict[str, Any] = {
    "code": "small",
    "version": 1,
    "name": "测试模型",
    "applies_to": "organisation",
    "effective_from": "2026-06-15",
    "base": 1000,
    "sources": [{"title": "测试"}],
    "counting": {"standings": ["active"], "under_objection": "count", "basis": BASIS},
    "dimensions": [
        {
            "code": "law",
            "name": "遵纪守法",
            "indicators": [
                {
                    "code": "penalties",
                    "name": "行政处罚",
                    "source": {"kind": "records", "items": ["administrative_penalty"]},
                    "rule": {
                        "kind": "per_record",
                        "points": {"by_severity": {"general": -10, "severe": -40}},
                        "decay": {"kind": "validity"},
                    },
                    "min_points": -100,
                    "basis": BASIS,
                }
            ],
        },
        {
            "code": "honours",
            "name": "资质荣誉",
            "indicators": [
                {
                    "code": "tax_a",
                    "name": "纳税信用A级",
                    "source": {
                        "kind": "records",
                        "items": ["tax_credit_a"],
                        "date_field": "evaluated_on",
                    },
                    "rule": {
                        "kind": "per_record",
                        "points": {"each": 10},
                        "decay": {
                            "kind": "recency",
                            "steps": [
                                {"within_days": 365, "percent": 100},
                                {"within_days": 730, "percent": 50},
                            ],
                        },
                    },
                    "basis": BASIS,
                }
            ],
        },
        {
            "code": "risk",
            "name": "监管风险",
            "indicators": [
                {
                    "code": "bad_lists",
                    "name": "失信名单",
                    "source": {"kind": "list_entries", "list_kinds": ["black", "watch"]},
                    "rule": {"kind": "per_record", "points": {"each": -50}},
                    "basis": BASIS,
                },
                {
                    "code": "red_lists",
                    "name": "红名单",
                    "source": {"kind": "list_entries", "list_kinds": ["red"]},
                    "rule": {"kind": "per_record", "points": {"each": 20}},
                    "basis": BASIS,
                },
                {
                    "code": "rectification",
                    "name": "信用修复",
                    "source": {"kind": "rectification", "of": ["repaired_records"]},
                    "rule": {"kind": "per_record", "points": {"each": 5}},
                    "basis": BASIS,
                },
            ],
        },
    ],
    "bands": [
        {"grade": "A", "min": 1010},
        {"grade": "B", "min": 990, "max": 1010},
        {"grade": "C", "min": 950, "max": 990},
        {"grade": "D", "max": 950},
    ],
    "list_caps": {"black": "D", "watch": "C"},
}


def small(**over: Any) -> dict[str, Any]:
    """The small model with top-level keys replaced."""
    data = copy.deepcopy(SMALL)
    data.update(over)
    return data


def load(db: Database, clock: FixedClock, data: dict[str, Any]) -> EvaluationModel:
    """Load and publish ``data``, in force from its effective day or, if that has passed
    (a workflow moved the clock), today."""
    today = clock.now().astimezone(SHANGHAI).date()
    data = {**data, "effective_from": max(date.fromisoformat(data["effective_from"]), today)}
    with db.transaction() as session:
        return load_model(
            session, ModelIn.model_validate(data), ids=db.ids, actor="test", now=clock.now()
        )


def run(db: Database, clock: FixedClock, **kwargs: Any) -> list[RunOut]:
    return run_evaluation(db, now=clock.now(), actor="test", **kwargs)


def subject_id(db: Database, key: str) -> int:
    with db.transaction() as session:
        return session.execute(select(Subject.id).where(Subject.credit_code == key)).scalar_one()


def grade_of(db: Database, key: str) -> EvaluationGrade:
    sid = subject_id(db, key)
    with db.transaction() as session:
        grade = repository.grade_of(session, sid)
    assert grade is not None, f"{key} has no grade"
    return grade


def points_of(db: Database, grade: EvaluationGrade) -> dict[str, Decimal]:
    """The grade's points for every indicator of its model."""
    with db.transaction() as session:
        return repository.points_of(grade, repository.get_model(session, grade.model_id))


def all_grades(db: Database) -> dict[int, tuple[str, str, str | None, dict]]:
    with db.transaction() as session:
        rows = list(session.execute(select(EvaluationGrade)).scalars())
    return {
        g.subject_id: (f"{g.score:.2f}", g.grade.value, g.capped_by, points_of(db, g)) for g in rows
    }
