"""The daily sweep of 容缺受理 commitments past their deadline (jobs.py).

A commitment accepted with documents missing whose documents were not all supplied by the
last day of its period (``due_on``, counted by the official calendar when it was signed) is
breached, automatically, from the day after (rights/deadlines.is_over: the last day is still
in the period): the sweep marks it ``breached`` and writes the negative record its item named
when it was signed, with that severity, in the accepting department's name — the same record
as the department's own determination (service.fulfil), so a breach of an item that is
``watch_list_eligible`` may be the basis of a watch-list entry (002 §（一）: 违背信用承诺的
市场主体列入重点监管范围; Measures art. 12（六））. Each commitment gets its step (actor
``system``), its audit entry and its change on the feed.

Set-based, for a province's volume (docs/performance.md): the commitments due are found by the
index on ``(state, due_on)`` in one statement, their records collected in one batch per
department, and the state, the steps, the audit entries and the changes written as multi-row
statements, ``chunk`` commitments per transaction. Idempotent: a breached commitment is no
longer pending, and a commitment fulfilled meanwhile is not touched (rows locked on
PostgreSQL; SQLite has one writer)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from xinyong.commitments import repository, rules
from xinyong.commitments.missing_documents import TYPE
from xinyong.commitments.schemas import BreachConsequence
from xinyong.commitments.service import COMMITMENT, PROCEDURE
from xinyong.core import audit
from xinyong.core.bulk import timestamp_value
from xinyong.core.clock import local_date
from xinyong.feeds.changes import record_changes
from xinyong.lists.service import procedure_collector, subject_ref
from xinyong.models import (
    Channel,
    Commitment,
    CommitmentState,
    CommitmentType,
    Department,
    Record,
    Subject,
)
from xinyong.rights.step import Step
from xinyong.rights.steps import COLUMNS as STEP_COLUMNS
from xinyong.rights.steps import insert_steps

CHUNK = 10_000
# What the breach record and the step say of a breach the platform determined by itself.
FACTS = "承诺受理后未在承诺期限（{due_on}）内补齐容缺材料：{outstanding}"
NOTE = "逾期未补齐容缺材料，由平台按期自动认定违诺"


def decision_number(commitment_id: int) -> str:
    """The breach record's 认定文书号 for a breach the platform determined: the commitment's
    number, so that it is unique and can be traced back."""
    return f"容缺逾期认定〔{commitment_id}〕"


def sweep_due(today: date, due_on: date) -> bool:
    """Whether a 容缺受理 commitment with this deadline is breached by ``today``: from the day
    after its last day."""
    return today > due_on


@dataclass
class _Due:
    subject_id: int
    id: int
    department_id: int
    item_code: str
    signed_at: datetime
    due_on: date
    breach: dict
    missing: list[str]
    supplied: list[str]


def _due(session: Session, today: date, limit: int) -> list[_Due]:
    """The accepted 容缺受理 commitments still pending after their last day, locked: by the
    index on (state, due_on)."""
    query = (
        select(
            Commitment.subject_id,
            Commitment.id,
            Commitment.department_id,
            Commitment.item_code,
            Commitment.signed_at,
            Commitment.due_on,
            Commitment.breach,
            Commitment.missing_documents,
            Commitment.documents_supplied,
        )
        .where(
            Commitment.state == CommitmentState.pending,
            Commitment.due_on < today,
            Commitment.type == CommitmentType(TYPE),
            Commitment.accepted_at.is_not(None),
        )
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return [
        _Due(sid, cid, dept, item, signed_at, due_on, breach, missing or [], supplied or [])
        for sid, cid, dept, item, signed_at, due_on, breach, missing, supplied in session.execute(
            query
        )
    ]


def sweep_overdue(session: Session, step: Step, *, chunk: int = CHUNK) -> tuple[int, bool]:
    """Breach up to ``chunk`` commitments past their deadline; returns how many, and whether
    none is left."""
    today, now = step.today, step.now
    due = [d for d in _due(session, today, chunk) if sweep_due(today, d.due_on)]
    if not due:
        return 0, True
    items = repository.all_items(session)
    depts = {
        d.id: d
        for d in session.execute(
            select(Department).where(Department.id.in_({c.department_id for c in due}))
        ).scalars()
    }
    # What subject_ref reads of each subject (its key and name), not whole rows.
    subjects: dict[int, Any] = {
        row.id: row
        for row in session.execute(
            select(Subject.id, Subject.credit_code, Subject.id_cipher, Subject.name).where(
                Subject.id.in_({c.subject_id for c in due})
            )
        )
    }
    records: dict[int, int] = {}  # commitment id -> record id
    rejected: dict[int, list[dict]] = {}
    by_dept: dict[int, list[_Due]] = defaultdict(list)
    for c in due:
        by_dept[c.department_id].append(c)
    for dept_id, commitments in by_dept.items():
        dept = depts[dept_id]
        collector = procedure_collector(session, step, dept, Channel.same_level)
        collector.feed(
            (i, _raw(step, c, subjects[c.subject_id], items[c.item_code].spec["name"], dept))
            for i, c in enumerate(commitments)
        )
        answer = collector.finish()
        for problem in answer["rejected"]:
            rejected[commitments[problem["index"]].id] = problem["errors"]
        for source_id, record_id in session.execute(
            select(Record.source_id, Record.id).where(Record.batch_id == collector.batch_id)
        ):
            records[int(source_id.removeprefix("commitment:"))] = record_id
    _mark_breached(session, due, records, now)
    _steps(session, step, due, records, rejected)
    return len(due), len(due) < chunk


@lru_cache(maxsize=64)
def _validated(item: str, severity: str, watch_list_eligible: bool) -> BreachConsequence:
    return BreachConsequence(
        item=item,
        severity=severity,
        watch_list_eligible=watch_list_eligible,
    )


def _consequence(breach: dict) -> BreachConsequence:
    """The breach consequence a commitment kept (a few distinct ones among thousands)."""
    return _validated(breach["item"], breach["severity"], breach["watch_list_eligible"])


def _raw(step: Step, c: _Due, subject: Any, item_name: str, dept: Department) -> dict:
    consequence = _consequence(c.breach)
    outstanding = [d for d in c.missing if d not in c.supplied]
    fields = rules.breach_fields(
        commitment_id=c.id,
        item_name=item_name,
        signed_on=local_date(c.signed_at),
        outcome="breached",
        due_on=c.due_on,
        facts=FACTS.format(due_on=c.due_on.isoformat(), outstanding="、".join(outstanding)),
        decision_number=decision_number(c.id),
        today=step.today,
        department_name=dept.name,
    )
    return rules.breach_raw(
        c.id, consequence, subject_ref(step, subject), fields, determined_on=step.today
    )


_UPDATE_PG = """
UPDATE commitments AS c
SET state = 'breached', record_id = v.record_id, closed_at = :closed_at
FROM unnest(CAST(:subject_ids AS bigint[]), CAST(:ids AS bigint[]),
            CAST(:record_ids AS bigint[])) AS v(subject_id, id, record_id)
WHERE c.subject_id = v.subject_id AND c.id = v.id AND c.state = 'pending'
"""
_UPDATE_SQLITE = """
UPDATE commitments SET state = 'breached', record_id = :record_id, closed_at = :closed_at
WHERE subject_id = :subject_id AND id = :id AND state = 'pending'
"""


def _mark_breached(
    session: Session, due: list[_Due], records: dict[int, int], now: datetime
) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text(_UPDATE_PG),
            {
                "closed_at": now,
                "subject_ids": [c.subject_id for c in due],
                "ids": [c.id for c in due],
                "record_ids": [records.get(c.id) for c in due],
            },
        )
        return
    closed_at = timestamp_value("sqlite", now)
    session.execute(
        text(_UPDATE_SQLITE),
        [
            {
                "record_id": records.get(c.id),
                "closed_at": closed_at,
                "subject_id": c.subject_id,
                "id": c.id,
            }
            for c in due
        ],
    )


def _steps(
    session: Session,
    step: Step,
    due: list[_Due],
    records: dict[int, int],
    rejected: dict[int, list[dict]],
) -> None:
    """Each commitment's ``breached`` step, audit entry and feed change, as service._step
    writes them one at a time."""
    actor, now = step.principal.actor, step.now
    ids = step.ctx.ids.take(len(due))
    steps: list[dict[str, Any]] = []
    acts: list[audit.Act] = []
    changes: list[dict[str, Any]] = []
    for c, step_id in zip(due, ids, strict=True):
        consequence = _consequence(c.breach)
        detail: dict[str, Any] = {
            "note": NOTE,
            "automatic": True,
            "due_on": c.due_on.isoformat(),
            "outstanding": [d for d in c.missing if d not in c.supplied],
            "decision_number": decision_number(c.id),
            "item": consequence.item,
            "severity": consequence.severity,
            "watch_list_eligible": consequence.watch_list_eligible,
        }
        if c.id in records:
            detail["record_id"] = str(records[c.id])
        else:  # the collector refused the record: the breach stands, the problem is shown
            detail["record_errors"] = rejected.get(c.id, [])
        steps.append(
            {
                "subject_id": c.subject_id,
                "id": step_id,
                "procedure": PROCEDURE,
                "procedure_id": c.id,
                "step": "breached",
                "at": now,
                "actor": actor,
                "detail": detail,
            }
        )
        acts.append(
            audit.Act(
                actor=actor,
                action=f"{PROCEDURE}.breached",
                at=now,
                subject_id=c.subject_id,
                target_type=PROCEDURE,
                target_id=c.id,
                detail=detail,
            )
        )
        changes.append(
            {
                "event": "breached",
                "subject_id": c.subject_id,
                "detail": {
                    "commitment": str(c.id),
                    "item": c.item_code,
                    "state": CommitmentState.breached.value,
                },
            }
        )
    insert_steps(session, [tuple(row[c] for c in STEP_COLUMNS) for row in steps])
    audit.log_many(session, acts)
    record_changes(session, at=now, topic=COMMITMENT, changes=changes)
