"""Named reads of the commitment tables: the item list, its standard texts, commitments."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, Select, bindparam, case, func, select
from sqlalchemy.orm import Session

from xinyong.models import (
    Commitment,
    CommitmentItem,
    CommitmentState,
    CommitmentTemplate,
    Department,
    Subject,
    SubjectKind,
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


# Built once (statements are compiled once and their cache key kept): columns of the table,
# not of the entity, so that executing them takes no ORM step.
_commitments = Commitment.__table__.c
_PENDING = select(_commitments.id).where(
    _commitments.subject_id == bindparam("subject_id"),
    _commitments.item_code == bindparam("item_code"),
    _commitments.reference == bindparam("reference"),
    _commitments.state == CommitmentState.pending,
)
_PENDING_OF_SUBJECTS = select(
    _commitments.subject_id, _commitments.item_code, _commitments.reference, _commitments.id
).where(
    _commitments.subject_id.in_(bindparam("subject_ids", expanding=True)),
    _commitments.state == CommitmentState.pending,
)


def pending_commitment(
    session: Session, subject_id: int, item_code: str, reference: str
) -> int | None:
    """The subject's pending commitment of this item for this acceptance, if any
    (uq_commitments_pending)."""
    return session.execute(
        _PENDING, {"subject_id": subject_id, "item_code": item_code, "reference": reference}
    ).scalar_one_or_none()


def pending_of_subjects(
    session: Session, subject_ids: Collection[int]
) -> dict[tuple[int, str, str], int]:
    """The pending commitments of these subjects, by (subject, item, reference): one
    statement, through uq_commitments_pending."""
    return {
        (sid, item, ref): cid
        for sid, item, ref, cid in session.execute(
            _PENDING_OF_SUBJECTS, {"subject_ids": list(subject_ids)}
        )
    }


def _narrowed(
    subject_id: int | None, department_id: int | None, state: str | None, item: str | None
) -> Select[Commitment]:
    """Commitments, narrowed to a subject's, a department's, a state and an item when given."""
    query = select(Commitment)
    if subject_id is not None:
        query = query.where(Commitment.subject_id == subject_id)
    if department_id is not None:
        query = query.where(Commitment.department_id == department_id)
    if state is not None:
        query = query.where(Commitment.state == CommitmentState(state))
    if item is not None:
        query = query.where(Commitment.item_code == item)
    return query


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
    query = _narrowed(subject_id, department_id, state, item)
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


# --- the pages: a page of commitments, the published ones, the statistics ---------------------


def commitments_page(
    session: Session,
    *,
    subject_id: int | None,
    department_id: int | None,
    state: str | None,
    item: str | None,
    offset: int,
    limit: int,
) -> list[Commitment]:
    """A page of commitments, newest first, narrowed to a subject's or a department's when
    given (the consoles' tables; the API pages by id with :func:`find_commitments`)."""
    query = _narrowed(subject_id, department_id, state, item).order_by(
        Commitment.signed_at.desc(), Commitment.id.desc()
    )
    return list(session.execute(query.offset(offset).limit(limit)).scalars())


def published_commitments(
    session: Session,
    *,
    item_codes: list[str],
    subject_id: int | None = None,
    name: str | None = None,
    credit_code: str | None = None,
    organisations_only: bool = True,
    offset: int = 0,
    limit: int = 20,
) -> list[tuple[Commitment, Subject, Department]]:
    """The commitments the public reads (信用承诺专栏): of the items whose commitments are
    published, accepted by their department (an online one not yet accepted may still be
    withdrawn), newest first, each with its subject and department. Natural persons are left
    out unless ``organisations_only`` is off (a listed person's own public page). Named
    ``published_commitments`` until commitments.service.public_commitments (helper ``verify``)
    is reconciled with it."""
    query = (
        select(Commitment, Subject, Department)
        .join(Subject, Subject.id == Commitment.subject_id)
        .join(Department, Department.id == Commitment.department_id)
        .where(
            Commitment.item_code.in_(item_codes),
            Commitment.accepted_at.is_not(None),
            Commitment.state != CommitmentState.withdrawn,
        )
    )
    if organisations_only:
        query = query.where(Subject.kind != SubjectKind.natural_person)
    if subject_id is not None:
        query = query.where(Commitment.subject_id == subject_id)
    if credit_code is not None:
        query = query.where(Subject.credit_code == credit_code)
    if name:
        escaped = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Subject.name.like(f"%{escaped}%", escape="\\"))
    query = query.order_by(Commitment.signed_at.desc(), Commitment.id.desc())
    rows = session.execute(query.offset(offset).limit(limit)).all()
    return [(c, s, d) for c, s, d in rows]


def state_counts(session: Session, by: str, today: date) -> list[tuple[Any, ...]]:
    """Commitments counted per ``by`` (``item_code`` or ``department_id``) in one grouped
    query: (key, signed, withdrawn, pending, fulfilled, breached, false, overdue), overdue
    being those accepted and still pending after their last day of fulfilment."""
    key = getattr(Commitment, by)

    def count(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    state = Commitment.state
    return [
        tuple(row)
        for row in session.execute(
            select(
                key,
                func.count(),
                count(state == CommitmentState.withdrawn),
                count(state == CommitmentState.pending),
                count(state == CommitmentState.fulfilled),
                count(state == CommitmentState.breached),
                count(state == CommitmentState.false),
                count(
                    (state == CommitmentState.pending)
                    & Commitment.accepted_at.is_not(None)
                    & (Commitment.due_on < today)
                ),
            )
            .group_by(key)
            .order_by(key)
        ).all()
    ]
