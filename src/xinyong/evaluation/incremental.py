"""The incremental pass (issue 16 § 3): between full runs, every subject whose archive
changed since the last pass is re-evaluated by the daily jobs (jobs.py), so that a grade is
never older than they are.

What counts as a change of the archive (docs/evaluation.md § The incremental pass):

- on the change feed (feeds/changes.py), read by its number: a list entry's step (listed,
  exited, revoked …), a record's change of standing (corrected, revoked, repaired, expired by
  a procedure), a commitment's or a declaration's step, and an objection to an evaluation
  result found right (``objection_upheld``: the result is made again, Measures art. 32);
- the records collected since, which do not go on the feed: the batches received after the
  last pass read. A batch is stamped when its transaction begins and seen when it commits, so
  the pass looks back ``OVERLAP`` before its last reading and skips the batches it read then.

The pass reads both, re-evaluates those subjects with ``run_evaluation(subject_ids=…)``
(an ``incremental`` run under the job's lock, one per model in force), then moves its cursor
(``evaluation_cursors``). A pass that fails leaves the cursor: the next one tries again.
Without a model in force there is nothing to grade, and the cursor moves on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from xinyong.db import Database
from xinyong.errors import InvalidRequest
from xinyong.evaluation.cursor import advance, pending
from xinyong.evaluation.runs import run_evaluation


@dataclass(frozen=True)
class PassResult:
    subjects: int
    changed: int
    re_evaluated: set[int]


def run_pass(db: Database, *, now: datetime, read_at: datetime, actor: str) -> PassResult:
    """One pass: the changed subjects re-evaluated as of ``now`` (the jobs' time), the
    cursor moved. ``read_at`` is the time the records are read (the clock's, as batches are
    stamped by it)."""
    with db.transaction() as session:
        todo = pending(session, read_at=read_at)
    changed = 0
    if todo.subjects:
        try:
            runs = run_evaluation(db, now=now, actor=actor, subject_ids=sorted(todo.subjects))
        except InvalidRequest as exc:
            if exc.code != "no_model_in_force":
                raise
            runs = []
        changed = sum(r.changed for r in runs)
        evaluated = todo.subjects if runs else set()
    else:
        evaluated = set()
    with db.transaction() as session:
        advance(session, todo)
    return PassResult(subjects=len(evaluated), changed=changed, re_evaluated=evaluated)
