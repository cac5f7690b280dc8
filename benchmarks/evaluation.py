"""Public credit evaluation at a province's size (issue 16 § Benchmarks): 1,000,000
organisations with 10,000,000 records in PostgreSQL, made by the database itself
(generate_series) in a bench database dropped afterwards; then

1. a full evaluation end to end with the default model — read, scored on DuckDB, results,
   grade changes and feed changes written — three times: the first run changes every
   subject's grade (none had one); the same day again writes nothing (no result moved); the
   next day writes every result again with its day, a few grades changing (target ≤ 60 s);
2. incremental passes over 100, 10,000 and 100,000 subjects (reported);
3. the scoring core against a raw DuckDB group-by of the same records, on the same inputs in
   the same process (target ≤ 3×);
4. the same scoring on Spark in local mode, from the Parquet extract (reported; no target).

    .venv/bin/python benchmarks/evaluation.py                       # 1,000,000 / 10,000,000
    .venv/bin/python benchmarks/evaluation.py --orgs 100000 --records 1000000 --no-spark
    .venv/bin/python benchmarks/evaluation.py --keep            # keep the bench database …
    .venv/bin/python benchmarks/evaluation.py --reuse --no-spark  # … and measure it again

With ``--reuse`` the subjects have grades already: the first run changes few.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import time
from datetime import date, datetime, timedelta
from typing import Any

import psycopg
from common import OUT, PG_ADMIN, existing_settings, fresh_settings, machine
from sqlalchemy import select

from xinyong.core.clock import SHANGHAI
from xinyong.db import Database
from xinyong.evaluation import backends, engine, extract
from xinyong.evaluation.runs import run_evaluation
from xinyong.evaluation.schemas import RunOut
from xinyong.evaluation.service import catalog_items, default_model, ensure_default_model
from xinyong.models import CatalogItem, CatalogStatus, CatalogVersion, CreditList

NAME = "bench_evaluation"
TODAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=SHANGHAI)
SUBJECT0 = 1_000_000_000
RECORD0 = 5_000_000_000
CHUNK = 1_000_000

# What each organisation's other records are, by weight (about the demo's mix): licences and
# inspections common, positive records a few per hundred, failures rare.
MIX: list[tuple[str, float]] = [
    ("administrative_licensing", 25),
    ("administrative_penalty", 12),
    ("administrative_inspection", 10),
    ("qualification", 6),
    ("administrative_confirmation", 5),
    ("administrative_levy", 5),
    ("pledge_registration", 4),
    ("trademark_registration", 4),
    ("commitment", 3),
    ("commendation", 3),
    ("administrative_reward", 3),
    ("tax_credit_a", 3),
    ("credit_evaluation_by_department", 3),
    ("volunteer_service", 2),
    ("charitable_donation", 2),
    ("interview", 2),
    ("administrative_compulsion", 2),
    ("abnormal_operation", 1.5),
    ("tax_arrears", 1),
    ("social_insurance_arrears", 1),
    ("wage_arrears", 1),
    ("court_judgment_defaulter", 1),
    ("major_tax_violation", 0.5),
    ("market_ban", 0.5),
    ("false_materials", 0.5),
    ("safety_accident", 0.5),
    ("environment_accident", 0.5),
    ("broken_commitment", 0.5),
]
LEVELS = "ARRAY['国家级','省级','市级','县级','其他']"
FIELDS = (
    "ARRAY['税务领域','市场监管领域','安全生产领域','交通运输领域','住房城乡建设领域','海关领域']"
)
GRADES = "ARRAY['AAA级','AA级','A级','B级','C级','良好','较好']"
RESULTS = "ARRAY['未发现问题','未发现问题','未发现问题','发现问题已责令改正','发现问题待后续处理']"


def pg_url(settings_url: str) -> str:
    return settings_url.replace("postgresql+psycopg://", "postgresql://")


def generate(db: Database, orgs: int, records: int) -> dict[str, float]:
    """The population, made by PostgreSQL: organisations, one registration each, the other
    records by MIX, list entries, commitments, declarations, open objections."""
    with db.transaction() as session:
        version = session.execute(
            select(CatalogVersion.id).where(CatalogVersion.status == CatalogStatus.published)
        ).scalar_one()
        items = {
            i.code: i
            for i in session.execute(
                select(CatalogItem).where(CatalogItem.version_id == version)
            ).scalars()
        }
        lists = {
            lst.code: (lst.id, lst.kind.value)
            for lst in session.execute(select(CreditList)).scalars()
        }
    meta = ", ".join(
        f"('{code}', {items[code].id}, '{items[code].category.value}', "
        f"'{items[code].disclosure.value}', {n})"
        for n, code in enumerate([c for c, _w in MIX])
    )
    total = sum(w for _c, w in MIX)
    bounds, cumulative = [], 0.0
    for n, (_code, weight) in enumerate(MIX):
        cumulative += weight / total
        bounds.append(f"WHEN u < {cumulative:.6f} THEN {n}")
    pick = f"CASE {' '.join(bounds)} ELSE {len(MIX) - 1} END"
    timings: dict[str, float] = {}
    with psycopg.connect(pg_url(db.settings.database_url), autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("SET synchronous_commit = off")
        conn.execute("SELECT setseed(0.16)")
        started = time.perf_counter()
        conn.execute(
            "INSERT INTO subjects (id, kind, credit_code, name, region_code, is_government_agency, "
            "created_at) SELECT %s + g, CASE WHEN g %% 10 = 0 THEN 'non_legal_person_org' ELSE "
            "'legal_person' END, '9132' || lpad(g::text, 14, '0'), '基准测试企业' || g, '320100', "
            "false, %s FROM generate_series(1, %s) g",
            (SUBJECT0, NOW, orgs),
        )
        timings["subjects"] = time.perf_counter() - started
        started = time.perf_counter()
        reg = items["org_registration"]
        conn.execute(
            "INSERT INTO records (subject_id, id, item_code, catalog_item_id, catalog_version, "
            "category, disclosure, provider_id, batch_id, channel, source_id, fields, standing, "
            "received_at) SELECT %(s0)s + g, %(r0)s + g, 'org_registration', %(item)s, 1, "
            "'basic', 'public', 1, 1, 'same_level', 'reg-' || g, jsonb_strip_nulls("
            "jsonb_build_object('name', '基准测试企业' || g, 'established_on', "
            "(DATE '2026-11-01' - (random() * 11000)::int)::text, 'status', CASE WHEN random() < "
            "0.95 THEN '存续' ELSE '吊销' END, 'registered_capital', CASE WHEN random() < 0.8 "
            "THEN round((random() * 1000)::numeric, 2)::text END, 'business_scope', CASE WHEN "
            "random() < 0.7 THEN '一般项目：技术服务' END, 'operating_from', CASE WHEN random() < "
            "0.6 THEN '2010-01-01' END, 'approved_on', CASE WHEN random() < 0.5 THEN "
            "'2015-06-01' END, 'address', '江苏省南京市玄武区测试路' || (g %% 500) || '号')), "
            "'active', %(now)s FROM generate_series(1, %(orgs)s) g",
            {"s0": SUBJECT0, "r0": RECORD0, "item": reg.id, "now": NOW, "orgs": orgs},
        )
        others = records - orgs
        for first in range(0, others, CHUNK):
            last = min(others, first + CHUNK)
            conn.execute(
                f"""
                INSERT INTO records (subject_id, id, item_code, catalog_item_id, catalog_version,
                  category, disclosure, provider_id, batch_id, channel, source_id, severity,
                  determined_on, expires_on, fields, standing, received_at)
                SELECT %(s0)s + 1 + (random() * (%(orgs)s - 1))::int, %(r0)s + %(orgs)s + g,
                  m.code, m.item_id, 1, m.category, m.disclosure, 1, 1, 'same_level', 'r-' || g,
                  CASE WHEN m.category = 'negative' THEN s.severity END,
                  CASE WHEN m.category = 'negative' THEN s.on_day END,
                  CASE WHEN m.category = 'negative' THEN s.on_day
                    + CASE WHEN s.severity = 'severe' THEN 1095 ELSE 365 END END,
                  jsonb_strip_nulls(jsonb_build_object(
                    'decision_number', '基准〔2026〕' || g || '号',
                    'decided_on', s.on_day::text,
                    'reward_level', CASE WHEN m.code = 'administrative_reward'
                      THEN ({LEVELS})[1 + (v * 5)::int %% 5] END,
                    'honour_level', CASE WHEN m.code = 'commendation'
                      THEN ({LEVELS})[1 + (v * 5)::int %% 5] END,
                    'conferred_on', CASE WHEN m.code = 'commendation' THEN s.on_day::text END,
                    'evaluated_on', CASE WHEN m.code IN ('tax_credit_a',
                      'credit_evaluation_by_department') THEN s.on_day::text END,
                    'evaluation_field', CASE WHEN m.code = 'credit_evaluation_by_department'
                      THEN ({FIELDS})[1 + (v * 6)::int %% 6] END,
                    'credit_grade', CASE WHEN m.code = 'credit_evaluation_by_department'
                      THEN ({GRADES})[1 + (w * 7)::int %% 7] END,
                    'valid_to', CASE WHEN m.code = 'credit_evaluation_by_department'
                      THEN (s.on_day + 1095)::text END,
                    'inspection_result', CASE WHEN m.code = 'administrative_inspection'
                      THEN ({RESULTS})[1 + (v * 5)::int %% 5] END,
                    'inspected_on', CASE WHEN m.code = 'administrative_inspection'
                      THEN s.on_day::text END)),
                  CASE WHEN w < 0.005 THEN 'revoked' WHEN w < 0.01 THEN 'repaired'
                    WHEN m.category = 'negative' AND s.on_day
                      + CASE WHEN s.severity = 'severe' THEN 1095 ELSE 365 END <= %(today)s
                    THEN 'expired' ELSE 'active' END,
                  s.on_day + 3
                FROM (SELECT g, random() u, random() v, random() w FROM generate_series(
                  %(first)s + 1, %(last)s) g) r
                CROSS JOIN LATERAL (SELECT {pick} AS n,
                  (%(today)s - (r.v * 1000)::int) AS on_day,
                  CASE WHEN r.w < 0.6 THEN 'general' WHEN r.w < 0.85 THEN 'serious'
                    ELSE 'severe' END AS severity) s
                JOIN (VALUES {meta}) m(code, item_id, category, disclosure, n) ON m.n = s.n
                """,
                {
                    "s0": SUBJECT0,
                    "r0": RECORD0,
                    "orgs": orgs,
                    "first": first,
                    "last": last,
                    "today": TODAY,
                },
            )
            print(f"  records {orgs + last:,}", flush=True)
        timings["records"] = time.perf_counter() - started
        started = time.perf_counter()
        entries = max(1, orgs // 100)
        black = [c for c, (_i, k) in lists.items() if k == "black"]
        watch = [c for c, (_i, k) in lists.items() if k == "watch"]
        red = [c for c, (_i, k) in lists.items() if k == "red"]
        chosen = black[:1] + watch[:1] + red[:1]
        for n, code in enumerate(chosen):
            list_id, kind = lists[code]
            conn.execute(
                "INSERT INTO list_entries (subject_id, id, list_id, list_code, kind, "
                "department_id, state, reason, basis_records, responsible_persons, created_at, "
                "confirmed_at, listed_until, benefits_recall) SELECT DISTINCT ON (s) s, "
                "%s + s, %s, %s, %s, 1, 'listed', '基准测试', '[]', '[]', %s, %s, "
                "DATE '2028-01-01', false FROM (SELECT %s + 1 + (random() * (%s - 1))::int s "
                "FROM generate_series(1, %s)) x",
                (
                    (n + 1) * 10_000_000_000,
                    list_id,
                    code,
                    kind,
                    NOW,
                    NOW,
                    SUBJECT0,
                    orgs,
                    entries // 3,
                ),
            )
        conn.execute(
            "INSERT INTO commitments (subject_id, id, item_code, item_version, type, "
            "template_version, text, text_sha256, obligations, breach, reference, department_id, "
            "channel, signed_by, signed_at, state, closed_at) SELECT %s + 1 + (random() * (%s - "
            "1))::int, 40000000000 + g, 'bench', 1, 'voluntary', 1, '承诺', repeat('0', 64), "
            "'[]', '{}', 'b-' || g, 1, 'online', 'bench', %s, CASE WHEN random() < 0.8 THEN "
            "'fulfilled' ELSE 'breached' END, %s FROM generate_series(1, %s) g",
            (SUBJECT0, orgs, NOW - timedelta(days=200), NOW - timedelta(days=100), orgs // 20),
        )
        conn.execute(
            "INSERT INTO declarations (subject_id, id, category, fields, disclosure, "
            "commitment_version, text, text_sha256, declared_by, declared_at, state, "
            "verified_by, verified_at) SELECT %s + 1 + (random() * (%s - 1))::int, "
            "50000000000 + g, 'honour', '{}', 'public', 1, '申报', repeat('0', 64), 'bench', %s, "
            "'verified', 'automatic', %s FROM generate_series(1, %s) g",
            (SUBJECT0, orgs, NOW - timedelta(days=60), NOW - timedelta(days=59), orgs // 50),
        )
        conn.execute(
            "INSERT INTO objections (subject_id, id, target_type, target_id, ground, statement, "
            "filed_by, filed_at, state, review_due_on) SELECT subject_id, 60000000000 + id, "
            "'record', id, 'wrong_or_incomplete', '基准', 'bench', %s, 'review', %s FROM "
            "records TABLESAMPLE SYSTEM (0.01) WHERE item_code = 'administrative_penalty'",
            (NOW, TODAY + timedelta(days=14)),
        )
        timings["entries, commitments, declarations, objections"] = time.perf_counter() - started
        started = time.perf_counter()
        conn.execute("VACUUM (ANALYZE)")
        timings["vacuum analyze"] = time.perf_counter() - started
    return timings


def timed_run(db: Database, day: int, **kwargs: Any) -> tuple[float, dict[str, float], RunOut]:
    """One run end to end (``day`` days after the benchmark's), with the time of each phase."""
    phases: dict[str, float] = {}
    mark: list[Any] = [time.perf_counter(), ""]

    def on_phase(phase: str) -> None:
        now = time.perf_counter()
        if mark[1]:
            phases[mark[1]] = now - mark[0]
        mark[0], mark[1] = now, phase

    started = time.perf_counter()
    [run] = run_evaluation(
        db,
        now=NOW + timedelta(days=day),
        actor="bench",
        engine="duckdb",
        on_phase=on_phase,
        **kwargs,
    )
    phases[mark[1]] = time.perf_counter() - mark[0]
    return time.perf_counter() - started, phases, run


def full_runs(db: Database) -> list[tuple[str, float, dict[str, float], RunOut]]:
    """Three full runs end to end: the first, the same day again, and the next day, when
    every result is written again with its new day. Before the last the evaluation tables are
    vacuumed, as autovacuum would have done in a day: this machine's PostgreSQL runs without
    it (its conf.d/90-ci.conf)."""
    out = []
    for label, day in (("first", 0), ("same day", 0), ("next day", 1)):
        if label == "next day":
            with psycopg.connect(pg_url(db.settings.database_url), autocommit=True) as conn:
                conn.execute(
                    "VACUUM (ANALYZE) evaluation_grades, evaluation_field_grades, "
                    "evaluation_grade_changes"
                )
        out.append((label, *timed_run(db, day)))
    return out


def incremental_passes(db: Database) -> list[tuple[int, float, dict[str, float]]]:
    """Passes over 100, 10,000 and 100,000 subjects drawn at random (seeded), as the
    incremental pass makes for the subjects whose records changed: the next day's, after the
    full runs, so their results stand and none is written again."""
    rng = random.Random(16)
    organisations = range(SUBJECT0 + 1, SUBJECT0 + 1 + _organisations(db))
    out = []
    for n in (100, 10_000, 100_000):
        ids = rng.sample(organisations, min(n, len(organisations)))
        total, phases, _run = timed_run(db, 1, subject_ids=ids)
        out.append((len(ids), total, phases))
    return out


def _organisations(db: Database) -> int:
    with psycopg.connect(pg_url(db.settings.database_url)) as conn:
        row = conn.execute("SELECT count(*) FROM subjects WHERE id > %s", (SUBJECT0,)).fetchone()
    return int(row[0]) if row else 0


def core_against_raw(db: Database) -> dict[str, float]:
    """The scoring core and a raw group-by of the same records, on the same inputs in one
    DuckDB, each three times: the medians."""
    model = default_model()
    with db.transaction() as session:
        wanted = engine.needs(model, catalog_items(session))
    con = extract.connect(db.settings.var_dir)
    started = time.perf_counter()
    extract.read_database(con, db.settings.database_url, wanted)
    read = time.perf_counter() - started
    import ibis

    backend = ibis.duckdb.from_connection(con)
    inputs = engine.Inputs(*(backend.table(f"in_{name}") for name in extract.INPUTS))
    started = time.perf_counter()
    rows_sql = str(backend.compile(engine.point_rows(inputs, model, TODAY)))
    con.execute(f"CREATE TEMP TABLE bench_rows AS {rows_sql} LIMIT 0")
    points_sql = str(backend.compile(engine.points(backend.table("bench_rows"), model)))
    con.execute(f"CREATE TEMP TABLE bench_points AS {points_sql} LIMIT 0")
    kept = backend.table("bench_points")
    scores_sql = str(backend.compile(engine.scores(inputs, model, TODAY, points_table=kept)))
    compile_s = time.perf_counter() - started
    # The baseline: one pass over the same records, grouped by subject, with a little
    # arithmetic per record (a count, a sum of a CASE, a max).
    raw = (
        "SELECT subject_id, count(*) AS n, sum(CASE WHEN severity IS NULL THEN 1 ELSE -1 END) "
        "AS s, max(determined_on) AS latest FROM in_records GROUP BY subject_id"
    )
    # Not the target's baseline, shown beside it: the same group-by by subject and item —
    # groups nearly one a record, as the core's by subject and indicator are (the core cannot
    # have fewer: each indicator is bounded and rounded on its own).
    by_item = raw.replace("subject_id,", "subject_id, item,").replace(
        "GROUP BY subject_id", "GROUP BY subject_id, item"
    )
    core = [
        f"CREATE OR REPLACE TEMP TABLE bench_rows AS {rows_sql}",
        f"CREATE OR REPLACE TEMP TABLE bench_points AS {points_sql}",
        f"CREATE OR REPLACE TEMP TABLE bench_scores AS {scores_sql}",
    ]
    timings: dict[str, list[tuple[float, float]]] = {"core": [], "raw": [], "by_item": []}
    for _ in range(3):
        for name, statements in (
            ("raw", [f"CREATE OR REPLACE TEMP TABLE bench_raw AS {raw}"]),
            ("by_item", [f"CREATE OR REPLACE TEMP TABLE bench_raw AS {by_item}"]),
            ("core", core),
        ):
            started, cpu = time.perf_counter(), time.process_time()
            for statement in statements:
                con.execute(statement)
            timings[name].append((time.perf_counter() - started, time.process_time() - cpu))
    rows = con.execute("SELECT count(*) FROM in_records").fetchone()
    con.close()
    return {
        "read": read,
        "compile": compile_s,
        "core": statistics.median(t for t, _c in timings["core"]),
        "raw": statistics.median(t for t, _c in timings["raw"]),
        "core_cpu": statistics.median(c for _t, c in timings["core"]),
        "raw_cpu": statistics.median(c for _t, c in timings["raw"]),
        "by_item": statistics.median(t for t, _c in timings["by_item"]),
        "by_item_cpu": statistics.median(c for _t, c in timings["by_item"]),
        "records": float(rows[0] if rows else 0),
    }


def on_spark(db: Database) -> dict[str, float]:
    model = default_model()
    with db.transaction() as session:
        wanted = engine.needs(model, catalog_items(session))
    con = extract.connect(db.settings.var_dir)
    extract.read_database(con, db.settings.database_url, wanted)
    folder = OUT / "evaluation-spark"
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    session = backends.spark_session("local[*]")
    start_s = time.perf_counter() - started
    started = time.perf_counter()
    extract.write_extract(con, folder)
    extract_s = time.perf_counter() - started
    # run_spark writes the extract again and reads the results back into DuckDB: the whole
    # of what a run does on Spark.
    started = time.perf_counter()
    backends.run_spark(con, model, TODAY, master="local[*]", folder=folder)
    scored = time.perf_counter() - started
    subjects = con.execute("SELECT count(*) FROM out_scores").fetchone()
    con.close()
    session.stop()
    return {
        "start": start_s,
        "extract": extract_s,
        "scored": scored,
        "subjects": float(subjects[0] if subjects else 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orgs", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the database a --keep run left (kept)"
    )
    args = parser.parse_args()
    print(f"machine: {machine()}; load average before: {os.getloadavg()}")
    settings = (existing_settings if args.reuse else fresh_settings)("postgresql", NAME)
    db = Database(settings)
    try:
        if not args.reuse:
            print(f"generating {args.orgs:,} organisations and {args.records:,} records …")
            for what, seconds in generate(db, args.orgs, args.records).items():
                print(f"  {what}: {seconds:.1f} s")
            with db.transaction() as session:
                ensure_default_model(session, ids=db.ids, now=NOW)
        print("full evaluation end to end (default model, DuckDB), results written:")
        for label, total, phases, run in full_runs(db):
            shown = ", ".join(f"{p} {s:.1f} s" for p, s in phases.items())
            print(
                f"  {label}: {total:.1f} s ({shown}); subjects {run.subjects:,}, "
                f"changed {run.changed:,}, grades {run.grade_counts}, PSI {run.psi}"
            )
        print(f"  load average: {os.getloadavg()}")
        print("incremental passes (the subjects given, end to end):")
        for n, total, phases in incremental_passes(db):
            shown = ", ".join(f"{p} {s:.2f} s" for p, s in phases.items())
            print(f"  {n:,} subjects: {total:.2f} s ({shown})")
        core = core_against_raw(db)
        print(
            f"scoring core vs raw DuckDB group-by of the same {int(core['records']):,} records "
            f"(inputs read in {core['read']:.1f} s, "
            f"expression compiled in {core['compile']:.2f} s):"
        )
        print(
            f"  wall: core {core['core']:.2f} s, raw group-by {core['raw']:.2f} s: "
            f"{core['core'] / core['raw']:.2f}× (target ≤ 3×)"
        )
        print(
            f"  CPU of the process: core {core['core_cpu']:.2f} s, raw {core['raw_cpu']:.2f} s: "
            f"{core['core_cpu'] / core['raw_cpu']:.2f}×; load average {os.getloadavg()}"
        )
        print(
            f"  beside it, the raw group-by by subject and item: wall {core['by_item']:.2f} s "
            f"(core {core['core'] / core['by_item']:.2f}×), CPU {core['by_item_cpu']:.2f} s "
            f"(core {core['core_cpu'] / core['by_item_cpu']:.2f}×)"
        )
        if not args.no_spark:
            spark = on_spark(db)
            print(
                f"Spark local[*]: session {spark['start']:.1f} s, Parquet extract "
                f"{spark['extract']:.1f} s, scored and read back {spark['scored']:.1f} s "
                f"({int(spark['subjects']):,} subjects); load average {os.getloadavg()}"
            )
    finally:
        db.dispose()
        if not (args.keep or args.reuse):
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')


if __name__ == "__main__":
    main()
