"""Online signings committed in groups (core/group_commit.py; issue 15 § Benchmarks): what a
group reads once for all its signings, and a signing's commitment row appended with the group's.

- :func:`prepare_signings`, the group's ``prepare``: the callers' tokens (the endpoint's door
  leaves them to the write: core/api.py ``caller_in_write``), the item list, the official
  calendar, the departments named, the signers' subjects, their pending commitments and, for
  容缺受理, their eligibility facts — one statement each for the whole group instead of one
  each per signing. They are read at the start of the group's transaction, as one signing's
  own reads would be at the start of its own.
- A signing in a group that defers (``group_commit.defers``) does not insert its commitment: the
  row is appended with the group's others in one statement, before the steps, audit entries and
  changes. Such a signing runs no statement of its own, so its savepoint is never opened. A
  pending commitment of the same acceptance (uq_commitments_pending) is looked for among the
  rows the group will append, then among those prepared. One that another transaction stored
  meanwhile meets the unique index when the group appends: the group then runs again without
  deferring, each signing inserting its own row (INSERT … ON CONFLICT DO NOTHING), and the later
  of the two is the 409 ``commitment_pending`` — as when two signings race one by one.

Outside a group (the pages, the demo) every read here is made by the signing itself, as before.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any, cast

import orjson
import psycopg
from sqlalchemy import Table, bindparam, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text as sql_text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from xinyong.commitments import missing_documents, repository
from xinyong.commitments.eligibility import Facts
from xinyong.commitments.items import published_items
from xinyong.commitments.schemas import CommitmentIn
from xinyong.core import group_commit
from xinyong.core.auth import (
    Principal,
    principal_for_token,
    principals_for_hashes,
    unknown_token,
)
from xinyong.core.bulk import insert_rows
from xinyong.core.calendar import Calendar, calendar_for
from xinyong.core.crypto import token_hash
from xinyong.errors import InvalidRequest
from xinyong.models import Commitment, Department, Role, Subject


def of_transaction(session: Session, key: str) -> dict[Any, Any]:
    """A dict kept in ``session.info`` for the session's transaction and forgotten with it:
    what a transaction read once for all its signings."""
    transaction = session.get_transaction()
    known = session.info.get(key)
    if known is None or known[0] is not transaction:
        known = session.info[key] = (transaction, {})
    return known[1]


_DEPARTMENTS = "commitments.departments"
_CALENDAR = "commitments.calendar"
_PREPARED = "commitments.prepared"
# Built once (compiled once, their cache keys kept).
_DEPARTMENTS_BY_CODE = select(Department).where(
    Department.code.in_(bindparam("codes", expanding=True))
)
_SUBJECTS = select(Subject).where(Subject.id.in_(bindparam("ids", expanding=True)))


def department(session: Session, code: str) -> Department:
    """The department of this code, read once per transaction (422 ``unknown_department``)."""
    known = of_transaction(session, _DEPARTMENTS)
    dept = known.get(code)
    if dept is None:
        dept = session.execute(_DEPARTMENTS_BY_CODE, {"codes": [code]}).scalar_one_or_none()
    if dept is None:
        raise InvalidRequest(
            f"部门 {code} 不存在",
            f"no department {code}",
            field="department",
            code="unknown_department",
        )
    known[code] = dept
    return dept


def calendar(session: Session) -> Calendar:
    """The official calendar (core/calendar.calendar_for), read once per transaction."""
    known = of_transaction(session, _CALENDAR)
    if "calendar" not in known:
        known["calendar"] = calendar_for(session)
    return known["calendar"]


@dataclass(frozen=True)
class SigningHint:
    """What a signing will read: its caller's token (by its hash), the item, acceptance and
    department it names, and its day."""

    token_hash: str
    item: str
    reference: str
    department: str | None
    today: date


@dataclass
class _Prepared:
    """What :func:`prepare_signings` read for a group's signings."""

    # The callers by their token's hash: each hash asked for, None for a token unknown or
    # revoked.
    principals: dict[str, Principal | None]
    # The subjects signing online for themselves; those found are held (the identity map keeps
    # rows weakly), and the signings find them there.
    subject_ids: set[int]
    subjects: list[Subject]
    # The pending commitments of these subjects, by (subject, item, reference).
    pending: dict[tuple[int, str, str], int]
    # Eligibility facts (容缺受理) by (subject, day).
    facts: dict[tuple[int, date], Facts]


def signing_hint(token: str, body: CommitmentIn, today: date) -> SigningHint:
    return SigningHint(token_hash(token), body.item, body.reference, body.department, today)


def prepare_signings(session: Session, hints: list[SigningHint]) -> None:
    """A group's ``prepare`` (core/group_commit.py): what its signings would each read, read
    once for all — the callers' tokens, and for the subjects signing online for themselves
    what their signings read."""
    found = principals_for_hashes(session, {h.token_hash for h in hints})
    principals: dict[str, Principal | None] = {h.token_hash: found.get(h.token_hash) for h in hints}
    signers = {
        h: p.subject_id
        for h, p in principals.items()
        if p is not None and p.role is Role.subject and p.subject_id is not None
    }
    items = published_items(session)
    calendar(session)
    codes = sorted({h.department for h in hints if h.department is not None})
    if codes:
        known = of_transaction(session, _DEPARTMENTS)
        for dept in session.execute(_DEPARTMENTS_BY_CODE, {"codes": codes}).scalars():
            known[dept.code] = dept
    ids = sorted(set(signers.values()))
    subjects = list(session.execute(_SUBJECTS, {"ids": ids}).scalars()) if ids else []
    pending = repository.pending_of_subjects(session, ids) if ids else {}
    days: dict[date, set[int]] = {}
    for h in hints:
        item = items.get(h.item)
        sid = signers.get(h.token_hash)
        if sid is not None and item is not None and item.spec.type == missing_documents.TYPE:
            days.setdefault(h.today, set()).add(sid)
    facts: dict[tuple[int, date], Facts] = {}
    for today, of_day in days.items():
        for sid, f in missing_documents.eligibility_facts(session, sorted(of_day), today).items():
            facts[sid, today] = f
    prepared = _Prepared(principals, set(ids), subjects, pending, facts)
    of_transaction(session, _PREPARED)["of"] = prepared


def caller(session: Session, token: str) -> Principal:
    """The caller of a token, as the group read it or read now (401 if unknown or revoked)."""
    prepared = _prepared(session)
    hashed = token_hash(token)
    if prepared is None or hashed not in prepared.principals:
        return principal_for_token(session, token)
    principal = prepared.principals[hashed]
    if principal is None:
        raise unknown_token()
    return principal


def _prepared(session: Session) -> _Prepared | None:
    return of_transaction(session, _PREPARED).get("of")


def facts(session: Session, subject_id: int, today: date) -> Facts | None:
    """The subject's eligibility facts today, if the group read them."""
    prepared = _prepared(session)
    return prepared.facts.get((subject_id, today)) if prepared is not None else None


def pending_id(
    session: Session, subject_id: int, item: str, reference: str, *, defer: bool
) -> int | None:
    """The pending commitment of this acceptance: among the rows the group will append, then,
    for a signing that defers its row (:func:`store`), as prepared for the group; else read
    now (what the group inserted at once since it prepared is in the table)."""
    key = (subject_id, item, reference)
    for row in group_commit.queued(session, ORDER):
        if (row["subject_id"], row["item_code"], row["reference"]) == key:
            return row["id"]
    prepared = _prepared(session)
    if (
        not defer
        or prepared is None
        or subject_id not in prepared.subject_ids
        or not group_commit.defers(session)
    ):
        return repository.pending_commitment(session, subject_id, item, reference)
    return prepared.pending.get(key)


# Appended first of a group's rows: before the steps (rights/steps.QUEUE_ORDER) and the heads.
ORDER = 1
COLUMNS = tuple(c.name for c in Commitment.__table__.columns)
JSON_COLUMNS = {"obligations", "breach", "missing_documents", "documents_supplied"}


def store(session: Session, values: dict[str, Any], *, defer: bool) -> bool:
    """A new pending commitment (``values`` of every column): appended with the group's rows
    where the group defers and ``defer`` allows it, else inserted now. False, with nothing
    stored, if a pending commitment of the same acceptance is stored (waiting, on PostgreSQL,
    for a transaction that is storing one to end)."""
    if defer and group_commit.defers(session):
        rows = group_commit.queue(session, ORDER, append_commitments)
        assert rows is not None  # defers() is only true where rows can be queued
        rows.append(values)
        return True
    return session.execute(_insert_pending(session), values).first() is not None


# Commitment's instances made bare, as the ORM's own loading makes them (without its events).
_COMMITMENTS = sa_inspect(Commitment).class_manager


def as_stored(values: dict[str, Any]) -> Commitment:
    """The commitment of ``values`` (every column) as a read of its row gives it: an instance
    outside the session, its values unchanged — not one the session would insert. Made
    without the ORM's per-attribute events (30–50 µs a signing with them)."""
    c: Commitment = _COMMITMENTS.new_instance()
    c.__dict__.update(values)
    return c


def append_commitments(session: Session, rows: list[dict[str, Any]]) -> None:
    """A group's commitments in one statement (core/bulk.insert_rows). One clashing with a
    pending commitment another transaction stored since the group read them makes the group
    run again, each signing inserting its own (group_commit.RunAgain)."""
    try:
        insert_rows(session, Commitment.__tablename__, COLUMNS, [_driver_row(r) for r in rows])
    except (psycopg.errors.UniqueViolation, sqlite3.IntegrityError) as exc:
        raise group_commit.RunAgain from exc


def _driver_row(values: dict[str, Any]) -> tuple[Any, ...]:
    """A row's values as the driver takes them: JSON as text (None as JSON null, as the
    column type stores it), codes as their strings, days as ISO text."""
    row = []
    for name in COLUMNS:
        value = values[name]
        if name in JSON_COLUMNS:
            value = orjson.dumps(value).decode()
        elif isinstance(value, Enum):
            value = value.value
        elif type(value) is date:
            value = value.isoformat()
        row.append(value)
    return tuple(row)


# INSERT … ON CONFLICT (the pending acceptance) DO NOTHING RETURNING id, per dialect: of the
# table, not the entity (no ORM step when it runs).
_INSERTS: dict[str, Any] = {}
_TABLE = cast(Table, Commitment.__table__)


def _insert_pending(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    statement = _INSERTS.get(dialect)
    if statement is None:
        make = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = _INSERTS[dialect] = (
            make(_TABLE)
            .on_conflict_do_nothing(
                index_elements=["subject_id", "item_code", "reference"],
                index_where=sql_text("state = 'pending'"),
            )
            .returning(_TABLE.c.id)
        )
    return statement
