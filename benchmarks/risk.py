"""The daily warning sweep (risk/sweep.py) over the demo generator's data, beside a raw
baseline over the same records, measured in the same run.

The demo's archive of ``--subjects`` subjects is loaded once (records pushed over the 24 months
before today, list entries, grades), then:

- raw: ``SELECT count(*) FROM records`` and the count of the records of the items the default
  rules read (the floor of any set-based pass over them);
- sweep: every default rule as one INSERT … SELECT, the new warnings delivered (reason, task,
  feed change, outbox), in one transaction, as the daily job runs it;
- the sweep again (every fact already warned: the scan alone).

Issue 17's target is 5,000,000 records in ≤ 60 s; that size is measured later — here the
script takes a size (``--subjects``; about 12 records a subject).

    .venv/bin/python benchmarks/risk.py --backend sqlite --subjects 2000
    .venv/bin/python benchmarks/risk.py --backend postgresql --subjects 20000
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import datetime

from common import catalog_items, fresh_settings, machine
from sqlalchemy import func, select

from xinyong.core.auth import SYSTEM
from xinyong.core.clock import SHANGHAI, FixedClock
from xinyong.core.locks import advisory_xact_lock
from xinyong.db import Database
from xinyong.defaults import ensure_defaults
from xinyong.demo.loader import load_demo
from xinyong.models import Record
from xinyong.records.service import CollectionContext
from xinyong.rights.step import Step
from xinyong.risk.sweep import sweep

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=SHANGHAI)
ITEMS = ("administrative_licensing", "inspection_result", "administrative_penalty")


def timed_sweep(db: Database, ctx: CollectionContext) -> tuple[float, int, int]:
    started = time.perf_counter()
    with db.transaction() as session:
        advisory_xact_lock(session, "job:risk_sweep")
        result = sweep(session, Step(ctx, SYSTEM, NOW), force=True)
    assert result is not None
    return time.perf_counter() - started, result.found, result.delivered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", default="sqlite", choices=("sqlite", "postgresql"))
    parser.add_argument("--subjects", type=int, default=2000, help="the demo's size")
    args = parser.parse_args()
    print(f"machine: {machine()}; load average before: {os.getloadavg()}")

    settings = fresh_settings(args.backend, "bench_risk")
    db = Database(settings)
    clock = FixedClock(NOW)
    with db.transaction() as session:
        ensure_defaults(session, now=NOW)
    started = time.perf_counter()
    load_demo(db, catalog_items(), subjects=args.subjects, seed=7, clock=clock)
    print(f"demo of {args.subjects} subjects loaded in {time.perf_counter() - started:.0f} s")

    started = time.perf_counter()
    with db.transaction() as session:
        records = session.execute(select(func.count()).select_from(Record)).scalar_one()
    raw_all = time.perf_counter() - started
    started = time.perf_counter()
    with db.transaction() as session:
        read = session.execute(select(func.count()).where(Record.item_code.in_(ITEMS))).scalar_one()
    raw_items = time.perf_counter() - started

    ctx = CollectionContext(db)
    first, found, delivered = timed_sweep(db, ctx)
    again, found_again, _ = timed_sweep(db, ctx)
    assert found_again == 0, "a fact warned twice"
    print(f"{args.backend}: {records} records ({read} of the items the rules read)")
    print(f"  raw count(*) of all records:          {raw_all * 1000:8.0f} ms")
    print(f"  raw count(*) of the rules' items:     {raw_items * 1000:8.0f} ms")
    print(
        f"  sweep (6 rules, {found} warnings, {delivered} delivered): {first * 1000:8.0f} ms"
        f" ({records / first:,.0f} records/s)"
    )
    print(f"  sweep again (nothing new):            {again * 1000:8.0f} ms")
    db.dispose()


if __name__ == "__main__":
    main()
