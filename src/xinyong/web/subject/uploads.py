"""The subject console's multipart forms (an objection, a repair, an appeal): read within bounds,
their evidence files checked as POST /api/v1/evidence checks them and stored for the subject."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.datastructures import UploadFile as StarletteUpload
from starlette.exceptions import HTTPException as StarletteHTTPException

from xinyong.rights import evidence
from xinyong.rights.step import Step
from xinyong.web import forms
from xinyong.web.site import Visitor, check_csrf

# Evidence files of one form: at most this many, each at most evidence.MAX_BYTES (20 MB); a
# request larger than all of them together (and the form's text) is refused unread.
MAX_FILES = 10
MAX_FORM_BYTES = MAX_FILES * evidence.MAX_BYTES + 256 * 1024
MAX_FIELDS = 60
MAX_MB = evidence.MAX_BYTES // (1024 * 1024)


@dataclass
class Upload:
    filename: str
    data: bytes
    kind: str


def _filename(raw: str) -> str:
    return re.split(r"[\\/]", raw)[-1][-200:] or "file"


def uploads(form: FormData, inputs: dict[str, str]) -> tuple[list[Upload], forms.Problem | None]:
    """The files of the form's file inputs (input name → evidence kind), each checked as
    POST /api/v1/evidence checks it: at most 20 MB, a PDF, JPEG or PNG by its content (the
    same functions evidence.store applies). Empty inputs are skipped."""
    files: list[Upload] = []
    messages: list[str] = []
    status = 422
    for name, kind in inputs.items():
        for value in form.getlist(name):
            if not isinstance(value, StarletteUpload) or not value.filename:
                continue
            filename = _filename(value.filename)
            data = value.file.read(evidence.MAX_BYTES + 1)
            if len(data) > evidence.MAX_BYTES:
                messages.append(f"“{filename}”超过 {MAX_MB} MB，每个文件不得超过 {MAX_MB} MB")
                status = 413
                continue
            try:
                evidence.content_type_of(data[:16])
            except evidence.UnsupportedFileType:
                messages.append(f"“{filename}”不是 PDF、JPEG 或 PNG 文件（按文件内容判断）")
                status = 413 if status == 413 else 415
                continue
            files.append(Upload(filename, data, kind))
    if len(files) > MAX_FILES:
        messages.append(f"一次最多提交 {MAX_FILES} 个文件")
    if messages:
        return files, forms.Problem({"files": "；".join(messages)}, status=status)
    return files, None


def checked_form(
    form: FormData,
    problem: forms.Problem | None,
    inputs: dict[str, str],
    model: type[BaseModel],
    data: dict[str, Any],
    fields: dict[str, str],
    errors: dict[str, str],
    instead: dict[str, str] | None = None,
) -> list[Upload]:
    """The form's files, once the form was read, its files are acceptable and its data (without
    the files) is a valid body of the API: else every message at once — the page's own
    ``errors`` first, then the model's (in the page's words ``instead`` for the fields it
    names), then the files' (with their status, 413 or 415)."""
    if problem is not None:
        raise problem
    files, file_problem = uploads(form, inputs)
    try:
        forms.validated(model, data, fields)
    except forms.Problem as bad:
        for name, message in bad.errors.items():
            errors.setdefault(name, (instead or {}).get(name, message))
    if file_problem is not None:
        errors.update(file_problem.errors)
        raise forms.Problem(errors, status=file_problem.status)
    if errors:
        raise forms.Problem(errors)
    return files


def store(session: Session, step: Step, subject_id: int, files: list[Upload]) -> list[dict]:
    """Keep each file for the subject (as POST /api/v1/evidence) and name it for the
    procedure by id and kind (the API body's ``evidence``)."""
    refs = []
    for f in files:
        row = evidence.store(session, step, subject_id=subject_id, filename=f.filename, data=f.data)
        refs.append({"file_id": str(row.id), "kind": f.kind})
    return refs


async def with_form(
    request: Request, session: Session, handler: Callable[..., Response], *args: Any
) -> Response:
    """Read a multipart form within bounds, then run the page's (synchronous) handler in a
    worker thread with it. A request too large, or with too many files, reaches the handler
    as a Problem without its form: it only re-renders, changing nothing."""
    length = request.headers.get("content-length", "")
    form: FormData | None = None
    problem: forms.Problem | None = None
    if length.isdigit() and int(length) > MAX_FORM_BYTES:
        problem = forms.Problem(
            {"files": f"提交的内容过大：最多 {MAX_FILES} 个文件，每个不超过 {MAX_MB} MB"},
            status=413,
        )
    else:
        try:
            form = await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS)
        except StarletteHTTPException:
            problem = forms.Problem({"files": f"一次最多提交 {MAX_FILES} 个文件"}, status=413)
    try:
        return await anyio.to_thread.run_sync(
            lambda: handler(request, session, form or FormData(), problem, *args)
        )
    finally:
        if form is not None:
            await form.close()


def check_form(v: Visitor, form: FormData, problem: forms.Problem | None) -> None:
    """The CSRF token of a form that was read; a form refused unread changes nothing."""
    if problem is None:
        check_csrf(v, forms.form_text(form, "csrf_token"))
