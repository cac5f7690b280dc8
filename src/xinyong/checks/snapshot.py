"""What a check compares against, held in process memory: the list entries in force, the
subjects under monitoring, the lists and the measures list.

These are small (100,000 entries at national-province scale) and change rarely, and the check
is on the hot path of every approval (000 §（十六）逢办必查), so each process keeps them and
brings them up to date from the change feed: a check reads the feed's head with its subjects,
and a process that is behind applies the changes since its own position before deciding. So a
change committed by any process is seen by every check that starts after it."""

from __future__ import annotations

import gc
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from xinyong.checks import rules
from xinyong.feeds.changes import GOVERNMENT, LIST_ENTRY, LISTS, MEASURES, head
from xinyong.government.repository import uncleared_failures
from xinyong.government.rules import FAILURES_KIND, FAILURES_LIST, FAILURES_LIST_NAME
from xinyong.measures.schemas import MeasureSpec
from xinyong.models import Change, CreditList, EntryState, ListEntry, Measure, Subject

# Changes that rebuild the snapshot whole; list-entry changes re-read their subjects, and the
# other topics (records, tokens, calendar, tasks, validity rules) do not touch it.
RELOAD_TOPICS = (LISTS, MEASURES)


@dataclass(frozen=True)
class ActiveEntry:
    entry_id: int
    subject_id: int
    list_code: str
    kind: str
    listed_until: date | None
    department_id: int


@dataclass(frozen=True)
class Monitored:
    entry_id: int
    list_code: str
    until: date


@dataclass(frozen=True)
class ListInfo:
    code: str
    name: str
    kind: str
    field: str


@dataclass
class Snapshot:
    seq: int = -1
    entries: dict[int, list[ActiveEntry]] = field(default_factory=dict)
    monitored: dict[int, list[Monitored]] = field(default_factory=dict)
    # Credit code and name of each subject with an entry, for the reasons a check gives.
    names: dict[int, tuple[str | None, str]] = field(default_factory=dict)
    lists: dict[str, ListInfo] = field(default_factory=dict)
    # scenario -> measures that act in it
    by_scenario: dict[str, list[MeasureSpec]] = field(default_factory=dict)

    def entries_in_force(self, subject_id: int, today: date) -> list[ActiveEntry]:
        entries = self.entries.get(subject_id, ())
        return [e for e in entries if rules.in_force(e.listed_until, today)]


# From this many subjects with entries the collector's walk over a snapshot is worth avoiding.
FREEZE_FROM_SUBJECTS = 10_000


class SnapshotCache:
    """One per process (app.state). Thread-safe: sync endpoints run in a thread pool."""

    def __init__(self) -> None:
        self._snapshot = Snapshot()
        self._lock = threading.Lock()

    def warm(self, sessions: Callable[[], Session]) -> None:
        """Load at start-up, so that the first checks do not wait for it (seconds at
        100,000 entries)."""
        self.current(0, sessions)

    def fresh(self, seq: int) -> Snapshot | None:
        """The snapshot if it is as new as change ``seq``, without touching the database."""
        snap = self._snapshot
        return snap if snap.seq >= seq else None

    def current(self, seq: int, sessions: Callable[[], Session]) -> Snapshot:
        """The snapshot as of change ``seq`` (the head, read in the caller's statement) or
        later. Loads in full on first use, else applies the changes since."""
        snap = self._snapshot
        if snap.seq >= seq:
            return snap
        with self._lock:
            snap = self._snapshot
            if snap.seq < seq:
                with sessions() as session, session.begin():
                    self._snapshot = snap = self._advance(session, snap)
                # The snapshot's hundred thousand objects live long: keep the cyclic garbage
                # collector from walking them on every full collection (a pause in the middle
                # of checks). They hold no cycles, so reference counting frees them when a
                # newer snapshot replaces this one. Only a large one: freezing moves every
                # object of the process out of the collector's reach for good, cyclic garbage
                # too, which a process making many apps (the tests) would never get back.
                if len(snap.entries) + len(snap.monitored) >= FREEZE_FROM_SUBJECTS:
                    gc.freeze()
            return snap

    def _advance(self, session: Session, old: Snapshot) -> Snapshot:
        target = head(session)
        if old.seq < 0:
            return _load(session, target)
        changes = list(
            session.execute(
                select(Change.topic, Change.subject_id, Change.entry_id)
                .where(Change.seq > old.seq, Change.seq <= target)
                .order_by(Change.seq)
            )
        )
        if any(topic in RELOAD_TOPICS for topic, _, _ in changes) or len(changes) > 5_000:
            return _load(session, target)
        entries = dict(old.entries)
        monitored = dict(old.monitored)
        names = dict(old.names)
        # Re-read whole subjects: a change of one entry (or of a 政务失信 case) rewrites that
        # subject's lines.
        subjects = {
            sid
            for topic, sid, eid in changes
            if sid is not None
            and ((topic == LIST_ENTRY and eid is not None) or topic == GOVERNMENT)
        }
        for sid in subjects:
            entries.pop(sid, None)
            monitored.pop(sid, None)
        if subjects:
            _fill(session, entries, monitored, names, ListEntry.subject_id.in_(subjects))
            _fill_government(session, entries, names, subjects)
        return Snapshot(
            seq=target,
            entries=entries,
            monitored=monitored,
            names=names,
            lists=old.lists,
            by_scenario=old.by_scenario,
        )


def _fill(
    session: Session,
    entries: dict[int, list[ActiveEntry]],
    monitored: dict[int, list[Monitored]],
    names: dict[int, tuple[str | None, str]],
    condition: ColumnElement[bool],
) -> None:
    rows = session.execute(
        select(
            Subject.credit_code,
            Subject.name,
            ListEntry.subject_id,
            ListEntry.id,
            ListEntry.list_code,
            ListEntry.kind,
            ListEntry.listed_until,
            ListEntry.department_id,
            ListEntry.state,
            ListEntry.monitoring_until,
        )
        .join(Subject, Subject.id == ListEntry.subject_id)
        .where(
            condition,
            (ListEntry.state == EntryState.listed)
            | ((ListEntry.state == EntryState.exited) & ListEntry.monitoring_until.is_not(None)),
        )
    )
    grouped: dict[int, list[ActiveEntry]] = defaultdict(list)
    watched: dict[int, list[Monitored]] = defaultdict(list)
    for credit_code, name, sid, eid, code, kind, until, dept, state, monitoring_until in rows:
        names[sid] = (credit_code, name)
        if state == EntryState.listed:
            grouped[sid].append(ActiveEntry(eid, sid, code, str(kind), until, dept))
        elif monitoring_until is not None:  # an exit under monitoring (the query's condition)
            watched[sid].append(Monitored(eid, code, monitoring_until))
    entries.update(grouped)
    monitored.update(watched)


def _fill_government(
    session: Session,
    entries: dict[int, list[ActiveEntry]],
    names: dict[int, tuple[str | None, str]],
    subjects: set[int] | None,
) -> None:
    """The 政务失信 cases not yet cleared, as entries of the platform's own list of them
    (government/rules.FAILURES_LIST): the measures list names it like any list, so that a
    check in ``honours`` refuses a failing body (003 政务诚信 二（五）: 依规取消相关政府部门参加
    各类荣誉评选资格)."""
    for sid, case_id, provider, _decided, credit_code, name in uncleared_failures(
        session, subjects
    ):
        names[sid] = (credit_code, name)
        line = entries.setdefault(sid, [])
        line.append(ActiveEntry(case_id, sid, FAILURES_LIST, FAILURES_KIND, None, provider))


def _load(session: Session, seq: int) -> Snapshot:
    entries: dict[int, list[ActiveEntry]] = {}
    monitored: dict[int, list[Monitored]] = {}
    names: dict[int, tuple[str | None, str]] = {}
    _fill(
        session,
        entries,
        monitored,
        names,
        ListEntry.state.in_([EntryState.listed, EntryState.exited]),
    )
    _fill_government(session, entries, names, None)
    lists = {
        row.code: ListInfo(row.code, row.spec["name"], row.kind.value, row.field)
        for row in session.execute(select(CreditList)).scalars()
    }
    lists[FAILURES_LIST] = ListInfo(FAILURES_LIST, FAILURES_LIST_NAME, FAILURES_KIND, "government")
    by_scenario: dict[str, list[MeasureSpec]] = defaultdict(list)
    for row in session.execute(
        select(Measure).where(Measure.active).order_by(Measure.id)
    ).scalars():
        spec = MeasureSpec.model_validate(row.spec)
        for scenario in spec.scenarios:
            by_scenario[scenario].append(spec)
    return Snapshot(
        seq=seq,
        entries=entries,
        monitored=monitored,
        names=names,
        lists=lists,
        by_scenario=dict(by_scenario),
    )
