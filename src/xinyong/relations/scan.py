"""The related-party scan (a scheduled job, and `xinyong relations scan`): the whole graph read
once, one breadth-first search from every black-listed subject in force, and the organisations
it reaches within two links flagged for supervision, with the path — the previous scan's flags
replaced in the same transaction, under the job's lock, so any number of processes run it once.

000 §（十七）; 002 §（十六）: related-party risk in supervision. The flags are government-shared."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import numpy as np
import orjson
from sqlalchemy import delete
from sqlalchemy.orm import Session

from xinyong.core import audit
from xinyong.core.bulk import insert_rows
from xinyong.core.clock import local_date
from xinyong.core.locks import advisory_xact_lock
from xinyong.db import Database
from xinyong.models import RelatedPartyFlag, RelatedPartyScan
from xinyong.relations import repository
from xinyong.relations.graph import RelatedGraph
from xinyong.relations.rules import DEPTH, role_number

LOCK = "job:related_parties"
FLAG_COLUMNS = (
    "subject_id",
    "scan_id",
    "black_subject_id",
    "entry_id",
    "distance",
    "path",
    "found_at",
)


def run_scan(
    db: Database,
    *,
    now: datetime,
    actor: str,
    on_phase: Callable[[str], None] = lambda _: None,
) -> RelatedPartyScan:
    """A scan now (the authority's, by the CLI or the API), in a transaction of its own."""
    with db.transaction() as session:
        scan = scan_now(session, now=now, actor=actor, on_phase=on_phase)
        session.expunge(scan)
    return scan


def scan_now(
    session: Session,
    *,
    now: datetime,
    actor: str,
    on_phase: Callable[[str], None] = lambda _: None,
) -> RelatedPartyScan:
    """A scan now in the caller's transaction (the authority's page), under the job's lock."""
    advisory_xact_lock(session, LOCK)
    return _scan(session, now=now, actor=actor, on_phase=on_phase)


def daily_scan(db: Database, *, now: datetime, actor: str) -> int:
    """The daily job's scan: once a day however many processes run the jobs (the check is
    made under the lock). Returns how many scans it made: 0 or 1."""
    with db.transaction() as session:
        advisory_xact_lock(session, LOCK)
        latest = repository.latest_scan(session)
        if latest is not None and latest.as_of >= local_date(now):
            return 0
        _scan(session, now=now, actor=actor, on_phase=lambda _: None)
    return 1


def _scan(
    session: Session, *, now: datetime, actor: str, on_phase: Callable[[str], None]
) -> RelatedPartyScan:
    today = local_date(now)
    on_phase("读取登记关联和股东信息")
    edges = repository.all_edges(session)
    black = repository.black_entries_in_force(session, today)
    on_phase("构建关联关系图并检索")
    graph = RelatedGraph(edges)
    reached = graph.search(list(black), DEPTH)
    # Flags are for organisations only: not persons, not the black-listed subjects themselves.
    # A registration link's holder is a person; a shareholder may be either, so the
    # shareholders reached are looked up.
    ids = np.array([r.subject_id for r in reached], dtype=np.int64)
    shares = edges.role == role_number("shareholder")
    persons = set(np.unique(edges.holder[~shares]).tolist())
    holders = ids[np.isin(ids, edges.holder[shares])]
    persons |= repository.natural_persons_among(session, holders.tolist())
    flagged = [r for r in reached if r.subject_id not in persons and r.subject_id not in black]
    on_phase("写入关联风险标记")
    session.execute(delete(RelatedPartyFlag))
    scan = RelatedPartyScan(
        as_of=today,
        started_by=actor,
        started_at=now,
        finished_at=now,
        sources=len(black),
        links=len(edges),
        flagged=len(flagged),
    )
    session.add(scan)
    session.flush()
    insert_rows(
        session,
        "related_party_flags",
        FLAG_COLUMNS,
        [
            (
                r.subject_id,
                scan.id,
                r.source,
                black[r.source],
                r.distance,
                orjson.dumps({"nodes": r.nodes, "edges": r.edges}).decode(),
                now,
            )
            for r in flagged
        ],
    )
    audit.log(
        session,
        actor=actor,
        action="related_parties.scanned",
        at=now,
        target_type="related_party_scan",
        target_id=scan.id,
        detail={"sources": len(black), "links": len(edges), "flagged": len(flagged)},
    )
    return scan
