"""The related-party scan at province scale (issue 17 part 2): 1,000,000 organisations and
2,000,000 links, everything within two links of 20,000 black-listed subjects flagged with its
path; target ≤ 30 s.

    .venv/bin/python benchmarks/relations.py                        # in memory
    .venv/bin/python benchmarks/relations.py --backend postgresql   # and with the database

Printed beside each other, from the same run:

- raw: the same two hops as a Polars join (black-listed organisations → their persons → those
  persons' other organisations), distinct organisations only: no graph, no nearest source, no
  path;
- core: relations/graph.py as the scan runs it — the rustworkx graph built from the edge
  columns, one breadth-first search from every black-listed subject, the organisations kept,
  each with the nearest source and its path.

With ``--backend``: the links loaded straight into ``subject_links`` and the black-listed
subjects into ``list_entries`` (COPY on PostgreSQL), a raw ``count(*)`` of the links, then the
scan end to end twice as the job runs it (``relations.scan.run_scan``: the edges read, the
graph built and searched, the previous flags replaced, committed), each phase timed.

The population: every organisation has a legal representative and an actual controller; the
persons are drawn so that a third of them hold roles in more than one organisation (a few in
many), as registration data looks."""

from __future__ import annotations

import argparse
import os
import time
from datetime import UTC, datetime

import numpy as np
import polars as pl
from common import OUT, a_black_list, drop_postgresql_database, fresh_settings, machine
from sqlalchemy import text

from xinyong.core.bulk import insert_rows
from xinyong.db import Database
from xinyong.defaults import ensure_defaults
from xinyong.relations import repository
from xinyong.relations.graph import Edges, RelatedGraph
from xinyong.relations.rules import DEPTH, role_number
from xinyong.relations.scan import run_scan

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
PERSON_BASE = 10_000_000
NAME = "bench_relations"


def population(
    organisations: int, links: int, black: int, seed: int = 7
) -> tuple[Edges, list[int]]:
    """Two links an organisation (legal representative, actual controller). Most persons hold
    a role in one organisation; one in ten is drawn from a pool of persons with several (a
    heavy tail: a few nominees hold hundreds)."""
    rng = np.random.default_rng(seed)
    per_org = links // organisations
    orgs = np.repeat(np.arange(1, organisations + 1, dtype=np.int64), per_org)
    own = PERSON_BASE + np.arange(len(orgs), dtype=np.int64)
    pool = organisations // 20
    serial = PERSON_BASE + len(orgs) + (rng.zipf(1.8, len(orgs)) - 1) % pool
    persons = np.where(rng.random(len(orgs)) < 0.1, serial, own)
    roles = np.tile(
        np.array([role_number("legal_representative"), role_number("actual_controller")]),
        len(orgs) // 2 + 1,
    )[: len(orgs)]
    sources = rng.choice(np.arange(1, organisations + 1), black, replace=False).tolist()
    return Edges(persons.astype(np.int64), orgs, roles.astype(np.int64)), sources


def raw(edges: Edges, sources: list[int]) -> int:
    links = pl.DataFrame({"person": edges.holder, "org": edges.of})
    black = pl.DataFrame({"org": np.asarray(sources, dtype=np.int64)})
    persons = links.join(black, on="org").select("person").unique()
    near = links.join(persons, on="person").select("org").unique()
    return near.join(black, on="org", how="anti").height


def core(edges: Edges, sources: list[int]) -> tuple[int, float, float]:
    started = time.perf_counter()
    graph = RelatedGraph(edges)
    built = time.perf_counter() - started
    reached = graph.search(sources, DEPTH)
    persons = np.unique(edges.holder)
    ids = np.array([r.subject_id for r in reached], dtype=np.int64)
    keep = ~np.isin(ids, persons) & ~np.isin(ids, np.asarray(sources, dtype=np.int64))
    flagged = [r for r, k in zip(reached, keep.tolist(), strict=True) if k]
    return len(flagged), built, time.perf_counter() - started


def with_database(backend: str, edges: Edges, sources: list[int], drop: bool) -> None:
    settings = fresh_settings(backend, NAME)
    db = Database(settings)
    with db.transaction() as session:
        ensure_defaults(session, now=NOW)
    black = a_black_list(db)
    started = time.perf_counter()
    with db.transaction() as session:
        insert_rows(
            session,
            "subject_links",
            ("subject_id", "id", "person_id", "role", "source_record_id", "started_at"),
            [
                (
                    int(o),
                    n,
                    int(p),
                    "legal_representative" if r == 0 else "actual_controller",
                    1,
                    NOW,
                )
                for n, (p, o, r) in enumerate(
                    zip(edges.holder, edges.of, edges.role, strict=True), 1
                )
            ],
        )
        insert_rows(
            session,
            "list_entries",
            (
                "subject_id", "id", "list_id", "list_code", "kind", "department_id", "state",
                "reason", "basis_records", "responsible_persons", "created_at", "confirmed_at",
                "benefits_recall",
            ),
            [
                (s, n, *black, "black", 1, "listed", "基准", "[]", "[]", NOW, NOW, False)
                for n, s in enumerate(sources, 1)
            ],
        )  # fmt: skip
    print(f"  loaded {len(edges):,} links in {time.perf_counter() - started:.1f} s")
    db.analyze()
    if backend == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE) subject_links")
    started = time.perf_counter()
    with db.transaction() as session:
        counted = session.execute(text("SELECT count(*) FROM subject_links")).scalar_one()
    print(
        f"  {backend}: raw count(*) of the links: {time.perf_counter() - started:.2f} s "
        f"({counted:,}); load average {os.getloadavg()}"
    )
    # The read as it was before (docs/performance.md § Related parties): every row one of
    # SQLAlchemy's, then the columns made of them.
    started = time.perf_counter()
    with db.transaction() as session:
        rows = session.connection().exec_driver_sql(
            "SELECT person_id, subject_id, CASE role WHEN 'legal_representative' THEN 0 "
            "ELSE 2 END FROM subject_links WHERE ended_at IS NULL"
        )
        as_tuples = len(Edges.of_rows(rows.fetchall()))
    print(
        f"  {backend}: the links read as SQLAlchemy's rows (the read before): "
        f"{time.perf_counter() - started:.1f} s ({as_tuples:,})"
    )
    started = time.perf_counter()
    with db.transaction() as session:
        as_columns = len(repository.all_edges(session))
    print(
        f"  {backend}: the links read by relations.repository.all_edges: "
        f"{time.perf_counter() - started:.1f} s ({as_columns:,})"
    )
    for run in (1, 2):
        marks: list[tuple[str, float]] = []

        def mark(phase: str, marks: list[tuple[str, float]] = marks) -> None:
            marks.append((phase, time.perf_counter()))

        started, cpu = time.perf_counter(), time.process_time()
        scan = run_scan(
            db,
            now=NOW,
            actor="bench",
            on_phase=mark,
        )
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        ends = [at for _, at in marks[1:]] + [started + wall]
        phases = ", ".join(
            f"{phase} {end - at:.1f} s" for (phase, at), end in zip(marks, ends, strict=True)
        )
        print(
            f"  {backend}: scan {run} end to end (relations.scan.run_scan, committed): "
            f"{wall:.1f} s (CPU here {cpu:.1f} s); {scan.links:,} links, {scan.sources:,} "
            f"sources, {scan.flagged:,} flagged; load average {os.getloadavg()}"
        )
        print(f"    {phases}", flush=True)
    db.dispose()
    if drop and backend == "postgresql":
        drop_postgresql_database(NAME)
    elif drop:
        for suffix in ("", "-wal", "-shm"):
            (OUT / f"{NAME}.db{suffix}").unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisations", type=int, default=1_000_000)
    parser.add_argument("--links", type=int, default=2_000_000)
    parser.add_argument("--black", type=int, default=20_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"])
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(
        f"{args.organisations:,} organisations, {args.links:,} links, {args.black:,} black-listed"
    )
    edges, sources = population(args.organisations, args.links, args.black)
    started = time.perf_counter()
    near = raw(edges, sources)
    t_raw = time.perf_counter() - started
    flagged, built, t_core = core(edges, sources)
    print(f"  raw: Polars two-hop join, distinct organisations: {t_raw:.2f} s ({near:,})")
    print(
        f"  core: graph built {built:.2f} s; built + searched + paths: {t_core:.2f} s "
        f"({flagged:,} flagged)"
    )
    if args.backend:
        with_database(args.backend, edges, sources, args.drop)


if __name__ == "__main__":
    main()
