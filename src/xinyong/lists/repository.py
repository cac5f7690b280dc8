"""Named reads of the lists domain's tables (entries and their objections) for the pages."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.errors import NotFound
from xinyong.models import CreditList, EntryState, ListEntry, ListObjection, Subject


def entry_counts_of_department(session: Session, department_id: int) -> dict[str, int]:
    """How many of a department's entries are in each state (every state, 0 included)."""
    rows = session.execute(
        select(ListEntry.state, func.count())
        .where(ListEntry.department_id == department_id)
        .group_by(ListEntry.state)
    ).all()
    counts = {s.value: 0 for s in EntryState}
    for state, n in rows:
        counts[EntryState(state).value] = int(n)
    return counts


def entries_of_department(
    session: Session,
    department_id: int,
    *,
    state: EntryState | None,
    before: int | None,
    limit: int,
) -> list[tuple[ListEntry, Subject]]:
    """A department's entries, newest first, each with its subject."""
    query = (
        select(ListEntry, Subject)
        .join(Subject, Subject.id == ListEntry.subject_id)
        .where(ListEntry.department_id == department_id)
    )
    if state is not None:
        query = query.where(ListEntry.state == state)
    if before is not None:
        query = query.where(ListEntry.id < before)
    rows = session.execute(query.order_by(ListEntry.id.desc()).limit(limit)).all()
    return [(entry, subject) for entry, subject in rows]


def entry_of_department(session: Session, department_id: int, entry_id: int) -> ListEntry:
    """One of a department's entries; another's is as unknown as an entry that never was."""
    entry = session.execute(select(ListEntry).where(ListEntry.id == entry_id)).scalar_one_or_none()
    if entry is None or entry.department_id != department_id:
        raise NotFound(
            "名单条目不存在", "no such list entry of this department", code="unknown_entry"
        )
    return entry


def entry_of_subject(session: Session, subject_id: int, entry_id: int) -> ListEntry | None:
    """A subject's entry by its id, or None."""
    return session.execute(
        select(ListEntry).where(ListEntry.subject_id == subject_id, ListEntry.id == entry_id)
    ).scalar_one_or_none()


def entries_by_id(session: Session, entry_ids: Iterable[int]) -> dict[int, ListEntry]:
    """Entries by their ids."""
    return {
        e.id: e
        for e in session.execute(
            select(ListEntry).where(ListEntry.id.in_(set(entry_ids)))
        ).scalars()
    }


def entries_of_list_objections(
    session: Session, objections: Iterable[tuple[int, int]]
) -> dict[int, int]:
    """The entry of each list objection, given as (subject id, objection id) pairs."""
    pairs = list(objections)
    if not pairs:
        return {}
    rows = session.execute(
        select(ListObjection.id, ListObjection.entry_id).where(
            ListObjection.subject_id.in_({s for s, _ in pairs}),
            ListObjection.id.in_({o for _, o in pairs}),
        )
    ).all()
    return {objection: entry for objection, entry in rows}


def list_of_entry(session: Session, entry: ListEntry) -> CreditList:
    """The list an entry is on."""
    return session.get_one(CreditList, entry.list_id)
