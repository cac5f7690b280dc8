"""Writing prepared records: stored once per (subject, provider, item, source_id)."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from xinyong.models import Record

DEDUP_KEY = ["subject_id", "provider_id", "item_code", "source_id"]


def write_records(session: Session, values: list[dict]) -> set[int]:
    """Insert, skipping records already stored (by either channel); return the inserted ids."""
    if session.get_bind().dialect.name == "postgresql":
        from xinyong.records.copy import copy_records

        if len(values) >= 2000:
            return copy_records(session, values)
        insert = postgresql.insert
    else:
        insert = sqlite.insert
    stmt = insert(Record).on_conflict_do_nothing(index_elements=DEDUP_KEY).returning(Record.id)
    return set(session.execute(stmt, values).scalars())
