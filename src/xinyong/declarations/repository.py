"""Named reads of the declarations table."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import or_, select
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
