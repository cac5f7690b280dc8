"""The check log, written by group commit.

Every check is logged before its answer leaves (Measures art. 24; 004 §14), but a commit per
check would cost the hot path two round trips and a disk flush. So each process has one writer
thread: requests hand it their rows and wait; it writes whatever has gathered in one
transaction and wakes them all. Under load one commit serves many checks; alone, a check waits
for its own commit only. If the write fails, every waiting check fails with it — no answer is
given for a check that was not logged."""

from __future__ import annotations

import queue
import threading
import time
from concurrent.futures import Future

from sqlalchemy import Connection, insert
from sqlalchemy.exc import OperationalError

from xinyong.db import Database
from xinyong.models import Check, CheckHit

MAX_BATCH = 500
BUSY_WAIT_SECONDS = 30.0
_STOP = object()


class CheckLog:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def write(self, check: dict, hits: list[dict], *, timeout: float = 60.0) -> None:
        """Returns once the check and its hits are committed; raises what the write raised."""
        done: Future[None] = Future()
        self._ensure_started()
        self._queue.put((check, hits, done))
        done.result(timeout=timeout)

    def close(self) -> None:
        with self._lock:
            if self._thread is not None:
                self._queue.put(_STOP)
                self._thread.join(timeout=30)
                self._thread = None

    def _ensure_started(self) -> None:
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._run, name="xinyong-check-log", daemon=True
                    )
                    self._thread.start()

    def _run(self) -> None:
        with self.db.engine.connect() as conn:
            driver = conn.connection.driver_connection if conn.dialect.name == "sqlite" else None
            if driver is not None:
                # Fail at once when another process holds the write lock, and retry within a
                # millisecond: SQLite's own busy handler sleeps up to 100 ms at a time, which
                # with two server processes writing logs turns into seconds of waiting.
                previous = driver.execute("PRAGMA busy_timeout").fetchone()[0]
                driver.execute("PRAGMA busy_timeout = 0")
            try:
                while self._serve_one_batch(conn):
                    pass
            finally:
                if driver is not None:  # the connection goes back to the pool as it came
                    driver.execute(f"PRAGMA busy_timeout = {int(previous)}")

    def _serve_one_batch(self, conn: Connection) -> bool:
        first = self._queue.get()
        if first is _STOP:
            return False
        batch = [first]
        stop = False
        while len(batch) < MAX_BATCH:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is _STOP:
                stop = True
                break
            batch.append(item)
        try:
            self._write(conn, batch)
        except BaseException as exc:  # handed to every waiting request
            for _, _, done in batch:
                done.set_exception(exc)
        else:
            for _, _, done in batch:
                done.set_result(None)
        return not stop

    def _write(self, conn: Connection, batch: list) -> None:
        deadline = time.monotonic() + BUSY_WAIT_SECONDS
        while True:
            try:
                with conn.begin():
                    conn.execute(insert(Check), [check for check, _, _ in batch])
                    hits = [hit for _, rows, _ in batch for hit in rows]
                    if hits:
                        conn.execute(insert(CheckHit), hits)
                return
            except OperationalError as exc:
                busy = "locked" in str(exc.orig) or "busy" in str(exc.orig)
                if not busy or time.monotonic() > deadline:
                    raise
                time.sleep(0.0005)
