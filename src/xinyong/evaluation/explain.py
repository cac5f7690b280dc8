"""Every point of a subject's evaluation traced (issue 16 § 2): which indicator gave how many
points from which rows. It is the engine's own expression on the inputs narrowed to the one
subject (evaluation/engine.py), run on DuckDB whatever engine the runs use: the indicators'
points equal the stored ones as long as the archive has not changed since the run, and they
sum exactly to the score minus the base."""

from __future__ import annotations

import threading
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb
import ibis
from sqlalchemy.orm import Session

from xinyong.core.clock import local_date
from xinyong.db import Database
from xinyong.errors import NotFound
from xinyong.evaluation import engine, extract, repository
from xinyong.evaluation.rules import RANK_GRADE
from xinyong.evaluation.schemas import (
    ContributionOut,
    ExplanationOut,
    FieldGradeOut,
    IndicatorPointsOut,
    ModelIn,
)
from xinyong.evaluation.service import catalog_items, model_in_force, spec_of
from xinyong.models import EvaluationModel, Grade, Subject


def explain_subject(
    db: Database,
    subject_id: int,
    *,
    now: datetime,
    as_of: date | None = None,
    session: Session | None = None,
) -> ExplanationOut:
    """The subject's evaluation explained: by the model and as of the day of its stored
    grade; a subject not evaluated yet, by the model in force today (``as_of`` overrides the
    day). ``session``: the caller's (a page's request session, which on SQLite holds the
    write lock a transaction of its own would wait for); else one of its own."""
    with nullcontext(session) if session is not None else db.transaction() as session:
        subject = session.get(Subject, subject_id)
        if subject is None:
            raise NotFound("没有该主体", "no such subject", code="unknown_subject")
        grade = repository.grade_of(session, subject_id)
        model: EvaluationModel | None
        if grade is not None:
            model, day = repository.get_model(session, grade.model_id), grade.as_of
        else:
            day = local_date(now)
            applies_to = (
                "natural_person" if subject.kind.value == "natural_person" else "organisation"
            )
            model = model_in_force(session, applies_to, day)
        if model is None:
            raise NotFound(
                "没有适用于该主体的评价模型",
                "no evaluation model applies to this subject",
                code="no_model_in_force",
            )
        spec = spec_of(model)
        wanted = engine.needs(spec, catalog_items(session))
    day = as_of or day
    con = extract.connect(db.settings.var_dir, memory_limit=db.settings.evaluation_memory_limit)
    try:
        extract.read_database(con, db.settings.database_url, wanted, subject_ids=[subject_id])
        return explain_inputs(con, spec, day, subject_id, model_id=model.id)
    finally:
        con.close()


@dataclass(frozen=True)
class _Statements:
    """The explanation's expression compiled for one model and day: its rows, the points
    summed from them, the score from those, the field grades (SQL of DuckDB over the tables
    ``in_*``, ``explained_subject`` and the ``explained_*`` it makes). Compiling costs far
    more than running it on one subject, and nothing of the subject is in it."""

    rows: str
    points: str
    scores: str
    fields: str | None


_compiled: dict[tuple[int, date], _Statements] = {}
_compiled_lock = threading.Lock()
STEPS = ("rows", "points", "scores")


def _statements(
    con: duckdb.DuckDBPyConnection, spec: ModelIn, day: date, model_id: int
) -> _Statements:
    key = (model_id, day)
    found = _compiled.get(key)
    if found is not None:
        return found
    backend = ibis.duckdb.from_connection(con)
    inputs = engine.Inputs(*(backend.table(f"in_{name}") for name in extract.INPUTS))
    narrowed = inputs.narrowed(backend.table("explained_subject"))
    rows = str(backend.compile(engine.row_units(narrowed, spec, day)))
    con.execute(f"CREATE TEMP TABLE explained_rows AS {rows}")
    points = str(backend.compile(engine.points(backend.table("explained_rows"), spec)))
    con.execute(f"CREATE TEMP TABLE explained_points AS {points}")
    kept = backend.table("explained_points")
    scores = str(backend.compile(engine.scores(narrowed, spec, day, points_table=kept)))
    con.execute(f"CREATE TEMP TABLE explained_scores AS {scores}")
    fields = engine.field_grades(narrowed, spec, day, backend.table("explained_scores"))
    compiled = _Statements(
        rows, points, scores, None if fields is None else str(backend.compile(fields))
    )
    with _compiled_lock:
        if len(_compiled) > 64:
            _compiled.clear()
        _compiled[key] = compiled
    return compiled


def _dicts(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def explain_inputs(
    con: duckdb.DuckDBPyConnection, spec: ModelIn, day: date, subject_id: int, *, model_id: int
) -> ExplanationOut:
    """The explanation of ``subject_id`` from the input tables of ``con`` (read from the
    database, or an extract): the engine's expression narrowed to the subject, each step kept
    as a table of ``con``, so that the rows shown are those the score was summed from."""
    con.execute("CREATE OR REPLACE TEMP TABLE explained_subject (subject_id BIGINT)")
    con.execute("INSERT INTO explained_subject VALUES (?)", [subject_id])
    for step in STEPS:
        con.execute(f"DROP TABLE IF EXISTS explained_{step}")
    statements = _statements(con, spec, day, model_id)
    for step in STEPS:
        sql = getattr(statements, step)
        con.execute(f"CREATE OR REPLACE TEMP TABLE explained_{step} AS {sql}")
    found = _dicts(con, "SELECT * FROM explained_scores")
    if not found:
        raise NotFound(
            "该主体不在评价模型的评价范围内",
            "the subject is not among those the model evaluates",
            code="not_evaluated",
        )
    score = found[0]
    codes = [i.code for _d, i in spec.indicators()]
    contributions: dict[str, list[ContributionOut]] = {}
    for row in _dicts(con, "SELECT * FROM explained_rows ORDER BY source, row_id"):
        contributions.setdefault(codes[row["k"]], []).append(
            ContributionOut(
                source=row["source"],
                id=str(row["row_id"]),
                points=Decimal(row["units"]).scaleb(-4),
            )
        )
    points = _dicts(con, "SELECT * FROM explained_points")
    cents = {codes[r["k"]]: r["cents"] for r in points}
    indicators = [
        IndicatorPointsOut(
            code=indicator.code,
            name=indicator.name,
            dimension=dimension.code,
            dimension_name=dimension.name,
            points=Decimal(cents.get(indicator.code, 0)).scaleb(-2),
            contributions=contributions.get(indicator.code, []),
        )
        for dimension, indicator in spec.indicators()
    ]
    field_rows = [] if statements.fields is None else _dicts(con, statements.fields)
    return ExplanationOut(
        subject_id=str(subject_id),
        model_id=str(model_id),
        model_code=spec.code,
        model_version=spec.version,
        as_of=day,
        base=spec.base,
        score=Decimal(score["score_cents"]).scaleb(-2),
        band_grade=RANK_GRADE[score["band_rank"]],
        grade=RANK_GRADE[score["grade_rank"]],
        capped_by=score["capped_by"],
        indicators=indicators,
        field_grades=[
            FieldGradeOut(
                field=f["field"],
                industry_label=f["industry_label"],
                industry_grade=Grade(f["industry_grade"]),
                public_grade=Grade(f["public_grade"]),
                combined_grade=Grade(f["combined_grade"]),
                source_record_id=str(f["source_record_id"]),
            )
            for f in sorted(field_rows, key=lambda f: f["field"])
        ],
    )
