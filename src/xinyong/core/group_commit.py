"""Writes that arrive together committed together: one transaction, one lock of the platform's
heads and one commit for many callers, each still all or nothing for itself.

Every write that logs an audit entry or records a feed change locks a head row — the audit
chain's (``core/audit.log``) and the change feed's (``feeds/changes.record_change``) — and holds
it until it commits, so that entries and changes are numbered in commit order. Writes therefore
commit one after another across all processes, and a rate of them is bounded by one commit and
the statements after the first lock (issue 15: online signing of commitments).

Two things here lift that bound for a hot write, and only where it asks for them:

- **Appends at commit.** Inside a :class:`GroupWriter`'s transaction, an audit entry or a feed
  change is not written where it is logged but queued (:func:`queue`) and appended by the
  writer as the last statements before COMMIT, all of a kind in one statement. The head rows are
  then locked for those few statements and the commit only, not while the callers work.
- **Group commit.** Each process has one writer thread per kind of write; callers hand it their
  write (a function of a session) and wait. It runs whatever has gathered in one transaction,
  each caller's write in a SAVEPOINT of its own: a write that raises is rolled back alone —
  nothing of it is stored, its queued entries and changes are dropped — and its caller gets its
  error; the others commit together. If the commit itself fails, every caller of the group gets
  that error and nothing of the group is stored. From a caller's side a write is still one
  transaction: committed when ``run`` returns, not at all when it raises.

What stays the same: entries are chained and numbered without gaps in commit order, changes
numbered in commit order; a write never sees its own queued entries or changes in the database
before its commit (none of the writes grouped here reads them). An entry logged inside a
SAVEPOINT of the caller's own (a trial run that is rolled back) is written where it is logged,
as before: it is then rolled back with its savepoint.
"""

from __future__ import annotations

import os
import queue as queues
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, SessionTransaction

if TYPE_CHECKING:
    from xinyong.db import Database

T = TypeVar("T")
# Rows appended at commit, by kind: the function that writes them all (in the transaction,
# last before COMMIT) and the order in which the kinds are written — the order in which the
# head rows are locked, the same in every group so that two groups never wait on each other.
Writer = Callable[[Session, list[Any]], object]

MAX_GROUP = 64
BUSY_WAIT_SECONDS = 30.0
_KEY = "xinyong.group_commit"
_STOP = object()


@dataclass
class _Appends:
    """What one write queued, while it runs in its savepoint."""

    savepoint: SessionTransaction
    rows: dict[int, tuple[Writer, list[Any]]] = field(default_factory=dict)


def queue(session: Session, order: int, write: Writer) -> list[Any] | None:
    """The list to put a row in that is to be appended at commit, or None when the session
    writes at once: outside a group, or inside a savepoint the write opened itself (rolled back
    alone, it must take its rows with it)."""
    appends: _Appends | None = session.info.get(_KEY)
    if appends is None or session.get_nested_transaction() is not appends.savepoint:
        return None
    return appends.rows.setdefault(order, (write, []))[1]


def in_group(session: Session) -> bool:
    """Whether the session is a group's: its transaction commits other callers' writes too."""
    return _KEY in session.info


@dataclass
class _Call:
    write: Callable[[Session], Any]
    done: Future


class GroupWriter:
    """One thread of this process that commits the writes handed to it in groups."""

    def __init__(self, db: Database, name: str, *, max_group: int = MAX_GROUP) -> None:
        self.db = db
        self.name = name
        self.max_group = max_group
        self._queue: queues.SimpleQueue = queues.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def run(self, write: Callable[[Session], T], *, timeout: float = 60.0) -> T:
        """Run ``write`` in the next group's transaction and return what it returned once the
        group has committed; raise what it raised (nothing of it stored), or what the commit
        raised (nothing of the group stored)."""
        done: Future[T] = Future()
        self._ensure_started()
        self._queue.put(_Call(write, done))
        return done.result(timeout=timeout)

    def close(self) -> None:
        with self._lock:
            if self._thread is not None:
                self._queue.put(_STOP)
                self._thread.join(timeout=30)
                self._thread = None

    def _ensure_started(self) -> None:
        # Per process: a forked child starts a thread of its own.
        if self._thread is None or self._pid != os.getpid():
            with self._lock:
                if self._thread is None or self._pid != os.getpid():
                    self._pid = os.getpid()
                    self._thread = threading.Thread(
                        target=self._serve, name=f"xinyong-group-{self.name}", daemon=True
                    )
                    self._thread.start()

    def _serve(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            group = [first]
            stop = False
            while len(group) < self.max_group:
                try:
                    call = self._queue.get_nowait()
                except queues.Empty:
                    break
                if call is _STOP:
                    stop = True
                    break
                group.append(call)
            self._commit(group)
            if stop:
                return

    def _commit(self, group: list[_Call]) -> None:
        deadline = time.monotonic() + BUSY_WAIT_SECONDS
        while True:
            try:
                results = self._run_group(group)
            except OperationalError as exc:
                # SQLite: another process holds the write lock past its busy timeout. Nothing
                # of the group was stored; run it again, as a single writer would have waited.
                busy = "locked" in str(exc.orig) or "busy" in str(exc.orig)
                if busy and time.monotonic() < deadline:
                    time.sleep(0.001)
                    continue
                self._fail(group, exc)
                return
            except BaseException as exc:  # handed to every caller of the group
                self._fail(group, exc)
                return
            for call, (ok, value) in zip(group, results, strict=True):
                if ok:
                    call.done.set_result(value)
                else:
                    call.done.set_exception(value)
            return

    @staticmethod
    def _fail(group: list[_Call], exc: BaseException) -> None:
        for call in group:
            if not call.done.done():
                call.done.set_exception(exc)

    def _run_group(self, group: list[_Call]) -> list[tuple[bool, Any]]:
        results: list[tuple[bool, Any]] = []
        committed: dict[int, tuple[Writer, list[Any]]] = {}
        with self.db.sessions() as session, session.begin():
            for call in group:
                savepoint = session.begin_nested()
                appends = session.info[_KEY] = _Appends(savepoint)
                try:
                    value = call.write(session)
                    session.flush()
                except Exception as exc:
                    # Its rows and its queued appends go; the group goes on. (A savepoint
                    # that cannot be rolled back — the connection lost — fails the group.)
                    del session.info[_KEY]
                    savepoint.rollback()
                    results.append((False, exc))
                    continue
                del session.info[_KEY]
                savepoint.commit()
                for order, (write, rows) in appends.rows.items():
                    committed.setdefault(order, (write, []))[1].extend(rows)
                results.append((True, value))
            # The heads, locked last: the statements that append, then COMMIT.
            for order in sorted(committed):
                write, rows = committed[order]
                write(session, rows)
        return results
