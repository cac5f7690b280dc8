"""The incremental pass's cursor (``evaluation_cursors``): how far the change feed and the
records collected have been read (evaluation/incremental.py). A full run moves it too: what
it read needs no incremental pass."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from xinyong.feeds.changes import DECLARATION, LIST_ENTRY, RECORD, changed_subjects, head
from xinyong.models import EvaluationCursor
from xinyong.records.repository import batches_received_since, subjects_in_batches

CURSOR = "incremental"
# Longer than any batch's transaction: a batch stamped before the last reading but committed
# after it is still found.
OVERLAP = timedelta(minutes=10)
# commitments/service.COMMITMENT, named here: commitments/ comes above evaluation/ (容缺受理
# reads grades), and a name imported from there would close a circle.
COMMITMENT = "commitment"
TOPICS = (LIST_ENTRY, RECORD, COMMITMENT, DECLARATION)
# Events of other topics that change a result: an objection to it upheld.
EVENTS = ("objection_upheld",)


@dataclass(frozen=True)
class Pending:
    """What one pass re-evaluates, and where its cursor moves once it has."""

    subjects: set[int]
    seq: int
    read_at: datetime
    batches: list[int]


def pending(session: Session, *, read_at: datetime, full: bool = False) -> Pending:
    """The subjects changed since the cursor, up to the feed's head now (``full``: none,
    only where the cursor moves to)."""
    cursor = session.get(EvaluationCursor, CURSOR)
    upto = head(session)
    if full or cursor is None:
        # A full run read everything; the first pass starts from now (what came before is a
        # full run's to grade): both only mark what they read as read.
        recent = batches_received_since(session, read_at - OVERLAP)
        return Pending(set(), upto, read_at, [batch_id for batch_id, _ in recent])
    subjects = changed_subjects(session, after=cursor.seq, upto=upto, topics=TOPICS, events=EVENTS)
    seen = {int(b) for b in cursor.batches}
    recent = batches_received_since(session, cursor.read_at - OVERLAP)
    new = [batch_id for batch_id, _ in recent if batch_id not in seen]
    subjects |= subjects_in_batches(session, new)
    keep = [batch_id for batch_id, at in recent if at > read_at - OVERLAP]
    return Pending(subjects, upto, read_at, keep)


def advance(session: Session, done: Pending) -> None:
    """Move the cursor to where ``done`` read up to (never back)."""
    cursor = session.get(EvaluationCursor, CURSOR, with_for_update=True)
    batches = [str(b) for b in done.batches]
    if cursor is None:
        session.add(
            EvaluationCursor(name=CURSOR, seq=done.seq, read_at=done.read_at, batches=batches)
        )
    elif done.seq >= cursor.seq:
        cursor.seq, cursor.read_at, cursor.batches = done.seq, done.read_at, batches


def after_full_run(session: Session, *, read_at: datetime) -> None:
    """A full run read every subject as of now: the pass goes on from here."""
    done = pending(session, read_at=read_at, full=True)
    advance(session, done)
