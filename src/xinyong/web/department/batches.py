"""Pages: a provider's batches: upload a file (records/files.py, as `xinyong import` reads it)
into the collection of POST /api/v1/records/batches, and each batch's report with its row
errors."""

from __future__ import annotations

import tempfile
from pathlib import Path as FilePath
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile as StarletteUpload

from xinyong.catalog.repository import published_items_of_sector
from xinyong.catalog.service import merged_field_labels
from xinyong.core import labels
from xinyong.core.api import BigId, db_session
from xinyong.core.text import UNSTORABLE
from xinyong.models import Batch, Channel
from xinyong.records.files import (
    READERS,
    FileLimits,
    FileRefused,
    ReadError,
    error_csv,
    read_rows,
)
from xinyong.records.repository import batch_of_provider, batches_of_provider
from xinyong.records.service import Collector
from xinyong.web.department.common import PAGE_ROWS, PROVIDERS, console_page, own_department
from xinyong.web.forms import (
    Problem,
    attempt,
    csv_download,
    form_text,
    page_visitor,
    parse_int,
    redirect,
    request_now,
)
from xinyong.web.site import Visitor, check_csrf

router = APIRouter(include_in_schema=False)


# A batch file: at most this many bytes (and XINYONG_MAX_BATCH_RECORDS rows, as the API).
MAX_BATCH_BYTES = 20 * 1024 * 1024

# Row errors of a batch shown on its page (the CSV has them all).
ERRORS_ON_PAGE = 1000


def _batches_page(
    request: Request,
    session: Session,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    before: int | None = None,
) -> Response:
    v = page_visitor(request)
    dept = own_department(session, v)
    batches = batches_of_provider(session, dept.id, limit=PAGE_ROWS + 1, before=before)
    more = len(batches) > PAGE_ROWS
    return console_page(
        request,
        "department/batches.html",
        status_code=status_code,
        section="batches",
        department=dept,
        items=published_items_of_sector(session, dept.kind),
        batches=batches[:PAGE_ROWS],
        older=batches[PAGE_ROWS - 1].id if more else None,
        errors=errors or {},
        form=form or {"channel": "same_level"},
        limit=request.app.state.db.settings.max_batch_records,
        max_mb=MAX_BATCH_BYTES // (1024 * 1024),
        suffixes=sorted(READERS),
    )


@router.get("/department/batches", response_class=HTMLResponse, **PROVIDERS)
def batches_page(request: Request, before: str = "", session: Session = db_session) -> Response:
    """Audience: provider. The upload form and the department's batches, newest first (by
    file or by the API), each with its report."""
    return _batches_page(request, session, before=parse_int(before))


def _too_big(request: Request) -> bool:
    length = request.headers.get("content-length", "")
    # The form's other fields and the multipart framing need a few kilobytes more.
    return length.isdigit() and int(length) > MAX_BATCH_BYTES + 64 * 1024


@router.post("/department/batches", response_class=HTMLResponse, **PROVIDERS)
async def batches_upload(request: Request, session: Session = db_session) -> Response:
    """Audience: provider. A batch file (CSV in UTF-8 or GB18030, JSON Lines, Excel .xlsx; the
    columns `xinyong import` reads) through the API's collection: good rows land together,
    bad rows come back by row number, field and code. At most 20 MB and
    XINYONG_MAX_BATCH_RECORDS rows."""
    if _too_big(request):  # refused before the body is read
        return await anyio.to_thread.run_sync(
            lambda: _batches_page(
                request,
                session,
                status_code=413,
                errors={"file": f"文件超过 {MAX_BATCH_BYTES // (1024 * 1024)} MB，请分批上传"},
            )
        )
    form = await request.form(max_files=1, max_fields=20)
    try:
        return await anyio.to_thread.run_sync(_receive_batch, request, session, form)
    finally:
        await form.close()


def _receive_batch(request: Request, session: Session, form: Any) -> Response:
    v = page_visitor(request)
    check_csrf(v, form_text(form, "csrf_token"))
    values = {"channel": form_text(form, "channel"), "item": form_text(form, "item").strip()}
    upload = form.get("file")
    try:
        if values["channel"] not in labels.CHANNELS:
            raise Problem({"channel": "请选择报送渠道"})
        if not isinstance(upload, StarletteUpload) or not upload.filename:
            raise Problem({"file": "请选择要上传的文件"})
        # Kept with the batch: no character a stored text may not hold (core/text.py).
        name = UNSTORABLE.sub("", FilePath(upload.filename).name)[:300]
        suffix = FilePath(name).suffix.lower()
        if suffix not in READERS:
            raise Problem({"file": "只接受 .csv、.jsonl（.ndjson）或 .xlsx 文件"})
        with tempfile.TemporaryDirectory(prefix="xinyong-upload-") as folder:
            path = FilePath(folder) / f"batch{suffix}"
            _save_upload(upload, path)
            rows = _read_batch_file(path, values["item"] or None, request)
            answer = _collect(request, session, v, Channel(values["channel"]), name, rows)
    except Problem as problem:
        return _batches_page(
            request, session, status_code=problem.status, errors=problem.errors, form=values
        )
    return redirect(f"/department/batches/{answer['batch_id']}", new="1")


def _save_upload(upload: StarletteUpload, path: FilePath) -> None:
    size = 0
    with path.open("wb") as out:
        while chunk := upload.file.read(1024 * 1024):
            size += len(chunk)
            if size > MAX_BATCH_BYTES:
                raise Problem(
                    {"file": f"文件超过 {MAX_BATCH_BYTES // (1024 * 1024)} MB，请分批上传"},
                    status=413,
                )
            out.write(chunk)
    if size == 0:
        raise Problem({"file": "文件是空的"})


def _read_batch_file(path: FilePath, item: str | None, request: Request) -> list[tuple[int, Any]]:
    """The file's rows (row number, record or its read errors), as `xinyong import` reads
    them, within the limits of one batch (records/files.py FileLimits.upload): more than
    XINYONG_MAX_BATCH_RECORDS rows are refused whole, as the API does, and so is a file beyond
    any other limit or not readable as its type, with the message `xinyong import` prints."""
    settings = request.app.state.db.settings
    limit = settings.max_batch_records
    try:
        rows = list(read_rows(path, item=item, limits=FileLimits.upload(settings)))
    except FileRefused as refused:
        if refused.code == "too_many_rows":
            message = f"一批最多 {limit} 条记录，本文件超过此数，请拆分后分批上传"
        else:
            message = refused.message
        raise Problem({"file": message}, status=refused.status) from None
    except Exception as exc:  # a damaged workbook, a binary file named .csv, ...: say so
        raise Problem({"file": f"无法读取文件，请检查格式与编码（{type(exc).__name__}）"}) from None
    if not rows:
        raise Problem({"file": "文件中没有记录（CSV / Excel 的第一行应为表头）"})
    return rows


def _collect(
    request: Request,
    session: Session,
    v: Visitor,
    channel: Channel,
    filename: str,
    rows: list[tuple[int, Any]],
) -> dict:
    def run() -> dict:
        collector = Collector(
            session,
            request.app.state.collection,
            provider=own_department(session, v),
            channel=channel,
            via="file",
            actor=v.principal.actor,
            now=request_now(request),
            filename=filename,
        )
        good = []
        for number, row in rows:
            if isinstance(row, ReadError):
                collector.reject(number, row.errors)
            else:
                good.append((number, row))
        collector.feed(good)
        return collector.finish()

    return attempt(session, run)


def _error_lines(batch: Batch) -> list[dict[str, Any]]:
    lines = []
    for rejection in (batch.answer or {}).get("rejected", []):
        for error in rejection.get("errors", []):
            lines.append({"row": rejection.get("index"), **error})
    return lines


@router.get("/department/batches/{batch_id}", response_class=HTMLResponse, **PROVIDERS)
def batch_page(
    batch_id: BigId, request: Request, new: str = "", session: Session = db_session
) -> Response:
    """Audience: provider. One batch of the department: accepted, duplicates, rejected, and
    the per-row error report (row number, field, code, message)."""
    v = page_visitor(request)
    batch = batch_of_provider(session, v.principal.department_id or 0, batch_id)
    lines = _error_lines(batch)
    return console_page(
        request,
        "department/batch.html",
        section="batches",
        batch=batch,
        lines=lines[:ERRORS_ON_PAGE],
        field_labels=_field_labels(session, v),
        error_count=len(lines),
        shown=min(len(lines), ERRORS_ON_PAGE),
        new=new == "1",
    )


@router.get("/department/batches/{batch_id}/errors.csv", **PROVIDERS)
def batch_errors_csv(batch_id: BigId, request: Request, session: Session = db_session) -> Response:
    """Audience: provider. The batch's row errors as CSV, in the columns of `xinyong import
    --errors` (UTF-8 with BOM, so that Excel opens the Chinese correctly)."""
    department_id = page_visitor(request).principal.department_id or 0
    batch = batch_of_provider(session, department_id, batch_id)
    rejected = (batch.answer or {}).get("rejected", [])
    return csv_download(
        error_csv(rejected, _field_labels(session, page_visitor(request))),
        f"batch-{batch.id}-errors.csv",
    )


def _field_labels(session: Session, v: Visitor) -> dict[str, str]:
    """The labels of the fields of the items the department provides, by field name."""
    items = published_items_of_sector(session, own_department(session, v).kind)
    return merged_field_labels(session, (code for code, _ in items))
