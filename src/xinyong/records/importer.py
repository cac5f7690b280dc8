"""``xinyong import FILE``: a file read row by row through the API's validation, in one
transaction (good rows land together, bad rows go to the error file). Big files are validated
by worker processes (records/pipeline.py)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from xinyong.catalog.service import merged_field_labels
from xinyong.db import Database
from xinyong.departments.service import get_department
from xinyong.models import Channel
from xinyong.records.files import (
    FileBlocks,
    FileLimits,
    ReadError,
    Row,
    read_rows,
    write_error_file,
)
from xinyong.records.pipeline import validate_in_workers
from xinyong.records.service import CollectionContext, Collector

PROGRESS_EVERY = 10_000
JSONL_SUFFIXES = (".jsonl", ".ndjson")
ANALYZE_FROM_ROWS = 50_000  # a load this big can mislead the query planner (db.py)
PARALLEL_FROM_BYTES = 8 * 1024 * 1024  # below this, starting workers costs more than it saves
SQLITE_IMPORT_CACHE_KIB = 1024 * 1024  # 1 GiB


def import_workers(db: Database, path: Path) -> int:
    configured = db.settings.import_workers
    if configured:
        return configured
    if path.stat().st_size < PARALLEL_FROM_BYTES:
        return 1
    return max(1, os.cpu_count() or 1)


@contextmanager
def _import_cache(session: Session) -> Iterator[None]:
    """On SQLite, a page cache big enough for the indexes a big import writes into, for this
    connection and only during the import (memory is taken as pages are read, up to this).
    With the default 64 MiB a 1M-record import spilled and re-read index pages."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    conn = session.connection().connection.driver_connection
    assert conn is not None  # a connection in use has its driver's
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size={-SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size={int(before)}")


def import_path(
    db: Database,
    path: Path,
    *,
    provider: str,
    item: str | None,
    channel: Channel,
    actor: str,
    now: datetime,
    errors_path: Path | None = None,
    on_progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> dict:
    ctx = CollectionContext(db)  # before the transaction: it may register the id node
    workers = workers or import_workers(db, path)
    limits = FileLimits.command_line(db.settings)
    with db.transaction() as session, _import_cache(session):
        department = get_department(session, provider)
        collector = Collector(
            session,
            ctx,
            provider=department,
            channel=channel,
            via="file",
            actor=actor,
            now=now,
            filename=path.name[:300],
            overlap=session.get_bind().dialect.name == "postgresql",
        )
        try:
            if workers > 1:
                rows: Iterable[Row] | FileBlocks
                if path.suffix.lower() in JSONL_SUFFIXES:
                    # the workers read the lines themselves
                    rows = FileBlocks(path, item=item, limits=limits)
                else:
                    rows = read_rows(path, item=item, limits=limits)
                chunks = validate_in_workers(
                    rows,
                    items=collector.items,
                    master_key=db.settings.master_key,
                    validity=collector.validity,
                    provider_kind=department.kind,
                    today=collector.today,
                    stager=collector.stager_config,
                    workers=workers,
                )
                for staged, rejected in chunks:
                    for index, errors in rejected:
                        collector.reject(index, errors)
                    collector.feed_staged(staged)
                    if on_progress:
                        on_progress(len(staged) + len(rejected))
            else:
                pending: list = []
                for number, row in read_rows(path, item=item, limits=limits):
                    if isinstance(row, ReadError):
                        collector.reject(number, row.errors)
                        continue
                    pending.append((number, row))
                    if len(pending) >= PROGRESS_EVERY:
                        collector.feed(pending)
                        if on_progress:
                            on_progress(len(pending))
                        pending = []
                collector.feed(pending)
                if on_progress:
                    on_progress(len(pending))
            answer = collector.finish()
            # The error file names a field by the label of the department's own items.
            field_labels = merged_field_labels(
                session, (c for c, i in collector.items.items() if department.kind in i.sources)
            )
        finally:
            collector.close()
    if answer["accepted"] >= ANALYZE_FROM_ROWS:
        db.analyze()
    if errors_path is not None and answer["rejected"]:
        write_error_file(errors_path, answer["rejected"], field_labels)
    return answer
