"""Named reads of the tables subjects own (``subjects``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import case, or_, select
from sqlalchemy.orm import Session

from xinyong.models import LinkRole, Subject, SubjectLink, SubjectName


def subjects_by_id(session: Session, subject_ids: Iterable[int]) -> dict[int, Subject]:
    """Subjects by their ids (those that exist)."""
    return {
        s.id: s
        for s in session.execute(select(Subject).where(Subject.id.in_(set(subject_ids)))).scalars()
    }


def existing_subjects(session: Session, column: Any, keys: list[str]) -> dict[str, int]:
    """key -> subject id for the keys already stored (``column``: ``Subject.credit_code`` or
    ``Subject.id_hash``). Straight to the driver: one text parameter split into an array on
    PostgreSQL, chunks of placeholders on SQLite (bulk loads call this with tens of thousands
    of keys; building such statements through the ORM cost more than the query)."""
    found: dict[str, int] = {}
    if not keys:
        return found
    conn = session.connection().connection.driver_connection
    assert conn is not None  # a connection in use has its driver's
    name = column.key
    cur = conn.cursor()
    try:
        if session.get_bind().dialect.name == "postgresql":
            # One text parameter split on the server: dumping a Python list as an array costs
            # more than the query. Keys are credit codes and hex hashes, never with a comma.
            cur.execute(
                f"SELECT {name}, id FROM subjects WHERE {name} = ANY(string_to_array(%s, ','))",
                (",".join(keys),),
            )
            found.update(cur.fetchall())
        else:
            for start in range(0, len(keys), 500):
                part = keys[start : start + 500]
                marks = ", ".join("?" * len(part))
                cur.execute(f"SELECT {name}, id FROM subjects WHERE {name} IN ({marks})", part)
                found.update(cur.fetchall())
    finally:
        cur.close()
    return found


def subject_ids_by_id_hash(session: Session, id_hashes: Iterable[str]) -> dict[str, int]:
    """ID-number lookup hash -> subject id, for the persons already stored."""
    rows = session.execute(
        select(Subject.id_hash, Subject.id).where(Subject.id_hash.in_(list(id_hashes)))
    )
    return {id_hash: subject_id for id_hash, subject_id in rows if id_hash is not None}


def keys_and_names(
    session: Session, subject_ids: set[int]
) -> dict[int, tuple[str | None, str | None, str]]:
    """Subject id -> (credit code, masked ID number, name), as the change feed shows them."""
    if not subject_ids:
        return {}
    return {
        sid: (code, masked, name)
        for sid, code, masked, name in session.execute(
            select(Subject.id, Subject.credit_code, Subject.id_masked, Subject.name).where(
                Subject.id.in_(subject_ids)
            )
        )
    }


def names_of(session: Session, subject: Subject) -> list[tuple[str, datetime]]:
    """The subject's names, oldest first, with the time each was first seen."""
    rows = session.execute(
        select(SubjectName.name, SubjectName.since)
        .where(SubjectName.subject_id == subject.id)
        .order_by(SubjectName.id)
    ).all()
    return [(r.name, r.since) for r in rows] or [(subject.name, subject.created_at)]


def links_of(session: Session, subject_id: int) -> list[tuple[SubjectLink, Subject]]:
    """Persons linked to an organisation, and organisations a person is linked to, with the
    subject at the other end — one query for both directions."""
    other_id = case(
        (SubjectLink.subject_id == subject_id, SubjectLink.person_id),
        else_=SubjectLink.subject_id,
    )
    rows = session.execute(
        select(SubjectLink, Subject)
        .join(Subject, Subject.id == other_id)
        .where(or_(SubjectLink.subject_id == subject_id, SubjectLink.person_id == subject_id))
        .order_by(SubjectLink.id)
    ).all()
    return [(link, other) for link, other in rows]


def linked_persons_in_force(
    session: Session, organisation_id: int
) -> list[tuple[SubjectLink, Subject]]:
    """The organisation's links in force with their persons who answer for it (Measures art.
    29: not its shareholders), unordered."""
    rows = session.execute(
        select(SubjectLink, Subject)
        .join(Subject, Subject.id == SubjectLink.person_id)
        .where(
            SubjectLink.subject_id == organisation_id,
            SubjectLink.ended_at.is_(None),
            SubjectLink.role != LinkRole.shareholder,
        )
    ).all()
    return [(link, person) for link, person in rows]


def linked_person_ids_in_role(session: Session, organisation_id: int, role: LinkRole) -> set[int]:
    """The persons the organisation's links in force name in one role."""
    return set(
        session.execute(
            select(SubjectLink.person_id).where(
                SubjectLink.subject_id == organisation_id,
                SubjectLink.role == role,
                SubjectLink.ended_at.is_(None),
            )
        ).scalars()
    )
