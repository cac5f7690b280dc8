"""Named reads of the declarations table."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from xinyong.models import Declaration, DeclarationCategory, DeclarationState, Disclosure


def get_declaration(
    session: Session, declaration_id: int, *, for_update: bool = False
) -> Declaration | None:
    query = select(Declaration).where(Declaration.id == declaration_id)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def find_declarations(
    session: Session,
    *,
    subject_id: int | None,
    department_id: int | None,
    state: str | None,
    category: str | None,
    after: int | None,
    limit: int,
) -> list[Declaration]:
    """A page of declarations by id, narrowed to a subject's or a department's when given."""
    query = select(Declaration)
    if subject_id is not None:
        query = query.where(Declaration.subject_id == subject_id)
    if department_id is not None:
        query = query.where(Declaration.department_id == department_id)
    if state is not None:
        query = query.where(Declaration.state == DeclarationState(state))
    if category is not None:
        query = query.where(Declaration.category == DeclarationCategory(category))
    if after is not None:
        query = query.where(Declaration.id > after)
    return list(session.execute(query.order_by(Declaration.id).limit(limit)).scalars())


def verified_of(
    session: Session,
    subject_id: int,
    *,
    disclosures: Collection[Disclosure] | None = None,
    verified_before: datetime | None = None,
) -> list[Declaration]:
    """The subject's verified declarations, oldest first: of these disclosure classes if
    given; with ``verified_before``, those verified by then and not found false by then."""
    query = select(Declaration).where(Declaration.subject_id == subject_id)
    if disclosures is not None:
        query = query.where(Declaration.disclosure.in_(list(disclosures)))
    if verified_before is None:
        query = query.where(Declaration.state == DeclarationState.verified)
    else:
        query = query.where(
            Declaration.verified_at < verified_before,
            or_(
                Declaration.state == DeclarationState.verified,
                Declaration.closed_at >= verified_before,
            ),
        )
    return list(session.execute(query.order_by(Declaration.id)).scalars())


@dataclass(frozen=True)
class DeclarationQuery:
    """A page of declarations as the consoles filter them: a subject's, a department's, those
    on the credit authority's own queue (no department), by state and category, the overdue
    ones (pending, due before ``overdue_on``)."""

    subject_id: int | None = None
    department_id: int | None = None
    authority_queue: bool = False
    state: DeclarationState | None = None
    category: DeclarationCategory | None = None
    overdue_on: date | None = None
    limit: int = 50
    offset: int = 0


def page_of_declarations(session: Session, q: DeclarationQuery) -> tuple[list[Declaration], int]:
    """The declarations of the query and how many there are: pending ones soonest due first,
    the rest newest first."""
    where = []
    if q.subject_id is not None:
        where.append(Declaration.subject_id == q.subject_id)
    if q.department_id is not None:
        where.append(Declaration.department_id == q.department_id)
    elif q.authority_queue:
        where.append(Declaration.department_id.is_(None))
    if q.state is not None:
        where.append(Declaration.state == q.state)
    if q.category is not None:
        where.append(Declaration.category == q.category)
    if q.overdue_on is not None:
        where += [Declaration.state == DeclarationState.pending, Declaration.due_on < q.overdue_on]
    total = session.execute(
        select(func.count()).select_from(Declaration).where(*where)
    ).scalar_one()
    order = (
        (Declaration.due_on, Declaration.id)
        if q.state is DeclarationState.pending or q.overdue_on is not None
        else (Declaration.id.desc(),)
    )
    rows = session.execute(
        select(Declaration).where(*where).order_by(*order).offset(q.offset).limit(q.limit)
    ).scalars()
    return list(rows), total


def declarations_by_ids(
    session: Session, subject_id: int, ids: Collection[int]
) -> list[Declaration]:
    if not ids:
        return []
    query = select(Declaration).where(
        Declaration.subject_id == subject_id, Declaration.id.in_(list(ids))
    )
    return list(session.execute(query).scalars())
