"""Collection (归集, Measures art. 15–17): batches of records in, per-row errors out, the good
rows stored once, together, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.catalog.service import published_catalog
from xinyong.core import audit
from xinyong.core.clock import local_date
from xinyong.core.crypto import IdCipher
from xinyong.core.ids import IdGenerator
from xinyong.errors import Conflict, InvalidRequest
from xinyong.models import Batch, Channel, Department, Record
from xinyong.records.rules import PersonRef, PreparedRow, ValidityPolicy, prepare_row
from xinyong.records.writers import write_records
from xinyong.subjects.service import (
    link_persons,
    rename_from_registration,
    resolve_organisations,
    resolve_persons,
)

CHUNK_ROWS = 10_000


@dataclass(frozen=True)
class CollectionContext:
    ids: IdGenerator
    cipher: IdCipher
    validity: ValidityPolicy


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
        self._pending: list[PreparedRow] = []

    def feed(self, rows: Iterable[tuple[int, Any]]) -> None:
        for index, raw in rows:
            self.total += 1
            prepared = prepare_row(
                index,
                raw,
                items=self.items,
                provider_kind=self.provider.kind,
                today=self.today,
                cipher=self.ctx.cipher,
                validity=self.ctx.validity,
            )
            if isinstance(prepared, list):
                self.rejected.append({"index": index, "errors": prepared})
                continue
            self._pending.append(prepared)
            if len(self._pending) >= CHUNK_ROWS:
                self._flush()

    def reject(self, index: int, errors: list[dict]) -> None:
        """A row the reader could not even parse (a file row with a broken column, say)."""
        self.total += 1
        self.rejected.append({"index": index, "errors": errors})

    def _flush(self) -> None:
        rows, self._pending = self._pending, []
        if not rows:
            return
        ids = self.ctx.ids
        record_ids = ids.take(len(rows))
        orgs: dict[str, tuple[str, int]] = {}
        persons: dict[str, tuple[PersonRef, int | None]] = {}
        for row, rid in zip(rows, record_ids, strict=True):
            if row.credit_code is not None:
                orgs.setdefault(row.credit_code, (row.name, rid))
            elif row.person is not None:
                persons.setdefault(row.person.id_hash, (row.person, rid))
            for linked in row.links:
                persons.setdefault(linked.id_hash, (linked, None))
        org_ids, new_orgs = resolve_organisations(self.session, orgs, ids=ids, now=self.now)
        person_ids, _ = resolve_persons(
            self.session, persons, ids=ids, cipher=self.ctx.cipher, now=self.now
        )
        values = []
        for row, rid in zip(rows, record_ids, strict=True):
            subject_id = (
                org_ids[row.credit_code]
                if row.credit_code is not None
                else person_ids[row.person.id_hash]
            )  # type: ignore[union-attr]
            item = row.item
            values.append(
                {
                    "subject_id": subject_id,
                    "id": rid,
                    "item_code": item.spec.code,
                    "catalog_item_id": item.id,
                    "catalog_version": item.version,
                    "category": item.spec.category.value,
                    "disclosure": item.spec.disclosure.value,
                    "provider_id": self.provider.id,
                    "batch_id": self.batch_id,
                    "channel": self.channel.value,
                    "source_id": row.source_id,
                    "severity": row.severity,
                    "determined_on": row.determined_on,
                    "expires_on": row.expires_on,
                    "fields": row.fields,
                    "protected": row.protected,
                    "standing": "active",
                    "received_at": self.now,
                }
            )
        inserted = write_records(self.session, values)
        self.accepted += len(inserted)
        self.duplicates += len(rows) - len(inserted)
        renames: dict[int, tuple[str, int]] = {}
        links: list[tuple[int, int, str, int]] = []
        for row, value in zip(rows, values, strict=True):
            if value["id"] not in inserted:
                continue
            code = row.item.spec.code
            self.item_counts[code] = self.item_counts.get(code, 0) + 1
            if row.item.spec.registers_subject and row.credit_code is not None:
                if value["subject_id"] not in new_orgs:
                    renames[value["subject_id"]] = (row.name, value["id"])
                links.extend(
                    (value["subject_id"], person_ids[p.id_hash], p.role, value["id"])
                    for p in row.links
                )
        rename_from_registration(self.session, renames, ids=ids, now=self.now)
        link_persons(self.session, links, ids=ids, now=self.now)

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


def records_of_batch(session: Session, batch_id: int) -> list[Record]:
    return list(session.execute(select(Record).where(Record.batch_id == batch_id)).scalars())
