"""Named reads of the notice tables (notices, notice_recipients)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.models import Notice, NoticeRecipient


def notice_by_id(session: Session, notice_id: int) -> Notice | None:
    return session.get(Notice, notice_id)


def notice_of_period(session: Session, kind: str, period: str) -> Notice | None:
    return session.execute(
        select(Notice).where(Notice.kind == kind, Notice.period == period)
    ).scalar_one_or_none()


def notices_of_period(session: Session, kinds: Collection[str], period: str) -> list[Notice]:
    return list(
        session.execute(
            select(Notice).where(Notice.kind.in_(list(kinds)), Notice.period == period)
        ).scalars()
    )


def find_notices(
    session: Session,
    *,
    department_id: int | None,
    kind: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Notice], int]:
    """Newest first: every notice, or those addressed to ``department_id``; of one kind if
    given. The rows of the page, and how many there are in all."""
    query = select(Notice)
    if department_id is not None:
        query = query.join(
            NoticeRecipient,
            (NoticeRecipient.notice_id == Notice.id)
            & (NoticeRecipient.department_id == department_id),
        )
    if kind is not None:
        query = query.where(Notice.kind == kind)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.order_by(Notice.id.desc()).offset(offset).limit(limit)).scalars()
    return list(rows), int(total)


def recipients_of(
    session: Session, notice_ids: Collection[int]
) -> dict[int, list[NoticeRecipient]]:
    """Each notice's recipients, in the order they were addressed."""
    out: dict[int, list[NoticeRecipient]] = {i: [] for i in notice_ids}
    if not out:
        return out
    rows = session.execute(
        select(NoticeRecipient)
        .where(NoticeRecipient.notice_id.in_(list(out)))
        .order_by(NoticeRecipient.notice_id, NoticeRecipient.department_id)
    ).scalars()
    for row in rows:
        out[row.notice_id].append(row)
    return out


def recipient(session: Session, notice_id: int, department_id: int) -> NoticeRecipient | None:
    return session.get(NoticeRecipient, (notice_id, department_id))


def pending_counts(session: Session) -> dict[str, Any]:
    """For the authority's dashboard: notices sent, and addressed departments that have not
    acknowledged yet."""
    sent = session.execute(select(func.count()).select_from(Notice)).scalar_one()
    pending = session.execute(
        select(func.count())
        .select_from(NoticeRecipient)
        .where(NoticeRecipient.acknowledged_at.is_(None))
    ).scalar_one()
    return {"sent": int(sent), "pending": int(pending)}
