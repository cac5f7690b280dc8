"""Bulk insertion of prepared rows that may already be stored, fast on both databases.

Rows are tuples in the order of ``columns``, with values the driver takes as they are (JSON as
text, dates as ISO text, timestamps from :func:`timestamp_value`).

- PostgreSQL: an optimistic ``COPY`` straight into the table inside a savepoint — new rows (the
  usual case of a bulk load) go in at raw COPY speed; if any row is already there, the savepoint
  is rolled back and the rows go through a session-temporary staging table and
  ``INSERT … ON CONFLICT DO NOTHING RETURNING id``.
- SQLite: ``executemany`` of ``INSERT … ON CONFLICT DO NOTHING``. The transaction holds the only
  write lock (``BEGIN IMMEDIATE``, db.py), so the change count tells whether every row went in;
  only when some were already there do we ask which.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import psycopg
from sqlalchemy.orm import Session


def timestamp_value(dialect: str, at: datetime) -> str:
    """``at`` as text the database stores for a UTCDateTime column (models/base.py)."""
    at = at.astimezone(UTC)
    if dialect == "sqlite":
        return at.strftime("%Y-%m-%d %H:%M:%S.%f")
    return at.isoformat()


def insert_new(
    session: Session,
    table: str,
    columns: Sequence[str],
    rows: list[tuple],
    *,
    conflict: Sequence[str],
) -> list[tuple]:
    """Insert the rows whose ``conflict`` key is not yet stored; return the inserted rows.
    Every table here has an ``id`` column, which must be among ``columns``."""
    if not rows:
        return []
    id_at = list(columns).index("id")
    conn = session.connection().connection.driver_connection
    cols = ", ".join(columns)
    on_conflict = f"ON CONFLICT ({', '.join(conflict)}) DO NOTHING"
    if session.get_bind().dialect.name == "postgresql":
        return _copy(conn, table, cols, rows, on_conflict, id_at)
    cur = conn.cursor()
    try:
        marks = ", ".join("?" * len(columns))
        cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks}) {on_conflict}", rows)
        if cur.rowcount == len(rows):
            return rows
        # Some were already there: the conflict key finds each row's stored id (an index).
        key_at = [list(columns).index(c) for c in conflict]
        where = " AND ".join(f"{c} = ?" for c in conflict)
        inserted = []
        for row in rows:
            cur.execute(f"SELECT id FROM {table} WHERE {where}", [row[i] for i in key_at])
            found = cur.fetchone()
            if found is not None and found[0] == row[id_at]:
                inserted.append(row)
        return inserted
    finally:
        cur.close()


def copy_text(rows: list[tuple]) -> str:
    """Rows in COPY's text format. Formatting here, one join per chunk, is several times faster
    than the driver's per-row ``write_row`` for the long rows of records."""
    lines = []
    for row in rows:
        values = []
        for value in row:
            if value is None:
                values.append("\\N")
            elif type(value) is str:
                if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
                    value = (
                        value.replace("\\", "\\\\")
                        .replace("\t", "\\t")
                        .replace("\n", "\\n")
                        .replace("\r", "\\r")
                    )
                values.append(value)
            elif type(value) is bool:
                values.append("t" if value else "f")
            elif isinstance(value, datetime):
                values.append(value.isoformat())
            else:
                values.append(str(value))
        lines.append("\t".join(values))
    lines.append("")
    return "\n".join(lines)


def _copy(
    conn: psycopg.Connection, table: str, cols: str, rows: list[tuple], on_conflict: str, id_at: int
) -> list[tuple]:
    payload = copy_text(rows)
    with conn.cursor() as cur:
        cur.execute("SAVEPOINT bulk_copy")
        try:
            with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                copy.write(payload)
        except psycopg.errors.UniqueViolation:
            cur.execute("ROLLBACK TO SAVEPOINT bulk_copy")
        else:
            cur.execute("RELEASE SAVEPOINT bulk_copy")
            return rows
        stage = f"{table}_stage"
        cur.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {stage} "
            f"(LIKE {table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        with cur.copy(f"COPY {stage} ({cols}) FROM STDIN") as copy:
            copy.write(payload)
        cur.execute(
            f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {stage} {on_conflict} RETURNING id"
        )
        stored = {r[0] for r in cur.fetchall()}
        cur.execute(f"TRUNCATE {stage}")
    return [r for r in rows if r[id_at] in stored]
