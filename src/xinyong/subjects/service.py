"""Subjects are made from the first record that names them; registration records keep their
name history and link the persons behind an organisation (000 §（十二）; Measures art. 18, 29)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from xinyong.core.crypto import IdCipher
from xinyong.core.identifiers import (
    IdentifierError,
    describe_credit_code,
    describe_id_number,
    mask_id_number,
    subject_key_kind,
    validate_credit_code,
    validate_id_number,
)
from xinyong.core.ids import IdGenerator
from xinyong.errors import InvalidRequest, NotFound
from xinyong.models import Subject, SubjectKind, SubjectLink, SubjectName
from xinyong.records.rules import PersonRef

CHUNK = 2000


def _insert(session: Session):  # type: ignore[no-untyped-def]
    return (postgresql if session.get_bind().dialect.name == "postgresql" else sqlite).insert


def _chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def resolve_organisations(
    session: Session, names: dict[str, tuple[str, int]], *, ids: IdGenerator, now: datetime
) -> tuple[dict[str, int], set[int]]:
    """Map credit codes to subject ids, creating the missing subjects.

    ``names`` maps each code to (name, id of the first record naming it). Returns the map and
    the ids of subjects created now. Concurrent creators meet at the unique key and both read
    back the one row that won.
    """
    found: dict[str, int] = {}
    codes = list(names)
    for part in _chunks(codes):
        found.update(
            session.execute(
                select(Subject.credit_code, Subject.id).where(Subject.credit_code.in_(part))
            ).all()
        )
    missing = [c for c in codes if c not in found]
    created: set[int] = set()
    if missing:
        new_ids = ids.take(len(missing))
        rows = []
        for code, sid in zip(missing, new_ids, strict=True):
            info = describe_credit_code(code)
            name, first_record = names[code]
            rows.append(
                {
                    "id": sid,
                    "kind": SubjectKind(info.subject_kind),
                    "credit_code": code,
                    "name": name,
                    "region_code": info.region_code,
                    "registering_authority": info.registering_authority,
                    "entity_type": info.entity_type,
                    "is_government_agency": info.is_government_agency,
                    "created_at": now,
                    "first_record_id": first_record,
                }
            )
        _create(session, rows, "credit_code")
        for part in _chunks(missing):
            for code, sid in session.execute(
                select(Subject.credit_code, Subject.id).where(Subject.credit_code.in_(part))
            ).all():
                found[code] = sid
        created = {r["id"] for r in rows} & set(found.values())
        _record_names(session, [r for r in rows if r["id"] in created], ids=ids, now=now)
    return found, created


def resolve_persons(
    session: Session,
    persons: dict[str, tuple[PersonRef, int | None]],
    *,
    ids: IdGenerator,
    cipher: IdCipher,
    now: datetime,
) -> tuple[dict[str, int], set[int]]:
    """Map ID-number lookup hashes to subject ids, creating the missing natural persons."""
    found: dict[str, int] = {}
    hashes = list(persons)
    for part in _chunks(hashes):
        found.update(
            session.execute(
                select(Subject.id_hash, Subject.id).where(Subject.id_hash.in_(part))
            ).all()
        )
    missing = [h for h in hashes if h not in found]
    created: set[int] = set()
    if missing:
        rows = []
        for digest, sid in zip(missing, ids.take(len(missing)), strict=True):
            person, first_record = persons[digest]
            rows.append(
                {
                    "id": sid,
                    "kind": SubjectKind.natural_person,
                    "id_hash": digest,
                    "id_cipher": cipher.encrypt(person.id_number),
                    "id_masked": mask_id_number(person.id_number),
                    "name": person.name,
                    "region_code": describe_id_number(person.id_number).region_code,
                    "is_government_agency": False,
                    "created_at": now,
                    "first_record_id": first_record,
                }
            )
        _create(session, rows, "id_hash")
        for part in _chunks(missing):
            for digest, sid in session.execute(
                select(Subject.id_hash, Subject.id).where(Subject.id_hash.in_(part))
            ).all():
                found[digest] = sid
        created = {r["id"] for r in rows} & set(found.values())
        _record_names(session, [r for r in rows if r["id"] in created], ids=ids, now=now)
    return found, created


def _create(session: Session, rows: list[dict], key: str) -> None:
    stmt = _insert(session)(Subject.__table__).on_conflict_do_nothing(index_elements=[key])
    for part in _chunks(rows):
        session.execute(stmt, part)


def _record_names(session: Session, rows: list[dict], *, ids: IdGenerator, now: datetime) -> None:
    if not rows:
        return
    session.execute(
        SubjectName.__table__.insert(),
        [
            {
                "subject_id": r["id"],
                "id": nid,
                "name": r["name"],
                "source_record_id": r["first_record_id"],
                "since": now,
            }
            for r, nid in zip(rows, ids.take(len(rows)), strict=True)
        ],
    )


def rename_from_registration(
    session: Session, changes: dict[int, tuple[str, int]], *, ids: IdGenerator, now: datetime
) -> None:
    """A registration record that names an organisation differently renames it; the old name
    stays in its history."""
    if not changes:
        return
    current = dict(
        session.execute(select(Subject.id, Subject.name).where(Subject.id.in_(list(changes)))).all()
    )
    for subject_id, (name, record_id) in changes.items():
        if current.get(subject_id) in (None, name):
            continue
        session.execute(update(Subject).where(Subject.id == subject_id).values(name=name))
        session.add(
            SubjectName(
                subject_id=subject_id,
                id=ids.next_id(),
                name=name,
                source_record_id=record_id,
                since=now,
            )
        )


def link_persons(
    session: Session,
    links: list[tuple[int, int, str, int]],
    *,
    ids: IdGenerator,
    now: datetime,
) -> None:
    """(organisation id, person id, role, record id): the newest registration names who holds
    each role; a different earlier holder's link ends."""
    if not links:
        return
    table = SubjectLink.__table__
    orgs = list({org for org, _, _, _ in links})
    # (organisation, role) -> (link id, person id) of the links in force
    active: dict[tuple[int, str], tuple[int, int]] = {}
    for part in _chunks(orgs):
        for row in session.execute(
            select(table.c.subject_id, table.c.role, table.c.id, table.c.person_id).where(
                table.c.subject_id.in_(part), table.c.ended_at.is_(None)
            )
        ):
            active[(row.subject_id, str(row.role))] = (row.id, row.person_id)
    new_links: list[dict] = []
    for org, person, role, record_id in links:
        current = active.get((org, role))
        if current is not None and current[1] == person:
            continue
        if current is not None:
            session.execute(
                update(table)
                .where(table.c.subject_id == org, table.c.id == current[0])
                .values(ended_at=now)
            )
        link_id = ids.next_id()
        new_links.append(
            {
                "subject_id": org,
                "id": link_id,
                "person_id": person,
                "role": role,
                "source_record_id": record_id,
                "started_at": now,
                "ended_at": None,
            }
        )
        active[(org, role)] = (link_id, person)
    if new_links:
        session.execute(table.insert(), new_links)


def find_subject(session: Session, key: str, *, cipher: IdCipher) -> Subject:
    """A subject by its credit code or ID number (the API's ``{key}``)."""
    key = key.strip()
    kind = subject_key_kind(key)
    try:
        if kind == "id_number":
            number = validate_id_number(key)
            subject = session.execute(
                select(Subject).where(Subject.id_hash == cipher.lookup_hash(number))
            ).scalar_one_or_none()
        else:
            code = validate_credit_code(key)
            subject = session.execute(
                select(Subject).where(Subject.credit_code == code)
            ).scalar_one_or_none()
    except IdentifierError as exc:
        raise InvalidRequest(exc.message, exc.message_en, field="key", code=exc.code) from None
    if subject is None:
        raise NotFound("未找到该信息主体", "no such subject", field="key", code="subject_not_found")
    return subject


def names_of(session: Session, subject_id: int) -> list[SubjectName]:
    return list(
        session.execute(
            select(SubjectName).where(SubjectName.subject_id == subject_id).order_by(SubjectName.id)
        ).scalars()
    )


def links_of(session: Session, subject_id: int) -> list[tuple[SubjectLink, Subject]]:
    """Persons linked to an organisation, and organisations a person is linked to."""
    rows = session.execute(
        select(SubjectLink, Subject)
        .join(Subject, Subject.id == SubjectLink.person_id)
        .where(SubjectLink.subject_id == subject_id)
        .order_by(SubjectLink.id)
    ).all()
    rows += session.execute(
        select(SubjectLink, Subject)
        .join(Subject, Subject.id == SubjectLink.subject_id)
        .where(SubjectLink.person_id == subject_id)
        .order_by(SubjectLink.id)
    ).all()
    return list(rows)
