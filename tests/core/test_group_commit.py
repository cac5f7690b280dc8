"""Group commit (core/group_commit.py), on both databases: writes handed to one writer commit
in one transaction, each in a savepoint of its own; audit entries and feed changes are appended
just before the commit, chained and numbered in order; a write that raises is rolled back alone
and takes its queued entries and changes with it; a group whose commit fails stores nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from xinyong.core import audit
from xinyong.core.group_commit import GroupWriter, RunAgain, defers, in_group, queue, queued
from xinyong.db import Database
from xinyong.errors import InvalidRequest
from xinyong.feeds.changes import record_change
from xinyong.models import AuditEntry, AuditHead, Change, ChangeHead


@pytest.fixture
def writer(db: Database) -> Iterator[GroupWriter]:
    w = GroupWriter(db, "test")
    yield w
    w.close()


def _logs(name: str, now: Any) -> Callable[[Session], str]:
    """A write that logs an entry and records a change named ``name``."""

    def write(session: Session) -> str:
        audit.log(session, actor="test", action=f"test.{name}", at=now)
        record_change(session, at=now, topic="test", event=name)
        return name

    return write


def _refused(name: str, now: Any) -> Callable[[Session], str]:
    def write(session: Session) -> str:
        _logs(name, now)(session)
        raise InvalidRequest("不行", "refused", field="x", code="refused")

    return write


def _grouped(writer: GroupWriter, writes: list[Callable[[Session], Any]]) -> list[Any]:
    """Run the writes in one group: the writer is held by a first write until all are queued."""
    release = threading.Event()
    started = threading.Event()

    def hold(session: Session) -> str:
        started.set()
        assert release.wait(10)
        return "hold"

    with ThreadPoolExecutor(len(writes) + 1) as pool:
        held = pool.submit(writer.run, hold)
        assert started.wait(10)
        futures = [pool.submit(writer.run, w) for w in writes]
        while writer._queue.qsize() < len(writes):
            threading.Event().wait(0.01)
        release.set()
        assert held.result(10) == "hold"
        outcomes: list[Any] = []
        for f in futures:
            try:
                outcomes.append(f.result(10))
            except Exception as exc:  # the caller's own error
                outcomes.append(exc)
    return outcomes


def _stored(db: Database) -> tuple[list[str], list[tuple[int, str]]]:
    with db.transaction() as session:
        actions = list(
            session.execute(
                select(AuditEntry.action)
                .where(AuditEntry.action.like("test.%"))
                .order_by(AuditEntry.id)
            ).scalars()
        )
        changes = [
            (seq, event)
            for seq, event in session.execute(
                select(Change.seq, Change.event).where(Change.topic == "test").order_by(Change.seq)
            )
        ]
    return actions, changes


def _chain_and_feed_whole(db: Database) -> None:
    """The chain verifies to its head; changes are numbered 1..head without a gap."""
    with db.transaction() as session:
        assert audit.verify(session).ok
        head = session.execute(select(AuditHead.last_id)).scalar_one()
        assert session.execute(select(func.max(AuditEntry.id))).scalar_one() == head
        seqs = list(session.execute(select(Change.seq).order_by(Change.seq)).scalars())
        last = session.execute(select(ChangeHead.seq)).scalar_one()
    assert seqs == list(range(seqs[0], last + 1)) if seqs else last == 0


def test_a_group_commits_every_write_and_appends_in_order(db, clock, writer) -> None:  # type: ignore[no-untyped-def]
    now = clock.now()
    outcomes = _grouped(writer, [_logs(n, now) for n in ("a", "b", "c")])
    assert outcomes == ["a", "b", "c"]
    actions, changes = _stored(db)
    assert actions == ["test.a", "test.b", "test.c"]
    assert [event for _, event in changes] == ["a", "b", "c"]
    _chain_and_feed_whole(db)


def test_a_refused_write_is_rolled_back_alone_with_its_entries_and_changes(  # type: ignore[no-untyped-def]
    db, clock, writer
) -> None:
    now = clock.now()
    outcomes = _grouped(writer, [_logs("a", now), _refused("bad", now), _logs("c", now)])
    assert outcomes[0] == "a" and outcomes[2] == "c"
    assert isinstance(outcomes[1], InvalidRequest) and outcomes[1].code == "refused"
    actions, changes = _stored(db)
    assert actions == ["test.a", "test.c"]
    assert [event for _, event in changes] == ["a", "c"]
    _chain_and_feed_whole(db)


def test_an_entry_in_a_savepoint_of_the_write_goes_with_that_savepoint(  # type: ignore[no-untyped-def]
    db, clock, writer
) -> None:
    """A trial run inside the write (as approvals try a decision) logs in a savepoint of its
    own that is rolled back: that entry is written at once and rolled back with it, never
    queued for the commit."""
    now = clock.now()

    def trial(session: Session) -> bool:
        assert in_group(session)
        trying = session.begin_nested()
        assert queue(session, 1, lambda s, rows: None) is None  # written at once in there
        audit.log(session, actor="test", action="test.trial", at=now)
        trying.rollback()
        assert queue(session, 1, lambda s, rows: None) is not None
        audit.log(session, actor="test", action="test.kept", at=now)
        return True

    assert _grouped(writer, [_logs("a", now), trial]) == ["a", True]
    actions, _ = _stored(db)
    assert actions == ["test.a", "test.kept"]
    _chain_and_feed_whole(db)


def test_a_group_whose_commit_fails_stores_nothing_and_fails_every_caller(  # type: ignore[no-untyped-def]
    db, clock, writer
) -> None:
    now = clock.now()

    def unwritable(session: Session) -> str:
        # A change whose detail cannot be stored fails only when the group appends it.
        record_change(session, at=now, topic="test", event="x", detail={"x": object()})
        return "x"

    outcomes = _grouped(writer, [_logs("a", now), unwritable])
    assert all(isinstance(o, StatementError | TypeError) for o in outcomes), outcomes
    assert _stored(db) == ([], [])
    _chain_and_feed_whole(db)
    # The writer goes on with the next group.
    assert writer.run(_logs("b", now)) == "b"
    assert _stored(db)[0] == ["test.b"]


def test_outside_a_group_entries_and_changes_are_written_at_once(db, clock) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        entry = audit.log(session, actor="test", action="test.now", at=clock.now())
        seq = record_change(session, at=clock.now(), topic="test", event="now")
        assert entry.id is not None and seq is not None
        assert session.get(AuditEntry, entry.id) is entry


def test_prepare_reads_once_for_the_whole_group_before_its_writes(db, clock, writer) -> None:  # type: ignore[no-untyped-def]
    now = clock.now()
    calls: list[list[Any]] = []

    def prepare(session: Session, hints: list[Any]) -> None:
        calls.append(list(hints))
        session.info["test.prepared"] = {h: f"read {h}" for h in hints}

    def reads(hint: str) -> Callable[[Session], str]:
        def write(session: Session) -> str:
            _logs(hint, now)(session)
            return session.info["test.prepared"][hint]

        return write

    release, started = threading.Event(), threading.Event()

    def hold(session: Session) -> str:
        started.set()
        assert release.wait(10)
        return "hold"

    with ThreadPoolExecutor(5) as pool:
        held = pool.submit(writer.run, hold)
        assert started.wait(10)
        futures = [pool.submit(writer.run, reads(h), prepare=prepare, hint=h) for h in ("a", "b")]
        futures.append(pool.submit(writer.run, _logs("c", now)))  # one that names none
        while writer._queue.qsize() < 3:
            threading.Event().wait(0.01)
        release.set()
        assert held.result(10) == "hold"
        assert [f.result(10) for f in futures] == ["read a", "read b", "c"]
    assert sorted(calls[0]) == ["a", "b"] and len(calls) == 1
    _chain_and_feed_whole(db)


def test_rows_that_clash_at_the_append_run_the_group_again_without_deferring(  # type: ignore[no-untyped-def]
    db, clock, writer
) -> None:
    """A write defers its rows; their append meets what another transaction stored and raises
    RunAgain: nothing of the first run is stored, and the group runs again with nothing
    deferred — each write writes its rows itself."""
    now = clock.now()
    appended: list[list[str]] = []

    def append(session: Session, rows: list[str]) -> None:
        appended.append(rows)
        raise RunAgain

    def deferring(name: str) -> Callable[[Session], str]:
        def write(session: Session) -> str:
            _logs(name, now)(session)
            if defers(session):
                rows = queue(session, 1, append)
                assert rows is not None
                rows.append(name)
                # What the group will append so far: the writes before, and this one.
                return ",".join(queued(session, 1))
            return "at once"

        return write

    outcomes = _grouped(writer, [deferring("a"), _refused("bad", now), deferring("c")])
    assert appended == [["a", "c"]]  # the refused write's rows were not among them
    assert outcomes[0] == "at once" and outcomes[2] == "at once"
    assert isinstance(outcomes[1], InvalidRequest)
    actions, changes = _stored(db)
    assert actions == ["test.a", "test.c"]  # once each: the first run left nothing
    assert [event for _, event in changes] == ["a", "c"]
    _chain_and_feed_whole(db)


def test_what_the_writes_before_queued_is_seen_and_a_refused_ones_is_not(  # type: ignore[no-untyped-def]
    db, clock, writer
) -> None:
    now = clock.now()

    def keep(session: Session, rows: list[str]) -> None:
        return None

    def queues(name: str, *, refuse: bool = False) -> Callable[[Session], str]:
        def write(session: Session) -> str:
            _logs(name, now)(session)
            rows = queue(session, 1, keep)
            assert rows is not None and defers(session)
            rows.append(name)
            if refuse:
                raise InvalidRequest("不行", "refused", field="x", code="refused")
            return ",".join(queued(session, 1))

        return write

    outcomes = _grouped(writer, [queues("a"), queues("b", refuse=True), queues("c")])
    assert outcomes[0] == "a" and outcomes[2] == "a,c"
    assert not defers_outside(db)


def defers_outside(db: Database) -> bool:
    with db.transaction() as session:
        return defers(session) or queued(session, 1) != []


def test_a_call_cancelled_while_it_waits_is_not_run(db, clock, writer) -> None:  # type: ignore[no-untyped-def]
    now = clock.now()
    release, started = threading.Event(), threading.Event()
    ran: list[str] = []

    def hold(session: Session) -> str:
        started.set()
        assert release.wait(10)
        return "hold"

    def never(session: Session) -> str:
        ran.append("never")
        return "never"

    with ThreadPoolExecutor(2) as pool:
        held = pool.submit(writer.run, hold)
        assert started.wait(10)
        cancelled = writer.submit(never)
        assert cancelled.cancel()
        kept = writer.submit(_logs("kept", now))
        release.set()
        assert held.result(10) == "hold"
        assert kept.result(10) == "kept"
    assert ran == [] and _stored(db)[0] == ["test.kept"]
