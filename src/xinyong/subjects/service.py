"""Subjects are made from the first record that names them; registration records keep their
name history and link the persons behind an organisation (000 §（十二）; Measures art. 18, 29)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from xinyong.core.auth import Principal
from xinyong.core.bulk import insert_new, timestamp_value
from xinyong.core.crypto import IdCipher
from xinyong.core.identifiers import (
    IdentifierError,
    describe_credit_code,
    subject_key_kind,
    validate_credit_code,
    validate_id_number,
)
from xinyong.core.ids import IdGenerator
from xinyong.errors import InvalidRequest, NotFound
from xinyong.lists.repository import listed_entries_with_lists
from xinyong.lists.rules import makes_subject_public
from xinyong.models import (
    LinkRole,
    Subject,
    SubjectKind,
    SubjectLink,
    SubjectName,
)
from xinyong.records.rules import PersonTuple
from xinyong.subjects.repository import existing_subjects
from xinyong.subjects.rules import sees_any_person

CHUNK = 2000


def _chunks(values: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


SUBJECT_COLUMNS = (
    "id",
    "kind",
    "credit_code",
    "id_hash",
    "id_cipher",
    "id_masked",
    "name",
    "region_code",
    "registering_authority",
    "entity_type",
    "is_government_agency",
    "created_at",
    "first_record_id",
)
LINK_COLUMNS = (
    "subject_id",
    "id",
    "person_id",
    "role",
    "source_record_id",
    "started_at",
    "ended_at",
)


def create_subjects(
    session: Session, column: Any, rows: list[tuple]
) -> tuple[dict[str, int], set[int]]:
    """Insert new subject rows (:func:`organisation_row`, :func:`person_row`), keyed by
    ``column``; concurrent creators meet at the unique key, and the losers read back the row
    that won. Returns key -> id and the ids created here."""
    key_at = SUBJECT_COLUMNS.index(column.key)
    created = insert_new(session, "subjects", SUBJECT_COLUMNS, rows, conflict=(column.key,))
    found = {r[key_at]: r[0] for r in created}
    lost = [r[key_at] for r in rows if r[key_at] not in found]
    found.update(existing_subjects(session, column, lost))
    return found, {r[0] for r in created}


def organisation_row(subject_id: int, code: str, name: str, first_record: int, stamp: str) -> tuple:
    """The row of a new organisation (SUBJECT_COLUMNS) named by the record ``first_record``;
    ``stamp``: its creation time as core.bulk.timestamp_value gives it."""
    info = describe_credit_code(code)
    return (
        subject_id,
        info.subject_kind,
        code,
        None,
        None,
        None,
        name,
        info.region_code,
        info.registering_authority,
        info.entity_type,
        info.is_government_agency,
        stamp,
        first_record,
    )


def person_row(subject_id: int, person: PersonTuple, first_record: int | None, stamp: str) -> tuple:
    """The row of a new natural person, like :func:`organisation_row`. ``person``: a
    records.rules.PersonRef, or the plain tuple it travels as from a validation worker."""
    digest, id_cipher, id_masked, region_code, name, _ = person
    return (
        subject_id,
        SubjectKind.natural_person.value,
        None,
        digest,
        id_cipher,
        id_masked,
        name,
        region_code,
        None,
        None,
        False,
        stamp,
        first_record,
    )


def rename_from_registration(
    session: Session, changes: dict[int, tuple[str, int]], *, ids: IdGenerator, now: datetime
) -> None:
    """A registration record that names an organisation differently renames it; the old name
    stays in its history. History rows are written at the first rename (a subject never renamed
    has its one name on its own row, which keeps bulk loads lean)."""
    if not changes:
        return
    current = {
        row.id: row
        for row in session.execute(
            select(Subject.id, Subject.name, Subject.created_at, Subject.first_record_id).where(
                Subject.id.in_(list(changes))
            )
        )
    }
    renamed = [
        sid for sid, (name, _) in changes.items() if sid in current and current[sid].name != name
    ]
    if not renamed:
        return
    has_history = set(
        session.execute(
            select(SubjectName.subject_id).where(SubjectName.subject_id.in_(renamed)).distinct()
        ).scalars()
    )
    for subject_id in renamed:
        name, record_id = changes[subject_id]
        old = current[subject_id]
        if subject_id not in has_history:
            session.add(
                SubjectName(
                    subject_id=subject_id,
                    id=ids.next_id(),
                    name=old.name,
                    source_record_id=old.first_record_id,
                    since=old.created_at,
                )
            )
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
    session.flush()


def link_persons(
    session: Session,
    links: list[tuple[int, int, str, int]],
    *,
    ids: IdGenerator,
    now: datetime,
    new_orgs: set[int] | None = None,
) -> None:
    """(organisation id, person id, role, record id): the newest registration names who holds
    each role; a different earlier holder's link ends. A shareholder is one of many: each
    person's link follows the newest record naming them (the earlier link of the same person
    ends), the others stay. ``new_orgs``: organisations created in this same batch, which
    cannot have links yet."""
    if not links:
        return
    table = SubjectLink.__table__
    # Organisations created in this batch have no links yet: only the others are looked up.
    orgs = list({org for org, _, _, _ in links} - (new_orgs or set()))
    # the key of a link in force (organisation and role; and person, of a shareholder) ->
    # (link id, person id)
    active: dict[tuple[int, str, int], tuple[int, int]] = {}
    for part in _chunks(orgs):
        for row in session.execute(
            select(table.c.subject_id, table.c.role, table.c.id, table.c.person_id).where(
                table.c.subject_id.in_(part), table.c.ended_at.is_(None)
            )
        ):
            key = _link_key(row.subject_id, str(row.role), row.person_id)
            active[key] = (row.id, row.person_id)
    stamp = timestamp_value(session.get_bind().dialect.name, now)
    new_links: list[tuple] = []
    unstored: dict[int, int] = {}  # link id -> its place in new_links
    next_id = iter(ids.take(len(links))).__next__
    for org, person, role, record_id in links:
        key = _link_key(org, role, person)
        current = active.get(key)
        if current is not None and current[1] == person and role != LinkRole.shareholder:
            continue
        if current is not None:
            place = unstored.pop(current[0], None)
            if place is not None:  # made by an earlier record of this same batch
                new_links[place] = (*new_links[place][:-1], stamp)
            else:
                session.execute(
                    update(SubjectLink)
                    .where(SubjectLink.subject_id == org, SubjectLink.id == current[0])
                    .values(ended_at=now)
                )
        link_id = next_id()
        unstored[link_id] = len(new_links)
        new_links.append((org, link_id, person, role, record_id, stamp, None))
        active[key] = (link_id, person)
    insert_new(session, "subject_links", LINK_COLUMNS, new_links, conflict=("subject_id", "id"))


def _link_key(org: int, role: str, person: int) -> tuple[int, str, int]:
    """A role one person holds at a time (0), or, a shareholder, one link per person."""
    return (org, role, person if role == LinkRole.shareholder else 0)


def find_subject(session: Session, key: str, *, cipher: IdCipher) -> Subject:
    """A subject by its credit code or ID number (the API's ``{key}``).

    An all-digit credit code can look like an ID number (social organisations' 51…/52…/53…
    codes do), so a key is tried as each kind whose check it passes, the likelier first."""
    key = key.strip()
    guess = subject_key_kind(key) or "credit_code"
    kinds = (guess, "credit_code" if guess == "id_number" else "id_number")
    errors: list[IdentifierError] = []
    for kind in kinds:
        try:
            if kind == "id_number":
                condition = Subject.id_hash == cipher.lookup_hash(validate_id_number(key))
            else:
                condition = Subject.credit_code == validate_credit_code(key)
        except IdentifierError as exc:
            errors.append(exc)
            continue
        subject = session.execute(select(Subject).where(condition)).scalar_one_or_none()
        if subject is not None:
            return subject
    if len(errors) == len(kinds):  # valid as neither kind: say why it fails as the likelier
        raise InvalidRequest(
            errors[0].message, errors[0].message_en, field="key", code=errors[0].code
        )
    raise _subject_not_found()


def _subject_not_found() -> NotFound:
    return NotFound("未找到该信息主体", "no such subject", field="key", code="subject_not_found")


# --- what the public may know of a subject ---------------------------------------------------


def publicly_listed(session: Session, subject_ids: Iterable[int], today: date) -> set[int]:
    """Those of the subjects that an entry in force on a public list names today
    (lists/rules.makes_subject_public), in one query per 500 subjects."""
    ids = list(subject_ids)
    found: set[int] = set()
    for part in _chunks(ids, 500):
        for entry, lst in listed_entries_with_lists(session, part):
            if makes_subject_public(lst, entry, today):
                found.add(entry.subject_id)
    return found


def is_public(session: Session, subject: Subject, today: date) -> bool:
    """May the public know of this subject today? Organisations: yes (their registration is
    public). A natural person: only while an entry in force on a public list names them
    (lists/rules.makes_subject_public). The portal's pages and search and the API's anonymous
    look-ups all ask this."""
    if subject.kind != SubjectKind.natural_person:
        return True
    return subject.id in publicly_listed(session, [subject.id], today)


def find_visible_subject(
    session: Session, key: str, principal: Principal, *, cipher: IdCipher, today: date
) -> Subject:
    """:func:`find_subject` as this caller may know it. A natural person whom the caller may
    not read (subjects/rules.sees_any_person) and who is not public today is answered exactly
    as an unknown key: 404 ``subject_not_found``, same body — and after the same queries, for
    the listing is read for an unknown key too, so that neither the answer nor a missing
    query tells whether the platform knows an ID number."""
    try:
        subject: Subject | None = find_subject(session, key, cipher=cipher)
    except NotFound:
        subject = None
    if subject is not None and (
        subject.kind != SubjectKind.natural_person or sees_any_person(principal, subject.id)
    ):
        return subject
    # Subject ids are positive (core/ids.py): 0 finds no entry.
    listed = publicly_listed(session, [subject.id if subject else 0], today)
    if subject is None or subject.id not in listed:
        raise _subject_not_found()
    return subject
