"""Named reads of the tables lists own: ``credit_lists``, ``list_entries``,
``list_entry_steps`` and ``list_objections``."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.models import CreditList, EntryState, ExitReason, ListEntry, ListKind


def listed_counts(session: Session) -> dict[int, int]:
    """How many entries each list has listed, by list id (lists without any are absent)."""
    return dict(
        session.execute(
            select(ListEntry.list_id, func.count())
            .where(ListEntry.state == EntryState.listed)
            .group_by(ListEntry.list_id)
        ).all()
    )


def entry_of_subject(session: Session, subject_id: int, entry_id: int) -> ListEntry | None:
    """The subject's entry of this id, found within the subject (a procedure's target)."""
    return session.execute(
        select(ListEntry).where(ListEntry.subject_id == subject_id, ListEntry.id == entry_id)
    ).scalar_one_or_none()


def publication_entries(
    session: Session, lst: CreditList, section: str, *, offset: int, limit: int
) -> list[ListEntry]:
    """A page of a list's publication, newest first: its red candidates in notice, its listed,
    its exits, those revoked as listed in error (corrections), those that left after repair."""
    base = select(ListEntry).where(ListEntry.list_id == lst.id)
    if section == "notice":
        if lst.kind != ListKind.red:
            return []  # a black candidate's prior notice goes to the subject alone
        query = base.where(ListEntry.state == EntryState.notice).order_by(ListEntry.id.desc())
    elif section == "listed":
        query = base.where(ListEntry.state == EntryState.listed).order_by(ListEntry.id.desc())
    else:
        exited = base.where(ListEntry.state == EntryState.exited)
        if section == "corrections":
            exited = exited.where(ListEntry.exit_reason == ExitReason.revocation)
        elif section == "repairs":
            exited = exited.where(ListEntry.exit_reason == ExitReason.repair)
        query = exited.order_by(ListEntry.exited_at.desc(), ListEntry.id.desc())
    return list(session.execute(query.offset(offset).limit(limit)).scalars())
