"""Named reads for related parties: the links as the graph's edges (in bulk, or those touching
some subjects), the black-listed subjects in force, the flags of the latest scan."""

from __future__ import annotations

import io
from collections.abc import Collection
from datetime import date

import polars as pl
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from xinyong.models import (
    EntryState,
    ListEntry,
    ListKind,
    RelatedPartyFlag,
    RelatedPartyScan,
    Subject,
    SubjectKind,
)
from xinyong.relations.graph import Edges
from xinyong.relations.rules import ROLES, role_number

SHAREHOLDING_ITEM = "org_shareholding"
# The edges' columns as all_edges reads them (Edges' fields, in order).
EDGE_SCHEMA = {"holder": pl.Int64, "of": pl.Int64, "role": pl.Int64}


def _links_sql(touching: str) -> str:
    """The links in force as edges (person → organisation): a registration's while it is not
    replaced; a natural-person shareholder's while its shareholding record stands (like a
    corporate shareholder's, below), the record found by its key."""
    role = "CASE l.role " + " ".join(f"WHEN '{r}' THEN {n}" for n, r in enumerate(ROLES)) + " END"
    return (
        f"SELECT l.person_id, l.subject_id, {role} FROM subject_links l "
        f"WHERE l.ended_at IS NULL AND l.role <> 'shareholder'{touching} UNION ALL "
        f"SELECT l.person_id, l.subject_id, {role_number('shareholder')} FROM subject_links l "
        "JOIN records r ON r.subject_id = l.subject_id AND r.id = l.source_record_id "
        f"WHERE l.ended_at IS NULL AND l.role = 'shareholder' AND r.standing = 'active'{touching}"
    )


def _shareholders_sql(dialect: str, touching: str) -> str:
    """Corporate shareholders, where collected: the shareholding records (in force) whose
    shareholder's credit code is a subject's. A natural-person shareholder is a link (its ID
    number is stored only encrypted in the record; collection links the person by it)."""
    code = (
        "json_extract(r.fields, '$.shareholder_credit_code')"
        if dialect == "sqlite"
        else "r.fields->>'shareholder_credit_code'"
    )
    return (
        f"SELECT s.id AS holder, r.subject_id AS of, {role_number('shareholder')} AS role "
        f"FROM records r JOIN subjects s ON s.credit_code = {code} "
        f"WHERE r.item_code = '{SHAREHOLDING_ITEM}' AND r.standing = 'active'{touching}"
    )


def all_edges(session: Session) -> Edges:
    """Every link in force and every corporate shareholding: the whole graph, read once.

    Past SQLAlchemy's rows, which cost more than the read itself at this size (2,000,000
    links: 25 s on PostgreSQL, a minute on SQLite; docs/performance.md § Related parties): on
    PostgreSQL by COPY to text, parsed into columns by Polars, so that no row becomes a Python
    tuple; on SQLite by the driver's cursor, its tuples made columns by NumPy."""
    dialect = session.get_bind().dialect.name
    sql = f"{_links_sql('')} UNION ALL {_shareholders_sql(dialect, '')}"
    conn = session.connection().connection.driver_connection
    assert conn is not None  # a connection in use has its driver's
    if dialect != "postgresql":
        cursor = conn.cursor()
        try:
            return Edges.of_rows(cursor.execute(sql).fetchall())
        finally:
            cursor.close()
    buffer = io.BytesIO()
    with conn.cursor() as cur, cur.copy(f"COPY ({sql}) TO STDOUT") as copy:
        for block in copy:
            buffer.write(block)
    if not buffer.tell():
        return Edges.of_rows([])
    frame = pl.read_csv(
        buffer.getvalue(),
        has_header=False,
        separator="\t",
        new_columns=list(EDGE_SCHEMA),
        schema=EDGE_SCHEMA,
    )
    return Edges(*(frame[name].to_numpy() for name in EDGE_SCHEMA))


def edges_touching(session: Session, subject_ids: Collection[int]) -> list[tuple[int, int, int]]:
    """The links in force and shareholdings that have one of ``subject_ids`` at either end."""
    if not subject_ids:
        return []
    dialect = session.get_bind().dialect.name
    ids = ", ".join(str(int(s)) for s in subject_ids)
    links = _links_sql(f" AND (l.person_id IN ({ids}) OR l.subject_id IN ({ids}))")
    shares = _shareholders_sql(dialect, f" AND (s.id IN ({ids}) OR r.subject_id IN ({ids}))")
    rows = session.execute(text(f"{links} UNION ALL {shares}")).all()
    return [(int(a), int(b), int(c)) for a, b, c in rows]


def black_entries_in_force(session: Session, today: date) -> dict[int, int]:
    """Black-listed subjects in force today → the id of their (lowest) entry: listed and not
    past ``listed_until`` (lists/rules.is_in_force)."""
    rows = session.execute(
        select(ListEntry.subject_id, ListEntry.id)
        .where(
            ListEntry.kind == ListKind.black,
            ListEntry.state == EntryState.listed,
            (ListEntry.listed_until.is_(None)) | (ListEntry.listed_until > today),
        )
        .order_by(ListEntry.subject_id, ListEntry.id)
    ).all()
    found: dict[int, int] = {}
    for subject_id, entry_id in rows:
        found.setdefault(subject_id, entry_id)
    return found


def list_kinds_in_force(
    session: Session, subject_ids: Collection[int], today: date
) -> dict[int, list[str]]:
    """Each subject's list kinds in force today (red, black, watch), for the answer of
    related subjects."""
    if not subject_ids:
        return {}
    rows = session.execute(
        select(ListEntry.subject_id, ListEntry.kind)
        .where(
            ListEntry.subject_id.in_(list(subject_ids)),
            ListEntry.state == EntryState.listed,
            (ListEntry.listed_until.is_(None)) | (ListEntry.listed_until > today),
        )
        .distinct()
    ).all()
    kinds: dict[int, list[str]] = {}
    for subject_id, kind in rows:
        kinds.setdefault(subject_id, []).append(str(kind))
    return {s: sorted(k) for s, k in kinds.items()}


def natural_persons_among(session: Session, subject_ids: Collection[int]) -> set[int]:
    """Those of ``subject_ids`` that are natural persons."""
    found: set[int] = set()
    ids = sorted(subject_ids)
    for start in range(0, len(ids), 10_000):
        found.update(
            session.execute(
                select(Subject.id).where(
                    Subject.id.in_(ids[start : start + 10_000]),
                    Subject.kind == SubjectKind.natural_person,
                )
            ).scalars()
        )
    return found


def subjects_by_id(session: Session, subject_ids: Collection[int]) -> dict[int, Subject]:
    if not subject_ids:
        return {}
    rows = session.execute(select(Subject).where(Subject.id.in_(list(subject_ids)))).scalars()
    return {s.id: s for s in rows}


def flag_of(session: Session, subject_id: int) -> RelatedPartyFlag | None:
    return session.get(RelatedPartyFlag, subject_id)


def flags(session: Session, *, limit: int, offset: int = 0) -> tuple[int, list[RelatedPartyFlag]]:
    total = session.execute(select(func.count()).select_from(RelatedPartyFlag)).scalar_one()
    rows = session.execute(
        select(RelatedPartyFlag)
        .order_by(RelatedPartyFlag.distance, RelatedPartyFlag.subject_id)
        .limit(limit)
        .offset(offset)
    ).scalars()
    return total, list(rows)


def latest_scan(session: Session) -> RelatedPartyScan | None:
    return session.execute(
        select(RelatedPartyScan).order_by(RelatedPartyScan.id.desc()).limit(1)
    ).scalar_one_or_none()
