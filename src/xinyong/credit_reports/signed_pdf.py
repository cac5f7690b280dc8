"""What an offline verifier needs of a signed credit report PDF, read from its bytes without
parsing the PDF's structure (which is most of what pyHanko's full validation costs): the last
signature's byte range and its CMS value, the signature dictionary's claimed time, and the
attached ``report.json``.

The platform writes these files — WeasyPrint renders, pyHanko appends the signature as an
incremental update (render.py, signing.sign_pdf) — so their layout is known. The byte range
must start at 0, leave out exactly the hex string of ``/Contents`` and end at the end of the
file; once the signature over those bytes verifies (verify.py), every byte but the signature's
own hex digits is the platform's, and what is read here from them is what the platform wrote.
Before that nothing read here is trusted: a hostile file only fails — every offset is checked
against the file's length, every number and every decompression bounded, and anything this
reader does not recognise is ``Malformed`` with the code and words the CLI prints."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import datetime

# /ByteRange [0 b c d]: ten digits a number at most (a file of up to 9 GB).
_BYTE_RANGE = re.compile(
    rb"/ByteRange\s*\[\s*(\d{1,10})\s+(\d{1,10})\s+(\d{1,10})\s+(\d{1,10})\s*\]"
)
# Upper case, as pyHanko writes the signature's hex string: a digit's case changed is a byte
# changed, and fails like any other.
_HEX = re.compile(rb"[0-9A-F]*")
_CLAIMED_TIME = re.compile(rb"/M\s*(?=\()")
# An embedded file's stream, as WeasyPrint writes it: a top-level object whose dictionary
# starts with its type. Streams are never inside object streams, so the attachment's is here.
_EMBEDDED_FILE = b"/EmbeddedFile"
_EMBEDDED_FILE_OBJECT = re.compile(rb"\d{1,10} \d{1,5} obj\s*<<\s*/Type\s*$")
_NAME_CHAR = re.compile(rb"[^\s/<>\[\]()%{}]")
_STREAM = re.compile(rb">>\s*stream\r?\n")
_LENGTH = re.compile(rb"/Length\s+(\d{1,10})\b")
_FLATE = re.compile(rb"/Filter\s*/FlateDecode\b")
_FILTER = re.compile(rb"/Filter\b")
MAX_ATTACHMENT = 256 * 1024 * 1024  # the content of a report, decompressed


class Malformed(Exception):
    """Not a signed PDF as the platform writes them: a problem's code, Chinese, English."""

    def __init__(self, code: str, message: str, message_en: str) -> None:
        super().__init__(code, message, message_en)
        self.code, self.message, self.message_en = code, message, message_en


def _cannot_validate(why: str, why_en: str) -> Malformed:
    return Malformed("bad_signature", f"签名无法核验：{why}", f"cannot validate: {why_en}")


def _cut_short() -> Malformed:
    return Malformed(
        "unreadable",
        "无法读取 PDF：文件不完整（被截断）",
        "unreadable PDF: the file is incomplete (cut short)",
    )


@dataclass(frozen=True)
class Signature:
    """The last signature of a PDF: the bytes it covers are ``data[:gap_start]`` and
    ``data[gap_end:end]``; ``cms`` is the DER its hex string holds, without the padding."""

    gap_start: int
    gap_end: int
    end: int
    cms: bytes
    dictionary: bytes  # the signature dictionary but its /Contents hex string


def last_signature(data: bytes) -> Signature:
    """The last signature dictionary's byte range and CMS value, checked against the file:
    the range starts at 0, its gap is exactly one hex string (the dictionary's /Contents,
    zeros after the DER), and it ends within the file (``end < len(data)``: something was
    appended after signing, for the caller to say). A file cut short, or without a signature,
    fails here."""
    at = data.rfind(b"/ByteRange")
    if at < 0:
        if not data.rstrip(b" \t\r\n\f\0").endswith(b"%%EOF"):
            raise _cut_short()
        raise Malformed("unsigned", "报告没有签名", "the report is not signed")
    found = _BYTE_RANGE.match(data, at)
    if found is None:
        raise _cannot_validate("签名的字节范围（/ByteRange）不合格式", "malformed /ByteRange")
    start, gap_start, gap_end, tail = (int(n) for n in found.groups())
    if gap_end + tail > len(data):
        raise _cut_short()
    if start != 0 or not 0 < gap_start < gap_end:
        raise _cannot_validate(
            "签名的字节范围（/ByteRange）与文件不符", "the /ByteRange does not fit the file"
        )
    gap = data[gap_start:gap_end]
    hex_digits = gap[1:-1]
    if (
        len(gap) < 2
        or gap[:1] != b"<"
        or gap[-1:] != b">"
        or len(hex_digits) % 2
        or not _HEX.fullmatch(hex_digits)
        or not data[max(0, gap_start - 32) : gap_start].rstrip().endswith(b"/Contents")
    ):
        raise _cannot_validate(
            "签名的字节范围没有恰好留出签名值（/Contents）",
            "the byte range does not leave out exactly the signature's /Contents",
        )
    raw = bytes.fromhex(hex_digits.decode("ascii"))
    used = _der_length(raw)
    if used is None or raw[used:].strip(b"\0"):
        raise _cannot_validate(
            "签名值不是一个完整的 DER 结构（其后只能是补位的 0）",
            "the signature value is not one DER structure followed by zero padding",
        )
    opened = data.rfind(b" obj", 0, gap_start)
    closed = data.find(b"endobj", gap_end)
    if opened < 0 or closed < 0:
        raise _cannot_validate("找不到签名字典", "no signature dictionary around the signature")
    return Signature(
        gap_start,
        gap_end,
        gap_end + tail,
        raw[:used],
        data[opened:gap_start] + data[gap_end:closed],
    )


def _der_length(raw: bytes) -> int | None:
    """How many bytes the DER SEQUENCE at the start of ``raw`` takes, if it is strict DER all
    the way down (shortest lengths, every constructed value exactly filled by its children):
    so no length in the signature's envelope can be changed and still parse."""
    if raw[:1] != b"\x30":
        return None
    return _der_value(raw, 0, len(raw), 0)


def _der_value(raw: bytes, at: int, limit: int, depth: int) -> int | None:
    """The end of the DER value at ``at`` (before ``limit``), its children checked too."""
    if depth > 32 or at + 2 > limit:
        return None
    tag, first = raw[at], raw[at + 1]
    if tag == 0 or tag & 0x1F == 0x1F:
        return None  # end-of-contents (never in DER), high tag numbers (unused in CMS)
    if first < 0x80:
        start, size = at + 2, first
    else:
        count = first & 0x7F
        if not 0 < count <= 4 or at + 2 + count > limit or raw[at + 2] == 0:
            return None
        size = int.from_bytes(raw[at + 2 : at + 2 + count], "big")
        if size < 0x80 or (count > 1 and size < 1 << (8 * (count - 1))):
            return None  # not the shortest form of the length
        start = at + 2 + count
    end = start + size
    if end > limit:
        return None
    if tag & 0x20:  # constructed: its children fill it exactly
        child = start
        while child < end:
            after = _der_value(raw, child, end, depth + 1)
            if after is None:
                return None
            child = after
    return end


def claimed_time(signature: Signature) -> datetime | None:
    """The signature dictionary's /M, the signing time the signer claims (PAdES keeps it
    there rather than in a signed attribute), or None."""
    from io import BytesIO

    from pyhanko.pdf_utils.generic import parse_pdf_date, read_string_from_stream
    from pyhanko.pdf_utils.misc import PdfError

    found = _CLAIMED_TIME.search(signature.dictionary)
    if found is None:
        return None
    try:
        text = read_string_from_stream(BytesIO(signature.dictionary[found.end() :]))
        return parse_pdf_date(str(text), strict=False)
    except (PdfError, ValueError, TypeError, UnicodeDecodeError):
        return None


def attachment(data: bytes, end: int) -> bytes | None:
    """The one embedded file of ``data[:end]``, decompressed; None when there is not exactly
    one, or it is not as WeasyPrint writes it (the caller then reads the PDF's structure)."""
    found = []
    at = data.find(_EMBEDDED_FILE, 0, end)
    while at >= 0:
        after = at + len(_EMBEDDED_FILE)
        if not _NAME_CHAR.match(data, after) and _EMBEDDED_FILE_OBJECT.search(
            data, max(0, at - 64), at
        ):
            found.append(after)
        at = data.find(_EMBEDDED_FILE, after, end)
    if len(found) != 1:
        return None
    head = _STREAM.search(data, found[0], min(end, found[0] + 4096))
    if head is None:
        return None
    dictionary = data[found[0] : head.start()]
    length = _LENGTH.search(dictionary)
    if length is None or len(_LENGTH.findall(dictionary)) != 1:
        return None
    body_end = head.end() + int(length.group(1))
    if body_end > end or not data[body_end : body_end + 12].lstrip().startswith(b"endstream"):
        return None
    body = data[head.end() : body_end]
    if b"/DecodeParms" in dictionary:
        return None
    if not _FILTER.search(dictionary):
        return body
    if not _FLATE.search(dictionary) or len(_FILTER.findall(dictionary)) != 1:
        return None
    inflate = zlib.decompressobj()
    try:
        out = inflate.decompress(body, MAX_ATTACHMENT)
    except zlib.error:
        return None
    if inflate.unconsumed_tail or not inflate.eof:
        return None
    return out
