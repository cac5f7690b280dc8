"""`xinyong tick` (the daily jobs) over the archive benchmark's database: 1,000,000 subjects
and 5,000,000 records of every catalog item, loaded by `benchmarks/archive.py` (run that
first). The first run expires the whole backlog of records past their validity — the case of a
platform that never ran the job, or was down for days; the second finds nothing due."""

from __future__ import annotations

import argparse
import time
from datetime import datetime

from common import existing_settings, machine
from sqlalchemy import func, select

from xinyong.core.clock import SHANGHAI, FixedClock
from xinyong.db import Database
from xinyong.jobs import run_jobs
from xinyong.migrations import upgrade
from xinyong.models import Record
from xinyong.records.service import CollectionContext


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--as-of", default="2026-11-22", help="the day the job runs")
    args = parser.parse_args()
    clock = FixedClock(datetime.fromisoformat(args.as_of).replace(hour=2, tzinfo=SHANGHAI))
    print(f"# tick benchmark, {args.as_of}, {machine()}")
    print("| backend | records | active before | run | records expired | seconds |")
    print("| --- | ---: | ---: | --- | ---: | ---: |")
    for backend in args.backends.split(","):
        settings = existing_settings(backend, f"bench_archive_{backend}")
        upgrade(settings.database_url)  # the archive benchmark may predate the expiry index
        db = Database(settings)
        ctx = CollectionContext(db)
        with db.transaction() as session:
            total = session.execute(select(func.count()).select_from(Record)).scalar_one()
            active = session.execute(
                select(func.count()).select_from(Record).where(Record.standing == "active")
            ).scalar_one()
        for run in ("first (backlog)", "second (nothing due)"):
            started = time.perf_counter()
            result = run_jobs(db, clock, ctx)
            seconds = time.perf_counter() - started
            print(
                f"| {backend} | {total:,} | {active:,} | {run} | "
                f"{result['records_expired']:,} | {seconds:.1f} |"
            )
        db.dispose()


if __name__ == "__main__":
    main()
