"""Engine and sessions. One request or task = one transaction, committed at the edge.

Nothing is built at import time: ``Database(settings)`` makes the engine. Services take a
``Session`` and never commit; ``Database.transaction()`` (CLI, jobs) and the API's session
dependency commit or roll back around them.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import cached_property
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from xinyong.core.crypto import AuditKeys, IdCipher
from xinyong.core.ids import IdGenerator, NodeLease
from xinyong.settings import Settings


def _iso_with_space(value: datetime) -> str:
    return value.isoformat(" ")


def make_engine(url: str, *, echo: bool = False, pool_size: int = 20) -> Engine:
    if url.startswith("sqlite"):
        # A date or datetime bound as a parameter is stored as its ISO text, as the sqlite3
        # module's own adapters did: Python 3.12 deprecates those, not what they wrote.
        sqlite3.register_adapter(date, date.isoformat)
        sqlite3.register_adapter(datetime, _iso_with_space)
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
            # Let SQLAlchemy, not the driver, issue BEGIN (pysqlite's own handling breaks
            # SAVEPOINT and transactional DDL); WAL lets readers run beside the one writer.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA cache_size=-65536")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:
            if conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
                return  # Database.reading(): statements outside any transaction
            # IMMEDIATE takes the write lock up front. A deferred transaction that reads and
            # then writes fails at once (SQLITE_BUSY_SNAPSHOT) if another connection wrote in
            # between; with IMMEDIATE it waits its turn instead. Readers outside transactions
            # still run beside it (WAL).
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # No pre-ping: it costs a round trip on every checkout, a third of a short read. Stale
    # connections are recycled instead, and a request that meets a dead one fails once.
    # The pool is as large as the work that may use it at once (the request thread pool, the
    # check-log writer): a connection opened beyond it is closed when returned, and opening a
    # PostgreSQL connection costs more than the query it serves.
    return create_engine(
        url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_recycle=1800
    )


class Database:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = make_engine(
            settings.database_url, echo=settings.sql_echo, pool_size=settings.db_pool_size
        )
        # core/audit reaches the audit keys and the checkpoint directory through the session.
        self.sessions = sessionmaker(
            self.engine, expire_on_commit=False, autoflush=False, info={"database": self}
        )
        self._ids: IdGenerator | None = None
        self._ids_lock = threading.Lock()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @cached_property
    def cipher(self) -> IdCipher:
        return IdCipher(self.settings.master_key)

    @cached_property
    def audit_keys(self) -> AuditKeys:
        return AuditKeys(self.settings.master_key)

    @property
    def ids(self) -> IdGenerator:
        """This process's id generator, on a node number leased in ``id_nodes`` (core/ids.py,
        ADR 0014) and renewed while the generator is held.

        The first use claims the number in its own transaction, so touch it (the app's
        start-up and the CLI do) before opening a transaction of your own. A forked child
        claims a number of its own. The lease is released by ``dispose()`` (the generator then
        makes no more ids), once nothing holds the generator, or at exit; a killed process's
        lease runs out after ``XINYONG_ID_NODE_LEASE_SECONDS``."""
        ids = self._ids
        if ids is None or ids.lease is None or ids.lease.pid != os.getpid():
            with self._ids_lock:
                ids = self._ids
                if ids is None or ids.lease is None or ids.lease.pid != os.getpid():
                    if ids is not None:
                        # a forked child: the parent's pooled connections are not its own
                        self.engine.dispose(close=False)
                    ids = self._ids = NodeLease.claim(
                        self.engine, seconds=self.settings.id_node_lease_seconds
                    )
        return ids

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection outside any transaction, for work that only reads: each statement sees
        what was committed when it began, and no BEGIN or COMMIT round trip is spent (the
        check's hot path, checks/endpoints.py)."""
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            yield conn

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.sessions() as session, session.begin():
            yield session

    def analyze(self) -> None:
        """Refresh the planner's statistics after a bulk load. Until autovacuum catches up,
        PostgreSQL misjudges tables that grew by millions of rows and plans parallel scans for
        one subject's rows (measured: archive read 20 ms → 4 ms after ANALYZE)."""
        with self.engine.connect() as conn:
            if self.dialect == "sqlite":
                conn.exec_driver_sql("PRAGMA analysis_limit=2000")
            conn.exec_driver_sql("ANALYZE")
            conn.commit()

    def dispose(self) -> None:
        ids, self._ids = self._ids, None
        if ids is not None and ids.lease is not None:
            ids.lease.close()
        self.engine.dispose()
