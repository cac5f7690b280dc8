"""Loading demo data through the real collection path (the same validation as the API)."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import BinaryIO

import orjson
from sqlalchemy import select

from xinyong.core.clock import Clock, start_of_day
from xinyong.db import Database
from xinyong.demo.accounts import create_demo_accounts
from xinyong.demo.commitments import commit_demo
from xinyong.demo.complaints import complain_demo
from xinyong.demo.declarations import declare_demo
from xinyong.demo.generator import LATE_SHARE, DemoGenerator
from xinyong.demo.government import GovernmentDemo, government_demo
from xinyong.demo.lists import list_demo_entries
from xinyong.demo.oversight import oversee_demo
from xinyong.demo.quality import add_quality_examples
from xinyong.departments.service import create_department, create_token
from xinyong.evaluation.runs import run_evaluation
from xinyong.evaluation.service import ensure_default_model
from xinyong.models import Channel, Department, Role
from xinyong.records.service import CollectionContext, Collector

CHUNK = 20_000


@dataclass
class DemoResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    listed: int = 0
    commitments: int = 0
    declarations: int = 0
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)
    # Log-in accounts for the pages: username → role, name, password.
    accounts: dict[str, dict[str, str]] = field(default_factory=dict)
    # The showcase organisation every demo holds (README): its credit code and name.
    showcase: tuple[str, str] = ("", "")
    # The grades the default model's first full run gave (docs/evaluation.md).
    grades: dict[str, int] = field(default_factory=dict)
    government: GovernmentDemo = field(default_factory=GovernmentDemo)
    # The last month's notices of collection, 双公示 and use sent (docs/oversight.md).
    notices: int = 0


def load_demo(
    db: Database,
    items: list[dict],
    *,
    subjects: int,
    seed: int,
    clock: Clock | None = None,
    on_progress: Callable[[int], None] | None = None,
    late_share: float = LATE_SHARE,
) -> DemoResult:
    """Departments, records and list entries of a demo of ``subjects`` subjects.

    The records arrive as the providers pushed them over the 24 months before the clock's today
    (arrivals.py): one batch per provider and push day, received then — the ``now`` each
    collection is given, as a provider's push of that day would be — loaded in the order of
    their arrival. The departments exist from the day before the first push."""
    clock = clock or Clock()
    generator = DemoGenerator(items, seed=seed, today=clock.today(), late_share=late_share)
    result = DemoResult(showcase=generator.showcase)
    opened = start_of_day(date.fromordinal(generator.arrivals.start - 1)) + timedelta(hours=9)
    with db.transaction() as session:
        existing = {d.code: d for d in session.execute(select(Department)).scalars()}
        for dept in generator.departments():
            if dept.code in existing:
                continue
            row = create_department(
                session,
                code=dept.code,
                name=dept.name,
                region_code=dept.region_code,
                kind=dept.kind,
                actor="demo",
                now=min(opened, clock.now()),
                credit_code=dept.credit_code or None,
            )
            _, token = create_token(
                session,
                role=Role(dept.role),
                name="demo",
                department=row,
                actor="demo",
                now=clock.now(),
            )
            result.tokens[dept.code] = {"role": dept.role, "name": dept.name, "token": token}
    order = {d.code: i for i, d in enumerate(generator.departments())}
    ctx = CollectionContext(db)
    with tempfile.TemporaryDirectory(prefix="xinyong-demo-") as spool:
        weeks = _spool(generator.records(subjects, arrivals=True), Path(spool))
        for path in weeks:
            _load_week(db, ctx, path, order, clock, result, on_progress)
    # A few entries per list, so the demo's lists, checks and feed have something to show.
    result.listed = list_demo_entries(db, ctx, clock, per_list=max(1, min(subjects // 200, 500)))
    # Commitments of every item, signed over the months before; after the lists, so that
    # 容缺受理 is refused to the black- and watch-listed as it would be.
    result.commitments = commit_demo(
        db, ctx, clock, per_item=max(2, min(subjects // 100, 200)), seed=seed
    )
    result.declarations = declare_demo(
        db, ctx, clock, count=max(2, min(subjects // 50, 500)), seed=seed
    )
    # Government integrity: bodies' profiles and staff, 政务失信 with their cases, debt
    # indicators, the regional evaluation (demo/government.py).
    result.government = government_demo(db, ctx, clock, seed=seed)
    complain_demo(db, ctx, clock)  # a few complaints, one of each state (demo/complaints.py)
    add_quality_examples(db, ctx, clock)  # faults for the data-quality checks (docs/quality.md)
    with db.transaction() as session:
        roles = {d.code: d.role for d in generator.departments()}
        result.accounts = create_demo_accounts(session, clock, roles)
    db.analyze()
    result.grades = evaluate_demo(db, clock)
    result.notices = oversee_demo(db, ctx, clock, seed=seed)
    return result


def evaluate_demo(db: Database, clock: Clock) -> dict[str, int]:
    """The shipped model for organisations published (once) and a full evaluation run, so
    that the demo's subjects have grades: the distribution, by grade."""
    with db.transaction() as session:
        ensure_default_model(session, ids=db.ids, now=clock.now())
    runs = run_evaluation(db, now=clock.now(), actor="demo")
    counts: dict[str, int] = {}
    for run in runs:
        for grade, count in (run.grade_counts or {}).items():
            counts[grade] = counts.get(grade, 0) + count
    return counts


def _spool(records: Iterable[dict], folder: Path) -> list[Path]:
    """The records as lines ``arrival<TAB>provider<TAB>json`` in one file per week of arrival,
    so that they can be loaded in the order they arrive without holding them all; returns the
    files in that order."""
    files: dict[int, BinaryIO] = {}
    dumps = orjson.dumps
    try:
        for record in records:
            day = record.pop("arrives_on")
            provider = record.pop("provider")
            week = date.fromisoformat(day).toordinal() // 7
            out = files.get(week)
            if out is None:
                out = files[week] = open(folder / f"{week}.tsv", "wb", buffering=1 << 16)  # noqa: SIM115
            out.write(f"{day}\t{provider}\t".encode() + dumps(record) + b"\n")
    finally:
        for out in files.values():
            out.close()
    return [folder / f"{week}.tsv" for week in sorted(files)]


def _load_week(
    db: Database,
    ctx: CollectionContext,
    path: Path,
    order: dict[str, int],
    clock: Clock,
    result: DemoResult,
    on_progress: Callable[[int], None] | None,
) -> None:
    """One week's pushes, day by day and provider by provider, each a batch received at its
    time of that day (the providers' own hour; today's no later than now)."""
    pushes: dict[tuple[str, str], list[bytes]] = defaultdict(list)
    with path.open("rb") as lines:
        for line in lines:
            raw_day, raw_provider, body = line.split(b"\t", 2)
            pushes[(raw_day.decode(), raw_provider.decode())].append(body)
    keys = sorted(pushes, key=lambda key: (key[0], order[key[1]]))
    now = clock.now()
    i = 0
    while i < len(keys):
        chunk: list[tuple[str, str]] = []
        size = 0
        while i < len(keys) and size < CHUNK:
            chunk.append(keys[i])
            size += len(pushes[keys[i]])
            i += 1
        with db.transaction() as session:
            departments = {
                d.code: d
                for d in session.execute(
                    select(Department).where(Department.code.in_({p for _d, p in chunk}))
                ).scalars()
            }
            for day, provider in chunk:
                # 9:00 and on, each provider at its own minute, in Asia/Shanghai
                at = start_of_day(date.fromisoformat(day)) + timedelta(
                    hours=9, minutes=order[provider] * 7 % 480
                )
                records = [orjson.loads(body) for body in pushes.pop((day, provider))]
                collector = Collector(
                    session,
                    ctx,
                    provider=departments[provider],
                    channel=Channel.same_level,
                    via="api",
                    actor="demo",
                    now=min(at, now),
                )
                collector.feed(enumerate(records))
                answer = collector.finish()
                result.accepted += answer["accepted"]
                result.duplicates += answer["duplicates"]
                result.rejected += len(answer["rejected"])
        if on_progress:
            on_progress(size)
