"""Reading a subject and its credit archive (信用档案, Measures art. 18)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from xinyong.authorisations.service import granted_items
from xinyong.commitments.public import archive_commitments
from xinyong.core import audit
from xinyong.core.auth import Principal
from xinyong.core.clock import local_date
from xinyong.core.crypto import IdCipher
from xinyong.core.identifiers import describe_credit_code
from xinyong.declarations.repository import verified_of
from xinyong.errors import InvalidRequest
from xinyong.models import (
    Category,
    Disclosure,
    Objection,
    ObjectionState,
    Record,
    Role,
    Standing,
    Subject,
    TargetType,
)
from xinyong.records.repository import archive_records
from xinyong.records.schemas import (
    ArchiveOut,
    DeclaredOut,
    LinkOut,
    NameOut,
    RecordOut,
    SubjectOut,
)
from xinyong.subjects.repository import links_of, names_of
from xinyong.subjects.rules import (
    effective_standing,
    sees_full_id_number,
    sees_history,
    visible_disclosures,
)
from xinyong.validity.service import end_of_day, standings_as_of


def subject_out(
    session: Session,
    subject: Subject,
    principal: Principal,
    cipher: IdCipher,
    *,
    masked: bool = False,
) -> SubjectOut:
    """The subject as ``principal`` reads it; ``masked``: ID numbers masked whoever reads."""
    info = describe_credit_code(subject.credit_code) if subject.credit_code else None
    id_number = None
    if subject.id_cipher:
        id_number = (
            cipher.decrypt(subject.id_cipher)
            if sees_full_id_number(principal, subject.id) and not masked
            else subject.id_masked
        )
    links = []
    for link, other in links_of(session, subject.id):
        person_side = link.subject_id == subject.id
        links.append(
            LinkOut(
                role=link.role.value,
                direction="person" if person_side else "organisation",
                name=other.name,
                key=other.credit_code or other.id_masked or "",
                started_at=link.started_at,
                ended_at=link.ended_at,
            )
        )
    return SubjectOut(
        id=str(subject.id),
        kind=subject.kind.value,
        name=subject.name,
        credit_code=subject.credit_code,
        id_number=id_number,
        region_code=subject.region_code,
        registering_authority=subject.registering_authority,
        registering_authority_name=info.registering_authority_name if info else None,
        entity_type=subject.entity_type,
        entity_type_name=info.entity_type_name if info else None,
        is_government_agency=subject.is_government_agency,
        created_at=subject.created_at,
        names=[NameOut(name=n, since=t) for n, t in names_of(session, subject)],
        links=links,
    )


@dataclass(frozen=True)
class _Reader:
    """How one caller reads one archive: the day its records' standing is judged on, their
    standing then (None: as they stand now), and what the caller may see of them."""

    today: date
    then: dict[int, Standing] | None
    history: bool  # records no longer active too (subjects/rules.sees_history)
    decrypt: bool  # ID numbers in full (subjects/rules.sees_full_id_number)
    granted: set[str]  # authorised-query items it holds a grant for
    under_objection: set[int]


def read_archive(
    session: Session,
    subject: Subject,
    principal: Principal,
    *,
    cipher: IdCipher,
    now: datetime,
    today: date,
    purpose: str | None,
    category: Category | None = None,
    as_of: date | None = None,
    log_read: bool = True,
    mask_id_numbers: bool = False,
) -> ArchiveOut:
    """The archive as it stands today or, with ``as_of``, as it stood at the end of that day
    (docs/workflows/validity.md): records received by then, with their standing then.

    ``log_read=False``: the caller logs the read itself, as a credit report does (its own
    entry in the query log, credit_reports/service.py); ``mask_id_numbers``: ID numbers masked
    even for the person itself (a report is a document that leaves the platform)."""
    disclosures = visible_disclosures(principal, subject.id)
    _require_purpose(principal, subject.id, disclosures, purpose)
    granted = _granted_items(session, principal, subject.id, now)
    then: dict[int, Standing] | None = None
    if as_of is not None:
        then, today = standings_as_of(session, subject.id, as_of), as_of
    reader = _Reader(
        today=today,
        then=then,
        history=sees_history(principal),
        decrypt=sees_full_id_number(principal, subject.id) and not mask_id_numbers,
        granted=granted,
        # What is under objection now: a view as of a past day does not carry the mark.
        under_objection=set() if as_of is not None else _under_objection(session, subject.id),
    )
    rows = archive_records(
        session,
        subject.id,
        disclosures=disclosures,
        authorised_items=granted,
        category=category,
        received_before=None if as_of is None else end_of_day(as_of),
    )
    categories, shown_non_public, shown_authorised = _by_category(rows, reader, cipher)
    declared = declared_section(session, subject.id, disclosures, as_of=as_of)
    shown_non_public += sum(d.disclosure != Disclosure.public.value for d in declared)
    # Every query of a department is logged with its purpose (004 §14), as is every read of
    # non-public data by anyone (Measures art. 36).
    if log_read and (shown_non_public or reader.decrypt or principal.is_department):
        _log_read(
            session,
            principal,
            subject,
            now=now,
            purpose=purpose,
            as_of=as_of,
            non_public_records=shown_non_public,
            full_id_numbers=reader.decrypt,
            authorised_items=shown_authorised,
        )
    return ArchiveOut(
        subject=subject_out(session, subject, principal, cipher, masked=mask_id_numbers),
        as_of=today,
        visible_disclosures=sorted(d.value for d in disclosures),
        categories=categories,
        counts={k: len(v) for k, v in categories.items()},
        declarations=declared,
        commitments=archive_commitments(session, subject.id, principal, as_of=as_of),
    )


def declared_section(
    session: Session,
    subject_id: int,
    disclosures: frozenset[Disclosure],
    *,
    as_of: date | None = None,
) -> list[DeclaredOut]:
    """The subject's verified declarations the reader may see, marked 自主申报 (000 §（五）:
    经验证的自主申报信息); with ``as_of``, those verified by the end of that day and not found
    false by then."""
    rows = verified_of(
        session,
        subject_id,
        disclosures=disclosures,
        verified_before=None if as_of is None else end_of_day(as_of),
    )
    return [
        DeclaredOut(
            id=str(d.id),
            category=d.category.value,
            disclosure=d.disclosure.value,
            fields=d.fields,
            verified_by=d.verified_by,
            verified_at=d.verified_at,
            declared_at=d.declared_at,
        )
        for d in rows
    ]


def _require_purpose(
    principal: Principal, subject_id: int, disclosures: frozenset[Disclosure], purpose: str | None
) -> None:
    """Every read of non-public data is logged with its purpose (004 §14; Measures art. 36):
    a department must give one."""
    non_public = disclosures != {Disclosure.public} or sees_full_id_number(principal, subject_id)
    if non_public and principal.is_department and not (purpose and purpose.strip()):
        raise InvalidRequest(
            "查询非公开信息须说明用途（purpose）",
            "reading non-public data needs a purpose",
            field="purpose",
            code="missing_purpose",
        )


def _granted_items(
    session: Session, principal: Principal, subject_id: int, now: datetime
) -> set[str]:
    """Authorised-query items for a department or institution the subject authorised, within
    a live grant (Measures art. 22); without one they are simply absent."""
    if principal.role in (Role.provider, Role.user_department) and principal.department_id:
        return granted_items(session, principal.department_id, subject_id, local_date(now))
    return set()


def _under_objection(session: Session, subject_id: int) -> set[int]:
    """The subject's records under an open objection (Measures art. 32: marked, still
    published), read in one query per archive."""
    return set(
        session.execute(
            select(Objection.target_id).where(
                Objection.subject_id == subject_id,
                Objection.target_type == TargetType.record,
                Objection.state != ObjectionState.closed,
            )
        ).scalars()
    )


def _by_category(
    rows: list[Row[Record, str, str, str]], reader: _Reader, cipher: IdCipher
) -> tuple[dict[str, list[RecordOut]], int, set[str]]:
    """The records the reader sees, by category; how many of them are not public; and the
    authorised-query items among them."""
    categories: dict[str, list[RecordOut]] = {c.value: [] for c in Category}
    shown_non_public = 0
    shown_authorised: set[str] = set()
    then = reader.then
    for record, item_name, dept_code, dept_name in rows:
        current = record.standing if then is None else then.get(record.id, Standing.active)
        standing = effective_standing(current, record.expires_on, reader.today)
        if standing.value != "active" and not reader.history:
            continue
        if record.disclosure is not Disclosure.public:
            shown_non_public += 1
        if record.disclosure is Disclosure.authorised and record.item_code in reader.granted:
            shown_authorised.add(record.item_code)
        categories[record.category.value].append(
            _record_out(record, item_name, dept_code, dept_name, standing, reader, cipher)
        )
    return categories, shown_non_public, shown_authorised


def _record_out(
    record: Record,
    item_name: str,
    dept_code: str,
    dept_name: str,
    standing: Standing,
    reader: _Reader,
    cipher: IdCipher,
) -> RecordOut:
    fields = dict(record.fields)
    if reader.decrypt and record.protected:
        fields.update({k: cipher.decrypt(v) for k, v in record.protected.items()})
    return RecordOut(
        id=str(record.id),
        item=record.item_code,
        item_name=item_name,
        category=record.category.value,
        disclosure=record.disclosure.value,
        standing=standing.value,
        provider=dept_code,
        provider_name=dept_name,
        channel=record.channel.value,
        batch_id=str(record.batch_id),
        catalog_version=record.catalog_version,
        source_id=record.source_id,
        severity=record.severity.value if record.severity else None,
        determined_on=record.determined_on,
        expires_on=record.expires_on,
        received_at=record.received_at,
        fields=fields,
        under_objection=record.id in reader.under_objection,
    )


def _log_read(
    session: Session,
    principal: Principal,
    subject: Subject,
    *,
    now: datetime,
    purpose: str | None,
    as_of: date | None,
    non_public_records: int,
    full_id_numbers: bool,
    authorised_items: set[str],
) -> None:
    audit.log(
        session,
        actor=principal.actor,
        action="archive.read",
        at=now,
        subject_id=subject.id,
        target_type="subject",
        target_id=subject.id,
        purpose=(purpose or "本人查询").strip()[:200],
        detail={
            "non_public_records": non_public_records,
            "full_id_numbers": full_id_numbers,
            **({"as_of": as_of.isoformat()} if as_of else {}),
            **({"authorised_items": sorted(authorised_items)} if authorised_items else {}),
        },
        # A read's entry need not wait for the disk (core/audit.py, docs/adr/0010).
        durable=False,
    )
