"""Validation in worker processes, for imports of millions of rows.

Parsing and validating a record is pure Python work (about 40 µs a row on this machine), more
than PostgreSQL needs to store it. For big files the rows are therefore validated by a pool of
worker processes, in order, while this process resolves subjects and writes what they return.
The workers get the compiled catalog and the ID-number keys once, at start.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from typing import Any

import orjson

from xinyong.catalog.schemas import ItemSpec
from xinyong.core.crypto import IdCipher
from xinyong.records.rules import (
    CompiledItem,
    PreparedRow,
    ValidityPolicy,
    compile_item,
    prepare_row,
)

CHUNK = 2000

_state: dict[str, Any] = {}


def _init(
    items: list[tuple[int, int, dict]],
    master_key: bytes,
    validity: tuple[int, int, int],
    provider_kind: str,
    today: str,
) -> None:
    _state["items"] = {
        spec["code"]: compile_item(item_id, version, ItemSpec.model_validate(spec))
        for item_id, version, spec in items
    }
    _state["cipher"] = IdCipher(master_key)
    _state["validity"] = ValidityPolicy(*validity)
    _state["kind"] = provider_kind
    _state["today"] = date.fromisoformat(today)


def _validate(chunk: list[tuple[int, Any]]) -> list[PreparedRow | tuple[int, list[dict]]]:
    items, cipher, validity = _state["items"], _state["cipher"], _state["validity"]
    kind, today = _state["kind"], _state["today"]
    out: list[PreparedRow | tuple[int, list[dict]]] = []
    for index, raw in chunk:
        if isinstance(raw, bytes):
            try:
                raw = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                out.append(
                    (
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
                )
                continue
        row = prepare_row(
            index,
            raw,
            items=items,
            provider_kind=kind,
            today=today,
            cipher=cipher,
            validity=validity,
        )
        out.append((index, row) if isinstance(row, list) else row)
    return out


def _chunks(rows: Iterable[tuple[int, Any]]) -> Iterator[list[tuple[int, Any]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


def validate_in_workers(
    rows: Iterable[tuple[int, Any]],
    *,
    items: dict[str, CompiledItem],
    master_key: bytes,
    validity: ValidityPolicy,
    provider_kind: str,
    today: date,
    workers: int,
) -> Iterator[list[PreparedRow | tuple[int, list[dict]]]]:
    """Validated chunks, in input order. A raw row may be a record or one JSON line (bytes)."""
    payload = [(i.id, i.version, i.spec.model_dump(mode="json")) for i in items.values()]
    context = multiprocessing.get_context("spawn")  # no inherited database connections
    with context.Pool(
        workers,
        initializer=_init,
        initargs=(
            payload,
            master_key,
            (validity.general, validity.serious, validity.severe),
            provider_kind,
            today.isoformat(),
        ),
    ) as pool:
        yield from pool.imap(_validate, _chunks(rows), chunksize=1)
