"""File upload, the transitional means of collection (Measures art. 16: 暂不具备数据库对接条件
的，以适当过渡方式提供): CSV in UTF-8 or GB18030, JSON Lines and Excel (.xlsx), read into the same
record shape as the API so that one validation serves both."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import orjson

# Columns that are not fields of the item, by English name or Chinese header.
SPECIAL_COLUMNS = {
    "item": "item",
    "信息项": "item",
    "信息项代码": "item",
    "source_id": "source_id",
    "来源编号": "source_id",
    "记录编号": "source_id",
    "credit_code": "credit_code",
    "统一社会信用代码": "credit_code",
    "id_number": "id_number",
    "身份证号码": "id_number",
    "居民身份证号码": "id_number",
    "subject_name": "name",
    "主体名称": "name",
    "severity": "severity",
    "失信程度": "severity",
    "determined_on": "determined_on",
    "认定日期": "determined_on",
}
SEVERITY_WORDS = {
    "轻微": "minor",
    "轻微失信": "minor",
    "一般": "general",
    "一般失信": "general",
    "较重": "serious",
    "较重失信": "serious",
    "严重": "severe",
    "严重失信": "severe",
}

Row = tuple[int, dict[str, Any] | list[dict]]  # (row number, record or its read errors)


def detect_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) if it decodes, else GB18030 — departments send both."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut at the sample's end
            return "gb18030"
    return "utf-8"


def _record_from_columns(values: dict[str, Any], item: str | None) -> dict[str, Any]:
    record: dict[str, Any] = {"fields": {}}
    subject: dict[str, Any] = {}
    for column, value in values.items():
        if column is None:
            continue
        key = column.strip()
        if isinstance(value, str):
            value = value.strip()
        special = SPECIAL_COLUMNS.get(key)
        if special in ("credit_code", "id_number", "name"):
            if value not in (None, ""):
                subject[special] = value
        elif special == "severity":
            record["severity"] = SEVERITY_WORDS.get(value, value) if value else None
        elif special is not None:
            record[special] = value if value not in ("",) else None
        else:
            record["fields"][key] = value
    record["subject"] = subject
    if item and not record.get("item"):
        record["item"] = item
    return record


def read_csv(path: Path, *, item: str | None) -> Iterator[Row]:
    with path.open("rb") as handle:
        encoding = detect_encoding(handle.read(1 << 16))
    with path.open("r", encoding=encoding, newline="") as handle:
        reader = csv.DictReader(handle)
        width = len(reader.fieldnames or [])
        for number, values in enumerate(reader, start=2):  # row 1 is the header
            if None in values or len(values) != width:
                yield (
                    number,
                    [
                        {
                            "field": None,
                            "code": "invalid_row",
                            "message": f"第 {number} 行的列数与表头不符",
                            "message_en": f"row {number} has a different number of columns",
                        }
                    ],
                )
                continue
            yield number, _record_from_columns(values, item)


def read_jsonl(path: Path, *, item: str | None, parse: bool = True) -> Iterator[Row]:
    """Records of a JSON Lines file; with ``parse=False`` each line's bytes, for parsing in a
    worker (records/pipeline.py) — then ``item`` must be given in the lines themselves."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            if not parse:
                yield number, line  # type: ignore[misc]
                continue
            try:
                record = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                yield (
                    number,
                    [
                        {
                            "field": None,
                            "code": "malformed_json",
                            "message": f"第 {number} 行不是有效的 JSON：{exc}",
                            "message_en": f"line {number} is not valid JSON: {exc}",
                        }
                    ],
                )
                continue
            if isinstance(record, dict) and item and not record.get("item"):
                record["item"] = item
            yield number, record


class FileBlock(NamedTuple):
    """A run of whole lines of a JSON Lines file, for a validation worker to read itself
    (records/pipeline.py): the main process then never touches the lines."""

    path: str
    offset: int
    length: int
    first_line: int  # the number of its first line in the file, from 1
    item: str | None  # the item of lines that name none


BLOCK_BYTES = 1 << 20


class FileBlocks:
    """The blocks of a JSON Lines file, each ending at the end of a line. Finding them reads
    the file once in big pieces (counting newlines in C), not line by line."""

    def __init__(self, path: Path, *, item: str | None, size: int | None = None) -> None:
        self.path, self.item, self.size = path, item, size or BLOCK_BYTES

    def __iter__(self) -> Iterator[FileBlock]:
        path, item = str(self.path), self.item
        offset, line, carry = 0, 1, b""
        with self.path.open("rb") as handle:
            while True:
                data = handle.read(self.size)
                if not data:
                    if carry:  # a last line without its newline
                        yield FileBlock(path, offset, len(carry), line, item)
                    return
                buffer = carry + data if carry else data
                cut = buffer.rfind(b"\n") + 1
                if cut == 0:  # one line longer than a block: read on
                    carry = buffer
                    continue
                yield FileBlock(path, offset, cut, line, item)
                line += buffer.count(b"\n", 0, cut)
                offset += cut
                carry = buffer[cut:]


def read_xlsx(path: Path, *, item: str | None) -> Iterator[Row]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return
        columns = [None if h is None else str(h) for h in header]
        for number, values in enumerate(rows, start=2):
            if values is None or all(v in (None, "") for v in values):
                continue
            cells = {c: _cell(v) for c, v in zip(columns, values, strict=False) if c is not None}
            yield number, _record_from_columns(cells, item)
    finally:
        book.close()


def _cell(value: Any) -> Any:
    # Excel keeps codes typed as numbers (an all-digit ID number, say) as floats.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


READERS = {".csv": read_csv, ".jsonl": read_jsonl, ".ndjson": read_jsonl, ".xlsx": read_xlsx}


def read_rows(path: Path, *, item: str | None = None, parse: bool = True) -> Iterator[Row]:
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ValueError(f"unsupported file type {path.suffix}: use .csv, .jsonl or .xlsx")
    if reader is read_jsonl and not parse and item is None:
        return read_jsonl(path, item=None, parse=False)
    return reader(path, item=item)


def write_error_file(path: Path, rejected: list[dict]) -> int:
    """The per-row error report: one line per error, row number first (UTF-8 with BOM so
    that Excel opens the Chinese correctly)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["row", "field", "code", "message", "message_en"])
    count = 0
    for rejection in rejected:
        for error in rejection["errors"]:
            writer.writerow(
                [
                    rejection["index"],
                    error.get("field") or "",
                    error["code"],
                    error["message"],
                    error["message_en"],
                ]
            )
            count += 1
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")
    return count
