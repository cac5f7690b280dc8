"""Bulk insertion of prepared rows that may already be stored, fast on both databases.

Rows are tuples in the order of ``columns``, with values the driver takes as they are (JSON as
text, dates as ISO text, timestamps from :func:`timestamp_value`) — or, for
:func:`insert_staged`, already in the driver's form (COPY text lines on PostgreSQL), made where
it is cheapest (records/writers.py: in the validation workers).

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
    ids = [r[id_at] for r in rows]
    staged: list = rows
    if session.get_bind().dialect.name == "postgresql":
        staged = [copy_line(r) for r in rows]
    stored = insert_staged(session, table, columns, staged, ids, conflict=conflict)
    if stored is None:
        return rows
    return [r for r, i in zip(rows, ids, strict=True) if i in stored]


def insert_staged(
    session: Session,
    table: str,
    columns: Sequence[str],
    rows: list,
    ids: list[int],
    *,
    conflict: Sequence[str],
) -> set[int] | None:
    """Like :func:`insert_new` for rows already in the driver's form: lines of COPY text
    (without their newline) on PostgreSQL, tuples in the order of ``columns`` on SQLite;
    ``ids`` are their ids, in the same order. Returns None if every row went in, else the
    ids of the rows inserted."""
    if not rows:
        return None
    conn = session.connection().connection.driver_connection
    assert conn is not None  # the session's connection is checked out, so it is live
    cols = ", ".join(columns)
    on_conflict = f"ON CONFLICT ({', '.join(conflict)}) DO NOTHING"
    if session.get_bind().dialect.name == "postgresql":
        return _copy(conn, table, cols, rows, on_conflict)
    cur = conn.cursor()
    try:
        marks = ", ".join("?" * len(columns))
        cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks}) {on_conflict}", rows)
        if cur.rowcount == len(rows):
            return None
        # Some were already there: the conflict key finds each row's stored id (an index).
        key_at = [list(columns).index(c) for c in conflict]
        where = " AND ".join(f"{c} = ?" for c in conflict)
        inserted: set[int] = set()
        for row, row_id in zip(rows, ids, strict=True):
            cur.execute(f"SELECT id FROM {table} WHERE {where}", [row[i] for i in key_at])
            found = cur.fetchone()
            if found is not None and found[0] == row_id:
                inserted.add(row_id)
        return inserted
    finally:
        cur.close()


def insert_rows(session: Session, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
    """Insert rows known to be new (numbers just taken, ids just made), as fast as the
    database takes them: ``COPY`` on PostgreSQL, ``executemany`` on SQLite. Values as the
    driver takes them: JSON already as text, dates as ISO text; timestamps as aware datetimes
    (written here as each database stores a UTCDateTime)."""
    if not rows:
        return
    conn = session.connection().connection.driver_connection
    assert conn is not None  # the session's connection is checked out, so it is live
    cols = ", ".join(columns)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        payload = "".join(copy_line(r) + "\n" for r in rows).encode()
        with conn.cursor() as cur:
            _copy_in(cur, f"COPY {table} ({cols}) FROM STDIN", payload)
        return
    stored = [
        tuple(timestamp_value(dialect, v) if isinstance(v, datetime) else v for v in r)
        for r in rows
    ]
    cur = conn.cursor()
    try:
        cur.executemany(
            f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(columns))})", stored
        )
    finally:
        cur.close()


def copy_escape(value: str) -> str:
    """A text value escaped for COPY's text format."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value


def copy_line(row: tuple) -> str:
    """One row in COPY's text format, without its newline."""
    values: list[str] = []
    append = values.append
    for value in row:
        kind = type(value)
        if kind is str:
            if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
                value = copy_escape(value)
            append(value)
        elif value is None:
            append("\\N")
        elif kind is int:
            append(str(value))
        elif kind is bool:
            append("t" if value else "f")
        elif isinstance(value, datetime):
            append(value.isoformat())
        else:
            append(str(value))
    return "\t".join(values)


COPY_WRITE = 1 << 20  # bytes per write to the driver


def _copy(
    conn: psycopg.Connection, table: str, cols: str, lines: list[str], on_conflict: str
) -> set[int] | None:
    payload = "\n".join(lines).encode()
    payload += b"\n"
    with conn.cursor() as cur:
        cur.execute("SAVEPOINT bulk_copy")
        try:
            _copy_in(cur, f"COPY {table} ({cols}) FROM STDIN", payload)
        except psycopg.errors.UniqueViolation:
            cur.execute("ROLLBACK TO SAVEPOINT bulk_copy")
        else:
            cur.execute("RELEASE SAVEPOINT bulk_copy")
            return None
        stage = f"{table}_stage"
        cur.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {stage} "
            f"(LIKE {table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        _copy_in(cur, f"COPY {stage} ({cols}) FROM STDIN", payload)
        cur.execute(
            f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {stage} {on_conflict} RETURNING id"
        )
        stored = {r[0] for r in cur.fetchall()}
        cur.execute(f"TRUNCATE {stage}")
    return stored


def _copy_in(cur: psycopg.Cursor, statement: str, payload: bytes) -> None:
    view = memoryview(payload)
    with cur.copy(statement) as copy:
        for offset in range(0, len(view), COPY_WRITE):
            copy.write(view[offset : offset + COPY_WRITE])
