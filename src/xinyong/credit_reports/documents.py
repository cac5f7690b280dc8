"""A registered report as a document: the signed JSON, the signed PDF, and a zip of a list of
them with its manifest. Made from the register's content whenever asked for; every copy
carries the same number and content digest (the signing time in a PDF is each copy's own).

Rendering a PDF takes about a second (docs/performance.md § Credit reports): ``render_many``
spreads a list over worker processes (``XINYONG_REPORT_WORKERS``), each loading the key once."""

from __future__ import annotations

import csv
import io
import multiprocessing
import zipfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from xinyong.credit_reports import render, rules, signing
from xinyong.db import Database
from xinyong.models import CreditReport

Format = Literal["pdf", "json"]


@dataclass(frozen=True)
class Copy:
    """What a document is made from: the registered number, content and digest."""

    number: str
    sha256: str
    content: dict[str, Any]

    @classmethod
    def of(cls, report: CreditReport) -> Copy:
        return cls(report.number, report.sha256, report.content)


def keys_of(db: Database) -> signing.Keys:
    """The platform's signing key of the settings (409 ``signing_key_missing`` without one)."""
    return signing.load(db.settings.report_keys, db.settings.master_key)


def json_document(copy: Copy, keys: signing.Keys) -> dict[str, Any]:
    """The JSON format: the content, its SHA-256, and a detached signature over the content's
    canonical bytes (rules.canonical) with the certificate that verifies it."""
    return {
        "format": rules.FORMAT,
        "number": copy.number,
        "sha256": copy.sha256,
        "content": copy.content,
        "signature": signing.sign_bytes(rules.canonical(copy.content), keys),
    }


def json_bytes(copy: Copy, keys: signing.Keys) -> bytes:
    import json

    return json.dumps(json_document(copy, keys), ensure_ascii=False, indent=1).encode()


def pdf_document(copy: Copy, keys: signing.Keys) -> bytes:
    pdf = render.pdf_of(copy.content, copy.sha256)
    return signing.sign_pdf(pdf, keys, number=copy.number, issuer=copy.content["issuer"])


def document(copy: Copy, keys: signing.Keys, fmt: Format) -> bytes:
    return pdf_document(copy, keys) if fmt == "pdf" else json_bytes(copy, keys)


def file_name(copy: Copy, fmt: Format) -> str:
    return f"{copy.number}.{fmt}"


# --- many at once ---------------------------------------------------------------------------------

# Each worker process's key, loaded once (signing.load caches it by the files' times).
_worker_keys: tuple[Path, bytes] | None = None


def _start_worker(key_dir: Path, master_key: bytes) -> None:
    global _worker_keys
    _worker_keys = (key_dir, master_key)


def _render_in_worker(copy: Copy, fmt: Format) -> bytes:
    assert _worker_keys is not None  # set by the pool's initializer
    return document(copy, signing.load(*_worker_keys), fmt)


def render_many(
    copies: list[Copy],
    fmt: Format,
    *,
    key_dir: Path,
    master_key: bytes,
    workers: int,
) -> Iterator[tuple[Copy, bytes]]:
    """Each copy's document, in order; PDFs in ``workers`` processes when more than one."""
    keys = signing.load(key_dir, master_key)  # refuse at once if there is no key
    if fmt == "json" or workers <= 1 or len(copies) <= 1:
        for copy in copies:
            yield copy, document(copy, keys, fmt)
        return
    # Spawned, not forked: the parent holds database connections and threads.
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(key_dir, master_key),
    ) as pool:
        futures = [pool.submit(_render_in_worker, copy, fmt) for copy in copies]
        for copy, future in zip(copies, futures, strict=True):
            yield copy, future.result()


def manifest_csv(copies: Iterable[Copy]) -> str:
    """The zip's table of contents, Chinese headers, the machine code last (a CSV people read
    has at most one column of codes)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["序号", "信息主体名称", "统一社会信用代码或身份证号码", "信息截至", "报告编号",
                     "内容摘要SHA-256"])  # fmt: skip
    for index, copy in enumerate(copies, start=1):
        subject = copy.content["subject"]
        writer.writerow(
            [
                index,
                subject["name"],
                subject["key"],
                copy.content["as_of"],
                copy.number,
                copy.sha256,
            ]
        )
    return "\ufeff" + out.getvalue()


class _Sink(io.RawIOBase):
    """A write-only stream whose bytes are taken as they come: a zip written into it is
    sent while it is being made (zipfile writes data descriptors to a stream it cannot seek)."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out, self.chunks = b"".join(self.chunks), []
        return out


def zip_stream(
    documents: Iterable[tuple[Copy, bytes]],
    fmt: Format,
    *,
    progress: Callable[[int], None] | None = None,
) -> Iterator[bytes]:
    """A zip of the documents and ``manifest.csv``, in pieces as each document is ready."""
    sink = _Sink()
    done: list[Copy] = []
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for copy, data in documents:
            archive.writestr(file_name(copy, fmt), data)
            done.append(copy)
            if progress is not None:
                progress(1)
            yield sink.take()
        archive.writestr("manifest.csv", manifest_csv(done))
    yield sink.take()
