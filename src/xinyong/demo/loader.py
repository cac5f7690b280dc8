"""Loading demo data through the real collection path (the same validation as the API)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from xinyong.core.clock import Clock
from xinyong.db import Database
from xinyong.demo.accounts import create_demo_accounts
from xinyong.demo.generator import DemoGenerator
from xinyong.demo.lists import list_demo_entries
from xinyong.departments.service import create_department, create_token
from xinyong.models import Channel, Department, Role
from xinyong.records.service import CollectionContext, Collector

CHUNK = 20_000


@dataclass
class DemoResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    listed: int = 0
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)
    # Log-in accounts for the pages: username → role, name, password.
    accounts: dict[str, dict[str, str]] = field(default_factory=dict)


def load_demo(
    db: Database,
    items: list[dict],
    *,
    subjects: int,
    seed: int,
    clock: Clock | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> DemoResult:
    clock = clock or Clock()
    generator = DemoGenerator(items, seed=seed, today=clock.today())
    result = DemoResult()
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
                now=clock.now(),
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
    ctx = CollectionContext(db)
    buffers: dict[str, list[dict]] = defaultdict(list)
    buffered = 0
    for record in generator.records(subjects):
        buffers[record.pop("provider")].append(record)
        buffered += 1
        if buffered >= CHUNK:
            _flush(db, ctx, buffers, result, clock)
            if on_progress:
                on_progress(buffered)
            buffers, buffered = defaultdict(list), 0
    _flush(db, ctx, buffers, result, clock)
    if on_progress:
        on_progress(buffered)
    # A few entries per list, so the demo's lists, checks and feed have something to show.
    result.listed = list_demo_entries(db, ctx, clock, per_list=max(1, min(subjects // 200, 500)))
    with db.transaction() as session:
        roles = {d.code: d.role for d in generator.departments()}
        result.accounts = create_demo_accounts(session, clock, roles)
    db.analyze()
    return result


def _flush(
    db: Database,
    ctx: CollectionContext,
    buffers: dict[str, list[dict]],
    result: DemoResult,
    clock: Clock,
) -> None:
    with db.transaction() as session:
        departments = {
            d.code: d
            for d in session.execute(
                select(Department).where(Department.code.in_(list(buffers)))
            ).scalars()
        }
        for code, records in buffers.items():
            collector = Collector(
                session,
                ctx,
                provider=departments[code],
                channel=Channel.same_level,
                via="api",
                actor="demo",
                now=clock.now(),
            )
            collector.feed(enumerate(records))
            answer = collector.finish()
            result.accepted += answer["accepted"]
            result.duplicates += answer["duplicates"]
            result.rejected += len(answer["rejected"])
