"""Named reads of the tables lists own: ``credit_lists``, ``list_entries``,
``list_entry_steps`` and ``list_objections``. Other domains read lists through these, never
through their own queries of these tables; what an entry means on a day is lists/rules.py."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from xinyong.errors import NotFound
from xinyong.lists.rules import BLOCKING_KINDS, is_in_force
from xinyong.models import (
    LIVE_STATES,
    CreditList,
    EntryState,
    ExitReason,
    ListEntry,
    ListEntryStep,
    ListKind,
    ListObjection,
    Subject,
)

# --- the lists ----------------------------------------------------------------------------------


def all_lists(session: Session) -> list[CreditList]:
    return list(session.execute(select(CreditList).order_by(CreditList.id)).scalars())


def get_list(session: Session, code: str) -> CreditList:
    row = session.execute(select(CreditList).where(CreditList.code == code)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"名单 {code} 不存在", f"no list {code}", field="list", code="unknown_list")
    return row


def field_of(session: Session, list_id: int) -> str:
    """The supervisory field of a list (what the list-change feed is filtered by)."""
    return session.execute(select(CreditList.field).where(CreditList.id == list_id)).scalar_one()


def listed_counts(session: Session) -> dict[int, int]:
    """How many entries each list has listed, by list id (lists without any are absent)."""
    return dict(
        session.execute(
            select(ListEntry.list_id, func.count())
            .where(ListEntry.state == EntryState.listed)
            .group_by(ListEntry.list_id)
        ).all()
    )


# --- one entry ----------------------------------------------------------------------------------


def _unknown_entry() -> NotFound:
    return NotFound("名单条目不存在", "no such list entry", field="entry_id", code="unknown_entry")


def get_entry(session: Session, entry_id: int, *, for_update: bool = False) -> ListEntry:
    query = select(ListEntry).where(ListEntry.id == entry_id)
    if for_update:
        query = query.with_for_update()
    entry = session.execute(query).scalar_one_or_none()
    if entry is None:
        raise _unknown_entry()
    return entry


def entry_of_subject(session: Session, subject_id: int, entry_id: int) -> ListEntry | None:
    """The subject's entry of this id, found within the subject (a procedure's target)."""
    return session.execute(
        select(ListEntry).where(ListEntry.subject_id == subject_id, ListEntry.id == entry_id)
    ).scalar_one_or_none()


def _rows_of_entry(session: Session, model: Any, entry: ListEntry) -> list[Any]:
    return list(
        session.execute(
            select(model)
            .where(model.subject_id == entry.subject_id, model.entry_id == entry.id)
            .order_by(model.id)
        ).scalars()
    )


def steps_of(session: Session, entry: ListEntry) -> list[ListEntryStep]:
    return _rows_of_entry(session, ListEntryStep, entry)


def objections_of(session: Session, entry: ListEntry) -> list[ListObjection]:
    return _rows_of_entry(session, ListObjection, entry)


def get_objection(session: Session, entry: ListEntry, objection_id: int) -> ListObjection:
    """An objection filed in this entry's notice; else 404 ``unknown_objection``."""
    objection = session.execute(
        select(ListObjection).where(
            ListObjection.subject_id == entry.subject_id,
            ListObjection.id == objection_id,
            ListObjection.entry_id == entry.id,
        )
    ).scalar_one_or_none()
    if objection is None:
        raise NotFound(
            "异议不存在", "no such objection", field="objection_id", code="unknown_objection"
        )
    return objection


# --- entries of a subject, of a list ------------------------------------------------------------


def entries_of_subject(session: Session, subject_id: int) -> list[ListEntry]:
    return list(
        session.execute(
            select(ListEntry).where(ListEntry.subject_id == subject_id).order_by(ListEntry.id)
        ).scalars()
    )


def live_entry_on(session: Session, subject_id: int, list_id: int) -> int | None:
    """The id of the subject's live entry on this list, if it has one (at most one: a partial
    unique index keeps it so)."""
    row = session.execute(
        select(ListEntry.id).where(
            ListEntry.subject_id == subject_id,
            ListEntry.list_id == list_id,
            ListEntry.state.in_(LIVE_STATES),
        )
    ).first()
    return None if row is None else row[0]


def blocking_entries(session: Session, subject_id: int, today: date) -> list[ListEntry]:
    """The subject's entries that keep it off red lists today (lists/rules.BLOCKING_KINDS)."""
    rows = session.execute(
        select(ListEntry).where(
            ListEntry.subject_id == subject_id,
            ListEntry.kind.in_(BLOCKING_KINDS),
            ListEntry.state == EntryState.listed,
        )
    ).scalars()
    return [e for e in rows if is_in_force(e, today)]


def live_red_entries(session: Session, subject_id: int) -> list[ListEntry]:
    """The subject's live red entries, locked: what a black listing removes."""
    return list(
        session.execute(
            select(ListEntry)
            .where(
                ListEntry.subject_id == subject_id,
                ListEntry.kind == ListKind.red,
                ListEntry.state.in_(LIVE_STATES),
            )
            .with_for_update()
        ).scalars()
    )


def live_entries_based_on(session: Session, subject_id: int, record_id: int) -> list[ListEntry]:
    """The subject's live list entries that name this record as a basis, locked (few per
    subject: read whole and matched here, JSON containment being spelled differently per
    database)."""
    entries = session.execute(
        select(ListEntry)
        .where(ListEntry.subject_id == subject_id, ListEntry.state.in_(LIVE_STATES))
        .with_for_update()
    ).scalars()
    return [e for e in entries if str(record_id) in {str(r) for r in e.basis_records}]


def listed_entries_with_lists(
    session: Session, subject_ids: Iterable[int]
) -> list[tuple[ListEntry, CreditList]]:
    """The listed entries of these subjects, each with its list (lists/rules decides what
    they mean today)."""
    return [
        (entry, lst)
        for entry, lst in session.execute(
            _LISTED_WITH_LISTS, {"subject_ids": list(subject_ids)}
        ).all()
    ]


def listed_of_subjects(
    session: Session, subject_ids: Iterable[int]
) -> list[tuple[int, ListKind, EntryState, date | None, str]]:
    """The listed entries of these subjects as values — subject, kind, state, end of period
    and the list's name — without loading entities: a group of signings of 容缺受理 reads
    them at once (commitments/missing_documents.eligibility_facts)."""
    return [
        (sid, kind, state, until, spec["name"])
        for sid, kind, state, until, spec in session.execute(
            _LISTED_VALUES, {"subject_ids": list(subject_ids)}
        )
    ]


_entries, _lists = ListEntry.__table__.c, CreditList.__table__.c
_LISTED_VALUES = (
    select(_entries.subject_id, _entries.kind, _entries.state, _entries.listed_until, _lists.spec)
    .select_from(ListEntry.__table__.join(CreditList.__table__, _lists.id == _entries.list_id))
    .where(
        _entries.subject_id.in_(bindparam("subject_ids", expanding=True)),
        _entries.state == EntryState.listed,
    )
)

# Built once: a hot read (each signing of a 容缺受理, commitments/).
_LISTED_WITH_LISTS = (
    select(ListEntry, CreditList)
    .join(CreditList, CreditList.id == ListEntry.list_id)
    .where(
        ListEntry.subject_id.in_(bindparam("subject_ids", expanding=True)),
        ListEntry.state == EntryState.listed,
    )
)


def entries_of_subjects(
    session: Session, subject_ids: Iterable[int], states: Sequence[EntryState]
) -> list[ListEntry]:
    """The entries of these subjects in ``states``."""
    return list(
        session.execute(
            select(ListEntry).where(
                ListEntry.subject_id.in_(list(subject_ids)), ListEntry.state.in_(states)
            )
        ).scalars()
    )


def entries_due_to_expire(session: Session, today: date) -> list[ListEntry]:
    """Listed entries whose period has run out by ``today``, locked: the SQL form of
    lists/rules.is_in_force for the daily job."""
    return list(
        session.execute(
            select(ListEntry)
            .where(ListEntry.state == EntryState.listed, ListEntry.listed_until <= today)
            .with_for_update()
        ).scalars()
    )


def entries_of_list(
    session: Session,
    list_id: int,
    *,
    states: Sequence[EntryState] | None,
    after: int | None,
    limit: int,
) -> list[ListEntry]:
    """A page of a list's entries in ``states`` (all when None), by id after ``after``."""
    query = select(ListEntry).where(ListEntry.list_id == list_id)
    if states is not None:
        query = query.where(ListEntry.state.in_(states))
    if after is not None:
        query = query.where(ListEntry.id > after)
    return list(session.execute(query.order_by(ListEntry.id).limit(limit)).scalars())


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


def find_entries(
    session: Session,
    *,
    list_id: int | None,
    state: EntryState | None,
    before: int | None,
    limit: int,
) -> list[tuple[ListEntry, Subject]]:
    """Entries of every list (or of one), newest first, each with its subject: the credit
    authority's view of all departments' listings."""
    query = select(ListEntry, Subject).join(Subject, Subject.id == ListEntry.subject_id)
    if list_id is not None:
        query = query.where(ListEntry.list_id == list_id)
    if state is not None:
        query = query.where(ListEntry.state == state)
    if before is not None:
        query = query.where(ListEntry.id < before)
    rows = session.execute(query.order_by(ListEntry.id.desc()).limit(limit)).all()
    return [(entry, subject) for entry, subject in rows]
