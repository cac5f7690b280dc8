"""Reading a subject and its credit archive (信用档案, Measures art. 18)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from xinyong.authorisations.service import granted_items
from xinyong.core import audit
from xinyong.core.auth import Principal
from xinyong.core.clock import local_date
from xinyong.core.crypto import IdCipher
from xinyong.core.identifiers import describe_credit_code
from xinyong.errors import InvalidRequest
from xinyong.models import (
    CatalogItem,
    Category,
    Department,
    Disclosure,
    Objection,
    ObjectionState,
    Record,
    Role,
    Standing,
    Subject,
    TargetType,
)
from xinyong.records.schemas import ArchiveOut, LinkOut, NameOut, RecordOut, SubjectOut
from xinyong.subjects.rules import (
    effective_standing,
    sees_full_id_number,
    sees_history,
    visible_disclosures,
)
from xinyong.subjects.service import links_of, names_of
from xinyong.validity.service import end_of_day, standings_as_of


def subject_out(
    session: Session, subject: Subject, principal: Principal, cipher: IdCipher
) -> SubjectOut:
    info = describe_credit_code(subject.credit_code) if subject.credit_code else None
    id_number = None
    if subject.id_cipher:
        id_number = (
            cipher.decrypt(subject.id_cipher)
            if sees_full_id_number(principal, subject.id)
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
) -> ArchiveOut:
    """The archive as it stands today or, with ``as_of``, as it stood at the end of that day
    (docs/workflows/validity.md): records received by then, with their standing then."""
    disclosures = visible_disclosures(principal, subject.id)
    non_public = disclosures != {Disclosure.public} or sees_full_id_number(principal, subject.id)
    if non_public and principal.is_department and not (purpose and purpose.strip()):
        # Every read of non-public data is logged with its purpose (004 §14; Measures art. 36).
        raise InvalidRequest(
            "查询非公开信息须说明用途（purpose）",
            "reading non-public data needs a purpose",
            field="purpose",
            code="missing_purpose",
        )
    # Authorised-query items for a department or institution the subject authorised, within
    # a live grant (Measures art. 22); without one they are simply absent.
    granted: set[str] = set()
    if principal.role in (Role.provider, Role.user_department) and principal.department_id:
        granted = granted_items(session, principal.department_id, subject.id, local_date(now))
    visible = Record.disclosure.in_(list(disclosures))
    if granted:
        visible = or_(
            visible,
            and_(Record.disclosure == Disclosure.authorised, Record.item_code.in_(granted)),
        )
    query = (
        select(Record, CatalogItem.name, Department.code, Department.name)
        .join(CatalogItem, CatalogItem.id == Record.catalog_item_id)
        .join(Department, Department.id == Record.provider_id)
        .where(Record.subject_id == subject.id, visible)
        .order_by(Record.id.desc())
    )
    if category is not None:
        query = query.where(Record.category == category)
    then: dict[int, Standing] | None = None
    if as_of is not None:
        query = query.where(Record.received_at < end_of_day(as_of))
        then, today = standings_as_of(session, subject.id, as_of), as_of
    history = sees_history(principal)
    decrypt = sees_full_id_number(principal, subject.id)
    # The mark of an open objection (Measures art. 32), read in one query per archive; it
    # says what is under objection now, so a view as of a past day does not carry it.
    under_objection: set[int] = set()
    if as_of is None:
        under_objection = set(
            session.execute(
                select(Objection.target_id).where(
                    Objection.subject_id == subject.id,
                    Objection.target_type == TargetType.record,
                    Objection.state != ObjectionState.closed,
                )
            ).scalars()
        )
    categories: dict[str, list[RecordOut]] = {c.value: [] for c in Category}
    shown_non_public = 0
    shown_authorised: set[str] = set()
    for record, item_name, dept_code, dept_name in session.execute(query).all():
        current = record.standing if then is None else then.get(record.id, Standing.active)
        standing = effective_standing(current, record.expires_on, today)
        if standing.value != "active" and not history:
            continue
        fields = dict(record.fields)
        if decrypt and record.protected:
            fields.update({k: cipher.decrypt(v) for k, v in record.protected.items()})
        if record.disclosure is not Disclosure.public:
            shown_non_public += 1
        if record.disclosure is Disclosure.authorised and record.item_code in granted:
            shown_authorised.add(record.item_code)
        categories[record.category.value].append(
            RecordOut(
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
                under_objection=record.id in under_objection,
            )
        )
    # Every query of a department is logged with its purpose (004 §14), as is every read of
    # non-public data by anyone (Measures art. 36).
    if shown_non_public or decrypt or principal.is_department:
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
                "non_public_records": shown_non_public,
                "full_id_numbers": decrypt,
                **({"as_of": as_of.isoformat()} if as_of else {}),
                **({"authorised_items": sorted(shown_authorised)} if shown_authorised else {}),
            },
            # A read's entry need not wait for the disk (core/audit.py, docs/adr/0010).
            durable=False,
        )
    return ArchiveOut(
        subject=subject_out(session, subject, principal, cipher),
        as_of=today,
        visible_disclosures=sorted(d.value for d in disclosures),
        categories=categories,
        counts={k: len(v) for k, v in categories.items()},
    )
