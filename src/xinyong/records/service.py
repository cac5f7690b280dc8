"""Collection (归集, Measures art. 15–17): batches of records in, per-row errors out, the good
rows stored once, together, in the caller's transaction."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from sqlalchemy.orm import Session

from xinyong.catalog.service import published_catalog
from xinyong.core import audit
from xinyong.core.bulk import timestamp_value
from xinyong.core.clock import local_date
from xinyong.core.crypto import IdCipher
from xinyong.core.ids import IdGenerator
from xinyong.db import Database
from xinyong.errors import Conflict, InvalidRequest
from xinyong.models import Batch, Channel, Department, Subject
from xinyong.records.rules import BatchIdNumbers, PersonTuple, ValidityRules, prepare_row
from xinyong.records.writers import RecordStager, StagedRow, StagerConfig, write_records
from xinyong.subjects.repository import existing_subjects
from xinyong.subjects.service import (
    SUBJECT_COLUMNS,
    create_subjects,
    link_persons,
    organisation_row,
    person_row,
    rename_from_registration,
)
from xinyong.validity.service import current_rules, rules_version

CHUNK_ROWS = 10_000
LOOK_AHEAD = 2  # flushes looked up at once when writing on a thread of its own
QUEUED_WRITES = 2  # flushes prepared and waiting for that thread
ORG_KEY_AT = SUBJECT_COLUMNS.index("credit_code")
PERSON_KEY_AT = SUBJECT_COLUMNS.index("id_hash")

T = TypeVar("T")
N = TypeVar("N", tuple[str, int], tuple[PersonTuple, int | None])  # how a flush names a subject


class CollectionContext:
    """What collection needs of the process: its id generator, the ID-number cipher and the
    validity rules. Made outside any transaction: it registers the process's id node (db.py)
    on creation."""

    def __init__(self, db: Database) -> None:
        self.settings = db.settings
        self.ids: IdGenerator = db.ids
        self.cipher: IdCipher = db.cipher
        self._validity: tuple[tuple[int, int], ValidityRules] | None = None

    def validity_rules(self, session: Session) -> ValidityRules:
        """The validity rules as of this transaction, read once per batch (never per row).
        Rules are added, never edited or removed, so their count and highest id name the set:
        the rules are read again only when one was added, by any process."""
        version = rules_version(session)
        cached = self._validity
        if cached is None or cached[0] != version:
            cached = self._validity = (version, current_rules(session))
        return cached[1]


class _Named(NamedTuple):
    """A flush's rows with their record ids and the subjects they name (Collector._named)."""

    rows: list[StagedRow]
    record_ids: list[int]
    orgs: dict[str, tuple[str, int]]  # credit code -> (name, id of the record naming it)
    # ID-number hash -> (person, id of the record naming it; None for a person only linked)
    persons: dict[str, tuple[PersonTuple, int | None]]


class _Flush(NamedTuple):
    """A flush's rows with every subject's id (new subjects' taken from the id generator, not
    yet stored), ready to write."""

    rows: list[StagedRow]
    record_ids: list[int]
    org_ids: dict[str, int]  # credit code -> subject id
    person_ids: dict[str, int]  # ID-number lookup hash -> subject id
    new_orgs: list[tuple]  # rows of subjects to create (subjects.service.SUBJECT_COLUMNS)
    new_persons: list[tuple]
    out: list  # the records in the driver's form (core.bulk.insert_staged)
    out_ids: list[int]
    kept: list[tuple[int, int, StagedRow]]  # (subject id, record id, row) of each in out


class _Writer:
    """One thread that runs a Collector's database work on the transaction's connection while
    the Collector's thread prepares the next flush; the driver releases the GIL while the
    server works (``COPY``), which is when this pays. Writes run in the order handed over;
    a look-up runs before the writes not yet started, so the Collector waits only for the
    write in progress. After a failure nothing more runs, and the first error is raised to
    the Collector at its next look-up or at :meth:`drain`."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._look_ups: deque[tuple[Future, Callable, tuple]] = deque()
        self._writes: deque[tuple[Callable, tuple]] = deque()
        self._busy = self._closed = False
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="xinyong-writer", daemon=True)
        self._thread.start()

    def look_up(self, fn: Callable[..., T], *args: Any) -> T:
        future: Future[T] = Future()
        with self._changed:
            self._look_ups.append((future, fn, args))
            self._changed.notify_all()
        return future.result()

    def write(self, fn: Callable[..., None], *args: Any) -> None:
        """Queue a write; wait while ``QUEUED_WRITES`` are waiting already. Unbounded, the
        Collector ran ahead of the database by dozens of flushes (memory), and at the end the
        database wrote them alone while the validation workers had finished (one core idle)."""
        with self._changed:
            while len(self._writes) >= QUEUED_WRITES and self._error is None:
                self._changed.wait()
            self._writes.append((fn, args))
            self._changed.notify_all()

    def drain(self) -> None:
        """Wait for every write handed over; raise the first error."""
        with self._changed:
            while self._writes or self._busy:
                self._changed.wait()
            if self._error is not None:
                raise self._error

    def close(self) -> None:
        """Stop: writes not yet started are dropped, the one running is waited for (the
        transaction may end only when this thread no longer uses it)."""
        with self._changed:
            self._closed = True
            self._writes.clear()
            self._changed.notify_all()
        self._thread.join()

    def _work(self) -> None:
        while True:
            with self._changed:
                while not (self._look_ups or self._writes or self._closed):
                    self._changed.wait()
                if self._look_ups:
                    future, fn, args = self._look_ups.popleft()
                elif self._writes:
                    future, (fn, args) = None, self._writes.popleft()
                else:
                    return
                self._busy, error = True, self._error
                self._changed.notify_all()  # room in the queue
            try:
                if error is not None:
                    if future is not None:
                        future.set_exception(error)
                    continue
                result = fn(*args)
                if future is not None:
                    future.set_result(result)
            except BaseException as exc:
                with self._changed:
                    self._error = exc
                if future is not None:
                    future.set_exception(exc)
            finally:
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()


class Collector:
    """Receives one batch, possibly streamed in chunks (file imports of millions of rows)."""

    def __init__(
        self,
        session: Session,
        ctx: CollectionContext,
        *,
        provider: Department,
        channel: Channel,
        via: str,
        actor: str,
        now: datetime,
        filename: str | None = None,
        overlap: bool = False,
    ) -> None:
        """``overlap``: write on a thread of its own while this one prepares the next rows
        (file imports on PostgreSQL, docs/performance.md § Ingestion); :meth:`close` must then
        be called, also on failure, before the transaction ends."""
        catalog = published_catalog(session)
        if catalog is None:
            raise Conflict(
                "尚未发布公共信用信息目录",
                "no catalog has been published",
                code="no_published_catalog",
            )
        self.session, self.ctx, self.provider = session, ctx, provider
        self.channel, self.via, self.actor, self.now, self.filename = (
            channel,
            via,
            actor,
            now,
            filename,
        )
        self.today = local_date(now)
        self.items = catalog.items
        self.batch_id = ctx.ids.next_id()
        self.total = self.accepted = self.duplicates = 0
        self.rejected: list[dict] = []
        self.item_counts: dict[str, int] = {}
        self._pending: list[tuple] = []
        self._text = session.get_bind().dialect.name == "postgresql"
        self._stamp = timestamp_value(session.get_bind().dialect.name, now)
        # key -> id of the subjects this batch created (or found created by a concurrent one)
        self._orgs: dict[str, int] = {}
        self._persons: dict[str, int] = {}
        self._lost: dict[int, int] = {}  # id given here -> id of the concurrent creator's
        self._writer = _Writer() if overlap else None
        self._look_ahead = LOOK_AHEAD if overlap else 1
        self._waiting: list[_Named] = []  # flushes not yet looked up
        self.stager_config = StagerConfig(
            dialect=session.get_bind().dialect.name,
            provider_id=provider.id,
            batch_id=self.batch_id,
            channel=channel.value,
            received_at=timestamp_value(session.get_bind().dialect.name, now),
        )
        self._stager = RecordStager(self.items, self.stager_config)
        self._id_numbers = BatchIdNumbers(ctx.cipher, self.today)
        self.validity = ctx.validity_rules(session)

    def feed(self, rows: Iterable[tuple[int, Any]]) -> None:
        """Validate raw records here and store the good ones."""
        items, kind, today = self.items, self.provider.kind, self.today
        id_numbers, validity = self._id_numbers, self.validity
        stage = self._stager.stage
        staged: list[tuple] = []
        for index, raw in rows:
            row = prepare_row(
                index,
                raw,
                items=items,
                provider_kind=kind,
                today=today,
                id_numbers=id_numbers,
                validity=validity,
            )
            if isinstance(row, list):
                self.reject(index, row)
            else:
                staged.append(stage(row))
        self.feed_staged(staged)

    def feed_staged(self, rows: list[tuple]) -> None:
        """Store valid records, staged (records/writers.py) here by ``feed`` or in a
        validation worker (records/pipeline.py)."""
        self.total += len(rows)
        self._pending.extend(rows)
        if len(self._pending) >= CHUNK_ROWS:
            self._flush()

    def reject(self, index: int, errors: list[dict]) -> None:
        """A row that failed validation, or that the reader could not even parse."""
        self.total += 1
        self.rejected.append({"index": index, "errors": errors})

    def _flush(self, *, last: bool = False) -> None:
        """Store the pending rows. With a writer thread (``overlap``), the rows of
        ``LOOK_AHEAD`` flushes are looked up together, then each flush is prepared here and
        handed to the writer: while it writes one, the next is already queued behind it, and
        this thread's next look-up waits only for the write in progress. ``last``: the end of
        the batch, store everything."""
        rows: list[StagedRow]
        rows, self._pending = self._pending, []  # type: ignore[assignment]  # tuples as staged
        if rows:
            self._waiting.append(self._named(rows))
        if not self._waiting or (len(self._waiting) < self._look_ahead and not last):
            return
        flushes, self._waiting = self._waiting, []
        # Subjects this batch created are in the maps, written or not (a look-up may run
        # before the writes of earlier flushes); the others are looked up.
        codes = {c: None for _, _, orgs, _ in flushes for c in orgs if c not in self._orgs}
        digests = {
            d: None for _, _, _, persons in flushes for d in persons if d not in self._persons
        }
        writer = self._writer
        if writer is None:
            found = self._look_up(list(codes), list(digests))
            for flush in flushes:
                self._write(self._prepare(flush, found))
            return
        found = writer.look_up(self._look_up, list(codes), list(digests))
        for flush in flushes:
            writer.write(self._write, self._prepare(flush, found))

    def _named(self, rows: list[StagedRow]) -> _Named:
        """The rows with their record ids, and the subjects they name."""
        record_ids = self.ctx.ids.take(len(rows))
        orgs: dict[str, tuple[str, int]] = {}
        persons: dict[str, tuple[PersonTuple, int | None]] = {}
        for (code, person, name, _, _, registers, links, _), rid in zip(
            rows, record_ids, strict=True
        ):
            if code is not None:
                # A registration's name is authoritative (docs/catalog-format.md).
                if registers or code not in orgs:
                    orgs[code] = (name, rid)
            else:
                assert person is not None  # prepare_row names a subject by exactly one key
                if person[0] not in persons:
                    persons[person[0]] = (person, rid)
            for linked in links:
                if linked[0] not in persons:
                    persons[linked[0]] = (linked, None)
        return _Named(rows, record_ids, orgs, persons)

    def _look_up(
        self, codes: list[str], digests: list[str]
    ) -> tuple[dict[str, int], dict[str, int]]:
        return (
            existing_subjects(self.session, Subject.credit_code, codes),
            existing_subjects(self.session, Subject.id_hash, digests),
        )

    def _prepare(self, named: _Named, found: tuple[dict[str, int], dict[str, int]]) -> _Flush:
        """The flush with every subject's id: stored ones as found, new ones given ids now
        (kept in the maps, so later flushes of this import do not look them up)."""
        rows, record_ids, orgs, persons = named
        stamp = self._stamp
        found_orgs, found_persons = found
        org_ids, new_orgs = self._ids_of(
            orgs,
            self._orgs,
            found_orgs,
            lambda sid, code, named: organisation_row(sid, code, *named, stamp),
        )
        person_ids, new_persons = self._ids_of(
            persons,
            self._persons,
            found_persons,
            lambda sid, _, named: person_row(sid, *named, stamp),
        )
        return _Flush(
            rows,
            record_ids,
            org_ids,
            person_ids,
            new_orgs,
            new_persons,
            *self._records(rows, record_ids, org_ids, person_ids),
        )

    def _ids_of(
        self,
        named: dict[str, N],
        known: dict[str, int],
        found: dict[str, int],
        make_row: Callable[[int, str, N], tuple],
    ) -> tuple[dict[str, int], list[tuple]]:
        """Each key's subject id — one this batch created (``known``), one stored (``found``),
        or a new one from the id generator, kept in ``known`` — and the rows of the subjects
        to create."""
        ids: dict[str, int] = {}
        missing: list[str] = []
        for key in named:
            sid = known.get(key) or found.get(key)
            if sid is None:
                missing.append(key)
            else:
                ids[key] = sid
        new_rows = []
        for key, sid in zip(missing, self.ctx.ids.take(len(missing)), strict=True):
            new_rows.append(make_row(sid, key, named[key]))
            ids[key] = known[key] = sid
        return ids, new_rows

    def _records(
        self,
        rows: list[StagedRow],
        record_ids: list[int],
        org_ids: dict[str, int],
        person_ids: dict[str, int],
    ) -> tuple[list, list[int], list[tuple[int, int, StagedRow]]]:
        """The rows to insert (driver form), their ids, and (subject id, record id, row) of
        each; the same record twice in one batch is kept once."""
        out: list = []
        out_ids: list[int] = []
        kept: list[tuple[int, int, StagedRow]] = []
        seen: set[tuple[int, str, str]] = set()
        text = self._text
        for row, rid in zip(rows, record_ids, strict=True):
            code, person = row[0], row[1]
            if code is not None:
                subject_id = org_ids[code]
            else:
                assert person is not None  # prepare_row names a subject by exactly one key
                subject_id = person_ids[person[0]]
            key = (subject_id, row[3], row[4])
            if key in seen:
                continue
            seen.add(key)
            out.append(f"{subject_id}\t{rid}\t{row[7]}" if text else (subject_id, rid, *row[7]))
            out_ids.append(rid)
            kept.append((subject_id, rid, row))
        return out, out_ids, kept

    def _write(self, flush: _Flush) -> None:
        session, ids, now = self.session, self.ctx.ids, self.now
        made_orgs, new_orgs = create_subjects(session, Subject.credit_code, flush.new_orgs)
        made_persons, _ = create_subjects(session, Subject.id_hash, flush.new_persons)
        org_ids, person_ids = flush.org_ids, flush.person_ids
        out, out_ids, kept = flush.out, flush.out_ids, flush.kept
        self._note_lost(flush.new_orgs, ORG_KEY_AT, made_orgs, self._orgs)
        self._note_lost(flush.new_persons, PERSON_KEY_AT, made_persons, self._persons)
        lost = self._lost
        if lost and any(i in lost for i in (*org_ids.values(), *person_ids.values())):
            # A concurrent import created some of these subjects first: their records and
            # links go to the subjects it made.
            org_ids = {k: lost.get(i, i) for k, i in org_ids.items()}
            person_ids = {k: lost.get(i, i) for k, i in person_ids.items()}
            out, out_ids, kept = self._records(flush.rows, flush.record_ids, org_ids, person_ids)
        stored = write_records(session, out, out_ids)
        if stored is not None:
            kept = [k for k in kept if k[1] in stored]
        self.accepted += len(kept)
        self.duplicates += len(flush.rows) - len(kept)
        counts = self.item_counts
        renames: dict[int, tuple[str, int]] = {}
        links: list[tuple[int, int, str, int]] = []
        for subject_id, rid, row in kept:
            code = row[3]
            counts[code] = counts.get(code, 0) + 1
            # A registration names its organisation; any row may link persons to it (a
            # registration its legal representative, a shareholding its shareholder).
            if row[5] and subject_id not in new_orgs:
                renames[subject_id] = (row[2], rid)
            links.extend((subject_id, person_ids[p[0]], p[5], rid) for p in row[6])
        rename_from_registration(session, renames, ids=ids, now=now)
        link_persons(session, links, ids=ids, now=now, new_orgs=new_orgs)

    def _note_lost(
        self, rows: list[tuple], key_at: int, made: dict[str, int], known: dict[str, int]
    ) -> None:
        """Subjects given an id here that a concurrent import stored first, under its id."""
        for row in rows:
            sid = made[row[key_at]]
            if sid != row[0]:
                self._lost[row[0]] = known[row[key_at]] = sid

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()

    def finish(self, idempotency_key: str | None = None) -> dict:
        self._flush(last=True)
        if self._writer is not None:
            self._writer.drain()
        answer = {
            "batch_id": str(self.batch_id),
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
        }
        self.session.add(
            Batch(
                id=self.batch_id,
                provider_id=self.provider.id,
                channel=self.channel,
                via=self.via,
                filename=self.filename,
                received_at=self.now,
                total=self.total,
                accepted=self.accepted,
                duplicates=self.duplicates,
                rejected=len(self.rejected),
                idempotency_key=idempotency_key,
                answer=answer,
            )
        )
        audit.log(
            self.session,
            actor=self.actor,
            action="records.batch_received",
            at=self.now,
            target_type="batch",
            target_id=self.batch_id,
            after_ref=f"batch:{self.batch_id}",
            detail={
                "channel": self.channel.value,
                "via": self.via,
                "total": self.total,
                "accepted": self.accepted,
                "duplicates": self.duplicates,
                "rejected": len(self.rejected),
                "items": self.item_counts,
            },
        )
        self.session.flush()
        return answer


def parse_channel(value: Any) -> Channel:
    try:
        return Channel(value)
    except ValueError:
        raise InvalidRequest(
            "channel 应为 same_level 或 province_unified",
            "channel must be same_level or province_unified",
            field="channel",
            code="invalid_channel",
        ) from None
