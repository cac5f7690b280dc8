"""Storing prepared records: once per (subject, provider, item, source_id) — the same record
by either channel is stored once (Measures art. 16).

A valid record is *staged* (:class:`RecordStager`) into what the database takes, all but its
subject id and its own id: a line of ``COPY`` text on PostgreSQL, a tuple for ``executemany``
on SQLite. File imports stage in the validation workers (records/pipeline.py), so the main
process only resolves subjects, prefixes the two ids and writes; a staged row is made of
tuples and strings only, which cross between processes cheaply (a dataclass costs ten times
as much to pickle).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from xinyong.core.bulk import copy_escape, copy_line, insert_staged
from xinyong.records.checkers import CompiledItem
from xinyong.records.rules import LinkTuple, PersonTuple, PreparedRow

COLUMNS = (
    "subject_id",
    "id",
    "item_code",
    "catalog_item_id",
    "catalog_version",
    "category",
    "disclosure",
    "provider_id",
    "batch_id",
    "channel",
    "source_id",
    "severity",
    "determined_on",
    "expires_on",
    "fields",
    "protected",
    "standing",
    "received_at",
    "subject_name",
)
DEDUP_KEY = ("subject_id", "provider_id", "item_code", "source_id")


class StagedRow(NamedTuple):
    """A valid record as the Collector stores it. Built as a plain tuple by
    :meth:`RecordStager.stage`; the names document the positions."""

    credit_code: str | None  # the subject, if an organisation
    person: PersonTuple | None  # the subject, if a natural person
    name: str
    item: str
    source_id: str
    registers: bool  # a registration of an organisation: names it, links its persons
    links: tuple[LinkTuple, ...]
    tail: str | tuple  # the record's columns after subject_id and id


class StagerConfig(NamedTuple):
    """What a stager needs besides the catalog; picklable, for the workers."""

    dialect: str
    provider_id: int
    batch_id: int
    channel: str
    received_at: str  # core.bulk.timestamp_value


class RecordStager:
    def __init__(self, items: dict[str, CompiledItem], config: StagerConfig) -> None:
        self.text = config.dialect == "postgresql"
        self._heads: dict[str, tuple[Any, bool]] = {}
        for code, item in items.items():
            spec = item.spec
            head = (
                code,
                item.id,
                item.version,
                spec.category.value,
                spec.disclosure.value,
                config.provider_id,
                config.batch_id,
                config.channel,
            )
            self._heads[code] = (
                copy_line(head) + "\t" if self.text else head,
                spec.registers_subject,
            )
        self._foot: Any = (
            f"\tactive\t{config.received_at}" if self.text else ("active", config.received_at)
        )

    def stage(self, row: PreparedRow) -> tuple:
        head, registers = self._heads[row.item]
        if self.text:
            n = "\\N"
            protected = row.protected_json
            tail: Any = (
                f"{head}{copy_escape(row.source_id)}\t{row.severity or n}\t"
                f"{row.determined_on or n}\t{row.expires_on or n}\t{copy_escape(row.fields_json)}"
                f"\t{n if protected is None else copy_escape(protected)}{self._foot}"
                f"\t{n if row.credit_code is None else copy_escape(row.name)}"
            )
        else:
            tail = (
                *head,
                row.source_id,
                row.severity,
                row.determined_on,
                row.expires_on,
                row.fields_json,
                row.protected_json,
                *self._foot,
                None if row.credit_code is None else row.name,
            )
        person = row.person
        return (
            row.credit_code,
            None if person is None else tuple(person),
            row.name,
            row.item,
            row.source_id,
            registers and row.credit_code is not None,
            tuple(tuple(p) for p in row.links),
            tail,
        )


def write_records(session: Session, rows: list, ids: list[int]) -> set[int] | None:
    """Insert the staged records (COPY lines or tuples, with their ids in ``ids``) not already
    stored; return None if all went in, else the ids of those that did."""
    return insert_staged(session, "records", COLUMNS, rows, ids, conflict=DEDUP_KEY)
