"""The public portal at province scale, through HTTP: search (one, two and four characters, a
credit code) and a subject's public page, beside a bare endpoint of the same server.

Data: the demo generator's population loaded through the collection path
(``xinyong.demo.loader``, as ``benchmarks/archive.py``: about 1,000,000 subjects and 5,000,000
records of every item, list entries of the demo lists), then ``ANALYZE`` (and on PostgreSQL a
``VACUUM`` of subjects and records, which autovacuum would otherwise run while we measure). The
search table is brought up to date once after the load, as the scheduled jobs would (on SQLite
the first search would do it too; its time is printed). On PostgreSQL the searches are then
measured again with ``--backlog`` organisations queued and not yet indexed (ADR 0012: what the
search reads between an import and the jobs; default 220,000, the new organisations of a
1M-record import). Reads: ``--reads`` requests of each kind, one after another, from a
client on the same machine to one uvicorn process (httptools, uvloop, no access log, no
scheduled jobs); latency at the client.

Queries are substrings of names drawn from the whole population (so a one-character query is
usually a character thousands of names share, as people type them), each at a random place;
"rare pairs" join characters of two different names (most match nothing); codes and subject
pages are organisations drawn from the whole population.

    .venv/bin/python benchmarks/portal.py --subjects 1000100            # both databases
    .venv/bin/python benchmarks/portal.py --subjects 20000 --backends sqlite   # a smoke run

The benchmark databases are dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import httpx
import psycopg
from common import (
    OUT,
    PG_ADMIN,
    catalog_items,
    existing_settings,
    fresh_settings,
    machine,
    percentile,
    server,
)
from sqlalchemy import func, select, text

from xinyong.core.clock import FixedClock
from xinyong.db import Database
from xinyong.demo.loader import load_demo
from xinyong.jobs import SEARCH_CHUNK
from xinyong.models import ListEntry, Record, Subject
from xinyong.settings import Settings
from xinyong.subjects.search import refresh_index, vacuum_queue

NAME = "bench_portal"


def load(backend: str, subjects: int, seed: int, *, reuse: bool) -> tuple[Settings, dict]:
    if reuse:
        return existing_settings(backend, f"{NAME}_{backend}"), {"load_s": 0.0, "index_s": 0.0}
    settings = fresh_settings(backend, f"{NAME}_{backend}")
    db = Database(settings)
    started = time.perf_counter()
    clock = FixedClock(datetime(2026, 11, 22, 9, 0))
    load_demo(db, catalog_items(), subjects=subjects, seed=seed, clock=clock)
    load_s = time.perf_counter() - started
    db.analyze()
    if backend == "postgresql":
        # What autovacuum does shortly after a load (and would otherwise do while we measure):
        # the visibility map, and the GIN indexes' pending lists merged.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE) subjects")
            conn.exec_driver_sql("VACUUM records")
    # What the scheduled jobs do after a load (off here: they would write while we read).
    started = time.perf_counter()
    with db.transaction() as session:
        refresh_index(session)
    index_s = time.perf_counter() - started
    if backend == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE) subject_search")
        vacuum_queue(db.engine)  # as the jobs do after they took the queue
    db.dispose()
    return settings, {"load_s": load_s, "index_s": index_s}


def samples(settings: Settings, n: int, seed: int) -> dict[str, list[str]]:
    """Paths to read, of each kind, drawn from the whole population."""
    rnd = random.Random(seed)
    db = Database(settings)
    with db.transaction() as session:
        total = session.execute(select(func.count()).select_from(Subject)).scalar_one()
        # Every k-th organisation by id: spread over the whole load.
        step = max(1, total // (n * 8))
        rows = session.execute(
            text(
                "SELECT name, credit_code FROM (SELECT name, credit_code, "
                "row_number() OVER (ORDER BY id) AS n FROM subjects "
                "WHERE kind <> 'natural_person') s WHERE n % :step = 0"
            ),
            {"step": step},
        ).all()
    db.dispose()
    rnd.shuffle(rows)
    out: dict[str, list[str]] = {"1 char": [], "2 chars": [], "4 chars": []}
    for length, kind in ((1, "1 char"), (2, "2 chars"), (4, "4 chars")):
        for name, _code in rows:
            if len(out[kind]) == n:
                break
            if len(name) >= length:
                at = rnd.randrange(len(name) - length + 1)
                out[kind].append(f"/search?q={quote(name[at : at + length])}")
    # Two characters each from a different name: mostly no name holds the pair (the rare
    # case, which an index must answer without reading what holds either character).
    for _ in range(n):
        (a, _), (b, _) = rnd.sample(rows, 2)
        out.setdefault("2 chars, rare pairs", []).append(
            f"/search?q={quote(rnd.choice(a) + rnd.choice(b))}"
        )
    codes = [code for _name, code in rows if code][:n]
    out["credit code"] = [f"/search?q={code}" for code in codes]
    out["subject page"] = [f"/subjects/{code}" for code in reversed(codes)]
    out["bare /api/v1/live"] = ["/api/v1/live"] * n
    return out


def measure(base: str, paths: list[str]) -> list[float]:
    timings = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for path in paths[:20]:  # warm the connection
            client.get(path)
        for path in paths:
            started = time.perf_counter()
            answer = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            if answer.status_code != 200:
                raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:300]}")
    return timings


ROW = "| {} | {} | {} | {:,} | {:.1f} | {:.1f} | {:.1f} | {:.1f} |"


def report(
    table: list[tuple], backend: str, n_subjects: int, kind: str, timings: list[float]
) -> None:
    """One row of the table: printed now, and kept for the summary at the end."""
    row = (
        backend,
        f"{n_subjects:,}",
        kind,
        len(timings),
        percentile(timings, 0.5),
        percentile(timings, 0.95),
        percentile(timings, 0.99),
        max(timings),
    )
    table.append(row)
    print(ROW.format(*row), flush=True)


def queue_backlog(settings: Settings, n: int) -> None:
    """Queue the names of ``n`` organisations again, as a fresh import leaves them for the
    jobs: the search then reads them unindexed beside the indexed ones (it dedupes)."""
    db = Database(settings)
    with db.transaction() as session:
        session.execute(
            text(
                "INSERT INTO subject_search_queue (subject_id, name) SELECT id, name "
                "FROM subjects WHERE kind <> 'natural_person' ORDER BY id DESC LIMIT :n"
            ),
            {"n": n},
        )
    db.dispose()


def catch_up(settings: Settings) -> float:
    """Index the queue as the scheduled jobs do, a chunk per transaction; seconds taken."""
    db = Database(settings)
    started = time.perf_counter()
    while True:
        with db.transaction() as session:
            if refresh_index(session, limit=SEARCH_CHUNK).done:
                break
    seconds = time.perf_counter() - started
    vacuum_queue(db.engine)
    db.dispose()
    return seconds


def drop(backend: str) -> None:
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{OUT / f'{NAME}_{backend}'}.db{suffix}").unlink(missing_ok=True)
        return
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{NAME}_{backend}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subjects", type=int, default=1_000_100)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--reads", type=int, default=1000, help="requests of each kind")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--reuse", action="store_true", help="measure the databases loaded before")
    parser.add_argument("--keep", action="store_true", help="keep the databases for --reuse")
    parser.add_argument(
        "--backlog", type=int, default=220_000, help="PostgreSQL: queued names, measured again"
    )
    args = parser.parse_args()
    # The scheduled jobs (record expiry, …) would write while we read.
    os.environ["XINYONG_RUN_JOBS"] = "false"
    print(f"# portal benchmark, {datetime.now():%Y-%m-%d}, {machine()}", flush=True)
    table: list[tuple] = []
    for backend in args.backends.split(","):
        settings, timing = load(backend, args.subjects, args.seed, reuse=args.reuse)
        db = Database(settings)
        with db.transaction() as session:
            n_subjects = session.execute(select(func.count()).select_from(Subject)).scalar()
            n_records = session.execute(select(func.count()).select_from(Record)).scalar()
            n_entries = session.execute(select(func.count()).select_from(ListEntry)).scalar()
        db.dispose()
        print(
            f"{backend}: {n_subjects:,} subjects, {n_records:,} records, {n_entries:,} list "
            f"entries; load {timing['load_s']:.0f} s, search index {timing['index_s']:.1f} s",
            flush=True,
        )
        paths = samples(settings, args.reads, args.seed)
        with server(settings) as base:
            for kind, kind_paths in paths.items():
                report(table, backend, n_subjects, kind, measure(base, kind_paths))
            # Not under the target, for the record: the 双公示 column's first page.
            for kind, path in (
                ("双公示 penalties, page 1", "/dual-publicity?tab=penalty"),
                ("双公示 licences, page 10", "/dual-publicity?tab=licensing&page=10"),
            ):
                report(table, backend, n_subjects, kind, measure(base, [path] * 50))
            if backend == "postgresql" and args.backlog:
                queue_backlog(settings, args.backlog)
                for kind, kind_paths in paths.items():
                    if kind_paths[0].startswith("/search?") and "code" not in kind:
                        label = f"{kind}, {args.backlog:,} queued"
                        report(table, backend, n_subjects, label, measure(base, kind_paths))
                print(f"jobs' catch-up of the backlog: {catch_up(settings):.1f} s", flush=True)
        if not args.keep:
            drop(backend)
    print()
    print("| backend | subjects | request | reads | p50 ms | p95 ms | p99 ms | max ms |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for row in table:
        print(ROW.format(*row))


if __name__ == "__main__":
    main()
