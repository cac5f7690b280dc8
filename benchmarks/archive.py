"""Archive read latency: GET /api/v1/subjects/{key}/archive against a real server process, with
1,000,000 subjects and about 5,000,000 records loaded through the collection path.

    .venv/bin/python benchmarks/archive.py --subjects 1000000
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import datetime

import httpx
from common import (
    TODAY,
    catalog_items,
    existing_settings,
    fresh_settings,
    machine,
    percentile,
    provider_with_token,
    server,
)
from sqlalchemy import func, select

from xinyong.core.clock import FixedClock
from xinyong.db import Database
from xinyong.demo.generator import DemoGenerator
from xinyong.demo.loader import load_demo
from xinyong.models import Record, Subject


def sample_keys(subjects: int, seed: int, n: int) -> tuple[list[str], list[str]]:
    """Keys of n subjects spread over the whole generated population, and of the organisations
    among them (the public reads no person that no public list names: 404)."""
    keys: list[str] = []
    organisations: set[str] = set()
    seen: set[str] = set()
    step = max(1, subjects // n)
    for count, record in enumerate(
        DemoGenerator(catalog_items(), seed=seed, today=TODAY).records(subjects)
    ):
        subject = record["subject"]
        key = subject.get("credit_code") or subject.get("id_number")
        if key not in seen and count % step == 0:
            seen.add(key)
            keys.append(key)
            if subject.get("credit_code"):
                organisations.add(key)
    random.Random(seed).shuffle(keys)
    keys = keys[:n]
    return keys, [k for k in keys if k in organisations]


def load(backend: str, subjects: int, seed: int, *, reuse: bool) -> tuple[Database, float]:
    name = f"bench_archive_{backend}"
    if reuse:  # measure again on the database a previous run loaded
        return Database(existing_settings(backend, name)), 0.0
    settings = fresh_settings(backend, name)
    db = Database(settings)
    started = time.perf_counter()
    clock = FixedClock(datetime(2026, 11, 22, 9, 0))
    load_demo(db, catalog_items(), subjects=subjects, seed=seed, clock=clock)
    return db, time.perf_counter() - started


def measure(base: str, keys: list[str], headers: dict[str, str], params: dict) -> list[float]:
    timings = []
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for key in keys[:50]:  # warm the connection and the caches a little
            client.get(f"/api/v1/subjects/{key}/archive", params=params)
        for key in keys:
            started = time.perf_counter()
            response = client.get(f"/api/v1/subjects/{key}/archive", params=params)
            timings.append((time.perf_counter() - started) * 1000)
            response.raise_for_status()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    # The generator's count includes persons that end up named by no record; 1,000,100 gives
    # at least 1,000,000 subjects in the database.
    parser.add_argument("--subjects", type=int, default=1_000_100)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--reuse", action="store_true", help="measure the databases loaded before")
    args = parser.parse_args()
    print(f"# archive read benchmark, {datetime.now():%Y-%m-%d}, {machine()}")
    keys, organisation_keys = sample_keys(args.subjects, args.seed, args.reads)
    print("| backend | subjects | records | load s | caller | reads | p50 ms | p99 ms | max ms |")
    print("| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    for backend in args.backends.split(","):
        db, load_seconds = load(backend, args.subjects, args.seed, reuse=args.reuse)
        with db.transaction() as session:
            n_subjects = session.execute(select(func.count()).select_from(Subject)).scalar()
            n_records = session.execute(select(func.count()).select_from(Record)).scalar()
        db.dispose()
        _, token = provider_with_token(db.settings, "tax")
        with server(db.settings) as base:
            for caller, caller_keys, headers, params in (
                ("public (organisations)", organisation_keys, {}, {}),
                (
                    "department (purpose, audited)",
                    keys,
                    {"Authorization": f"Bearer {token}"},
                    {"purpose": "行政许可审查"},
                ),
            ):
                timings = measure(base, caller_keys, headers, params)
                print(
                    f"| {backend} | {n_subjects:,} | {n_records:,} | {load_seconds:.0f} "
                    f"| {caller} | {len(timings):,} | {percentile(timings, 0.5):.1f} "
                    f"| {percentile(timings, 0.99):.1f} | {max(timings):.1f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
