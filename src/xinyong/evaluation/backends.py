"""Where the expression of evaluation/engine.py runs: DuckDB in this process (default), or
Apache Spark (``XINYONG_EVALUATION_ENGINE=spark``, ``XINYONG_EVALUATION_SPARK_MASTER``) on
a Parquet extract of the inputs. Either way the results end as two tables of the run's DuckDB
connection, which evaluation/writer.py writes into the database:

    out_points  subject_id, k (the indicator's number in the model), cents (an indicator
                without a row: none, 0)
    out_scores  subject_id, score_cents, band_rank, grade_rank (A=4 … D=1), capped_by
    out_fields  subject_id, field, industry_label, industry_grade, public_grade,
                combined_grade, source_record_id
"""

from __future__ import annotations

import shutil
import threading
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import ibis

from xinyong.errors import XinyongError
from xinyong.evaluation import engine
from xinyong.evaluation.extract import INPUTS, write_extract
from xinyong.evaluation.schemas import ModelIn

ENGINES = ("duckdb", "spark")
OUT_FIELDS = (
    "CREATE OR REPLACE TABLE out_fields (subject_id BIGINT, field VARCHAR, industry_label "
    "VARCHAR, industry_grade VARCHAR, public_grade VARCHAR, combined_grade VARCHAR, "
    "source_record_id BIGINT)"
)


def run_duckdb(con: duckdb.DuckDBPyConnection, model: ModelIn, today: date) -> None:
    """Score the inputs of ``con`` in ``con`` itself."""
    backend = ibis.duckdb.from_connection(con)
    inputs = engine.Inputs(*(backend.table(f"in_{name}") for name in INPUTS))
    # The rows kept, since each indicator's group-by reads them (engine.points).
    rows = backend.create_table("out_rows", engine.point_rows(inputs, model, today))
    points = backend.create_table("out_points", engine.points(rows, model))
    con.execute("DROP TABLE out_rows")
    scores = engine.scores(inputs, model, today, points_table=points)
    backend.create_table("out_scores", scores)
    fields = engine.field_grades(inputs, model, today, backend.table("out_scores"))
    if fields is None:
        con.execute(OUT_FIELDS)
    else:
        backend.create_table("out_fields", fields)


_spark_lock = threading.Lock()


def spark_session(master: str) -> Any:
    """This process's Spark session (one per process: a JVM each), made on first use."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise _unavailable(
            "未安装 PySpark（pip install 'xinyong[spark]'）", "PySpark is not installed"
        ) from None
    try:
        return _session(SparkSession, master)
    except Exception as exc:  # the JVM or the master: PySparkRuntimeError, Py4JError…
        raise _unavailable(f"Spark 无法启动：{exc}", f"Spark cannot start: {exc}") from None


def _unavailable(message: str, message_en: str) -> XinyongError:
    return XinyongError(
        f"评分引擎 spark 不可用：{message}",
        f"the spark engine is unavailable: {message_en}",
        field="engine",
        code="engine_unavailable",
        status=503,
    )


def _session(spark_session_class: Any, master: str) -> Any:
    with _spark_lock:
        builder = (
            spark_session_class.builder.master(master)
            .appName("xinyong-evaluation")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
        )
        if master.startswith("local"):
            # One machine: a few shuffle partitions, not a cluster's 200 (each a task to
            # schedule); adaptive execution merges them further.
            builder = builder.config("spark.sql.shuffle.partitions", "8")
        session = builder.getOrCreate()
        session.sparkContext.setLogLevel("ERROR")
        return session


def run_spark(
    con: duckdb.DuckDBPyConnection, model: ModelIn, today: date, *, master: str, folder: Path
) -> None:
    """Score on Spark: the inputs of ``con`` go to ``folder`` as a Parquet extract (storage
    every Spark worker reads, on a cluster), Spark writes its results beside them, and they
    come back into ``con``. The folder is removed afterwards."""
    write_extract(con, folder)
    try:
        backend = ibis.pyspark.connect(spark_session(master))
        tag = folder.name.replace("-", "_")
        inputs = engine.Inputs(
            *(
                backend.read_parquet(str(folder / f"{name}.parquet"), table_name=f"in_{name}_{tag}")
                for name in INPUTS
            )
        )
        backend.to_parquet(engine.point_rows(inputs, model, today), str(folder / "out_rows"))
        rows = backend.read_parquet(str(folder / "out_rows"), table_name=f"out_rows_{tag}")
        backend.to_parquet(engine.points(rows, model), str(folder / "out_points"))
        points = backend.read_parquet(str(folder / "out_points"), table_name=f"out_points_{tag}")
        scores = engine.scores(inputs, model, today, points_table=points)
        backend.to_parquet(scores, str(folder / "out_scores"))
        public = backend.read_parquet(str(folder / "out_scores"), table_name=f"out_scores_{tag}")
        fields = engine.field_grades(inputs, model, today, public)
        if fields is not None:
            backend.to_parquet(fields, str(folder / "out_fields"))
        _read_back(con, folder / "out_scores", "out_scores")
        _read_back(con, folder / "out_points", "out_points")
        con.execute(OUT_FIELDS)
        if fields is not None and any((folder / "out_fields").glob("*.parquet")):
            parts = folder / "out_fields" / "*.parquet"
            con.execute(f"INSERT INTO out_fields SELECT * FROM read_parquet('{parts}')")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _read_back(con: duckdb.DuckDBPyConnection, folder: Path, table: str) -> None:
    con.execute(
        f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_parquet('{folder}/*.parquet')"
    )
