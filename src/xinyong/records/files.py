"""File upload, the transitional means of collection (Measures art. 16: 暂不具备数据库对接条件
的，以适当过渡方式提供): CSV in UTF-8 or GB18030, JSON Lines and Excel (.xlsx), read into the same
record shape as the API so that one validation serves both.

A file is read within limits (``FileLimits``, docs/settings.md; issue 12 M5, L3): rows,
columns, the size of a row, and for a workbook its unpacked size, compression ratio and shared
strings — checked before and while it is read, so that a decompression bomb or a file of
millions of columns is refused at once and in little memory, with a stable code
(``FileRefused``). Bytes that are not of a CSV file's encoding make their row a row error
(``invalid_encoding``); the other rows are read on.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from xml.parsers import expat

import orjson

from xinyong.core import labels
from xinyong.core.text import has_unstorable
from xinyong.errors import XinyongError

if TYPE_CHECKING:
    from xinyong.settings import Settings

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


class ReadError(NamedTuple):
    """A row the reader could not make a record of, with why. A type of its own, because a
    record as read may itself be a list (a JSON Lines line that is an array): that is a bad
    record for the checks to refuse, not an error list to report as it stands."""

    errors: list[dict]


# (row number, the record as read — any JSON value for JSON Lines — or its ReadError)
Row = tuple[int, Any]

MIB = 1024 * 1024
# Facts of the formats, not settings: Excel's last row; nesting no workbook part needs.
EXCEL_ROWS = 1_048_576
XML_DEPTH = 64
# Children of one element of a workbook part, but for rows and shared strings (bounded by
# the settings): Excel keeps at most 64,000 cell formats, and no other list comes near.
XML_CHILDREN = 100_000
# Elements of one row or one shared string per column (a cell, its value, rich-text runs).
ELEMENTS_PER_COLUMN = 16
# Parts of at most this size may be compressed further than the ratio allows (an empty
# sheet's XML compresses very well and is harmless).
RATIO_FROM_BYTES = MIB
ZIP_PARTS = 10_000
CHUNK_BYTES = 1 << 16


class FileRefused(XinyongError):
    """A file refused whole: beyond a limit (413) or not readable as its type (422). The
    codes are in docs/api.md; the CLI prints them in one line, the console under the form."""

    status = 422
    code = "invalid_file"


def _too_large(code: str, message: str, message_en: str) -> FileRefused:
    return FileRefused(message, message_en, field="file", code=code, status=413)


def _unreadable(message: str, message_en: str, code: str = "invalid_file") -> FileRefused:
    return FileRefused(message, message_en, field="file", code=code)


@dataclass(frozen=True)
class FileLimits:
    """What one file may hold (docs/settings.md), checked before and while it is read so that
    a hostile file is refused early and in little memory (issue 12 M5)."""

    rows: int  # data rows after the header; lines of JSON Lines
    columns: int
    row_size: int  # characters of a CSV record or of a worksheet row's text; bytes of a line
    unpacked_bytes: int  # a workbook's parts, uncompressed
    shared_strings: int
    shared_strings_bytes: int
    compression_ratio: int

    @classmethod
    def upload(cls, settings: Settings) -> FileLimits:
        """A file uploaded on the department console: one batch."""
        return cls._of(settings, settings.max_batch_records, settings.upload_max_unpacked_mb)

    @classmethod
    def command_line(cls, settings: Settings) -> FileLimits:
        """A file given to ``xinyong import``: millions of rows, read streaming."""
        return cls._of(settings, settings.import_max_rows, settings.import_max_unpacked_mb)

    @classmethod
    def _of(cls, settings: Settings, rows: int, unpacked_mb: int) -> FileLimits:
        return cls(
            rows=rows,
            columns=settings.file_max_columns,
            row_size=settings.file_max_row_kb * 1024,
            unpacked_bytes=unpacked_mb * MIB,
            shared_strings=settings.xlsx_max_shared_strings,
            shared_strings_bytes=settings.xlsx_max_shared_strings_mb * MIB,
            compression_ratio=settings.xlsx_max_compression_ratio,
        )


def _too_many_rows(limits: FileLimits) -> FileRefused:
    return _too_large(
        "too_many_rows",
        f"文件超过 {limits.rows} 行，请拆分后分批导入",
        f"the file has more than {limits.rows} rows: split it",
    )


def _too_many_columns(limits: FileLimits, number: int) -> FileRefused:
    return _too_large(
        "too_many_columns",
        f"第 {number} 行超过 {limits.columns} 列",
        f"row {number} has more than {limits.columns} columns",
    )


def _row_too_long(limits: FileLimits, number: int) -> FileRefused:
    return _too_large(
        "row_too_long",
        f"第 {number} 行超过 {limits.row_size // 1024} KB",
        f"row {number} is longer than {limits.row_size // 1024} KB",
    )


_ASCII = bytes(range(0x80))
_NOT_ASCII = re.compile(rb"[\x80-\xff]")
# What ``surrogateescape`` makes of bytes that are not of the file's encoding.
_UNDECODED = re.compile("[\udc80-\udcff]")


def detect_encoding(head: bytes) -> str:
    """UTF-8 (with or without BOM) if it decodes, else GB18030 — departments send both. A
    few bytes that are not UTF-8 (a damaged cell) do not make a UTF-8 file GB18030: GB18030
    text read as UTF-8 fails on most of its bytes. A character cut at the sample's end is
    not counted (the decoder keeps it for more input)."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
    undecoded = len(_UNDECODED.findall(decoder.decode(head, final=False)))
    if undecoded * 10 > len(head.translate(None, _ASCII)):
        return "gb18030"
    return "utf-8"


def _text_encoding(path: Path) -> str:
    """The encoding of a text file, judged on its first 64 KiB that are not ASCII: a file
    whose first thousand rows are codes and digits is judged by its first Chinese ones. A
    file that is not text at all (a workbook or an image named .csv) is refused: its first
    64 KiB hold NUL bytes or bytes of neither encoding by the hundred, where a text file with
    a bad cell holds a few."""
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
        sample = head
        while sample.isascii() and sample:
            sample = handle.read(MIB)
        if head.startswith(b"\xef\xbb\xbf") or not sample:
            encoding = detect_encoding(head)
        else:
            found = _NOT_ASCII.search(sample)
            assert found is not None  # reading stopped at a sample that is not ASCII
            at = found.start()
            sample = sample[at:] + handle.read(max(0, (1 << 16) - (len(sample) - at)))
            encoding = detect_encoding(sample)
    strange = head.count(b"\x00") + len(
        _UNDECODED.findall(head.decode(encoding, "surrogateescape"))
    )
    if strange > 8 and strange * 100 > len(head):
        raise _unreadable(
            "无法读取文件：不是 UTF-8 或 GB18030 编码的文本文件",
            "not a text file in UTF-8 or GB18030",
            code="invalid_encoding",
        )
    return encoding


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


class _Lines:
    """The lines of a CSV file for the csv module, each bounded, the record being read
    bounded too (a quoted field may span lines), and bytes that are not of the encoding
    noted: they are decoded as lone surrogates (``surrogateescape``), so that the rows around
    them can still be read."""

    def __init__(self, text: io.TextIOWrapper, limits: FileLimits) -> None:
        self.text, self.limits = text, limits
        self.number = 0  # lines read
        self.size = 0  # characters of the record being read
        self.undecoded = False  # the record being read holds bytes not of the encoding

    def next_record(self) -> None:
        self.size, self.undecoded = 0, False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.text.readline(self.limits.row_size + 1)
        if not line:
            raise StopIteration
        self.number += 1
        self.size += len(line)
        if self.size > self.limits.row_size:
            raise _row_too_long(self.limits, self.number)
        if not line.isascii() and _UNDECODED.search(line):
            self.undecoded = True
        return line


def _undecoded_row(number: int, encoding: str) -> ReadError:
    shown = "UTF-8" if encoding.startswith("utf-8") else "GB18030"
    return ReadError(
        [
            {
                "field": None,
                "code": "invalid_encoding",
                "message": f"第 {number} 行含有不是 {shown} 编码的字节（文件按 {shown} 读取）",
                "message_en": f"row {number} holds bytes that are not {shown} "
                f"(the file is read as {shown})",
            }
        ]
    )


def read_csv(path: Path, *, item: str | None, limits: FileLimits) -> Iterator[Row]:
    encoding = _text_encoding(path)
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape", newline="")
        lines = _Lines(text, limits)
        reader = csv.reader(lines)
        header = _csv_record(reader, lines)
        if header is None:
            return
        if lines.undecoded or any(has_unstorable(column) for column in header):
            raise _unreadable(
                "无法读取文件：表头含有控制字符或不是 UTF-8、GB18030 编码的字节",
                "the header holds control characters or bytes that are not UTF-8 or GB18030",
                code="invalid_encoding",
            )
        if len(header) > limits.columns:
            raise _too_many_columns(limits, 1)
        repeated = sorted({c.strip() or "（空）" for c in header if header.count(c) > 1})[:5]
        if repeated:
            raise _unreadable(
                f"无法读取文件：表头的列名重复：{'、'.join(repeated)}",
                f"the header repeats the columns {', '.join(repeated)}",
            )
        width = len(header)
        number = 1  # the header is row 1; blank lines are not counted, as csv.DictReader did
        while (values := _csv_record(reader, lines)) is not None:
            if not values:
                continue
            number += 1
            if number - 1 > limits.rows:
                raise _too_many_rows(limits)
            if lines.undecoded:
                yield number, _undecoded_row(number, encoding)
            elif len(values) != width:
                if len(values) > limits.columns:
                    raise _too_many_columns(limits, number)
                yield (
                    number,
                    ReadError(
                        [
                            {
                                "field": None,
                                "code": "invalid_row",
                                "message": f"第 {number} 行的列数与表头不符",
                                "message_en": f"row {number} has a different number of columns",
                            }
                        ]
                    ),
                )
            else:
                yield number, _record_from_columns(dict(zip(header, values, strict=True)), item)


def _csv_record(reader: Any, lines: _Lines) -> list[str] | None:
    lines.next_record()
    try:
        return next(reader)
    except StopIteration:
        return None
    except csv.Error as exc:
        if str(exc).startswith("field larger than field limit"):
            limit = csv.field_size_limit()
            raise _too_large(
                "field_too_long",
                f"第 {lines.number} 行有字段超过 {limit} 个字符",
                f"line {lines.number} holds a field longer than {limit} characters",
            ) from None
        raise _unreadable(
            f"无法读取文件：第 {lines.number} 行不是有效的 CSV（{exc}）",
            f"line {lines.number} is not valid CSV: {exc}",
        ) from None


def _jsonl_line(number: int, line: bytes, item: str | None) -> Row:
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        return (
            number,
            ReadError(
                [
                    {
                        "field": None,
                        "code": "malformed_json",
                        "message": f"第 {number} 行不是有效的 JSON：{exc}",
                        "message_en": f"line {number} is not valid JSON: {exc}",
                    }
                ]
            ),
        )
    if isinstance(record, dict) and item and not record.get("item"):
        record["item"] = item
    return number, record


def read_jsonl(path: Path, *, item: str | None, limits: FileLimits) -> Iterator[Row]:
    """Records of a JSON Lines file. Validation workers read such a file by blocks instead
    (:class:`FileBlocks`, records/pipeline.py)."""
    with path.open("rb") as handle:
        number = 0
        while line := handle.readline(limits.row_size + 1):
            number += 1
            if len(line) > limits.row_size:
                raise _row_too_long(limits, number)
            if number > limits.rows:
                raise _too_many_rows(limits)
            if not line.strip():
                continue
            yield _jsonl_line(number, line, item)


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
    the file once in big pieces (counting newlines in C), not line by line. With ``limits``,
    a line longer than a row may be or more lines than a file may hold is refused here."""

    def __init__(
        self,
        path: Path,
        *,
        item: str | None,
        size: int | None = None,
        limits: FileLimits | None = None,
    ) -> None:
        self.path, self.item, self.size, self.limits = path, item, size or BLOCK_BYTES, limits

    def __iter__(self) -> Iterator[FileBlock]:
        path, item, limits = str(self.path), self.item, self.limits
        size = self.size if limits is None else min(self.size, limits.row_size)
        offset, line, carry = 0, 1, b""
        with self.path.open("rb") as handle:
            while True:
                data = handle.read(size)
                if not data:
                    if carry:  # a last line without its newline
                        yield FileBlock(path, offset, len(carry), line, item)
                    return
                buffer = carry + data if carry else data
                cut = buffer.rfind(b"\n") + 1
                lines = buffer.count(b"\n", 0, cut)
                if limits is not None:
                    # Blocks are no longer than a line may be, so a longer line spans blocks:
                    # it is the one carried over, or the one left at the end.
                    first = buffer.find(b"\n") + 1 if carry else 0
                    if max(first, len(buffer) - cut) > limits.row_size:
                        raise _row_too_long(limits, line if first else line + lines)
                    if line - 1 + lines > limits.rows:
                        raise _too_many_rows(limits)
                if cut == 0:  # one line longer than a block: read on
                    carry = buffer
                    continue
                yield FileBlock(path, offset, cut, line, item)
                line += lines
                offset += cut
                carry = buffer[cut:]


# ---- Excel ---------------------------------------------------------------------------------


def _not_a_workbook(exc: BaseException | None = None) -> FileRefused:
    why = f"（{type(exc).__name__}）" if exc is not None else ""
    return _unreadable(
        f"无法读取文件：不是完好的 Excel 工作簿（.xlsx）{why}",
        "not an intact Excel workbook (.xlsx)" + (f": {type(exc).__name__}" if exc else ""),
    )


def _beyond_excel(number: int) -> FileRefused:
    return _unreadable(
        f"无法读取文件：工作表的第 {number} 行超出 Excel 的 {EXCEL_ROWS} 行",
        f"row {number} of the worksheet is beyond Excel's {EXCEL_ROWS} rows",
    )


class _PartGuard:
    """Reads one XML part of a workbook as a stream (expat, nothing kept) and refuses it when
    it holds more than the limits allow — rows, cells of a row, the text of a row, shared
    strings, elements anywhere — before openpyxl reads it into memory: openpyxl builds each
    row, and the whole shared-string table, as objects, whatever their size."""

    def __init__(self, limits: FileLimits, declared: int) -> None:
        self.limits, self.declared = limits, declared
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.parser.StartDoctypeDeclHandler = self._doctype  # no part has one; entities need it
        self.children: list[int] = []  # of each open element
        self.names: list[str] = []
        self.rows = 0  # rows with a value
        self.row_number = 0
        self.item_depth = 0  # depth of the row or shared string being read, else 0
        self.strings = 0  # shared strings begun
        self.item_elements = self.item_chars = 0
        self.item_valued = False
        self.element_chars = 0
        self.item_max = limits.columns * ELEMENTS_PER_COLUMN

    def feed(self, data: bytes, final: bool = False) -> None:
        try:
            self.parser.Parse(data, final)
        except expat.ExpatError as exc:
            raise _not_a_workbook(exc) from None

    def _doctype(self, *_: Any) -> None:
        raise _not_a_workbook()

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        depth = len(self.names)
        if depth >= XML_DEPTH:
            raise _not_a_workbook()
        if depth:
            parent = self.names[-1]
            count = self.children[-1] = self.children[-1] + 1
            if parent == "sheetData":
                if count > EXCEL_ROWS:
                    raise _beyond_excel(count)
                self._row_starts(attrs)
            elif parent == "sst":
                self.strings = count
                if count > self.limits.shared_strings:
                    raise _too_large(
                        "file_too_large",
                        f"工作簿的共享字符串超过 {self.limits.shared_strings} 个",
                        f"the workbook holds more than {self.limits.shared_strings} shared strings",
                    )
                self._item_starts(depth)
            elif parent == "row" and count > self.limits.columns:
                raise _too_many_columns(self.limits, self.row_number)
            elif count > XML_CHILDREN:
                raise _not_a_workbook()
            if self.item_depth:
                self.item_elements += 1
                if self.item_elements > self.item_max:
                    raise self._item_too_big()
                if local in ("v", "is"):
                    self.item_valued = True
        elif local == "sst" and self.declared > self.limits.shared_strings_bytes:
            raise _too_large(
                "file_too_large",
                f"工作簿的共享字符串超过 {self.limits.shared_strings_bytes // MIB} MB",
                f"the workbook's shared strings exceed "
                f"{self.limits.shared_strings_bytes // MIB} MB",
            )
        self.names.append(local)
        self.children.append(0)
        self.element_chars = 0

    def _row_starts(self, attrs: dict[str, str]) -> None:
        number = attrs.get("r")
        try:
            self.row_number = int(number) if number is not None else self.row_number + 1
        except ValueError:
            raise _not_a_workbook() from None
        if not 0 < self.row_number <= EXCEL_ROWS:
            raise _beyond_excel(self.row_number)
        self._item_starts(len(self.names))

    def _item_starts(self, depth: int) -> None:
        self.item_depth, self.item_elements, self.item_chars = depth, 0, 0
        self.item_valued = False

    def _end(self, name: str) -> None:
        self.names.pop()
        self.children.pop()
        if len(self.names) == self.item_depth and self.item_depth:
            self.item_depth = 0
            if self.names[-1] == "sheetData" and self.item_valued:
                self.rows += 1
                if self.rows > self.limits.rows + 1:  # and the header
                    raise _too_many_rows(self.limits)

    def _item_too_big(self) -> FileRefused:
        if self.names[self.item_depth - 1] == "sst":
            return _too_large(
                "file_too_large",
                f"工作簿的第 {self.strings} 个共享字符串过大",
                f"shared string {self.strings} of the workbook is too big",
            )
        if self.item_chars > self.limits.row_size:
            return _row_too_long(self.limits, self.row_number)
        return _too_many_columns(self.limits, self.row_number)

    def _text(self, data: str) -> None:
        if self.item_depth:
            self.item_chars += len(data)
            if self.item_chars > self.limits.row_size:
                raise self._item_too_big()
        else:
            self.element_chars += len(data)
            if self.element_chars > self.limits.row_size:
                raise _not_a_workbook()


def check_workbook(path: Path, limits: FileLimits) -> None:
    """Refuse a workbook that is not a zip of XML parts within the limits, before openpyxl
    opens it: from the zip's directory first (sizes, compression ratio — Apache POI refuses
    the same 1 % by default), then by reading every XML part as a stream and counting. The
    directory may lie about sizes: what is read is counted against what it declares (the
    zipfile module also stops at the declared size and fails the CRC check)."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _not_a_workbook(exc) from None
    with archive:
        if len(archive.infolist()) > ZIP_PARTS:
            raise _not_a_workbook()
        # The parts openpyxl reads; images and the like are never unpacked.
        parts = [p for p in archive.infolist() if p.filename.lower().endswith((".xml", ".rels"))]
        total = sum(p.file_size for p in parts)
        if total > limits.unpacked_bytes:
            raise _too_large(
                "file_too_large",
                f"工作簿解压后超过 {limits.unpacked_bytes // MIB} MB",
                f"the workbook unpacks to more than {limits.unpacked_bytes // MIB} MB",
            )
        for part in parts:
            if (
                part.file_size > RATIO_FROM_BYTES
                and part.file_size > limits.compression_ratio * max(part.compress_size, 1)
            ):
                raise _too_large(
                    "file_too_large",
                    f"工作簿的压缩比超过 {limits.compression_ratio} 倍，疑为压缩炸弹",
                    f"the workbook is compressed more than {limits.compression_ratio} times: "
                    "a decompression bomb",
                )
        for part in parts:
            _read_part(archive, part, limits)


def _read_part(archive: zipfile.ZipFile, part: zipfile.ZipInfo, limits: FileLimits) -> None:
    guard = _PartGuard(limits, part.file_size)
    read = 0
    try:
        with archive.open(part) as stream:
            while data := stream.read(CHUNK_BYTES):
                read += len(data)
                if read > part.file_size:  # the directory lied
                    raise _not_a_workbook()
                guard.feed(data)
        guard.feed(b"", final=True)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        # damaged or truncated data, an unknown compression method, an encrypted part
        raise _not_a_workbook(exc) from None


def read_xlsx(path: Path, *, item: str | None, limits: FileLimits) -> Iterator[Row]:
    from openpyxl import load_workbook

    check_workbook(path, limits)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl on a damaged or foreign part: many kinds
        raise _not_a_workbook(exc) from None
    try:
        if not book.worksheets:
            raise _not_a_workbook()
        sheet = book.worksheets[0]
        # A sheet's stated dimensions pad every row to their width: read what is there.
        sheet.reset_dimensions()
        rows = _sheet_rows(sheet)
        header = next(rows, None)
        if header is None:
            return
        if len(header) > limits.columns:
            raise _too_many_columns(limits, 1)
        columns = [None if h is None else str(h) for h in header]
        records = 0
        for number, values in enumerate(rows, start=2):
            if not values or all(v in (None, "") for v in values):
                continue
            if len(values) > limits.columns:
                raise _too_many_columns(limits, number)
            records += 1
            if records > limits.rows:
                raise _too_many_rows(limits)
            cells = {c: _cell(v) for c, v in zip(columns, values, strict=False) if c is not None}
            yield number, _record_from_columns(cells, item)
    finally:
        book.close()


def _sheet_rows(sheet: Any) -> Iterator[tuple]:
    """The sheet's rows as openpyxl reads them, its errors on a damaged part refused."""
    rows = sheet.iter_rows(values_only=True)
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # openpyxl on a damaged part: many kinds
            raise _not_a_workbook(exc) from None
        yield values


def _cell(value: Any) -> Any:
    # Excel keeps codes typed as numbers (an all-digit ID number, say) as floats.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


READERS = {".csv": read_csv, ".jsonl": read_jsonl, ".ndjson": read_jsonl, ".xlsx": read_xlsx}


def read_rows(path: Path, *, limits: FileLimits, item: str | None = None) -> Iterator[Row]:
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise _unreadable(
            f"不支持的文件类型 {path.suffix}：请使用 .csv、.jsonl 或 .xlsx",
            f"unsupported file type {path.suffix}: use .csv, .jsonl or .xlsx",
            code="unsupported_file",
        )
    return reader(path, item=item, limits=limits)


# The columns of the per-row error report: Chinese headers; the machine code in one column.
ERROR_COLUMNS = ["行号", "字段", "错误说明", "代码"]


def error_csv(rejected: list[dict], field_labels: dict[str, str] | None = None) -> str:
    """The per-row error report as CSV: one line per error, row number first, the field by
    its Chinese name (core/labels.field_path_name; ``field_labels``: the catalog's labels of
    the items' fields), the Chinese message, and the error's code."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(ERROR_COLUMNS)
    for rejection in rejected:
        for error in rejection["errors"]:
            writer.writerow(
                [
                    rejection["index"],
                    labels.field_path_name(error.get("field"), field_labels),
                    error["message"],
                    error["code"],
                ]
            )
    return buffer.getvalue()


def write_error_file(
    path: Path, rejected: list[dict], field_labels: dict[str, str] | None = None
) -> int:
    """The per-row error report as a file (UTF-8 with BOM so that Excel opens the Chinese
    correctly); the number of errors in it."""
    path.write_text(error_csv(rejected, field_labels), encoding="utf-8-sig")
    return sum(len(rejection["errors"]) for rejection in rejected)
