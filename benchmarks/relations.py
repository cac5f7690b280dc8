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

With ``--backend``: the links loaded straight into ``subject_links`` (COPY on PostgreSQL), then
timed apart the edges' read (``repository.all_edges``) and the flags written
(``insert_rows``), as ``scan._scan`` does them.

The population: every organisation has a legal representative and an actual controller; the
persons are drawn so that a third of them hold roles in more than one organisation (a few in
many), as registration data looks."""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime

import numpy as np
import orjson
import polars as pl
from common import fresh_settings, machine

from xinyong.core.bulk import insert_rows
from xinyong.db import Database
from xinyong.relations import repository
from xinyong.relations.graph import Edges, RelatedGraph
from xinyong.relations.rules import DEPTH, role_number
from xinyong.relations.scan import FLAG_COLUMNS

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
PERSON_BASE = 10_000_000


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


def with_database(backend: str, edges: Edges, sources: list[int]) -> None:
    settings = fresh_settings(backend, "bench_relations")
    db = Database(settings)
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
    print(f"  loaded {len(edges):,} links in {time.perf_counter() - started:.1f} s")
    db.analyze()
    started = time.perf_counter()
    with db.transaction() as session:
        read = repository.all_edges(session)
    t_read = time.perf_counter() - started
    graph = RelatedGraph(read)
    reached = graph.search(sources, DEPTH)
    persons = np.unique(read.holder)
    flagged = [r for r in reached if r.subject_id not in set(sources)]
    ids = np.array([r.subject_id for r in flagged], dtype=np.int64)
    flagged = [r for r, k in zip(flagged, (~np.isin(ids, persons)).tolist(), strict=True) if k]
    started = time.perf_counter()
    with db.transaction() as session:
        insert_rows(
            session,
            "related_party_flags",
            FLAG_COLUMNS,
            [
                (
                    r.subject_id,
                    1,
                    r.source,
                    1,
                    r.distance,
                    orjson.dumps({"nodes": r.nodes, "edges": r.edges}).decode(),
                    NOW,
                )
                for r in flagged
            ],
        )
    t_write = time.perf_counter() - started
    print(
        f"  {backend}: edges read {t_read:.1f} s ({len(read):,}); "
        f"{len(flagged):,} flags written {t_write:.1f} s"
    )
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisations", type=int, default=1_000_000)
    parser.add_argument("--links", type=int, default=2_000_000)
    parser.add_argument("--black", type=int, default=20_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"])
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
        with_database(args.backend, edges, sources)


if __name__ == "__main__":
    main()
