"""Storing prepared records: once per (subject, provider, item, source_id) — the same record
by either channel is stored once (Measures art. 16)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from xinyong.core.bulk import insert_new

COLUMNS = (
    "subject_id",
    "id",
    "item_code",
    "catalog_item_id",
    "catalog_version",
    "category",
    "disclosure",
    "provider_id",
    "batch_id",
    "channel",
    "source_id",
    "severity",
    "determined_on",
    "expires_on",
    "fields",
    "protected",
    "standing",
    "received_at",
)
DEDUP_KEY = ("subject_id", "provider_id", "item_code", "source_id")


def write_records(session: Session, rows: list[tuple]) -> list[tuple]:
    """Insert the records not already stored; return those inserted."""
    return insert_new(session, "records", COLUMNS, rows, conflict=DEDUP_KEY)
