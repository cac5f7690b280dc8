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
from concurrent.futures import Future

from sqlalchemy import insert

from xinyong.db import Database
from xinyong.models import Check, CheckHit

MAX_BATCH = 500
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
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
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
                with self.db.engine.begin() as conn:
                    conn.execute(insert(Check), [check for check, _, _ in batch])
                    hits = [hit for _, rows, _ in batch for hit in rows]
                    if hits:
                        conn.execute(insert(CheckHit), hits)
            except BaseException as exc:  # handed to every waiting request
                for _, _, done in batch:
                    done.set_exception(exc)
            else:
                for _, _, done in batch:
                    done.set_result(None)
            if stop:
                return
