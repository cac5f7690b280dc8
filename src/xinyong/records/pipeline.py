"""Validation in worker processes, for imports of millions of rows.

Parsing and validating a record is pure Python work (about 25 µs a row on this machine), more
than PostgreSQL needs to store it. For big files the rows are therefore validated by a pool of
worker processes, in order, while this process resolves subjects and writes what they return.
The workers get the compiled catalog, the ID-number keys and the batch's constants once, at
start, and return each valid row staged for storage (records/writers.py: its COPY line or
tuple, all but the two ids) as plain tuples, which cost little to send back.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from typing import Any

import orjson

from xinyong.catalog.schemas import ItemSpec
from xinyong.core.crypto import IdCipher
from xinyong.records.checkers import CompiledItem, compile_item
from xinyong.records.files import FileBlock, FileBlocks, ReadError
from xinyong.records.rules import BatchIdNumbers, ValidityRules, prepare_row
from xinyong.records.writers import RecordStager, StagerConfig

Rejection = tuple[int, list[dict]]

CHUNK = 2000
WORKER_NICENESS = 10
IN_FLIGHT = 8  # chunks queued per worker: more than one flush (service.CHUNK_ROWS) ahead

_state: dict[str, Any] = {}


def _init(
    items: list[tuple[int, int, dict]],
    master_key: bytes,
    validity: ValidityRules,
    provider_kind: str,
    today: str,
    stager: tuple,
) -> None:
    _state["items"] = {
        spec["code"]: compile_item(item_id, version, ItemSpec.model_validate(spec))
        for item_id, version, spec in items
    }
    _state["stager"] = RecordStager(_state["items"], StagerConfig(*stager))
    # Validation runs ahead of storing (IN_FLIGHT); storing — this process's parent and the
    # database — is the critical path, so on a busy machine the workers give way to it.
    os.nice(WORKER_NICENESS)
    _state["validity"] = validity
    _state["kind"] = provider_kind
    _state["today"] = date.fromisoformat(today)
    # a worker serves one import, that is one batch
    _state["id_numbers"] = BatchIdNumbers(IdCipher(master_key), _state["today"])


def _malformed(index: int, exc: Exception) -> Rejection:
    return (
        index,
        [
            {
                "field": None,
                "code": "malformed_json",
                "message": f"第 {index} 行不是有效的 JSON：{exc}",
                "message_en": f"line {index} is not valid JSON: {exc}",
            }
        ],
    )


def _block_rows(block: FileBlock) -> Iterator[tuple[int, Any]]:
    """The lines of a block of a JSON Lines file, numbered, blank lines skipped."""
    with open(block.path, "rb") as handle:
        handle.seek(block.offset)
        data = handle.read(block.length)
    for number, line in enumerate(data.split(b"\n"), start=block.first_line):
        if line.strip():
            yield number, line


def _validate(task: list[tuple[int, Any]] | FileBlock) -> tuple[list[tuple], list[Rejection]]:
    items, id_numbers, validity = _state["items"], _state["id_numbers"], _state["validity"]
    kind, today, stage = _state["kind"], _state["today"], _state["stager"].stage
    item_default = None
    rows: Iterable[tuple[int, Any]]
    if isinstance(task, FileBlock):
        rows, item_default = _block_rows(task), task.item
    else:
        rows = task
    staged: list[tuple] = []
    rejected: list[Rejection] = []
    for index, raw in rows:
        if isinstance(raw, ReadError):
            rejected.append((index, raw.errors))
            continue
        if isinstance(raw, bytes):
            try:
                raw = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                rejected.append(_malformed(index, exc))
                continue
            if item_default and isinstance(raw, dict) and not raw.get("item"):
                raw["item"] = item_default
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
            rejected.append((index, row))
        else:
            staged.append(stage(row))
    return staged, rejected


def _chunks(rows: Iterable[tuple[int, Any]]) -> Iterator[list[tuple[int, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


def validate_in_workers(
    rows: Iterable[tuple[int, Any]] | FileBlocks,
    *,
    items: dict[str, CompiledItem],
    master_key: bytes,
    validity: ValidityRules,
    provider_kind: str,
    today: date,
    stager: StagerConfig,
    workers: int,
) -> Iterator[tuple[list[tuple], list[Rejection]]]:
    """Validated chunks, in input order: the valid rows staged for storage, and the rejected
    rows with their errors. ``rows`` are numbered raw rows — a record or one JSON line
    (bytes) — or blocks of a JSON Lines file (records/files.py ``jsonl_blocks``), which the
    workers read themselves. At most a few chunks per worker are in flight, so memory stays
    bounded however far validation runs ahead of storage."""
    payload = [(i.id, i.version, i.spec.model_dump(mode="json")) for i in items.values()]
    context = multiprocessing.get_context("spawn")  # no inherited database connections
    with context.Pool(
        workers,
        initializer=_init,
        initargs=(
            payload,
            master_key,
            validity,
            provider_kind,
            today.isoformat(),
            tuple(stager),
        ),
    ) as pool:
        tasks: Iterable[Any] = rows
        if not isinstance(rows, FileBlocks):
            tasks = _chunks(rows)
        pending: deque = deque()
        for task in tasks:
            pending.append(pool.apply_async(_validate, (task,)))
            if len(pending) >= IN_FLIGHT * workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
