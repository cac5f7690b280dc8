"""The monthly oversight reports at a province's size (issue 18 part 2 § Benchmark): 100
providing departments, 5,000,000 records pushed over two years in 50,000 batches (a tenth of
them with rejected rows), 250,000 checks with their hits and feedback, credit reports and
upheld objections — made by PostgreSQL itself (generate_series) in a bench database dropped
afterwards; then, for October 2026 (a month over) and November (under way):

- raw: the floor — the month's records counted per department and item through their batches
  (the join every report of a month needs) and the month's checks per department: one grouped
  statement each, nothing else;
- core: ``oversight/reports.collection_report`` and ``use_report`` as the API runs them — for
  all departments at once: duties against arrivals, last pushes, overdue items, timeliness by
  update cycle, rejections and their top errors, 双公示, upheld objections; checks, hits,
  feedback due, on time and overdue, credit reports (target: both ≤ 30 s);
- the year's assessment to date: its ten months computed and kept, then read back.

    .venv/bin/python benchmarks/oversight.py                          # 5,000,000 records
    .venv/bin/python benchmarks/oversight.py --records 1000000        # smaller
    .venv/bin/python benchmarks/oversight.py --backend sqlite --records 1000000

On SQLite the same population is written by Python (one executemany per million rows), in a
file under benchmarks/out/.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import time
from datetime import UTC, date, datetime, timedelta

import psycopg
from common import OUT, PG_ADMIN, fresh_settings, machine
from sqlalchemy import func, select

from xinyong.core.clock import SHANGHAI
from xinyong.db import Database
from xinyong.models import Batch, CatalogItem, CatalogStatus, CatalogVersion, Check, Record
from xinyong.oversight.assessment import assess
from xinyong.oversight.reports import collection_report, use_report
from xinyong.reports.dual_publicity import Month

NAME = "bench_oversight"
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=SHANGHAI)
FIRST_DAY = date(2024, 12, 1)
LAST_DAY = date(2026, 11, 21)
DEPARTMENTS = 100
# Sectors that are a source of every item below (the ten acts' and inspection results').
SECTORS = (
    "development_reform", "market_regulation", "tax", "public_security", "civil_affairs",
    "human_resources", "emergency_management", "ecology_environment", "housing_construction",
    "transport", "natural_resources", "agriculture", "water_resources", "health",
    "drug_administration", "education", "culture_tourism", "commerce", "customs",
    "medical_security", "intellectual_property", "finance", "judicial_administration", "other",
)  # fmt: skip
ITEMS = (
    "administrative_licensing", "administrative_penalty", "administrative_inspection",
    "administrative_reward", "administrative_compulsion", "inspection_result",
)  # fmt: skip
RECORD0 = 7_000_000_000
CHECK0 = 8_000_000_000
BATCH0 = 9_000_000_000
ERRORS = (
    '[{"index": 3, "errors": [{"field": "fields.decided_on", "code": "missing_field"}]},'
    ' {"index": 7, "errors": [{"field": "item", "code": "unknown_item"}]},'
    ' {"index": 9, "errors": [{"field": "fields.fine_amount", "code": "invalid_field"},'
    ' {"field": "subject.credit_code", "code": "invalid_credit_code"}]}]'
)


def pg_url(settings_url: str) -> str:
    return settings_url.replace("postgresql+psycopg://", "postgresql://")


def item_ids(db: Database) -> dict[str, int]:
    """The published catalog's ids of ITEMS, by code."""
    with db.transaction() as session:
        version = session.execute(
            select(CatalogVersion.id).where(CatalogVersion.status == CatalogStatus.published)
        ).scalar_one()
        return dict(
            session.execute(
                select(CatalogItem.code, CatalogItem.id).where(
                    CatalogItem.version_id == version, CatalogItem.code.in_(ITEMS)
                )
            ).all()
        )


def generate(db: Database, records: int) -> dict[str, float]:
    ids = item_ids(db)
    negative = ("administrative_penalty", "administrative_compulsion")
    meta = ", ".join(
        f"({n}, '{code}', {ids[code]}, '{'negative' if code in negative else 'other'}')"
        for n, code in enumerate(ITEMS)
    )
    sectors = "ARRAY[" + ", ".join(f"'{s}'" for s in SECTORS) + "]"
    timings: dict[str, float] = {}
    with psycopg.connect(pg_url(db.settings.database_url), autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("SET synchronous_commit = off")
        conn.execute("SELECT setseed(0.18)")
        started = time.perf_counter()
        conn.execute(
            f"INSERT INTO departments (code, name, region_code, kind, created_at) "
            f"SELECT 'bench-' || lpad(g::text, 3, '0'), '基准测试部门' || g, '320000', "
            f"({sectors})[1 + (g - 1) % {len(SECTORS)}], TIMESTAMPTZ '2024-11-01 09:00+08' "
            f"FROM generate_series(1, {DEPARTMENTS}) g"
        )
        # One batch per department and weekday, at 10:00 and the department's minute.
        conn.execute(
            "CREATE UNLOGGED TABLE bench_batches AS SELECT row_number() OVER (ORDER BY day, d.id) "
            "- 1 AS idx, d.id AS provider_id, (day + TIME '10:00' + d.id * INTERVAL '1 minute') "
            "AT TIME ZONE 'Asia/Shanghai' AS received_at, day::date AS day FROM departments d "
            "CROSS JOIN generate_series(%s::date, %s::date, INTERVAL '1 day') day "
            "WHERE extract(isodow FROM day) < 6",
            (FIRST_DAY, LAST_DAY),
        )
        conn.execute("CREATE INDEX ON bench_batches (idx)")
        batches = conn.execute("SELECT count(*) FROM bench_batches").fetchone()[0]  # type: ignore[index]
        per = records // batches
        conn.execute(
            "INSERT INTO batches (id, provider_id, channel, via, received_at, total, accepted, "
            "duplicates, rejected, answer) SELECT %s + idx, provider_id, 'same_level', 'api', "
            "received_at, %s + CASE WHEN idx %% 10 = 0 THEN 3 ELSE 0 END, %s, 0, "
            "CASE WHEN idx %% 10 = 0 THEN 3 ELSE 0 END, jsonb_build_object('rejected', "
            "CASE WHEN idx %% 10 = 0 THEN %s::jsonb ELSE '[]'::jsonb END) FROM bench_batches",
            (BATCH0, per, per, ERRORS),
        )
        timings["departments and batches"] = time.perf_counter() - started
        started = time.perf_counter()
        chunk = 1_000_000
        for first in range(0, records, chunk):
            last = min(records, first + chunk)
            conn.execute(
                f"""
                INSERT INTO records (subject_id, id, item_code, catalog_item_id, catalog_version,
                  category, disclosure, provider_id, batch_id, channel, source_id, severity,
                  determined_on, fields, standing, received_at)
                SELECT 1 + (random() * 999999)::int, %(r0)s + g, m.code, m.item_id, 1,
                  m.category, 'public', b.provider_id, %(b0)s + b.idx, 'same_level', 'r-' || g,
                  CASE WHEN m.category = 'negative' THEN 'general' END,
                  CASE WHEN m.category = 'negative' THEN s.decided END,
                  jsonb_build_object('decision_number', '基准〔2026〕' || g || '号',
                    'decided_on', s.decided::text),
                  'active', b.received_at
                FROM generate_series(%(first)s + 1, %(last)s) g
                JOIN bench_batches b ON b.idx = g %% %(batches)s
                CROSS JOIN LATERAL (SELECT (random() * {len(ITEMS) - 1})::int AS n,
                  b.day - (random() * random() * 20)::int AS decided) s
                JOIN (VALUES {meta}) m(n, code, item_id, category) ON m.n = s.n
                """,
                {
                    "r0": RECORD0,
                    "b0": BATCH0,
                    "first": first,
                    "last": last,
                    "batches": batches,
                },
            )
            print(f"  records {last:,}", flush=True)
        timings["records"] = time.perf_counter() - started
        started = time.perf_counter()
        # Five checks per department and weekday; one in ten finds a listed subject (a hit of
        # one measure), four in five of those answered within 0–15 days.
        conn.execute(
            "INSERT INTO checks (id, department_id, actor, scenario, purpose, at, subjects, "
            "found, decisions) SELECT %s + row_number() OVER (), b.provider_id, 'bench', "
            "'bidding', '基准', b.received_at + k * INTERVAL '1 hour', 1, 1, '{}' FROM "
            "bench_batches b CROSS JOIN generate_series(1, 5) k",
            (CHECK0,),
        )
        conn.execute(
            "INSERT INTO check_hits (check_id, subject_id, measure_code, action, entry_id) "
            "SELECT id, 1 + id % 999999, 'restrict_bidding', 'intercept', 1 FROM checks "
            "WHERE id % 10 = 0"
        )
        conn.execute(
            "INSERT INTO check_feedback (check_id, subject_id, measure_code, department_id, "
            "applied, reason, at) SELECT h.check_id, h.subject_id, h.measure_code, "
            "c.department_id, random() < 0.9, '基准', c.at + (random() * 15)::int * "
            "INTERVAL '1 day' FROM check_hits h JOIN checks c ON c.id = h.check_id "
            "WHERE random() < 0.8"
        )
        conn.execute(
            "INSERT INTO credit_reports (number, subject_id, basis, requested_by, "
            "department_id, purpose, as_of, issued_at, sha256, summary, content) SELECT "
            "'XY-BENCH-' || g, 1 + g, 'review', 'bench', 1 + g %% %s, '基准', c.at, c.at, "
            "repeat('0', 64), '{}', '{}' FROM (SELECT id, at, row_number() OVER () g FROM "
            "checks WHERE id %% 5 = 0) c",
            (DEPARTMENTS,),
        )
        conn.execute(
            "INSERT INTO objections (subject_id, id, target_type, target_id, ground, statement, "
            "filed_by, filed_at, state, review_due_on, outcome, decided_at) SELECT subject_id, "
            "60000000000 + id, 'record', id, 'wrong_or_incomplete', '基准', 'bench', "
            "received_at, 'closed', received_at::date + 14, 'upheld', received_at + "
            "INTERVAL '5 days' FROM records TABLESAMPLE SYSTEM (0.05) "
            "WHERE item_code = 'administrative_penalty'"
        )
        conn.execute("DROP TABLE bench_batches")
        timings["checks, hits, feedback, credit reports, objections"] = (
            time.perf_counter() - started
        )
        started = time.perf_counter()
        conn.execute("VACUUM (ANALYZE)")
        timings["vacuum analyze"] = time.perf_counter() - started
    return timings


def _utc(day: date, minutes: int) -> str:
    """A moment of ``day`` in Asia/Shanghai as SQLite keeps it: naive UTC text."""
    local = datetime.combine(day, datetime.min.time(), tzinfo=SHANGHAI) + timedelta(minutes=minutes)
    return local.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def generate_sqlite(db: Database, records: int) -> dict[str, float]:
    """The same population as :func:`generate`, written by Python on SQLite."""
    rng = random.Random(18)
    ids = item_ids(db)
    path = db.settings.database_url.removeprefix("sqlite:///")
    timings: dict[str, float] = {}
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")
    started = time.perf_counter()
    created = _utc(date(2024, 11, 1), 9 * 60)
    conn.executemany(
        "INSERT INTO departments (code, name, region_code, kind, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            (
                f"bench-{g:03d}",
                f"基准测试部门{g}",
                "320000",
                SECTORS[(g - 1) % len(SECTORS)],
                created,
            )
            for g in range(1, DEPARTMENTS + 1)
        ],
    )
    departments = [row[0] for row in conn.execute("SELECT id FROM departments ORDER BY id")]
    days = [
        FIRST_DAY + timedelta(days=n)
        for n in range((LAST_DAY - FIRST_DAY).days + 1)
        if (FIRST_DAY + timedelta(days=n)).isoweekday() < 6
    ]
    batches = [
        (idx, d, day, _utc(day, 600 + d))
        for idx, (day, d) in enumerate((day, d) for day in days for d in departments)
    ]
    per = records // len(batches)
    conn.executemany(
        "INSERT INTO batches (id, provider_id, channel, via, received_at, total, accepted, "
        "duplicates, rejected, answer) VALUES (?, ?, 'same_level', 'api', ?, ?, ?, 0, ?, ?)",
        [
            (
                BATCH0 + idx,
                d,
                at,
                per + (3 if idx % 10 == 0 else 0),
                per,
                3 if idx % 10 == 0 else 0,
                '{"rejected": ' + (ERRORS if idx % 10 == 0 else "[]") + "}",
            )
            for idx, d, _day, at in batches
        ],
    )
    conn.commit()
    timings["departments and batches"] = time.perf_counter() - started
    started = time.perf_counter()
    negative = ("administrative_penalty", "administrative_compulsion")
    chunk = 1_000_000
    for first in range(0, records, chunk):
        rows = []
        for g in range(first + 1, min(records, first + chunk) + 1):
            idx, d, day, at = batches[g % len(batches)]
            code = ITEMS[rng.randrange(len(ITEMS))]
            decided = (day - timedelta(days=int(rng.random() * rng.random() * 20))).isoformat()
            bad = code in negative
            rows.append(
                (
                    1 + rng.randrange(999_999),
                    RECORD0 + g,
                    code,
                    ids[code],
                    "negative" if bad else "other",
                    d,
                    BATCH0 + idx,
                    f"r-{g}",
                    "general" if bad else None,
                    decided if bad else None,
                    f'{{"decision_number": "基准〔2026〕{g}号", "decided_on": "{decided}"}}',
                    at,
                )
            )
        conn.executemany(
            "INSERT INTO records (subject_id, id, item_code, catalog_item_id, catalog_version, "
            "category, disclosure, provider_id, batch_id, channel, source_id, severity, "
            "determined_on, fields, standing, received_at) VALUES (?, ?, ?, ?, 1, ?, 'public', "
            "?, ?, 'same_level', ?, ?, ?, ?, 'active', ?)",
            rows,
        )
        conn.commit()
        print(f"  records {first + len(rows):,}", flush=True)
    timings["records"] = time.perf_counter() - started
    started = time.perf_counter()
    checks = []
    for n, (_idx, d, day, _at) in enumerate((b for b in batches for _k in range(5)), start=1):
        at = _utc(day, 600 + d + 60 * (n % 5 + 1))
        checks.append((CHECK0 + n, d, at))
    conn.executemany(
        "INSERT INTO checks (id, department_id, actor, scenario, purpose, at, subjects, found, "
        "decisions) VALUES (?, ?, 'bench', 'bidding', '基准', ?, 1, 1, '{}')",
        checks,
    )
    hits = [(cid, 1 + cid % 999_999, d, at) for cid, d, at in checks if cid % 10 == 0]
    conn.executemany(
        "INSERT INTO check_hits (check_id, subject_id, measure_code, action, entry_id) "
        "VALUES (?, ?, 'restrict_bidding', 'intercept', 1)",
        [(cid, sid) for cid, sid, _d, _at in hits],
    )
    conn.executemany(
        "INSERT INTO check_feedback (check_id, subject_id, measure_code, department_id, "
        "applied, reason, at) VALUES (?, ?, 'restrict_bidding', ?, 1, '基准', "
        "datetime(?, ?))",
        [
            (cid, sid, d, at, f"+{rng.randrange(16)} days")
            for cid, sid, d, at in hits
            if rng.random() < 0.8
        ],
    )
    conn.executemany(
        "INSERT INTO credit_reports (number, subject_id, basis, requested_by, department_id, "
        "purpose, as_of, issued_at, sha256, summary, content) VALUES (?, ?, 'review', "
        "'bench', ?, '基准', ?, ?, ?, '{}', '{}')",
        [
            (f"XY-BENCH-{cid}", cid % 999_999, d, at, at, "0" * 64)
            for cid, d, at in checks
            if cid % 5 == 0
        ],
    )
    conn.execute(
        "INSERT INTO objections (subject_id, id, target_type, target_id, ground, statement, "
        "filed_by, filed_at, state, review_due_on, outcome, decided_at) SELECT subject_id, "
        "60000000000 + id, 'record', id, 'wrong_or_incomplete', '基准', 'bench', received_at, "
        "'closed', date(received_at, '+14 days'), 'upheld', datetime(received_at, '+5 days') "
        "FROM records WHERE item_code = 'administrative_penalty' AND id % 2000 = 0"
    )
    conn.commit()
    timings["checks, hits, feedback, credit reports, objections"] = time.perf_counter() - started
    started = time.perf_counter()
    conn.execute("ANALYZE")
    conn.close()
    timings["analyze"] = time.perf_counter() - started
    return timings


def raw(db: Database, month: Month) -> float:
    """The floor: the month's records per department and item, through their batches, and
    the month's checks per department — counted, nothing else."""
    start, end = month.bounds()
    started = time.perf_counter()
    with db.transaction() as session:
        session.execute(
            select(Record.provider_id, Record.item_code, func.count())
            .join(Batch, Batch.id == Record.batch_id)
            .where(Batch.received_at >= start, Batch.received_at < end)
            .where(Record.received_at >= start, Record.received_at < end)
            .group_by(Record.provider_id, Record.item_code)
        ).all()
        session.execute(
            select(Check.department_id, func.count())
            .where(Check.at >= start, Check.at < end)
            .group_by(Check.department_id)
        ).all()
    return time.perf_counter() - started


def core(db: Database, month: Month) -> tuple[float, float, int, int]:
    """The two reports as the API computes them (not kept: each run computes afresh)."""
    with db.transaction() as session:
        started = time.perf_counter()
        collection = collection_report(session, month, now=NOW)
        collected = time.perf_counter() - started
        started = time.perf_counter()
        use = use_report(session, month, now=NOW, feedback_days=10)
        used = time.perf_counter() - started
    overdue = sum(r.items_overdue for r in collection.departments)
    return collected, used, len(collection.departments), overdue + len(use.departments) * 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=5_000_000)
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    print(f"machine: {machine()}; {args.backend}; load average before: {os.getloadavg()}")
    settings = fresh_settings(args.backend, NAME)
    db = Database(settings)
    made = generate_sqlite if args.backend == "sqlite" else generate
    try:
        print(f"generating {DEPARTMENTS} departments and {args.records:,} records …")
        for what, seconds in made(db, args.records).items():
            print(f"  {what}: {seconds:.1f} s")
        with db.transaction() as session:
            counts = {
                "records": session.execute(select(func.count()).select_from(Record)).scalar(),
                "batches": session.execute(select(func.count()).select_from(Batch)).scalar(),
                "checks": session.execute(select(func.count()).select_from(Check)).scalar(),
            }
        print("  " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        for month in (Month(2026, 10), Month(2026, 11)):
            for run in (1, 2):
                floor = raw(db, month)
                collected, used, departments, overdue = core(db, month)
                print(
                    f"{month.label} run {run}: raw {floor:.2f} s | core collection "
                    f"{collected:.2f} s + use {used:.2f} s = {collected + used:.2f} s "
                    f"({(collected + used) / floor:.1f}× raw; {departments} departments, "
                    f"{overdue} items overdue); load average {os.getloadavg()[0]:.2f}"
                )
        with db.transaction() as session:
            started = time.perf_counter()
            result = assess(session, 2026, now=NOW, feedback_days=10)
            first = time.perf_counter() - started
        with db.transaction() as session:
            started = time.perf_counter()
            assess(session, 2026, now=NOW, feedback_days=10)
            again = time.perf_counter() - started
        print(
            f"assessment 2026 to date ({len(result.months)} months, "
            f"{len(result.departments)} departments): first {first:.1f} s (every month "
            f"computed and kept), again {again:.2f} s (read back)"
        )
    finally:
        db.dispose()
        if args.keep:
            pass
        elif args.backend == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                (OUT / f"{NAME}.db{suffix}").unlink(missing_ok=True)
        else:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')


if __name__ == "__main__":
    main()
