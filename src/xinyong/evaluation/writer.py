"""A run's results written into the database in bulk, in the run's transaction
(docs/evaluation.md § Running it):

1. the results of the DuckDB connection (``out_scores``, ``out_points``, ``out_fields``) go
   into two staging tables of the session: by ``COPY … FROM STDIN (FORMAT csv)`` on
   PostgreSQL, fed by DuckDB's Arrow batches written as CSV by pyarrow; by ``executemany`` on
   SQLite. DuckDB gives each subject's result its digest: MD5 of the score, grade, cap, the
   points of every indicator that has any and the field grades, each list in a set order;
2. the subjects whose stored result has the same digest, model and day are taken out of the
   stage: their rows stay as they are (a run that re-reads a subject whose change did not move
   its result writes nothing for it, and the database parses no JSON to know it);
3. for the rest, the database compares the staged grades with those it holds: one
   ``INSERT … SELECT`` writes ``evaluation_grade_changes`` for every subject whose grade
   changed (or that had none), one more puts those changes on the change feed
   (feeds/changes.append_selected); their grades and field grades are replaced by the staged
   ones.

Nothing here loops over subjects in Python but the SQLite executemany, which is the driver's
loop."""

from __future__ import annotations

import io
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
from xinyong.evaluation.rules import RANK_GRADE
from xinyong.evaluation.schemas import ModelIn
from xinyong.feeds.changes import EVALUATION, append_selected

BATCH_ROWS = 200_000
STAGE = "evaluation_stage"
FIELD_STAGE = "evaluation_field_stage"
STAGE_COLUMNS = ("subject_id", "score", "grade", "capped_by", "points", "digest")
FIELD_COLUMNS = (
    "subject_id",
    "field",
    "industry_label",
    "industry_grade",
    "public_grade",
    "combined_grade",
    "source_record_id",
)
# out_scores holds a grade as its rank (engine.scores); its letter, by the rank (1: D … 4: A).
_LETTERS = ", ".join(f"'{RANK_GRADE[rank].value}'" for rank in sorted(RANK_GRADE))
GRADE = f"list_extract([{_LETTERS}], grade_rank)"


@dataclass(frozen=True)
class Written:
    subjects: int  # evaluated, whether or not their result moved
    changed: int  # whose grade changed
    grade_counts: dict[str, int]
    field_grades: int  # of the subjects evaluated


def _scores_sql(model: ModelIn) -> str:
    """The staged form of out_scores: the score in exact decimals (cents times 0.01), the
    points of the indicators that have any as one JSON object (repository.points_of gives the
    others their 0), and the digest of the result.

    The digest reads the points and the field grades as lists sorted in DuckDB, not as the
    JSON text, whose keys come in the order the aggregate met them. A new DuckDB that prints
    them differently changes every digest once: the next run writes every result again."""
    codes = [i.code for _d, i in model.indicators()]
    # out_points numbers the indicators (k, from 0); their codes (schemas.Code: letters,
    # digits and underscores) are put on here, as the keys of the object.
    names = "[" + ", ".join(f"'{code}'" for code in codes) + "]"
    fields = ", ".join(FIELD_COLUMNS[1:])
    return (
        "SELECT s.subject_id, CAST(s.score_cents AS DECIMAL(16, 0)) * CAST(0.01 AS "
        "DECIMAL(3, 2)) AS score, s.grade, s.capped_by, CAST(coalesce(p.points, '{}') AS "
        "VARCHAR) AS points, md5(CAST(row(s.score_cents, s.grade, s.capped_by, p.sorted, "
        "f.sorted) AS VARCHAR)) AS digest FROM (SELECT subject_id, score_cents, "
        f"{GRADE} AS grade, capped_by FROM out_scores) s LEFT JOIN (SELECT subject_id, "
        f"json_group_object(list_extract({names}, k + 1), CAST(cents AS DECIMAL(16, 0)) * "
        "CAST(0.01 AS DECIMAL(3, 2))) AS points, list_sort(list(row(k, cents))) AS sorted "
        "FROM out_points WHERE cents <> 0 GROUP BY subject_id) p ON p.subject_id = "
        f"s.subject_id LEFT JOIN (SELECT subject_id, list_sort(list(row({fields}))) AS sorted "
        "FROM out_fields GROUP BY subject_id) f ON f.subject_id = s.subject_id"
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
    if dialect == "postgresql":  # a temporary table has no statistics until analysed
        for name in (STAGE, FIELD_STAGE):
            _rows(session, f"ANALYZE {name}")
    counts: dict[str, int] = dict(
        con.execute(f"SELECT {GRADE}, count(*) FROM out_scores GROUP BY 1").fetchall()
    )
    fields = _count(con, "out_fields")
    at = timestamp_value(dialect, now) if dialect == "sqlite" else now
    params = {"run_id": run_id, "model_id": model_id, "at": at, "as_of": as_of.isoformat()}
    if _drop_unchanged(session, dialect, params) and dialect == "postgresql":
        _rows(session, f"ANALYZE {STAGE}")  # what is left may be few: join it by index
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
    for target in ("evaluation_grades", "evaluation_field_grades"):
        _rows(session, f"DELETE FROM {target} WHERE subject_id IN (SELECT subject_id FROM {STAGE})")
    points = "CAST(s.points AS jsonb)" if dialect == "postgresql" else "s.points"
    _rows(
        session,
        "INSERT INTO evaluation_grades (subject_id, model_id, run_id, score, grade, "
        "capped_by, points, as_of, evaluated_at, digest) SELECT s.subject_id, :model_id, "
        f":run_id, s.score, s.grade, s.capped_by, {points}, :as_of, :at, s.digest FROM {STAGE} s",
        params,
    )
    _rows(
        session,
        f"INSERT INTO evaluation_field_grades ({', '.join(FIELD_COLUMNS)}, run_id) "
        f"SELECT {', '.join(FIELD_COLUMNS)}, :run_id FROM {FIELD_STAGE} "
        f"WHERE subject_id IN (SELECT subject_id FROM {STAGE})",
        params,
    )
    if dialect == "sqlite":  # PostgreSQL drops them at the commit
        for name in (STAGE, FIELD_STAGE):
            _rows(session, f"DROP TABLE temp.{name}")
    return Written(
        subjects=sum(counts.values()),
        changed=changed,
        grade_counts={g: counts[g] for g in sorted(counts)},
        field_grades=fields,
    )


def _drop_unchanged(session: Session, dialect: str, params: dict[str, Any]) -> int:
    """Take out of the stage the subjects whose stored result is the staged one: same model,
    day and digest. Returns how many.

    PostgreSQL deletes by a join (``USING``): as ``subject_id IN (subquery)`` over a fresh
    temporary table it planned the subquery once per staged row (a million rows: minutes).
    SQLite has no ``USING`` and builds an ``IN`` list once."""
    same = (
        "g.subject_id = s.subject_id AND g.model_id = :model_id AND g.as_of = :as_of "
        "AND g.digest = s.digest"
    )
    if dialect == "postgresql":
        return _rows(
            session, f"DELETE FROM {STAGE} s USING evaluation_grades g WHERE {same}", params
        )
    return _rows(
        session,
        f"DELETE FROM {STAGE} WHERE subject_id IN (SELECT s.subject_id FROM {STAGE} s "
        f"JOIN evaluation_grades g ON {same})",
        params,
    )


def _count(con: duckdb.DuckDBPyConnection, name: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {name}").fetchone()
    assert row is not None  # a count's one row
    return int(row[0])


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
            f"grade VARCHAR(32), capped_by VARCHAR(10), points TEXT, digest CHAR(32)){end}"
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
