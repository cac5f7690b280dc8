"""Reading a subject and its credit archive (信用档案, Measures art. 18)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core import audit
from xinyong.core.auth import Principal
from xinyong.core.crypto import IdCipher
from xinyong.core.identifiers import describe_credit_code
from xinyong.errors import InvalidRequest
from xinyong.models import CatalogItem, Category, Department, Disclosure, Record, Subject
from xinyong.records.schemas import ArchiveOut, LinkOut, NameOut, RecordOut, SubjectOut
from xinyong.subjects.rules import (
    effective_standing,
    sees_full_id_number,
    sees_history,
    visible_disclosures,
)
from xinyong.subjects.service import links_of, names_of


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
) -> ArchiveOut:
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
    query = (
        select(Record, CatalogItem.name, Department.code, Department.name)
        .join(CatalogItem, CatalogItem.id == Record.catalog_item_id)
        .join(Department, Department.id == Record.provider_id)
        .where(Record.subject_id == subject.id, Record.disclosure.in_(list(disclosures)))
        .order_by(Record.id.desc())
    )
    if category is not None:
        query = query.where(Record.category == category)
    history = sees_history(principal)
    decrypt = sees_full_id_number(principal, subject.id)
    categories: dict[str, list[RecordOut]] = {c.value: [] for c in Category}
    shown_non_public = 0
    for record, item_name, dept_code, dept_name in session.execute(query).all():
        standing = effective_standing(record.standing, record.expires_on, today)
        if standing.value != "active" and not history:
            continue
        fields = dict(record.fields)
        if decrypt and record.protected:
            fields.update({k: cipher.decrypt(v) for k, v in record.protected.items()})
        if record.disclosure is not Disclosure.public:
            shown_non_public += 1
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
            detail={"non_public_records": shown_non_public, "full_id_numbers": decrypt},
        )
    return ArchiveOut(
        subject=subject_out(session, subject, principal, cipher),
        as_of=today,
        visible_disclosures=sorted(d.value for d in disclosures),
        categories=categories,
        counts={k: len(v) for k, v in categories.items()},
    )
