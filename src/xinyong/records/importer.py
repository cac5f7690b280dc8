"""``xinyong import FILE``: a file read row by row through the API's validation, in one
transaction (good rows land together, bad rows go to the error file)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from xinyong.db import Database
from xinyong.departments.service import get_department
from xinyong.models import Channel
from xinyong.records.files import read_rows, write_error_file
from xinyong.records.service import CollectionContext, Collector

PROGRESS_EVERY = 10_000


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
) -> dict:
    ctx = CollectionContext(db)
    with db.transaction() as session:
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
        )
        pending: list = []
        for number, row in read_rows(path, item=item):
            if isinstance(row, list):
                collector.reject(number, row)
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
    if errors_path is not None and answer["rejected"]:
        write_error_file(errors_path, answer["rejected"])
    return answer
