"""Evaluation runs (002 §（六）; 000 §（六））: every organisation — and every natural person
where a model for persons is in force — scored by the model in force, as one columnar batch
job, the results written in bulk, each run kept with its drift against the previous full run.

A run for one model:

1. its row is committed as ``running`` (a dashboard sees it);
2. in one transaction, holding the job's lock (core/locks; on SQLite the one writer's lock):
   the inputs are read by DuckDB from the database (evaluation/extract.py), scored on the
   configured engine (evaluation/backends.py), the results written (evaluation/writer.py),
   the run marked ``done`` with its counts, changed subjects and PSI, one audit entry;
3. on failure that transaction is rolled back and the run marked ``failed`` with the error.

``subject_ids`` narrows a run to some subjects (kind ``incremental``): the pass that catches
up subjects whose archive changed calls it with those."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date, datetime
from pathlib import Path

import duckdb

from xinyong.core import audit
from xinyong.core.clock import local_date
from xinyong.core.locks import advisory_xact_lock
from xinyong.db import Database
from xinyong.errors import InvalidRequest
from xinyong.evaluation import backends, cursor, extract, repository
from xinyong.evaluation.engine import needs
from xinyong.evaluation.rules import psi
from xinyong.evaluation.schemas import ModelIn, RunOut
from xinyong.evaluation.service import APPLIES_TO, catalog_items, model_in_force, spec_of
from xinyong.evaluation.writer import write_results
from xinyong.models import EvaluationModel, EvaluationRun, RunState

Phase = Callable[[str], None]
LOCK = "job:evaluation"


def run_evaluation(
    db: Database,
    *,
    now: datetime,
    actor: str,
    engine: str | None = None,
    subject_ids: Collection[int] | None = None,
    extract_from: Path | None = None,
    on_phase: Phase | None = None,
) -> list[RunOut]:
    """One run per model in force today (organisations; persons only where a model for
    them is published): full, or ``incremental`` for ``subject_ids``. ``extract_from`` reads
    the inputs from a Parquet extract (:func:`write_extract_of`) instead of the database."""
    chosen = engine or db.settings.evaluation_engine
    if chosen not in backends.ENGINES:
        raise InvalidRequest(
            f"没有评分引擎 {chosen}（可选：{'、'.join(backends.ENGINES)}）",
            f"no engine {chosen} (one of {', '.join(backends.ENGINES)})",
            field="engine",
            code="unknown_engine",
        )
    today = local_date(now)
    with db.transaction() as session:
        found = [model_in_force(session, applies_to, today) for applies_to in APPLIES_TO]
    in_force = [m for m in found if m is not None]
    if not in_force:
        raise InvalidRequest(
            "没有生效的评价模型；先用 xinyong evaluate load 载入并发布",
            "no evaluation model is in force; load and publish one with xinyong evaluate load",
            code="no_model_in_force",
        )
    return [
        _run_one(
            db,
            model,
            now=now,
            actor=actor,
            engine=chosen,
            subject_ids=subject_ids,
            extract_from=extract_from,
            on_phase=on_phase or (lambda _phase: None),
        )
        for model in in_force
    ]


def _run_one(
    db: Database,
    model: EvaluationModel,
    *,
    now: datetime,
    actor: str,
    engine: str,
    subject_ids: Collection[int] | None,
    extract_from: Path | None,
    on_phase: Phase,
) -> RunOut:
    spec = spec_of(model)
    today = local_date(now)
    kind = "full" if subject_ids is None else "incremental"
    run_id = db.ids.next_id()
    with db.transaction() as session:
        session.add(
            EvaluationRun(
                id=run_id,
                model_id=model.id,
                kind=kind,
                engine=engine,
                as_of=today,
                state=RunState.running,
                started_by=actor,
                started_at=now,
                subjects=0,
                changed=0,
            )
        )
    try:
        with db.transaction() as session:
            advisory_xact_lock(session, LOCK)
            previous = repository.previous_full_run(session, spec.applies_to)
            # What a full run reads from the database needs no incremental pass after it.
            mark = (
                cursor.pending(session, read_at=now, full=True)
                if kind == "full" and extract_from is None
                else None
            )
            con = extract.connect(
                db.settings.var_dir, memory_limit=db.settings.evaluation_memory_limit
            )
            try:
                on_phase("读取信用档案")
                wanted = needs(spec, catalog_items(session))
                if extract_from is not None:
                    extract.read_extract(con, extract_from)
                else:
                    extract.read_database(
                        con, db.settings.database_url, wanted, subject_ids=subject_ids
                    )
                on_phase(f"评分（{engine}）")
                _score(db, con, spec, today, engine=engine, run_id=run_id)
                on_phase("写入评价结果")
                written = write_results(
                    session, con, spec, model_id=model.id, run_id=run_id, as_of=today, now=now
                )
            finally:
                con.close()
            if mark is not None:
                cursor.advance(session, mark)
            run = session.get(EvaluationRun, run_id)
            assert run is not None  # committed above
            run.state = RunState.done
            run.finished_at = now
            run.subjects = written.subjects
            run.changed = written.changed
            run.grade_counts = written.grade_counts
            if kind == "full" and previous is not None:
                run.previous_run_id = previous.id
                run.psi = psi(previous.grade_counts or {}, written.grade_counts)
            audit.log(
                session,
                actor=actor,
                action="evaluation.run",
                at=now,
                target_type="evaluation_run",
                target_id=run_id,
                detail={
                    "model": f"{spec.code}:{spec.version}",
                    "kind": kind,
                    "engine": engine,
                    "subjects": written.subjects,
                    "changed": written.changed,
                    "grade_counts": written.grade_counts,
                    "field_grades": written.field_grades,
                    "psi": run.psi,
                },
            )
            return run_out(run)
    except BaseException as exc:
        with db.transaction() as session:
            run = session.get(EvaluationRun, run_id)
            assert run is not None  # committed above
            run.state = RunState.failed
            run.finished_at = now
            run.error = f"{type(exc).__name__}: {exc}"[:2000]
        raise


def _score(
    db: Database,
    con: duckdb.DuckDBPyConnection,
    spec: ModelIn,
    today: date,
    *,
    engine: str,
    run_id: int,
) -> None:
    row = con.execute("SELECT count(*) FROM in_subjects").fetchone()
    if engine == "spark" and row and row[0]:
        folder = db.settings.evaluation_extracts / f"run-{run_id}"
        backends.run_spark(
            con, spec, today, master=db.settings.evaluation_spark_master, folder=folder
        )
    else:
        backends.run_duckdb(con, spec, today)


def write_extract_of(db: Database, folder: Path, *, today: date) -> int:
    """The inputs of the model for organisations in force on ``today`` as a Parquet extract
    in ``folder`` (for Spark elsewhere, or a later ``run --extract``); returns the subjects."""
    with db.transaction() as session:
        model = model_in_force(session, "organisation", today)
        if model is None:
            raise InvalidRequest(
                "没有生效的评价模型",
                "no evaluation model is in force",
                code="no_model_in_force",
            )
        wanted = needs(spec_of(model), catalog_items(session))
    con = extract.connect(db.settings.var_dir, memory_limit=db.settings.evaluation_memory_limit)
    try:
        extract.read_database(con, db.settings.database_url, wanted)
        extract.write_extract(con, folder)
        row = con.execute("SELECT count(*) FROM in_subjects").fetchone()
    finally:
        con.close()
    return int(row[0]) if row else 0


def run_out(run: EvaluationRun) -> RunOut:
    return RunOut(
        id=str(run.id),
        model_id=str(run.model_id),
        kind=run.kind,
        engine=run.engine,
        as_of=run.as_of,
        state=run.state.value,
        started_at=run.started_at,
        finished_at=run.finished_at,
        subjects=run.subjects,
        changed=run.changed,
        grade_counts=run.grade_counts,
        psi=run.psi,
        previous_run_id=None if run.previous_run_id is None else str(run.previous_run_id),
        error=run.error,
    )
