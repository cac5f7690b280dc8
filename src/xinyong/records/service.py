"""Collection (归集, Measures art. 15–17): batches of records in, per-row errors out, the good
rows stored once, together, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.catalog.service import published_catalog
from xinyong.core import audit
from xinyong.core.bulk import timestamp_value
from xinyong.core.clock import local_date
from xinyong.core.crypto import IdCipher
from xinyong.core.ids import IdGenerator
from xinyong.db import Database
from xinyong.errors import Conflict, InvalidRequest
from xinyong.models import Batch, Channel, Department
from xinyong.records.rules import BatchIdNumbers, PersonRef, ValidityRules, prepare_row
from xinyong.records.writers import RecordStager, StagedRow, StagerConfig, write_records
from xinyong.subjects.service import (
    link_persons,
    rename_from_registration,
    resolve_organisations,
    resolve_persons,
)
from xinyong.validity.service import current_rules, rules_version

CHUNK_ROWS = 10_000


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


def find_answer(session: Session, provider_id: int, idempotency_key: str) -> dict | None:
    """The answer first given to a batch sent with this Idempotency-Key, if any."""
    return session.execute(
        select(Batch.answer).where(
            Batch.provider_id == provider_id, Batch.idempotency_key == idempotency_key
        )
    ).scalar_one_or_none()


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
    ) -> None:
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

    def _flush(self) -> None:
        rows: list[StagedRow]
        rows, self._pending = self._pending, []  # type: ignore[assignment]
        if not rows:
            return
        ids = self.ctx.ids
        record_ids = ids.take(len(rows))
        orgs: dict[str, tuple[str, int]] = {}
        persons: dict[str, tuple[PersonRef, int | None]] = {}
        for (code, person, name, _, _, registers, links, _), rid in zip(
            rows, record_ids, strict=True
        ):
            if code is not None:
                # A registration's name is authoritative (docs/catalog-format.md).
                if registers or code not in orgs:
                    orgs[code] = (name, rid)
            elif person[0] not in persons:
                persons[person[0]] = (person, rid)
            for linked in links:
                if linked[0] not in persons:
                    persons[linked[0]] = (linked, None)
        org_ids, new_orgs = resolve_organisations(self.session, orgs, ids=ids, now=self.now)
        person_ids, _ = resolve_persons(self.session, persons, ids=ids, now=self.now)
        out: list = []
        out_ids: list[int] = []
        kept: list[tuple[int, int, StagedRow]] = []
        seen: set[tuple[int, str, str]] = set()
        text = self._text
        for row, rid in zip(rows, record_ids, strict=True):
            code = row[0]
            subject_id = org_ids[code] if code is not None else person_ids[row[1][0]]
            key = (subject_id, row[3], row[4])
            if key in seen:  # the same record twice in one batch is stored once
                continue
            seen.add(key)
            out.append(f"{subject_id}\t{rid}\t{row[7]}" if text else (subject_id, rid, *row[7]))
            out_ids.append(rid)
            kept.append((subject_id, rid, row))
        stored = write_records(self.session, out, out_ids)
        if stored is not None:
            kept = [k for k in kept if k[1] in stored]
        self.accepted += len(kept)
        self.duplicates += len(rows) - len(kept)
        counts = self.item_counts
        renames: dict[int, tuple[str, int]] = {}
        links: list[tuple[int, int, str, int]] = []
        for subject_id, rid, row in kept:
            code = row[3]
            counts[code] = counts.get(code, 0) + 1
            if not row[5]:
                continue
            if subject_id not in new_orgs:
                renames[subject_id] = (row[2], rid)
            links.extend((subject_id, person_ids[p[0]], p[5], rid) for p in row[6])
        rename_from_registration(self.session, renames, ids=ids, now=self.now)
        link_persons(self.session, links, ids=ids, now=self.now, new_orgs=new_orgs)

    def finish(self, idempotency_key: str | None = None) -> dict:
        self._flush()
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
