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
from xinyong.core.group_commit import GroupWriter, in_group, queue
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
