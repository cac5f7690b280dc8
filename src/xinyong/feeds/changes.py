"""Numbering changes in commit order, and reading them back by cursor.

The list-change feed must lose and repeat nothing under concurrent writers (issue 3 § closed
loop). A plain autoincrement would not do: a writer holding number 7 may commit after one
holding 8, and a reader that saw 8 would skip 7 for ever. So the number is taken from the
``change_head`` row, locked FOR UPDATE until the writer commits: the next writer waits, and
numbers are visible in order. Writers append their change last, so the lock is held briefly;
a group of writes (core/group_commit.py) appends all of its changes just before its commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import orjson
from sqlalchemy import Select, Table, bindparam, insert, literal, or_, select, update
from sqlalchemy.orm import Session

from xinyong.core import group_commit
from xinyong.core.bulk import insert_rows
from xinyong.models import Change, ChangeHead, Delivery, Subscription

# Topics of the change feed.
LIST_ENTRY = "list_entry"
LISTS = "lists"
MEASURES = "measures"
TOKEN = "token"
CALENDAR = "calendar"
# A record's standing changed by a procedure (correction, revocation, repair): published
# "where the original was" (Measures art. 32), so it goes to every subscriber.
RECORD = "record"
# An overdue step of a procedure (rights/tasks): an alert for the department and the authority.
TASK = "task"
# A validity rule was added (validity/service.py).
VALIDITY = "validity"
# A step of a subject's declaration (declarations/service.py).
DECLARATION = "declaration"
# A subject's grade changed in an evaluation run, or a model was published (evaluation/).
EVALUATION = "evaluation"
# A risk warning (risk/sweep.py): on the feed, and to the webhooks of the department it is
# addressed to (deliver_to_departments).
RISK = "risk"
# A step of a 政务失信 case (government/service.py): the checks' snapshot re-reads the body's
# failures in force (honours are refused while one is not cleared).
GOVERNMENT = "government"
# A step of a complaint (complaints/service.py): never the informant, nor the subject's id.
COMPLAINT = "complaint"
# Topics the department feed (GET /feeds/list-changes) carries.
FEED_TOPICS = (LIST_ENTRY, RECORD)


def record_change(
    session: Session,
    *,
    at: datetime,
    topic: str,
    event: str,
    ids: Any = None,
    subject_id: int | None = None,
    entry_id: int | None = None,
    list_code: str | None = None,
    kind: str | None = None,
    field: str | None = None,
    detail: dict | None = None,
) -> int | None:
    """Append one change in the caller's transaction and return its number. List-entry
    changes are queued at once for every webhook subscribed to their list or field (record
    changes for every webhook), in the same transaction, so a committed change always has
    its deliveries (feeds/webhooks.py).

    In a group's transaction (core/group_commit.py) a change without deliveries is queued and
    numbered with the group's others as the last statements before the commit: the number
    returned is then None (no caller of a group needs it)."""
    values = {
        "at": at,
        "topic": topic,
        "event": event,
        "subject_id": subject_id,
        "entry_id": entry_id,
        "list_code": list_code,
        "kind": kind,
        "field": field,
        "detail": detail or {},
    }
    if not (topic in FEED_TOPICS and ids is not None):
        queued = group_commit.queue(session, QUEUE_ORDER, append_queued)
        if queued is not None:
            queued.append(values)
            return None
    seq = session.execute(
        update(ChangeHead)
        .where(ChangeHead.id == 1)
        .values(seq=ChangeHead.seq + 1)
        .returning(ChangeHead.seq)
    ).scalar_one()
    session.add(Change(seq=seq, **values))
    if topic in FEED_TOPICS and ids is not None:
        if topic == RECORD:
            targets = every_subscriber(session, webhooks_only=True)
        else:
            targets = subscribers(session, list_code=list_code, field=field, webhooks_only=True)
        for sub in targets:
            session.add(
                Delivery(
                    id=ids.next_id(),
                    subscription_id=sub.id,
                    seq=seq,
                    status="pending",
                    attempts=0,
                    next_attempt_at=at,
                )
            )
    return seq


# After the audit head (core/audit.QUEUE_ORDER): every group locks them in this order.
QUEUE_ORDER = 20


def record_changes(session: Session, *, at: datetime, topic: str, changes: list[dict]) -> int:
    """Append many changes of one topic at once (a daily job's thousands of steps): the
    numbers are taken from the head in one statement, the rows go in by COPY or executemany.
    Each change is a dict of ``event`` and optionally ``subject_id``, ``entry_id``,
    ``list_code``, ``kind``, ``field``, ``detail``. Only for topics without webhook deliveries
    (not FEED_TOPICS). Returns the last number taken."""
    assert topic not in FEED_TOPICS, "changes with deliveries go through record_change"
    if not changes:
        return head(session)
    return _append(session, [dict(c, at=at, topic=topic) for c in changes])


def append_selected(
    session: Session, *, at: datetime, topic: str, event: str, rows: Select, count: int
) -> int:
    """Append ``count`` changes of one topic and event made by the database itself from
    ``rows`` — a select of ``n`` (1 … count, the order to number them in), ``subject_id`` and
    ``detail`` (JSON) — in one INSERT … SELECT: an evaluation run's grade changes, a million
    of them, never pass through Python. Only for topics without webhook deliveries. Returns
    the last number taken."""
    assert topic not in FEED_TOPICS, "changes with deliveries go through record_change"
    if count == 0:
        return head(session)
    last = session.execute(
        update(ChangeHead)
        .where(ChangeHead.id == 1)
        .values(seq=ChangeHead.seq + count)
        .returning(ChangeHead.seq)
    ).scalar_one()
    numbered = rows.subquery()
    table = Change.__table__
    session.execute(
        insert(Change).from_select(
            ["seq", "at", "topic", "event", "subject_id", "detail"],
            select(
                numbered.c.n + (last - count),
                literal(at, table.c.at.type),
                literal(topic),
                literal(event),
                numbered.c.subject_id,
                numbered.c.detail,
            ),
        )
    )
    return last


def append_queued(session: Session, changes: list[dict[str, Any]]) -> None:
    """A group's changes (core/group_commit.py), numbered after the head in the order they
    were recorded."""
    if changes:
        _append(session, changes)


def _append(session: Session, changes: list[dict[str, Any]]) -> int:
    """Changes numbered after the head in their order, each a dict of ``at``, ``topic``,
    ``event`` and optionally the other columns: one UPDATE of the head by their count, one
    COPY or executemany of the rows. Returns the last number taken."""
    last = session.execute(_TAKE_NUMBERS, {"count": len(changes)}).scalar_one()
    first = last - len(changes) + 1
    columns = ("seq", "at", "topic", "event", "subject_id", "entry_id", "list_code", "kind")
    rows = [
        (
            first + i, c["at"], c["topic"], c["event"], c.get("subject_id"), c.get("entry_id"),
            c.get("list_code"), c.get("kind"), c.get("field"),
            orjson.dumps(c.get("detail") or {}).decode(),
        )
        for i, c in enumerate(changes)
    ]  # fmt: skip
    insert_rows(session, Change.__tablename__, (*columns, "field", "detail"), rows)
    return last


# The head moved by a count, as a table row (no ORM statement): once per group's commit.
_HEAD_TABLE = cast(Table, ChangeHead.__table__)
_HEAD = _HEAD_TABLE.c
_TAKE_NUMBERS = (
    update(_HEAD_TABLE)
    .where(_HEAD.id == 1)
    .values(seq=_HEAD.seq + bindparam("count"))
    .returning(_HEAD.seq)
)


def deliver_to_departments(
    session: Session, addressed: list[tuple[int, int]], *, at: datetime, ids: Any
) -> int:
    """Queue each change ``seq`` for every live webhook of the department it is addressed to
    — (seq, department id) pairs, risk warnings — in the caller's transaction: the
    departments' webhooks read once; returns how many deliveries."""
    if not addressed:
        return 0
    hooks: dict[int, list[int]] = {}
    for department_id, sub_id in session.execute(
        select(Subscription.department_id, Subscription.id).where(
            Subscription.department_id.in_({d for _, d in addressed}),
            Subscription.ended_at.is_(None),
            Subscription.webhook_url.is_not(None),
        )
    ):
        hooks.setdefault(department_id, []).append(sub_id)
    deliveries = [
        Delivery(
            id=ids.next_id(),
            subscription_id=sub_id,
            seq=seq,
            status="pending",
            attempts=0,
            next_attempt_at=at,
        )
        for seq, department_id in addressed
        for sub_id in hooks.get(department_id, ())
    ]
    session.add_all(deliveries)
    return len(deliveries)


def head(session: Session) -> int:
    return session.execute(select(ChangeHead.seq).where(ChangeHead.id == 1)).scalar_one()


def subscribers(
    session: Session, *, list_code: str | None, field: str | None, webhooks_only: bool = False
) -> list[Subscription]:
    """Live subscriptions that name the list or its field. Few rows: read whole, matched here,
    because JSON containment is spelled differently on each database."""
    query = select(Subscription).where(Subscription.ended_at.is_(None))
    if webhooks_only:
        query = query.where(Subscription.webhook_url.is_not(None))
    return [
        sub
        for sub in session.execute(query).scalars()
        if matches(sub.lists, sub.fields, list_code=list_code, field=field)
    ]


def every_subscriber(session: Session, *, webhooks_only: bool = False) -> list[Subscription]:
    query = select(Subscription).where(Subscription.ended_at.is_(None))
    if webhooks_only:
        query = query.where(Subscription.webhook_url.is_not(None))
    return list(session.execute(query).scalars())


def matches(lists: list, fields: list, *, list_code: str | None, field: str | None) -> bool:
    return (list_code is not None and list_code in lists) or (field is not None and field in fields)


def changes_since(session: Session, since: int, *, topic: str, limit: int) -> list[Change]:
    return list(
        session.execute(
            select(Change)
            .where(Change.topic == topic, Change.seq > since)
            .order_by(Change.seq)
            .limit(limit)
        ).scalars()
    )


def changed_subjects(
    session: Session, *, after: int, upto: int, topics: tuple[str, ...], events: tuple[str, ...]
) -> set[int]:
    """The subjects of the changes numbered after ``after`` up to ``upto`` whose topic is one
    of ``topics`` or whose event is one of ``events`` (the incremental evaluation pass)."""
    if upto <= after:
        return set()
    rows = session.execute(
        select(Change.subject_id)
        .where(
            Change.seq > after,
            Change.seq <= upto,
            Change.subject_id.is_not(None),
            or_(Change.topic.in_(topics), Change.event.in_(events)),
        )
        .distinct()
    ).scalars()
    return {subject_id for subject_id in rows if subject_id is not None}
