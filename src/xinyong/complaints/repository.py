"""Named reads of the complaints table (complaints/ owns it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from xinyong.models import Complaint, ComplaintState

S = ComplaintState


def get_complaint(
    session: Session, complaint_id: int, *, for_update: bool = False
) -> Complaint | None:
    query = select(Complaint).where(Complaint.id == complaint_id)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def by_receipt_hash(session: Session, receipt_hash: str) -> Complaint | None:
    return session.execute(
        select(Complaint).where(Complaint.receipt_hash == receipt_hash)
    ).scalar_one_or_none()


def overdue(today: date) -> ColumnElement[bool]:
    """complaints/rules.is_overdue, as a condition on the table."""
    return or_(
        and_(Complaint.state == S.received, Complaint.accept_due_on < today),
        and_(Complaint.state == S.accepted, Complaint.handle_due_on < today),
    )


@dataclass(frozen=True)
class ComplaintQuery:
    """A page of complaints: of one department, or the authority's own queue (no department),
    or all (the authority); by state (``open``: received or accepted), overdue, sector."""

    today: date
    department_id: int | None = None
    authority_queue: bool = False
    state: str | None = None
    overdue: bool = False
    sector: str | None = None
    limit: int = 50
    offset: int = 0


def page_of_complaints(session: Session, q: ComplaintQuery) -> tuple[list[Complaint], int, int]:
    """The page (soonest due first, then the oldest), how many match, and how many of those
    are overdue."""
    query = select(Complaint)
    if q.authority_queue:
        query = query.where(Complaint.department_id.is_(None))
    elif q.department_id is not None:
        query = query.where(Complaint.department_id == q.department_id)
    if q.state == "open":
        query = query.where(Complaint.state.in_((S.received, S.accepted)))
    elif q.state:
        query = query.where(Complaint.state == S(q.state))
    if q.sector:
        query = query.where(Complaint.sector == q.sector)
    if q.overdue:
        query = query.where(overdue(q.today))
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    late = session.execute(
        select(func.count()).select_from(query.where(overdue(q.today)).subquery())
    ).scalar_one()
    due = case(
        (Complaint.state == S.received, Complaint.accept_due_on),
        (Complaint.state == S.accepted, Complaint.handle_due_on),
        else_=None,
    )
    rows = session.execute(
        query.order_by(due.is_(None), due, Complaint.filed_at, Complaint.id)
        .limit(q.limit)
        .offset(q.offset)
    ).scalars()
    return list(rows), int(total), int(late)


def counts_by_department(session: Session, today: date) -> list[tuple[int | None, str, int, int]]:
    """(department id, state, complaints, overdue among them) of every department and state."""
    rows = session.execute(
        select(
            Complaint.department_id,
            Complaint.state,
            func.count(),
            func.count(case((overdue(today), 1))),
        ).group_by(Complaint.department_id, Complaint.state)
    ).all()
    return [(d, s.value, int(n), int(late)) for d, s, n, late in rows]
