"""Named reads of the commitment tables: the item list, its standard texts, commitments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from xinyong.models import (
    Commitment,
    CommitmentItem,
    CommitmentState,
    CommitmentTemplate,
    Department,
)


def all_items(session: Session) -> dict[str, CommitmentItem]:
    """Every item ever published, retired ones too, by code."""
    return {i.code: i for i in session.execute(select(CommitmentItem)).scalars()}


def active_items(session: Session) -> list[CommitmentItem]:
    return list(
        session.execute(
            select(CommitmentItem).where(CommitmentItem.active).order_by(CommitmentItem.id)
        ).scalars()
    )


def item_by_code(session: Session, code: str) -> CommitmentItem | None:
    return session.execute(
        select(CommitmentItem).where(CommitmentItem.code == code)
    ).scalar_one_or_none()


def current_templates(session: Session) -> dict[str, CommitmentTemplate]:
    """The newest standard text of each item (its current version)."""
    newest = (
        select(CommitmentTemplate.item_code, func.max(CommitmentTemplate.version).label("v"))
        .group_by(CommitmentTemplate.item_code)
        .subquery()
    )
    rows = session.execute(
        select(CommitmentTemplate).join(
            newest,
            (newest.c.item_code == CommitmentTemplate.item_code)
            & (newest.c.v == CommitmentTemplate.version),
        )
    ).scalars()
    return {t.item_code: t for t in rows}


def templates_of(session: Session, item_code: str) -> list[CommitmentTemplate]:
    """Every standard text an item has had, oldest first (the last is current)."""
    return list(
        session.execute(
            select(CommitmentTemplate)
            .where(CommitmentTemplate.item_code == item_code)
            .order_by(CommitmentTemplate.version)
        ).scalars()
    )


def current_template(session: Session, item_code: str) -> CommitmentTemplate | None:
    return session.execute(
        select(CommitmentTemplate)
        .where(CommitmentTemplate.item_code == item_code)
        .order_by(CommitmentTemplate.version.desc())
        .limit(1)
    ).scalar_one_or_none()


def get_commitment(
    session: Session, commitment_id: int, *, for_update: bool = False
) -> Commitment | None:
    query = select(Commitment).where(Commitment.id == commitment_id)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def pending_commitment(
    session: Session, subject_id: int, item_code: str, reference: str
) -> int | None:
    """The subject's pending commitment of this item for this acceptance, if any
    (uq_commitments_pending)."""
    return session.execute(
        select(Commitment.id).where(
            Commitment.subject_id == subject_id,
            Commitment.item_code == item_code,
            Commitment.reference == reference,
            Commitment.state == CommitmentState.pending,
        )
    ).scalar_one_or_none()


def find_commitments(
    session: Session,
    *,
    subject_id: int | None,
    department_id: int | None,
    state: str | None,
    item: str | None,
    after: int | None,
    limit: int,
) -> list[Commitment]:
    """A page of commitments by id, narrowed to a subject's or a department's when given."""
    query = select(Commitment)
    if subject_id is not None:
        query = query.where(Commitment.subject_id == subject_id)
    if department_id is not None:
        query = query.where(Commitment.department_id == department_id)
    if state is not None:
        query = query.where(Commitment.state == CommitmentState(state))
    if item is not None:
        query = query.where(Commitment.item_code == item)
    if after is not None:
        query = query.where(Commitment.id > after)
    return list(session.execute(query.order_by(Commitment.id).limit(limit)).scalars())


def commitments_of_subject(
    session: Session, subject_id: int, *, signed_before: datetime | None = None
) -> list[Row[Commitment, str, str]]:
    """The subject's commitments, with the accepting department's code and name, oldest first;
    those signed before ``signed_before`` only, when given (the archive as of a day)."""
    query = (
        select(Commitment, Department.code, Department.name)
        .join(Department, Department.id == Commitment.department_id)
        .where(Commitment.subject_id == subject_id)
    )
    if signed_before is not None:
        query = query.where(Commitment.signed_at < signed_before)
    return list(session.execute(query.order_by(Commitment.signed_at, Commitment.id)).all())
