"""Writing prepared records, stored once per (subject, provider, item, source_id).

Rows arrive as tuples in ``COLUMNS`` order, already serialised (JSON as text, dates as ISO
text), so both paths hand them to the driver untouched:

- PostgreSQL: an optimistic ``COPY`` straight into ``records`` inside a savepoint — a bulk
  load of new records runs at raw COPY speed; if any row is already stored (a re-push by the
  other channel), the savepoint is rolled back and the chunk goes through a staging table and
  ``INSERT … ON CONFLICT DO NOTHING``.
- SQLite: ``executemany`` with ``ON CONFLICT DO NOTHING``. The transaction holds the only write
  lock (``BEGIN IMMEDIATE``, db.py), so the row count tells whether every row went in; only when
  some were duplicates do we ask which.
"""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
from sqlalchemy.orm import Session

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
ID, BATCH_ID = COLUMNS.index("id"), COLUMNS.index("batch_id")
_COLS = ", ".join(COLUMNS)
_CONFLICT = "ON CONFLICT (subject_id, provider_id, item_code, source_id) DO NOTHING"


def timestamp_value(dialect: str, at: datetime) -> object:
    """``at`` as the driver takes it for a UTCDateTime column (models/base.py)."""
    at = at.astimezone(UTC)
    if dialect == "sqlite":
        return at.strftime("%Y-%m-%d %H:%M:%S.%f")
    return at


def write_records(session: Session, rows: list[tuple]) -> list[tuple]:
    """Insert the rows not already stored; return the inserted rows."""
    if not rows:
        return []
    conn = session.connection().connection.driver_connection
    if session.get_bind().dialect.name == "postgresql":
        return _copy(conn, rows)
    cur = conn.cursor()
    try:
        marks = ", ".join("?" * len(COLUMNS))
        cur.executemany(f"INSERT INTO records ({_COLS}) VALUES ({marks}) {_CONFLICT}", rows)
        if cur.rowcount == len(rows):
            return rows
        low, high = rows[0][ID], rows[-1][ID]
        cur.execute(
            "SELECT id FROM records WHERE batch_id = ? AND id BETWEEN ? AND ?",
            (rows[0][BATCH_ID], low, high),
        )
        stored = {r[0] for r in cur.fetchall()}
    finally:
        cur.close()
    return [r for r in rows if r[ID] in stored]


def _copy(conn: psycopg.Connection, rows: list[tuple]) -> list[tuple]:
    with conn.cursor() as cur:
        cur.execute("SAVEPOINT records_copy")
        try:
            with cur.copy(f"COPY records ({_COLS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        except psycopg.errors.UniqueViolation:
            cur.execute("ROLLBACK TO SAVEPOINT records_copy")
        else:
            cur.execute("RELEASE SAVEPOINT records_copy")
            return rows
        cur.execute(
            "CREATE TEMP TABLE IF NOT EXISTS records_stage "
            "(LIKE records INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        with cur.copy(f"COPY records_stage ({_COLS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cur.execute(
            f"INSERT INTO records ({_COLS}) SELECT {_COLS} FROM records_stage {_CONFLICT} "
            "RETURNING id"
        )
        stored = {r[0] for r in cur.fetchall()}
        cur.execute("TRUNCATE records_stage")
    return [r for r in rows if r[ID] in stored]
