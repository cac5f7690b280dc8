"""Writes that arrive together committed together: one transaction, one lock of the platform's
heads and one commit for many callers, each still all or nothing for itself.

Every write that logs an audit entry or records a feed change locks a head row — the audit
chain's (``core/audit.log``) and the change feed's (``feeds/changes.record_change``) — and holds
it until it commits, so that entries and changes are numbered in commit order. Writes therefore
commit one after another across all processes, and a rate of them is bounded by one commit and
the statements after the first lock (issue 15: online signing of commitments).

What lifts that bound for a hot write, and only where it asks for it:

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
- **Rows of its own at commit too.** A write may also defer its own rows (:func:`defers`):
  they are appended with the group's others in one statement, and a write that defers every
  row runs no statement at all, so that its savepoint is never opened. Should the rows clash
  with what another transaction stored meanwhile (a unique index), the append raises
  :class:`RunAgain`: the group is rolled back and run once more with nothing deferred, each
  write writing its rows itself and meeting the clash alone. So a write may be run twice; only
  its last run is committed.
- **Reads for the whole group.** A caller may name a ``prepare`` function and a ``hint`` (what
  its write will read, e.g. its subject): before the writes, each ``prepare`` is called once
  with the hints of every caller that named it, and may read in one statement what the writes
  would read one by one, keeping it in ``session.info`` for them. Reads only: a write must find
  for itself what was not prepared, and must not trust what its own group may have changed
  since. An error in ``prepare`` fails the group as a failed commit does.

What stays the same: entries are chained and numbered without gaps in commit order, changes
numbered in commit order; a write never sees its own queued entries, changes or steps
(rights/steps.add_step) in the database before its commit (none of the writes grouped here
reads them). An entry logged inside a SAVEPOINT of the caller's own (a trial run that is
rolled back) is written where it is logged, as before: it is then rolled back with its
savepoint.
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
# Reads for a group's writes, called once with the hints of every caller that named it.
Prepare = Callable[[Session, list[Any]], object]

MAX_GROUP = 64
BUSY_WAIT_SECONDS = 30.0
_KEY = "xinyong.group_commit"
_STOP = object()


class RunAgain(Exception):
    """Raised by an append (a ``Writer``) whose deferred rows clash with rows another
    transaction stored meanwhile (a unique index): the group is rolled back and run again with
    nothing deferred (:func:`defers`), so that each write meets the clash in its own savepoint."""


@dataclass
class _Appends:
    """What one write queued, while it runs in its savepoint; what the writes before it in the
    group queued (``committed``); whether it may defer its own rows (:func:`defers`)."""

    savepoint: SessionTransaction
    committed: dict[int, tuple[Writer, list[Any]]]
    defer: bool
    rows: dict[int, tuple[Writer, list[Any]]] = field(default_factory=dict)


def _appends(session: Session) -> _Appends | None:
    appends: _Appends | None = session.info.get(_KEY)
    if appends is None or session.get_nested_transaction() is not appends.savepoint:
        return None
    return appends


def queue(session: Session, order: int, write: Writer) -> list[Any] | None:
    """The list to put a row in that is to be appended at commit, or None when the session
    writes at once: outside a group, or inside a savepoint the write opened itself (rolled back
    alone, it must take its rows with it)."""
    appends = _appends(session)
    if appends is None:
        return None
    return appends.rows.setdefault(order, (write, []))[1]


def defers(session: Session) -> bool:
    """Whether a write may defer its own rows — not only its audit entries and changes — to
    the group's appends (:func:`queue`). A write that defers every row executes no statement,
    and its savepoint is then never opened; it must find what the group will append before it
    among :func:`queued`, and the append must raise :class:`RunAgain` on a clash with what
    another transaction stored. False outside a group, and when the group runs again."""
    appends = _appends(session)
    return appends is not None and appends.defer


def queued(session: Session, order: int) -> list[Any]:
    """The rows of ``order`` the group will append so far: those of the writes before this one
    that succeeded, and this write's own."""
    appends = _appends(session)
    if appends is None:
        return []
    before = appends.committed.get(order)
    own = appends.rows.get(order)
    return [*(before[1] if before else ()), *(own[1] if own else ())]


def in_group(session: Session) -> bool:
    """Whether the session is a group's: its transaction commits other callers' writes too."""
    return _KEY in session.info


@dataclass
class _Call:
    write: Callable[[Session], Any]
    done: Future
    prepare: Prepare | None = None
    hint: Any = None


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

    def run(
        self,
        write: Callable[[Session], T],
        *,
        prepare: Prepare | None = None,
        hint: Any = None,
        timeout: float = 60.0,
    ) -> T:
        """Run ``write`` in the next group's transaction and return what it returned once the
        group has committed; raise what it raised (nothing of it stored), or what the commit
        raised (nothing of the group stored). ``prepare`` and ``hint``: reads for the whole
        group (the module's docstring)."""
        return self.submit(write, prepare=prepare, hint=hint).result(timeout=timeout)

    def submit(
        self, write: Callable[[Session], T], *, prepare: Prepare | None = None, hint: Any = None
    ) -> Future[T]:
        """As :meth:`run`, without waiting: the future of its outcome (an endpoint on the event
        loop awaits it with ``asyncio.wrap_future``)."""
        done: Future[T] = Future()
        self._ensure_started()
        self._queue.put(_Call(write, done, prepare, hint))
        return done

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
            # A call its caller cancelled while it waited (an awaiting request that went away)
            # is not run; the others can no longer be cancelled.
            group = [c for c in group if c.done.set_running_or_notify_cancel()]
            if group:
                self._commit(group)
            if stop:
                return

    def _commit(self, group: list[_Call]) -> None:
        deadline = time.monotonic() + BUSY_WAIT_SECONDS
        defer = True
        while True:
            try:
                results = self._run_group(group, defer=defer)
            except RunAgain as exc:
                # Nothing of the group was stored; each write now writes its own rows.
                if not defer:
                    self._fail(group, exc)
                    return
                defer = False
                continue
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

    def _run_group(self, group: list[_Call], *, defer: bool) -> list[tuple[bool, Any]]:
        results: list[tuple[bool, Any]] = []
        committed: dict[int, tuple[Writer, list[Any]]] = {}
        with self.db.sessions() as session, session.begin():
            hints: dict[Prepare, list[Any]] = {}
            for call in group:
                if call.prepare is not None:
                    hints.setdefault(call.prepare, []).append(call.hint)
            for prepare, of_calls in hints.items():
                prepare(session, of_calls)
            for call in group:
                savepoint = session.begin_nested()
                appends = session.info[_KEY] = _Appends(savepoint, committed, defer)
                try:
                    value = call.write(session)
                    session.flush()
                except Exception as exc:
                    # Its rows and its queued appends go; the group goes on. (A savepoint
                    # that cannot be rolled back — the connection lost — fails the group. One
                    # that was never opened — no statement ran in it — has nothing to undo.)
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
