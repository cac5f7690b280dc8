"""A run's results written into the database in bulk, in the run's transaction
(docs/evaluation.md § Running it):

1. the results of the DuckDB connection (``out_scores``, ``out_fields``) go into two staging
   tables of the session: by ``COPY … FROM STDIN (FORMAT csv)`` on PostgreSQL, fed by DuckDB's
   Arrow batches written as CSV by pyarrow; by ``executemany`` on SQLite;
2. the database compares them with the grades it holds: one ``INSERT … SELECT`` writes
   ``evaluation_grade_changes`` for every subject whose grade changed (or that had none), one
   more puts those changes on the change feed (feeds/changes.append_selected);
3. the subjects' grades and field grades are replaced by the staged ones — except where the
   result is the one already held, for the same model and day, and no field grade is
   involved: those rows are left as they are (an incremental pass that re-reads a subject
   whose change did not move its result writes nothing for it).

Nothing here loops over subjects in Python but the SQLite executemany, which is the driver's
loop."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv
from sqlalchemy import String, cast, column, func, select, table, text
from sqlalchemy.orm import Session

from xinyong.core.bulk import timestamp_value
from xinyong.evaluation.schemas import ModelIn
from xinyong.feeds.changes import EVALUATION, append_selected

BATCH_ROWS = 200_000
STAGE = "evaluation_stage"
FIELD_STAGE = "evaluation_field_stage"
STAGE_COLUMNS = ("subject_id", "score", "grade", "capped_by", "points")
FIELD_COLUMNS = (
    "subject_id",
    "field",
    "industry_label",
    "industry_grade",
    "public_grade",
    "combined_grade",
    "source_record_id",
)


@dataclass(frozen=True)
class Written:
    subjects: int
    changed: int
    grade_counts: dict[str, int]
    field_grades: int


def _scores_sql(model: ModelIn) -> str:
    """The staged form of out_scores: the score in exact decimals (cents times 0.01), the
    points of every indicator as one JSON object (those without rows 0)."""
    codes = [i.code for _d, i in model.indicators()]
    zeros = json.dumps(dict.fromkeys(codes, 0))
    # out_points numbers the indicators (k, from 0); their codes (schemas.Code: letters,
    # digits and underscores) are put on here, as the keys of the object.
    names = "[" + ", ".join(f"'{code}'" for code in codes) + "]"
    return (
        "SELECT s.subject_id, CAST(s.score_cents AS DECIMAL(16, 0)) * CAST(0.01 AS "
        "DECIMAL(3, 2)) AS score, s.grade, s.capped_by, CAST(json_merge_patch("
        f"'{zeros}', coalesce(p.points, '{{}}')) AS VARCHAR) AS points FROM out_scores s "
        f"LEFT JOIN (SELECT subject_id, json_group_object(list_extract({names}, k + 1), "
        "CAST(cents AS "
        "DECIMAL(16, 0)) * CAST(0.01 AS DECIMAL(3, 2))) AS points FROM out_points GROUP BY "
        "subject_id) p ON p.subject_id = s.subject_id"
    )


def _batches(con: duckdb.DuckDBPyConnection, sql: str) -> Iterator[pa.RecordBatch]:
    reader = con.execute(sql).to_arrow_reader(BATCH_ROWS)
    yield from reader


def write_results(
    session: Session,
    con: duckdb.DuckDBPyConnection,
    model: ModelIn,
    *,
    model_id: int,
    run_id: int,
    as_of: date,
    now: datetime,
) -> Written:
    dialect = session.get_bind().dialect.name
    _stage(session, dialect)
    _fill(session, dialect, STAGE, STAGE_COLUMNS, _batches(con, _scores_sql(model)))
    _fill(
        session,
        dialect,
        FIELD_STAGE,
        FIELD_COLUMNS,
        _batches(con, f"SELECT {', '.join(FIELD_COLUMNS)} FROM out_fields"),
    )
    # The field grades are looked up by subject (_drop_unchanged's anti-join: without an index
    # PostgreSQL, misjudging the join before it, scanned the whole stage for every subject).
    _rows(session, f"CREATE INDEX {FIELD_STAGE}_subject ON {FIELD_STAGE} (subject_id)")
    if dialect == "postgresql":  # a temporary table has no statistics until analysed
        for name in (STAGE, FIELD_STAGE):
            _rows(session, f"ANALYZE {name}")
    at = timestamp_value(dialect, now) if dialect == "sqlite" else now
    params = {"run_id": run_id, "model_id": model_id, "at": at, "as_of": as_of.isoformat()}
    changed = _rows(
        session,
        "INSERT INTO evaluation_grade_changes "
        "(subject_id, id, run_id, previous_grade, grade, score, at) "
        f"SELECT s.subject_id, :run_id, :run_id, g.grade, s.grade, s.score, :at FROM {STAGE} s "
        "LEFT JOIN evaluation_grades g ON g.subject_id = s.subject_id "
        "WHERE g.grade IS NULL OR g.grade <> s.grade",
        params,
    )
    _feed(session, dialect, run_id=run_id, count=changed, now=now)
    counts: dict[str, int] = {
        grade: count
        for grade, count in session.execute(
            text(f"SELECT grade, count(*) FROM {STAGE} GROUP BY grade")
        )
    }
    subjects = sum(counts.values())
    points = "CAST(s.points AS jsonb)" if dialect == "postgresql" else "s.points"
    _drop_unchanged(session, points, params)
    for target in ("evaluation_grades", "evaluation_field_grades"):
        _rows(session, f"DELETE FROM {target} WHERE subject_id IN (SELECT subject_id FROM {STAGE})")
    _rows(
        session,
        "INSERT INTO evaluation_grades (subject_id, model_id, run_id, score, grade, "
        "capped_by, points, as_of, evaluated_at) SELECT s.subject_id, :model_id, :run_id, "
        f"s.score, s.grade, s.capped_by, {points}, :as_of, :at FROM {STAGE} s",
        params,
    )
    fields = _rows(
        session,
        f"INSERT INTO evaluation_field_grades ({', '.join(FIELD_COLUMNS)}, run_id) "
        f"SELECT {', '.join(FIELD_COLUMNS)}, :run_id FROM {FIELD_STAGE}",
        params,
    )
    if dialect == "sqlite":  # PostgreSQL drops them at the commit
        for name in (STAGE, FIELD_STAGE):
            _rows(session, f"DROP TABLE temp.{name}")
    return Written(
        subjects=subjects,
        changed=changed,
        grade_counts={g: counts[g] for g in sorted(counts)},
        field_grades=fields,
    )


def _drop_unchanged(session: Session, points: str, params: dict[str, Any]) -> int:
    """Take out of the stage the subjects whose stored result is the staged one — same model,
    day, grade, score, cap and points — and that have no field grade, staged or stored:
    their rows stay as they are. Returns how many.

    PostgreSQL deletes by a join (``USING``): as ``subject_id IN (subquery)`` over a fresh
    temporary table it planned the subquery once per staged row (a million rows: minutes).
    SQLite has no ``USING`` and builds an ``IN`` list once."""
    same = (
        "g.subject_id = s.subject_id AND g.model_id = :model_id AND g.as_of = :as_of "
        "AND g.grade = s.grade AND g.score = s.score "
        "AND coalesce(g.capped_by, '') = coalesce(s.capped_by, '') "
        f"AND g.points = {points} "
        f"AND NOT EXISTS (SELECT 1 FROM {FIELD_STAGE} f WHERE f.subject_id = s.subject_id) "
        "AND NOT EXISTS (SELECT 1 FROM evaluation_field_grades e "
        "WHERE e.subject_id = s.subject_id)"
    )
    if session.get_bind().dialect.name == "postgresql":
        return _rows(
            session, f"DELETE FROM {STAGE} s USING evaluation_grades g WHERE {same}", params
        )
    return _rows(
        session,
        f"DELETE FROM {STAGE} WHERE subject_id IN (SELECT s.subject_id FROM {STAGE} s "
        f"JOIN evaluation_grades g ON {same})",
        params,
    )


def _rows(session: Session, sql: str, params: dict[str, Any] | None = None) -> int:
    """Run one statement of the session's transaction; how many rows it wrote."""
    return session.connection().execute(text(sql), params or {}).rowcount


def _stage(session: Session, dialect: str) -> None:
    """Session-temporary staging tables, emptied (PostgreSQL: dropped) at the commit."""
    end = " ON COMMIT DROP" if dialect == "postgresql" else ""
    temp = "TEMPORARY"
    if dialect == "sqlite":
        session.execute(text(f"DROP TABLE IF EXISTS temp.{STAGE}"))
        session.execute(text(f"DROP TABLE IF EXISTS temp.{FIELD_STAGE}"))
    session.execute(
        text(
            f"CREATE {temp} TABLE {STAGE} (subject_id BIGINT PRIMARY KEY, score NUMERIC(10, 2), "
            f"grade VARCHAR(32), capped_by VARCHAR(10), points TEXT){end}"
        )
    )
    session.execute(
        text(
            f"CREATE {temp} TABLE {FIELD_STAGE} (subject_id BIGINT, field VARCHAR(40), "
            "industry_label VARCHAR(40), industry_grade VARCHAR(32), public_grade VARCHAR(32), "
            f"combined_grade VARCHAR(32), source_record_id BIGINT){end}"
        )
    )


def _fill(
    session: Session,
    dialect: str,
    name: str,
    columns: tuple[str, ...],
    batches: Iterator[pa.RecordBatch],
) -> None:
    conn = session.connection().connection.driver_connection
    assert conn is not None  # the session's connection is checked out, so it is live
    if dialect == "postgresql":
        options = pa_csv.WriteOptions(include_header=False)
        with (
            conn.cursor() as cur,
            cur.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN (FORMAT csv)") as copy,
        ):
            for batch in batches:
                buffer = io.BytesIO()
                pa_csv.write_csv(batch, buffer, options)
                copy.write(buffer.getvalue())
        return
    cur = conn.cursor()
    try:
        marks = ", ".join("?" * len(columns))
        for batch in batches:
            values = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            cur.executemany(
                f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})",
                [
                    tuple(str(v) if k == 1 and v is not None else v for k, v in enumerate(row))
                    for row in zip(*values, strict=True)
                ],
            )
    finally:
        cur.close()


def _feed(session: Session, dialect: str, *, run_id: int, count: int, now: datetime) -> None:
    """Each grade change of the run on the change feed (topic ``evaluation``)."""
    changes = table(
        "evaluation_grade_changes",
        column("subject_id"),
        column("run_id"),
        column("previous_grade"),
        column("grade"),
        column("score"),
    )
    build = func.jsonb_build_object if dialect == "postgresql" else func.json_object
    score = cast(changes.c.score, String)
    detail = build(
        "run_id",
        str(run_id),
        "previous_grade",
        changes.c.previous_grade,
        "grade",
        changes.c.grade,
        "score",
        score,
    )
    rows = select(
        func.row_number().over(order_by=changes.c.subject_id).label("n"),
        changes.c.subject_id,
        detail.label("detail"),
    ).where(changes.c.run_id == run_id)
    append_selected(
        session, at=now, topic=EVALUATION, event="grade_changed", rows=rows, count=count
    )
