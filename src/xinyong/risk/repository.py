"""Named reads of the risk tables (warning_rules, warnings, warning_contacts, outbox_messages,
risk_sweeps), and the sweep's set-based reads of the archive.

The sweep's reads (``*_candidates``) are selects over tables other domains own — records,
evaluation_grade_changes, subject_links, list_entries — each one statement the sweep inserts
from, so that no record passes through Python (docs/risk.md). They are read-only and live here,
in one place, like inspections/repository's bulk reads of the evaluation tables; the graph of
related parties (issue 17 § 2) may replace ``linked_black_list_candidates`` later."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Date,
    Numeric,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from xinyong.models import (
    Audience,
    EntryState,
    EvaluationGradeChange,
    LinkRole,
    ListEntry,
    ListKind,
    OutboxMessage,
    Record,
    RiskSweep,
    RiskWarning,
    SubjectLink,
    WarningContact,
    WarningRule,
)
from xinyong.risk.rules import GRADE_ORDER, DueWindow

# ---- rules


def rules_in_force(session: Session) -> list[WarningRule]:
    """The newest version of each code, retired codes (enabled false) left out."""
    newest = (
        select(WarningRule.code, func.max(WarningRule.version).label("version"))
        .group_by(WarningRule.code)
        .subquery()
    )
    query = (
        select(WarningRule)
        .join(
            newest,
            and_(WarningRule.code == newest.c.code, WarningRule.version == newest.c.version),
        )
        .where(WarningRule.enabled.is_(True))
        .order_by(WarningRule.code)
    )
    return list(session.execute(query).scalars())


def all_rule_versions(session: Session) -> list[WarningRule]:
    return list(
        session.execute(
            select(WarningRule).order_by(WarningRule.code, WarningRule.version)
        ).scalars()
    )


def latest_version(session: Session, code: str) -> int:
    found = session.execute(
        select(func.max(WarningRule.version)).where(WarningRule.code == code)
    ).scalar_one()
    return found or 0


def any_rule(session: Session) -> bool:
    return session.execute(select(WarningRule.id).limit(1)).first() is not None


def rules_by_id(session: Session, ids: Iterable[int]) -> dict[int, WarningRule]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.execute(select(WarningRule).where(WarningRule.id.in_(wanted))).scalars()
    return {r.id: r for r in rows}


# ---- warnings


def undelivered(session: Session, limit: int) -> list[RiskWarning]:
    query = (
        select(RiskWarning)
        .where(RiskWarning.delivered_at.is_(None))
        .order_by(RiskWarning.id)
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def get_warning(session: Session, warning_id: int) -> RiskWarning | None:
    return session.get(RiskWarning, warning_id)


def find_warnings(
    session: Session,
    *,
    subject_id: int | None = None,
    audience: Audience | None = None,
    department_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[RiskWarning], int]:
    """Newest first, with the total; only delivered warnings (their reason written)."""
    conditions: list[ColumnElement[bool]] = [RiskWarning.delivered_at.is_not(None)]
    if subject_id is not None:
        conditions.append(RiskWarning.subject_id == subject_id)
    if audience is not None:
        conditions.append(RiskWarning.audience == audience)
    if department_id is not None:
        conditions.append(RiskWarning.department_id == department_id)
    total = session.execute(select(func.count()).where(*conditions).select_from(RiskWarning))
    rows = session.execute(
        select(RiskWarning)
        .where(*conditions)
        .order_by(RiskWarning.id.desc())
        .limit(limit)
        .offset(offset)
    ).scalars()
    return list(rows), total.scalar_one()


def swept_on(session: Session, day: date) -> bool:
    return session.get(RiskSweep, day) is not None


# ---- contacts and outbox


def live_contacts(
    session: Session, subject_ids: Collection[int], department_ids: Collection[int]
) -> list[WarningContact]:
    """The live contacts of these subjects and these departments, in one read."""
    owners: list[ColumnElement[bool]] = []
    if subject_ids:
        owners.append(WarningContact.subject_id.in_(list(subject_ids)))
    if department_ids:
        owners.append(WarningContact.department_id.in_(list(department_ids)))
    if not owners:
        return []
    query = select(WarningContact).where(WarningContact.ended_at.is_(None), or_(*owners))
    return list(session.execute(query.order_by(WarningContact.id)).scalars())


def claim_message(session: Session, now: datetime, channels: Iterable[str]) -> OutboxMessage | None:
    """The next message due on a channel this process can send, locked: on PostgreSQL FOR
    UPDATE SKIP LOCKED, so another process takes the next one; SQLite's transactions begin
    IMMEDIATE, so the single writer is the claim."""
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.status == "pending",
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.channel.in_(list(channels)),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.execute(query).scalar_one_or_none()


def messages_of(session: Session, warning_id: int) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.warning_id == warning_id)
    return list(session.execute(query.order_by(OutboxMessage.id)).scalars())


# ---- the sweep's reads of the archive (one statement each; see the module's docstring)


def _text(dialect: str, field: str) -> ColumnElement[str]:
    """A field of records.fields as text, written as the indexes of migration 0027 write it
    (PostgreSQL matches an expression index only to the same expression, SQLite only to the
    same text). Field names are the catalog's (``^[a-z][a-z0-9_]*$``), checked when a rule is
    added (unknown_field)."""
    if not (field.isascii() and field.replace("_", "").isalnum()):
        raise ValueError(f"not a field name: {field!r}")
    if dialect == "postgresql":
        return literal_column(f"(records.fields ->> '{field}')", String)
    return literal_column(f"json_extract(records.fields, '$.{field}')", String)


# Written out, not bound, so that both databases see that a query implies the predicate of the
# partial indexes it should use (migration 0027).
ACTIVE = literal_column("'active'", String)
NEGATIVE = literal_column("'negative'", String)


def _as_date(expr: ColumnElement, dialect: str) -> ColumnElement:
    """An ISO date from JSON as a DATE value: PostgreSQL casts; SQLite stores dates as ISO text
    already (its CAST to DATE would make a number of it)."""
    return cast(expr, Date) if dialect == "postgresql" else expr


def _fact(prefix: str, key: Any, suffix: ColumnElement | str = "") -> ColumnElement:
    expr = literal(prefix) + cast(key, String)
    if isinstance(suffix, str):
        return expr + literal(suffix) if suffix else expr
    return expr + suffix


def _counting(today: date) -> ColumnElement[bool]:
    """An active record still within its validity on ``today`` (records past it are expired
    by the daily job, and read as expired before it runs: subjects/rules)."""
    return and_(
        Record.standing == ACTIVE,
        or_(Record.expires_on.is_(None), Record.expires_on > today),
    )


def date_due_candidates(
    dialect: str, *, item: str, field: str, window: DueWindow, done: dict[str, list[str]]
) -> Select:
    """Records of ``item`` whose ``field`` is due or overdue in ``window``: subject_id, fact,
    record_id, due_on, department_id (the record's provider)."""
    due = _text(dialect, field)
    first = window.overdue_from or window.today
    phase = case((due >= window.today.isoformat(), literal(":due")), else_=literal(":overdue"))
    conditions = [
        Record.item_code == item,
        _counting(window.today),
        due >= first.isoformat(),
        due <= window.horizon.isoformat(),
    ]
    for name, values in done.items():
        value = _text(dialect, name)
        conditions.append(or_(value.is_(None), value.not_in(values)))
    return select(
        Record.subject_id,
        _fact("record:", Record.id, phase).label("fact"),
        Record.id.label("record_id"),
        _as_date(due, dialect).label("due_on"),
        Record.provider_id.label("department_id"),
    ).where(*conditions)


def count_within_candidates(*, item: str, count: int, start: date, today: date) -> Select:
    """Subjects with ``count`` or more active records of ``item`` determined from ``start`` to
    ``today``; the fact is the newest of them."""
    window = (
        select(
            Record.subject_id,
            Record.id,
            Record.provider_id,
            Record.determined_on,
            func.row_number()
            .over(
                partition_by=Record.subject_id,
                order_by=(Record.determined_on.desc(), Record.id.desc()),
            )
            .label("rn"),
            func.count().over(partition_by=Record.subject_id).label("n"),
        )
        .where(
            Record.item_code == item,
            _counting(today),
            Record.determined_on >= start,
            Record.determined_on <= today,
        )
        .subquery()
    )
    return select(
        window.c.subject_id,
        _fact("record:", window.c.id).label("fact"),
        window.c.id.label("record_id"),
        window.c.determined_on.label("due_on"),
        window.c.provider_id.label("department_id"),
    ).where(window.c.rn == 1, window.c.n >= count)


def amount_over_candidates(
    dialect: str, *, item: str, field: str, threshold: Decimal, since: date, today: date
) -> Select:
    amount = cast(_text(dialect, field), Numeric(20, 2))
    return select(
        Record.subject_id,
        _fact("record:", Record.id).label("fact"),
        Record.id.label("record_id"),
        Record.determined_on.label("due_on"),
        Record.provider_id.label("department_id"),
    ).where(
        Record.item_code == item,
        _counting(today),
        Record.determined_on >= since,
        Record.determined_on <= today,
        _text(dialect, field).is_not(None),
        amount > threshold,
    )


def _rank(column: Any) -> ColumnElement[int]:
    return case(*((column == grade, index) for grade, index in GRADE_ORDER.items()))


def grade_drop_candidates(*, bands: int, since: datetime) -> Select:
    change = EvaluationGradeChange
    return select(
        change.subject_id,
        _fact("grade_change:", change.id).label("fact"),
        literal(None).label("record_id"),
        literal(None).label("due_on"),
        literal(None).label("department_id"),
    ).where(
        change.previous_grade.is_not(None),
        change.at >= since,
        _rank(change.grade) - _rank(change.previous_grade) >= bands,
    )


def _linked_to_black_list(roles: list[LinkRole]) -> tuple[Any, Any, Select]:
    """The registration links (own: of the warned organisation) whose person holds one of
    ``roles`` in another organisation (other) with a black-list entry in state listed: the
    select of those three joined, for the caller to pick columns and its organisation."""
    own, other = aliased(SubjectLink), aliased(SubjectLink)
    joined = (
        select(own.person_id, own.role, other.subject_id, other.role, ListEntry.list_code)
        .select_from(own)
        .join(
            other,
            and_(
                other.person_id == own.person_id,
                other.subject_id != own.subject_id,
                other.role.in_(roles),
                other.ended_at.is_(None),
            ),
        )
        .join(
            ListEntry,
            and_(
                ListEntry.subject_id == other.subject_id,
                ListEntry.kind == ListKind.black,
                ListEntry.state == EntryState.listed,
            ),
        )
        .where(own.role.in_(roles), own.ended_at.is_(None))
    )
    return own, other, joined


def linked_black_list_candidates(*, roles: list[LinkRole], since: datetime, today: date) -> Select:
    """New active negative records of organisations one of whose persons in ``roles`` holds
    such a role in another organisation on a black list now (a plain join over the
    registration links: subject_links; list_entries in state listed)."""
    own, _, joined = _linked_to_black_list(roles)
    linked = joined.where(own.subject_id == Record.subject_id)
    return select(
        Record.subject_id,
        _fact("record:", Record.id).label("fact"),
        Record.id.label("record_id"),
        literal(None).label("due_on"),
        Record.provider_id.label("department_id"),
    ).where(
        Record.category == NEGATIVE,
        _counting(today),
        Record.received_at >= since,
        exists(linked),
    )


def black_list_paths(
    session: Session, subject_id: int, roles: list[LinkRole]
) -> list[tuple[int, LinkRole, int, LinkRole, str]]:
    """For one warned organisation: (person, its role here, the other organisation, its role
    there, the black list's code) — the path a related-party warning names."""
    own, _, joined = _linked_to_black_list(roles)
    rows = session.execute(joined.where(own.subject_id == subject_id).distinct()).all()
    return [tuple(r) for r in rows]


def records_by_keys(session: Session, keys: Collection[tuple[int, int]]) -> list[Record]:
    """The records of these (subject, id) keys that are stored: read by the primary key's
    subjects, the pairs picked here."""
    if not keys:
        return []
    wanted = set(keys)
    query = select(Record).where(
        Record.subject_id.in_({s for s, _ in wanted}), Record.id.in_({i for _, i in wanted})
    )
    return [r for r in session.execute(query).scalars() if (r.subject_id, r.id) in wanted]


def records_in_window(
    session: Session, subject_id: int, item: str, start: date, today: date
) -> list[Record]:
    """The records a count warning rests on, newest first."""
    query = (
        select(Record)
        .where(
            Record.subject_id == subject_id,
            Record.item_code == item,
            _counting(today),
            Record.determined_on >= start,
            Record.determined_on <= today,
        )
        .order_by(Record.determined_on.desc(), Record.id.desc())
    )
    return list(session.execute(query).scalars())
