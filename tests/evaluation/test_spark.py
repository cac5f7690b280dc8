"""The same scoring on Spark (local mode) gives the same scores, grades, caps, points and
field grades as on DuckDB, for a small demo population on each database (issue 16 § 4).

One Spark session serves the module (a JVM starts in 10–20 s): made here with the JIT's
first tier only, which halves the start and the first query of a short job; the engine's own
``spark_session`` then finds it. Java 17 is needed (`make setup` installs pyspark)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from evaluation_world import all_grades
from sqlalchemy import select

from xinyong.demo.loader import load_demo
from xinyong.evaluation.runs import run_evaluation
from xinyong.models import EvaluationFieldGrade

CATALOG = (
    Path(__file__).resolve().parents[2] / "src" / "xinyong" / "catalog" / "default_catalog.json"
)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    if shutil.which("java") is None:
        pytest.skip("Java is not installed (make java): the Spark engine cannot run")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("xinyong-evaluation-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def field_grades(db) -> set[tuple]:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        rows = session.execute(select(EvaluationFieldGrade)).scalars()
        return {
            (f.subject_id, f.field, f.industry_label, f.industry_grade, f.combined_grade)
            for f in rows
        }


@pytest.mark.slow
def test_spark_and_duckdb_give_the_same_scores_and_grades(db, clock, spark) -> None:  # type: ignore[no-untyped-def]
    items = json.loads(CATALOG.read_text(encoding="utf-8"))["items"]
    # The demo publishes the default model and runs it on DuckDB.
    demo = load_demo(db, items, subjects=100, seed=3, clock=clock)
    on_duckdb, fields_on_duckdb = all_grades(db), field_grades(db)
    assert len(set(demo.grades)) > 1, demo.grades  # not all one grade
    [run] = run_evaluation(db, now=clock.now(), actor="test", engine="spark")
    assert (run.engine, run.subjects, run.changed) == ("spark", len(on_duckdb), 0)
    assert run.grade_counts == demo.grades
    assert all_grades(db) == on_duckdb
    assert field_grades(db) == fields_on_duckdb
    assert fields_on_duckdb, "the demo has industry evaluations to combine"
    assert not list((db.settings.evaluation_extracts).glob("run-*")), "the extract is removed"
