"""Pages: the department console (部门工作台, issue 5 § 4). Audience: provider and
user_department — the credit authority has its own console (web/authority.py). The public is
sent to log in; any other role gets the 403 page.

Every page calls the service functions the API endpoints call, in the request's session, as
the logged-in person's principal (``user:NAME`` in the audit log):

- ``/department``: the overview — open tasks (soonest due, overdue marked), list entries by
  state, recent batches and checks.
- ``/department/batches`` (provider): upload a CSV / JSONL / XLSX file (records/files.py, as
  ``xinyong import`` reads it) into the Collector of ``POST /api/v1/records/batches``; each
  batch's report from ``batches.answer``, with a CSV of its row errors.
- ``/department/tasks``: the task queue (tasks/service.find_tasks), filtered by kind, overdue
  and state, each task linking to its procedure.
- ``/department/lists`` and ``/department/lists/entries/{id}`` (provider): the department's
  list entries and each entry's workflow (lists/service).
- ``/department/objections`` and ``/department/repairs`` (provider): objections referred to
  it for verification, repairs awaiting its opinion and objections in a repair's notice
  (objections/service, repairs/service).
- ``/department/check``: the check (checks/service.prepare / run_check) of one subject, a
  pasted list or a CSV of keys, and the feedback form (give_feedback) per measure.

Forms POST with the session's CSRF token; bad input re-renders the form with the field's
message (4xx), never a 500. A full ID number is never shown: subjects appear by credit code or
masked ID number.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path as FilePath
from typing import Any
from urllib.parse import urlencode

import anyio.to_thread
from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile as StarletteUpload

from xinyong.checks.service import give_feedback as give_check_feedback
from xinyong.checks.service import lookup, prepare, run_check
from xinyong.core import labels
from xinyong.core.api import MAX_BIGINT, BigId, db_session
from xinyong.core.clock import local_date
from xinyong.core.identifiers import IdentifierError, mask_id_number
from xinyong.core.text import UNSTORABLE
from xinyong.errors import NotFound, XinyongError
from xinyong.lists import service as lists_service
from xinyong.lists.schemas import EntryIn, ExitIn, InterviewIn, ObjectionDecisionIn, StepIn
from xinyong.lists.service import entry_out
from xinyong.measures.schemas import DECISION_ORDER
from xinyong.models import (
    LIVE_STATES,
    Batch,
    CatalogItem,
    CatalogStatus,
    CatalogVersion,
    Channel,
    Check,
    CheckFeedback,
    CheckHit,
    CreditList,
    Department,
    EntryState,
    ListEntry,
    ListObjection,
    Measure,
    Objection,
    ObjectionState,
    Record,
    Repair,
    RepairObjection,
    RepairState,
    Role,
    Subject,
    TargetType,
)
from xinyong.objections import service as objection_service
from xinyong.objections.appeals import objection_out
from xinyong.objections.schemas import VerificationIn
from xinyong.records.files import READERS, FileLimits, FileRefused, detect_encoding, read_rows
from xinyong.records.service import Collector
from xinyong.repairs import service as repair_service
from xinyong.repairs.schemas import ObjectionDecisionIn as RepairObjectionDecisionIn
from xinyong.repairs.schemas import OpinionIn
from xinyong.repairs.service import repair_out
from xinyong.subjects.archive import read_archive
from xinyong.subjects.service import find_subject
from xinyong.tasks.service import KINDS, TaskFilter, find_tasks
from xinyong.web.forms import (
    Problem,
    attempt,
    evidence_download,
    page,
    page_number,
    page_visitor,
    parse_int,
    redirect,
    refusal,
    request_now,
    request_step,
    request_today,
    validated,
)
from xinyong.web.site import Visitor, audience, check_csrf

router = APIRouter(include_in_schema=False)
DEPARTMENTS = audience(Role.provider, Role.user_department)
PROVIDERS = audience(Role.provider)

# A batch file: at most this many bytes (and XINYONG_MAX_BATCH_RECORDS rows, as the API).
MAX_BATCH_BYTES = 20 * 1024 * 1024
# A CSV of subject keys for a check (10,000 keys of 18 characters fit in a fraction of it).
MAX_KEYS_BYTES = 1024 * 1024
# Rows of a table on one page; row errors of a batch shown on its page (the CSV has them all);
# subjects of a check shown in detail (the decisions are counted for all).
PAGE_ROWS = 50
ERRORS_ON_PAGE = 1000
RESULTS_ON_PAGE = 500

LABELS = {
    "task_kinds": labels.TASK_KINDS,
    "entry_states": labels.ENTRY_STATES,
    "list_kinds": labels.LIST_KINDS,
    "exit_reasons": labels.EXIT_REASONS,
    "step_names": labels.STEP_NAMES,
    "channels": labels.CHANNELS,
    "actions": labels.ACTIONS,
    "via_roles": labels.LINKED_ROLES,
    "scenarios": labels.SCENARIOS,
    # The verifying department reads its own work first (待本部门核实).
    "objection_states": labels.PROVIDER_OBJECTION_STATES,
    "objection_outcomes": labels.OBJECTION_OUTCOMES,
    "objection_grounds": labels.OBJECTION_GROUNDS,
    "procedure_steps": labels.PROCEDURE_STEPS,
    "repair_states": labels.REPAIR_STATES,
    "repair_ways": labels.REPAIR_WAYS,
}


# ---- Plumbing shared by the pages


def _department(session: Session, v: Visitor) -> Department:
    return session.get_one(Department, v.principal.department_id)


def _page(request: Request, name: str, *, status_code: int = 200, **context: Any) -> Response:
    return page(request, name, status_code=status_code, labels=LABELS, **context)


def _subject_key(subject: Subject) -> str:
    """How a page names a subject: its credit code, or its masked ID number."""
    return subject.credit_code or subject.id_masked or ""


def _masked(given: str) -> str:
    try:
        return mask_id_number(given)
    except IdentifierError:
        return "（已隐去）"


def _detail_text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "，".join(
            f"{labels.DETAIL_NAMES.get(k, k)}：{_detail_text(v)}" for k, v in value.items()
        )
    if isinstance(value, list):
        return "；".join(_detail_text(v) for v in value)
    return str(value)


def _step_rows(steps: list) -> list[dict[str, Any]]:
    """A procedure's steps with their details as people read them (not JSON)."""
    return [
        {
            "step": s.step,
            "at": s.at,
            "actor": s.actor,
            "detail": [
                (labels.DETAIL_NAMES.get(k, k), _detail_text(v))
                for k, v in s.detail.items()
                if v not in (None, "", [], {})
            ],
        }
        for s in steps
    ]


# ---- Tasks (the queue, and the overview's part of it)


def _task_rows(session: Session, tasks: list, today: date) -> list[dict[str, Any]]:
    """Each task with its label, overdue flag and the page of its procedure."""
    repair_of = {}
    wanted = [(t.subject_id, t.procedure_id) for t in tasks if t.procedure == "repair_objection"]
    if wanted:
        rows = session.execute(
            select(RepairObjection.id, RepairObjection.repair_id).where(
                RepairObjection.subject_id.in_({s for s, _ in wanted}),
                RepairObjection.id.in_({p for _, p in wanted}),
            )
        ).all()
        repair_of = dict(rows)
    entry_of = {}
    listed = [(t.subject_id, t.procedure_id) for t in tasks if t.procedure == "list_objection"]
    if listed:
        entry_of = dict(
            session.execute(
                select(ListObjection.id, ListObjection.entry_id).where(
                    ListObjection.subject_id.in_({s for s, _ in listed}),
                    ListObjection.id.in_({p for _, p in listed}),
                )
            ).all()
        )
    out = []
    for t in tasks:
        link = None
        if t.procedure == "objection":
            link = f"/department/objections/{t.procedure_id}"
        elif t.procedure == "repair":
            link = f"/department/repairs/{t.procedure_id}"
        elif t.procedure == "list_objection" and t.procedure_id in entry_of:
            link = f"/department/lists/entries/{entry_of[t.procedure_id]}"
        elif t.procedure == "repair_objection" and t.procedure_id in repair_of:
            link = f"/department/repairs/{repair_of[t.procedure_id]}#objection-{t.procedure_id}"
        out.append(
            {
                "task": t,
                "kind": labels.TASK_KINDS.get(t.kind, t.kind),
                "overdue": t.closed_at is None and t.due_on < today,
                "days_left": (t.due_on - today).days,
                "link": link,
            }
        )
    return out


def _entry_counts(session: Session, department_id: int) -> dict[str, int]:
    rows = session.execute(
        select(ListEntry.state, func.count())
        .where(ListEntry.department_id == department_id)
        .group_by(ListEntry.state)
    ).all()
    counts = {s: 0 for s in labels.ENTRY_STATES}
    for state, n in rows:
        counts[EntryState(state).value] = int(n)
    return counts


def _recent_batches(
    session: Session, department_id: int, *, limit: int, before: int | None = None
) -> list[Batch]:
    query = select(Batch).where(Batch.provider_id == department_id)
    if before is not None:
        query = query.where(Batch.id < before)
    return list(session.execute(query.order_by(Batch.id.desc()).limit(limit)).scalars())


def _recent_checks(session: Session, department_id: int, *, limit: int) -> list[Check]:
    return list(
        session.execute(
            select(Check)
            .where(Check.department_id == department_id)
            .order_by(Check.at.desc(), Check.id.desc())
            .limit(limit)
        ).scalars()
    )


@router.get("/department", response_class=HTMLResponse, **DEPARTMENTS)
def overview(request: Request, session: Session = db_session) -> Response:
    """Audience: provider, user_department. The department's open tasks (soonest due first,
    overdue marked), its list entries by state, its recent batches and checks."""
    v = page_visitor(request)
    dept = _department(session, v)
    today = request_today(request)
    tasks, open_total = find_tasks(
        session, TaskFilter(department_id=dept.id, limit=10), today=today
    )
    _, overdue_total = find_tasks(
        session, TaskFilter(department_id=dept.id, overdue=True, limit=1), today=today
    )
    provider = v.role is Role.provider
    return _page(
        request,
        "department/overview.html",
        section="overview",
        department=dept,
        today=today,
        tasks=_task_rows(session, tasks, today),
        open_total=open_total,
        overdue_total=overdue_total,
        entry_counts=_entry_counts(session, dept.id) if provider else {},
        batches=_recent_batches(session, dept.id, limit=5) if provider else [],
        checks=_recent_checks(session, dept.id, limit=5),
    )


@router.get("/department/tasks", response_class=HTMLResponse, **DEPARTMENTS)
def tasks_page(
    request: Request,
    kind: str = "",
    overdue: str = "",
    state: str = "open",
    page: str = "1",
    session: Session = db_session,
) -> Response:
    """Audience: provider, user_department. The department's task queue (the same query as
    GET /api/v1/tasks): soonest due first, overdue rows highlighted, each linking to its
    procedure. Filters: kind, overdue (yes / no), state (open / closed / all)."""
    v = page_visitor(request)
    dept = _department(session, v)
    today = request_today(request)
    kind = kind if kind in KINDS else ""
    overdue = overdue if overdue in ("yes", "no") else ""
    state = state if state in ("open", "closed", "all") else "open"
    number = page_number(page)
    flt = TaskFilter(
        department_id=dept.id,
        kind=kind or None,
        overdue={"yes": True, "no": False}.get(overdue),
        state=state,
        limit=PAGE_ROWS,
        offset=(number - 1) * PAGE_ROWS,
    )
    tasks, total = find_tasks(session, flt, today=today)
    query = {"kind": kind, "overdue": overdue, "state": state}
    return _page(
        request,
        "department/tasks.html",
        section="tasks",
        department=dept,
        today=today,
        tasks=_task_rows(session, tasks, today),
        total=total,
        filters=query,
        page=number,
        pages=max(1, -(-total // PAGE_ROWS)),
        query=urlencode({k: val for k, val in query.items() if val}),
    )


# ---- Batches (provider): upload a file, see its report


def _items_of(session: Session, kind: str) -> list[tuple[str, str]]:
    """The published catalog's items this department's sector may push (Measures art. 8)."""
    rows = session.execute(
        select(CatalogItem.code, CatalogItem.name, CatalogItem.sources)
        .join(CatalogVersion, CatalogVersion.id == CatalogItem.version_id)
        .where(CatalogVersion.status == CatalogStatus.published)
        .order_by(CatalogItem.id)
    ).all()
    return [(code, name) for code, name, sources in rows if kind in (sources or [])]


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
    dept = _department(session, v)
    batches = _recent_batches(session, dept.id, limit=PAGE_ROWS + 1, before=before)
    more = len(batches) > PAGE_ROWS
    return _page(
        request,
        "department/batches.html",
        status_code=status_code,
        section="batches",
        department=dept,
        items=_items_of(session, dept.kind),
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


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _receive_batch(request: Request, session: Session, form: Any) -> Response:
    v = page_visitor(request)
    check_csrf(v, _text(form, "csrf_token"))
    values = {"channel": _text(form, "channel"), "item": _text(form, "item").strip()}
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
            provider=_department(session, v),
            channel=channel,
            via="file",
            actor=v.principal.actor,
            now=request_now(request),
            filename=filename,
        )
        good = []
        for number, row in rows:
            if isinstance(row, list):  # the reader could not even parse it
                collector.reject(number, row)
            else:
                good.append((number, row))
        collector.feed(good)
        return collector.finish()

    return attempt(session, run)


def _own_batch(session: Session, v: Visitor, batch_id: int) -> Batch:
    batch = session.get(Batch, batch_id)
    if batch is None or batch.provider_id != v.principal.department_id:
        raise NotFound("批次不存在", "no such batch of this department", code="unknown_batch")
    return batch


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
    batch = _own_batch(session, v, batch_id)
    lines = _error_lines(batch)
    return _page(
        request,
        "department/batch.html",
        section="batches",
        batch=batch,
        lines=lines[:ERRORS_ON_PAGE],
        error_count=len(lines),
        shown=min(len(lines), ERRORS_ON_PAGE),
        new=new == "1",
    )


@router.get("/department/batches/{batch_id}/errors.csv", **PROVIDERS)
def batch_errors_csv(batch_id: BigId, request: Request, session: Session = db_session) -> Response:
    """Audience: provider. The batch's row errors as CSV, in the columns of `xinyong import
    --errors` (UTF-8 with BOM, so that Excel opens the Chinese correctly)."""
    batch = _own_batch(session, page_visitor(request), batch_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["row", "field", "code", "message", "message_en"])
    for line in _error_lines(batch):
        writer.writerow(
            [
                line["row"],
                line.get("field") or "",
                line.get("code", ""),
                line.get("message", ""),
                line.get("message_en", ""),
            ]
        )
    return Response(
        "\ufeff" + buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="batch-{batch.id}-errors.csv"',
            "Cache-Control": "no-store",
        },
    )


# ---- List entries (provider)


def _lists_it_identifies(session: Session, dept: Department) -> list[CreditList]:
    return [x for x in lists_service.all_lists(session) if x.identifying_sector == dept.kind]


def _lists_page(
    request: Request,
    session: Session,
    *,
    status_code: int = 200,
    state: str = "",
    before: int | None = None,
    propose: dict[str, Any] | None = None,
) -> Response:
    v = page_visitor(request)
    dept = _department(session, v)
    query = select(ListEntry, Subject).join(Subject, Subject.id == ListEntry.subject_id)
    query = query.where(ListEntry.department_id == dept.id)
    if state in labels.ENTRY_STATES:
        query = query.where(ListEntry.state == EntryState(state))
    if before is not None:
        query = query.where(ListEntry.id < before)
    rows = session.execute(query.order_by(ListEntry.id.desc()).limit(PAGE_ROWS + 1)).all()
    names = {x.code: x.spec["name"] for x in lists_service.all_lists(session)}
    entries = [
        {
            "entry": e,
            "subject": _subject_key(s),
            "subject_name": s.name,
            "list": names.get(e.list_code, e.list_code),
        }
        for e, s in rows[:PAGE_ROWS]
    ]
    return _page(
        request,
        "department/lists.html",
        status_code=status_code,
        section="lists",
        department=dept,
        counts=_entry_counts(session, dept.id),
        entries=entries,
        state=state if state in labels.ENTRY_STATES else "",
        older=rows[PAGE_ROWS - 1][0].id if len(rows) > PAGE_ROWS else None,
        lists=_lists_it_identifies(session, dept),
        propose=propose or {"form": {}, "errors": {}, "candidates": None},
    )


def _basis_candidates(
    request: Request, session: Session, v: Visitor, lst: CreditList, key: str
) -> list[dict[str, Any]]:
    """The subject's active records of the list's basis items, read as GET
    /subjects/{key}/archive reads them (logged with the purpose: 名单认定)."""
    db = request.app.state.db
    subject = find_subject(session, key, cipher=db.cipher)
    now = request_now(request)
    archive = read_archive(
        session,
        subject,
        v.principal,
        cipher=db.cipher,
        now=now,
        today=local_date(now),
        purpose=f"名单认定：{lst.spec['name']}",
    )
    basis = set(lst.spec["basis_items"])
    return [
        r.model_dump()
        for records in archive.categories.values()
        for r in records
        if r.item in basis and r.standing == "active"
    ]


@router.get("/department/lists", response_class=HTMLResponse, **PROVIDERS)
def lists_page(
    request: Request,
    state: str = "",
    before: str = "",
    list_code: str = Query(default="", alias="list"),
    subject: str = "",
    session: Session = db_session,
) -> Response:
    """Audience: provider. The department's list entries by state, and the proposal form for
    the lists it identifies (谁主管、谁认定): with `list` and `subject`, the subject's active
    records of the list's basis items to choose from."""
    # Any value is a filter: one no list has finds nothing (never an error page).
    list_code, subject = list_code[:64], subject[:64]
    propose: dict[str, Any] = {"form": {"list": list_code, "subject": subject}, "errors": {}}
    propose["candidates"] = None
    if list_code and subject.strip():
        v = page_visitor(request)
        dept = _department(session, v)
        lst = next((x for x in _lists_it_identifies(session, dept) if x.code == list_code), None)
        if lst is None:
            propose["errors"] = {"list": "本部门不是该名单的认定部门"}
        else:
            try:
                propose["candidates"] = attempt(
                    session,
                    lambda: _basis_candidates(request, session, v, lst, subject.strip()),
                    PROPOSE_FIELDS,
                )
            except Problem as problem:
                propose["errors"] = problem.errors
    return _lists_page(request, session, state=state, before=parse_int(before), propose=propose)


# The proposal form's fields by the names the service's errors give them.
PROPOSE_FIELDS = {
    "key": "subject",
    "subject": "subject",
    "list": "list",
    "basis_records": "basis_records",
    "reason": "reason",
    "listed_until": "listed_until",
    "responsible_persons": "responsible_persons",
}
_PERSON_SPLIT = re.compile(r"[,，\t;；]")


def _responsible_persons(text: str) -> list[dict[str, Any]]:
    """One person a line: ID number, name and, optionally, position."""
    persons = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in _PERSON_SPLIT.split(line)]
        if len(parts) < 2 or not parts[0] or not parts[1] or len(parts) > 3:
            raise Problem(
                {"responsible_persons": f"第 {number} 行应为“身份证号码，姓名，职务（可省略）”"}
            )
        persons.append(
            {
                "id_number": parts[0],
                "name": parts[1],
                "position": (parts[2] or None) if len(parts) > 2 else None,
            }
        )
    return persons


@router.post("/department/lists/{code}/entries", response_class=HTMLResponse, **PROVIDERS)
def propose_entry(
    code: str,
    request: Request,
    csrf_token: str = Form(default=""),
    subject: str = Form(default=""),
    basis_records: list[str] = Form(default=[]),
    basis_text: str = Form(default=""),
    reason: str = Form(default=""),
    listed_until: str = Form(default=""),
    responsible_persons: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider. Propose a subject for a list (POST /api/v1/lists/{code}/entries):
    its basis records, the reason, optionally a shorter period and the directly responsible
    persons (Measures art. 29)."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    chosen = [*basis_records, *re.split(r"[\s,，;；]+", basis_text)]
    chosen = [c.strip() for c in chosen if c.strip()]
    form = {
        "list": code,
        "subject": subject,
        "basis_text": " ".join(dict.fromkeys(chosen)),
        "reason": reason,
        "listed_until": listed_until,
        "responsible_persons": responsible_persons,
    }
    try:
        # Ids in the API's range (core/api.py): ASCII digits, 1 to the largest BIGINT.
        ids = list(dict.fromkeys(parse_int(c) for c in chosen))
        if not all(ids):
            message = f"依据信息编号应为数字（1 至 {MAX_BIGINT}），多个以空格或逗号分隔"
            raise Problem({"basis_records": message})
        body = validated(
            EntryIn,
            {
                "subject": subject.strip(),
                "basis_records": ids,
                "reason": reason.strip(),
                "listed_until": listed_until.strip() or None,
                "responsible_persons": _responsible_persons(responsible_persons),
            },
        )
        entry = attempt(
            session,
            lambda: lists_service.propose_entry(session, request_step(request), code, body),
            PROPOSE_FIELDS,
        )
    except Problem as problem:
        return _lists_page(
            request,
            session,
            status_code=problem.status,
            propose={"form": form, "errors": problem.errors, "candidates": None},
        )
    return redirect(f"/department/lists/entries/{entry.id}", done="proposed")


def _own_entry(session: Session, v: Visitor, entry_id: int) -> ListEntry:
    entry = lists_service.get_entry(session, entry_id)
    if entry.department_id != v.principal.department_id:
        # Another department's entry is not this console's business: as if there were none.
        raise NotFound(
            "名单条目不存在", "no such list entry of this department", code="unknown_entry"
        )
    return entry


def _entry_page(
    request: Request,
    session: Session,
    entry_id: int,
    *,
    status_code: int = 200,
    errors: dict[str, dict[str, str]] | None = None,
    forms: dict[str, dict[str, str]] | None = None,
    done: str = "",
) -> Response:
    v = page_visitor(request)
    entry = _own_entry(session, v, entry_id)
    view = entry_out(session, entry, full=True)
    lst = session.get_one(CreditList, entry.list_id)
    basis = session.execute(
        select(Record, CatalogItem.name)
        .join(CatalogItem, CatalogItem.id == Record.catalog_item_id)
        .where(
            Record.subject_id == entry.subject_id,
            Record.id.in_([int(r) for r in entry.basis_records]),
        )
    ).all()
    today = request_today(request)
    live = entry.state in LIVE_STATES
    return _page(
        request,
        "department/entry.html",
        status_code=status_code,
        section="lists",
        entry=view,
        steps=_step_rows(view.steps),
        spec=lst.spec,
        basis=[{"record": r, "item_name": n} for r, n in basis],
        today=today,
        can={
            "decide": entry.state == EntryState.notice,
            "confirm": entry.state in (EntryState.notice, EntryState.candidate),
            "exit": live,
            "repair_exit": entry.state == EntryState.listed,
            "rectify": entry.state == EntryState.listed
            and entry.rectify_by is not None
            and entry.rectified_at is None,
        },
        errors=errors or {},
        forms=forms or {},
        done=done,
    )


@router.get("/department/lists/entries/{entry_id}", response_class=HTMLResponse, **PROVIDERS)
def entry_page(
    entry_id: BigId, request: Request, done: str = "", session: Session = db_session
) -> Response:
    """Audience: provider. One of the department's entries: its steps, objections and the
    workflow actions open to it (decide an objection, confirm, exit, rectification,
    interview)."""
    return _entry_page(request, session, entry_id, done=done)


def _entry_action(
    request: Request,
    session: Session,
    entry_id: int,
    csrf_token: str,
    name: str,
    form: dict[str, str],
    act: Callable[[Visitor], Any],
) -> Response:
    """One workflow step from the entry page: CSRF, the department's own entry, the service
    call; a refusal re-renders the page with the message beside the form."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    _own_entry(session, v, entry_id)
    try:
        act(v)
    except Problem as problem:
        return _entry_page(
            request,
            session,
            entry_id,
            status_code=problem.status,
            errors={name: problem.errors},
            forms={name: form},
        )
    return redirect(f"/department/lists/entries/{entry_id}", done=name)


@router.post(
    "/department/lists/entries/{entry_id}/objections/{objection_id}/decision",
    response_class=HTMLResponse,
    **PROVIDERS,
)
def entry_objection_decision(
    entry_id: BigId,
    objection_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    upheld: str = Form(default=""),
    reason: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider. Decide an objection (陈述申辩) to an entry in its notice: upheld
    withdraws the candidate (POST …/objections/{oid}/decision)."""

    def act(v: Visitor) -> None:
        if upheld not in ("yes", "no"):
            raise Problem({"upheld": "请选择：异议成立或不成立"})
        body = validated(ObjectionDecisionIn, {"upheld": upheld == "yes", "reason": reason.strip()})
        attempt(
            session,
            lambda: lists_service.decide_objection(
                session,
                request_step(request),
                entry_id,
                objection_id,
                upheld=body.upheld,
                reason=body.reason,
            ),
        )

    form = {"upheld": upheld, "reason": reason, "objection": str(objection_id)}
    return _entry_action(request, session, entry_id, csrf_token, "decide", form, act)


@router.post(
    "/department/lists/entries/{entry_id}/confirm", response_class=HTMLResponse, **PROVIDERS
)
def entry_confirm(
    entry_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider. Confirm and publish the entry after its notice period, every
    objection decided (POST /api/v1/list-entries/{id}/confirm)."""

    def act(v: Visitor) -> None:
        attempt(
            session, lambda: lists_service.confirm_entry(session, request_step(request), entry_id)
        )

    return _entry_action(request, session, entry_id, csrf_token, "confirm", {}, act)


@router.post("/department/lists/entries/{entry_id}/exit", response_class=HTMLResponse, **PROVIDERS)
def entry_exit(
    entry_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    reason: str = Form(default=""),
    explanation: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider. Take the entry off its list after repair, or revoke it as an error
    (POST /api/v1/list-entries/{id}/exit)."""

    def act(v: Visitor) -> None:
        body = validated(ExitIn, {"reason": reason, "explanation": explanation.strip()})
        attempt(
            session,
            lambda: lists_service.exit_entry(
                session,
                request_step(request),
                entry_id,
                reason=body.reason,
                explanation=body.explanation,
            ),
        )

    form = {"reason": reason, "explanation": explanation}
    return _entry_action(request, session, entry_id, csrf_token, "exit", form, act)


@router.post(
    "/department/lists/entries/{entry_id}/rectification",
    response_class=HTMLResponse,
    **PROVIDERS,
)
def entry_rectification(
    entry_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    reason: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider. Record that the subject rectified (限期整改; POST
    /api/v1/list-entries/{id}/rectification)."""

    def act(v: Visitor) -> None:
        body = validated(StepIn, {"reason": reason.strip()})
        attempt(
            session,
            lambda: lists_service.record_rectification(
                session, request_step(request), entry_id, body.reason
            ),
        )

    return _entry_action(request, session, entry_id, csrf_token, "rectify", {"reason": reason}, act)


@router.post(
    "/department/lists/entries/{entry_id}/interviews", response_class=HTMLResponse, **PROVIDERS
)
def entry_interview(
    entry_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    interview_type: str = Form(default=""),
    interviewed_on: str = Form(default=""),
    interviewee_name: str = Form(default=""),
    interviewee_position: str = Form(default=""),
    content: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider. Record a prompting or warning interview (约谈) past the
    rectification deadline (POST /api/v1/list-entries/{id}/interviews): it enters the
    subject's archive as an `interview` record."""
    form = {
        "interview_type": interview_type,
        "interviewed_on": interviewed_on,
        "interviewee_name": interviewee_name,
        "interviewee_position": interviewee_position,
        "content": content,
    }

    def act(v: Visitor) -> None:
        body = validated(
            InterviewIn,
            {
                "interview_type": interview_type,
                "interviewed_on": interviewed_on.strip(),
                "interviewee_name": interviewee_name.strip(),
                "interviewee_position": interviewee_position.strip() or None,
                "content": content.strip(),
            },
        )
        attempt(
            session,
            lambda: lists_service.record_interview(
                session, request_step(request), entry_id, fields=body.model_dump()
            ),
        )

    return _entry_action(request, session, entry_id, csrf_token, "interview", form, act)


# ---- The check (逢办必查) and its feedback


def _check_form_page(
    request: Request,
    session: Session,
    *,
    status_code: int = 200,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    v = page_visitor(request)
    dept = _department(session, v)
    return _page(
        request,
        "department/check.html",
        status_code=status_code,
        section="check",
        department=dept,
        form=form or {},
        errors=errors or {},
        result=None,
        checks=_recent_checks(session, dept.id, limit=10),
    )


@router.get("/department/check", response_class=HTMLResponse, **DEPARTMENTS)
def check_page(request: Request, session: Session = db_session) -> Response:
    """Audience: provider, user_department. The check form: one subject, a pasted list or a
    CSV of keys, a scenario and a purpose; and the department's recent checks."""
    return _check_form_page(request, session)


CHECK_FIELDS = {name: name for name in ("scenario", "purpose", "subjects", "file")}
_KEY_SHAPE = re.compile(r"[0-9A-Za-z]{15,18}")


def _keys_of_file(upload: UploadFile | None) -> list[str]:
    """Subject keys of an uploaded CSV: the first cell of each row; a header row is skipped."""
    if upload is None or not upload.filename:
        return []
    data = upload.file.read(MAX_KEYS_BYTES + 1)
    if len(data) > MAX_KEYS_BYTES:
        raise Problem({"file": "文件超过 1 MB，请拆分后查询"}, status=413)
    try:
        text = data.decode(detect_encoding(data[: 1 << 16]))
    except UnicodeDecodeError:
        raise Problem({"file": "文件应为 UTF-8 或 GB18030 编码的 CSV"}) from None
    keys = []
    try:
        for index, row in enumerate(csv.reader(io.StringIO(text))):
            cell = next((c.strip() for c in row if c.strip()), "")
            if not cell or (index == 0 and not _KEY_SHAPE.fullmatch(cell)):
                continue
            keys.append(cell)
    except csv.Error:
        raise Problem({"file": "无法读取 CSV 文件"}) from None
    if not keys:
        raise Problem({"file": "文件中没有主体标识（每行第一列为统一社会信用代码或身份证号码）"})
    return keys


@router.post("/department/check", response_class=HTMLResponse, **DEPARTMENTS)
def check_run(
    request: Request,
    csrf_token: str = Form(default=""),
    scenario: str = Form(default=""),
    purpose: str = Form(default=""),
    subject: str = Form(default=""),
    subjects: str = Form(default=""),
    file: UploadFile | None = File(default=None),
    session: Session = db_session,
) -> Response:
    """Audience: provider, user_department. Run the check (POST /api/v1/checks): per subject
    the decision (intercept / prompt / facilitate / clear) and every measure with its action,
    reason, legal basis and `via`; a feedback form per measure. Logged with the department
    and purpose before the answer is shown."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    form = {"scenario": scenario, "purpose": purpose, "subject": subject, "subjects": subjects}
    ctx = request.app.state.checks
    try:
        keys = [subject.strip()] if subject.strip() else []
        keys += [line.strip() for line in subjects.splitlines() if line.strip()]
        keys += _keys_of_file(file)
        if not keys:
            raise Problem({"subjects": "请填写或上传至少一个统一社会信用代码或身份证号码"})
        try:
            req = prepare(
                ctx, scenario=scenario, subjects=keys, purpose=purpose, now=request_now(request)
            )
        except XinyongError as exc:
            raise refusal(exc, CHECK_FIELDS) from None
    except Problem as problem:
        return _check_form_page(
            request, session, status_code=problem.status, form=form, errors=problem.errors
        )
    dept = _department(session, v)
    recent = _recent_checks(session, dept.id, limit=10)
    # The check is logged by the process's group-commit writer (checks/log.py) and its
    # snapshot may catch up in a transaction of its own: on SQLite this request's transaction
    # would hold the one write lock they wait for, so it ends here; nothing below writes.
    session.commit()
    db = request.app.state.db
    with db.reading() as conn:
        body = run_check(conn, ctx, v.principal, req)
        found = lookup(conn, req.keys)
    rows = []
    for index, (key, result) in enumerate(zip(req.keys, body["results"], strict=True)):
        subject_row = found.find(key) if result.get("found") else None
        if subject_row is not None:
            shown = result["subject"]["credit_code"] or result["subject"]["id_number"] or ""
        else:  # not in the platform: the key as given, an ID number masked
            shown = _masked(key.given) if key.id_hash else key.given
        rows.append(
            {
                "index": index,
                "shown": shown,
                "result": result,
                "subject_id": subject_row.id if subject_row else None,
                "feedback": _feedback_slots(result),
            }
        )
    rows.sort(key=lambda r: (DECISION_ORDER.index(r["result"]["decision"]), r["index"]))
    return _page(
        request,
        "department/check.html",
        section="check",
        department=dept,
        form={"scenario": scenario, "purpose": purpose},
        errors={},
        result={
            "check_id": body["check_id"],
            "scenario": body["scenario_name"],
            "purpose": req.purpose,
            "decisions": body["decisions"],
            "total": len(rows),
            "rows": rows[:RESULTS_ON_PAGE],
        },
        checks=recent,
    )


def _feedback_slots(result: dict) -> set[int]:
    """Indexes of the measures that carry the feedback form: the first of each measure code
    (feedback is per subject and measure, however many entries reached it)."""
    seen: set[str] = set()
    slots = set()
    for index, measure in enumerate(result.get("measures", [])):
        if measure["measure"] not in seen:
            seen.add(measure["measure"])
            slots.add(index)
    return slots


def _own_check(session: Session, v: Visitor, check_id: int) -> Check:
    check = session.get(Check, check_id)
    if check is None or check.department_id != v.principal.department_id:
        raise NotFound("查询记录不存在", "no such check of this department", code="unknown_check")
    return check


def _check_record_page(
    request: Request,
    session: Session,
    check_id: int,
    *,
    status_code: int = 200,
    errors: dict[tuple[int, str], str] | None = None,
    forms: dict[tuple[int, str], dict[str, str]] | None = None,
    saved: str = "",
) -> Response:
    v = page_visitor(request)
    check = _own_check(session, v, check_id)
    hits = list(
        session.execute(
            select(CheckHit)
            .where(CheckHit.check_id == check_id)
            .order_by(CheckHit.subject_id, CheckHit.measure_code)
        ).scalars()
    )
    subjects = {
        s.id: s
        for s in session.execute(
            select(Subject).where(Subject.id.in_({h.subject_id for h in hits}))
        ).scalars()
    }
    measures = {
        m.code: m.spec
        for m in session.execute(
            select(Measure).where(Measure.code.in_({h.measure_code for h in hits}))
        ).scalars()
    }
    entries = {
        e.id: e
        for e in session.execute(
            select(ListEntry).where(ListEntry.id.in_({h.entry_id for h in hits}))
        ).scalars()
    }
    names = {x.code: x.spec["name"] for x in lists_service.all_lists(session)}
    feedback = {
        (f.subject_id, f.measure_code): f
        for f in session.execute(
            select(CheckFeedback).where(CheckFeedback.check_id == check_id)
        ).scalars()
    }
    groups: dict[int, dict[str, Any]] = {}
    for hit in hits:
        s = subjects.get(hit.subject_id)
        group = groups.setdefault(
            hit.subject_id,
            {
                "subject_id": hit.subject_id,
                "name": s.name if s else "",
                "key": _subject_key(s) if s else "",
                "hits": [],
            },
        )
        entry = entries.get(hit.entry_id)
        spec = measures.get(hit.measure_code, {})
        group["hits"].append(
            {
                "hit": hit,
                "measure": spec,
                "list": names.get(entry.list_code, entry.list_code) if entry else "",
                "via": entry is not None and entry.subject_id != hit.subject_id,
                "via_name": (
                    subjects.get(entry.subject_id).name
                    if entry and entry.subject_id in subjects
                    else None
                ),
                "feedback": feedback.get((hit.subject_id, hit.measure_code)),
                "error": (errors or {}).get((hit.subject_id, hit.measure_code)),
                "form": (forms or {}).get((hit.subject_id, hit.measure_code), {}),
            }
        )
    answered = sum(1 for h in hits if (h.subject_id, h.measure_code) in feedback)
    slots = {(h.subject_id, h.measure_code) for h in hits}
    # A message about a measure the check did not show belongs to the page as a whole.
    unplaced = [m for slot, m in (errors or {}).items() if slot not in slots]
    return _page(
        request,
        "department/check_record.html",
        status_code=status_code,
        section="check",
        check=check,
        scenario=labels.SCENARIOS.get(check.scenario, check.scenario),
        groups=list(groups.values()),
        hit_count=len(hits),
        answered=answered,
        saved=saved,
        error=unplaced[0] if unplaced else "",
    )


@router.get("/department/checks/{check_id}", response_class=HTMLResponse, **DEPARTMENTS)
def check_record_page(
    check_id: BigId, request: Request, saved: str = "", session: Session = db_session
) -> Response:
    """Audience: provider, user_department. One of the department's checks as logged: the
    measures it reached per subject, the feedback given and the form for the rest."""
    return _check_record_page(request, session, check_id, saved=saved)


@router.post("/department/checks/{check_id}/feedback", response_class=HTMLResponse, **DEPARTMENTS)
def check_feedback(
    check_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    subject: str = Form(default=""),
    measure: str = Form(default=""),
    applied: str = Form(default=""),
    reason: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider, user_department. Feedback on one measure of one subject of the
    check (POST /api/v1/checks/{id}/feedback): applied, or why not."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    _own_check(session, v, check_id)
    subject_id = parse_int(subject) or 0
    slot = (subject_id, measure)
    form = {"applied": applied, "reason": reason}
    try:
        if applied not in ("yes", "no"):
            raise Problem({"": "请选择是否已实施该措施"})
        row = session.get(Subject, subject_id) if subject_id else None
        if row is None:
            raise Problem({"": "该查询没有对此主体给出此措施"})
        # The service takes the subject's key; the page never carries a full ID number.
        key = row.credit_code or request.app.state.db.cipher.decrypt(row.id_cipher)
        item = {
            "subject": key,
            "measure": measure,
            "applied": applied == "yes",
            "reason": reason.strip() or None,
        }
        attempt(
            session,
            lambda: give_check_feedback(
                session,
                v.principal,
                check_id,
                [item],
                cipher=request.app.state.db.cipher,
                now=request_now(request),
            ),
        )
    except Problem as problem:
        return _check_record_page(
            request,
            session,
            check_id,
            status_code=problem.status,
            errors={slot: next(iter(problem.errors.values()))},
            forms={slot: form},
        )
    response = redirect(f"/department/checks/{check_id}", saved=f"{subject_id}:{measure}")
    response.headers["location"] += f"#s{subject_id}-{measure}"
    return response


# ---- Objections referred to the department for verification (provider)


def _target_label(session: Session, obj: Objection) -> dict[str, Any]:
    """What an objection is about, as the department reads it."""
    if obj.target_type is TargetType.record:
        row = session.execute(
            select(Record, CatalogItem.name)
            .join(CatalogItem, CatalogItem.id == Record.catalog_item_id)
            .where(Record.subject_id == obj.subject_id, Record.id == obj.target_id)
        ).first()
        if row is None:
            return {"label": f"信用记录 {obj.target_id}", "record": None, "link": None}
        record, name = row
        return {"label": f"{name}（记录编号 {record.id}）", "record": record, "link": None}
    entry = session.execute(
        select(ListEntry).where(
            ListEntry.subject_id == obj.subject_id, ListEntry.id == obj.target_id
        )
    ).scalar_one_or_none()
    names = {x.code: x.spec["name"] for x in lists_service.all_lists(session)}
    name = names.get(entry.list_code, entry.list_code) if entry else "名单条目"
    return {
        "label": f"{name}（名单条目编号 {obj.target_id}）",
        "record": None,
        "link": f"/department/lists/entries/{obj.target_id}" if entry else None,
    }


@router.get("/department/objections", response_class=HTMLResponse, **PROVIDERS)
def objections_page(
    request: Request, state: str = "verification", page: str = "1", session: Session = db_session
) -> Response:
    """Audience: provider. Objections referred to the department (GET /api/v1/objections as a
    provider): by default those awaiting its verification, soonest due first on the page."""
    v = page_visitor(request)
    today = request_today(request)
    state = state if state in (*labels.OBJECTION_STATES, "all") else "verification"
    number = page_number(page)
    rows, total = objection_service.find_objections(
        session,
        v.principal,
        state=None if state == "all" else state,
        subject_id=None,
        limit=PAGE_ROWS,
        offset=(number - 1) * PAGE_ROWS,
    )
    subjects = {
        s.id: s
        for s in session.execute(
            select(Subject).where(Subject.id.in_({o.subject_id for o in rows}))
        ).scalars()
    }
    items = []
    for obj in rows:
        due = obj.verify_due_on if obj.state is ObjectionState.verification else None
        subject = subjects.get(obj.subject_id)
        items.append(
            {
                "objection": obj,
                "subject": _subject_key(subject) if subject else "",
                "subject_name": subject.name if subject else "",
                "target": _target_label(session, obj)["label"],
                "due": due,
                "overdue": due is not None and due < today,
            }
        )
    if state == "verification":
        items.sort(key=lambda i: (i["due"] or date.max, i["objection"].id))
    return _page(
        request,
        "department/objections.html",
        section="objections",
        objections=items,
        total=total,
        state=state,
        page=number,
        pages=max(1, -(-total // PAGE_ROWS)),
        today=today,
    )


def _objection_page(
    request: Request,
    session: Session,
    objection_id: int,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    done: str = "",
) -> Response:
    v = page_visitor(request)
    obj = objection_service.get_objection(session, objection_id)
    if not objection_service.may_see(session, v.principal, obj):
        raise NotFound("异议申请不存在", "no such objection", code="unknown_objection")
    view = objection_out(session, obj)
    today = request_today(request)
    return _page(
        request,
        "department/objection.html",
        status_code=status_code,
        section="objections",
        objection=view,
        steps=_step_rows(view.steps),
        target=_target_label(session, obj),
        verifying=obj.state is ObjectionState.verification
        and objection_service.verifying_department(session, obj) == v.principal.department_id,
        overdue=obj.state is ObjectionState.verification
        and obj.verify_due_on is not None
        and obj.verify_due_on < today,
        errors=errors or {},
        form=form or {},
        done=done,
    )


@router.get("/department/objections/{objection_id}", response_class=HTMLResponse, **PROVIDERS)
def objection_page(
    objection_id: BigId, request: Request, done: str = "", session: Session = db_session
) -> Response:
    """Audience: provider. An objection referred to the department: the subject's statement,
    the information objected to, the evidence, the timeline, and the verification form."""
    return _objection_page(request, session, objection_id, done=done)


@router.post(
    "/department/objections/{objection_id}/verification",
    response_class=HTMLResponse,
    **PROVIDERS,
)
def objection_verification(
    objection_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    found_wrong: str = Form(default=""),
    opinion: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider. The department's verification (核实) of an objection (POST
    /api/v1/objections/{id}/verification): the information is wrong or right, and why."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    form = {"found_wrong": found_wrong, "opinion": opinion}
    try:
        if found_wrong not in ("yes", "no"):
            raise Problem({"found_wrong": "请选择核实结论"})
        body = validated(
            VerificationIn, {"found_wrong": found_wrong == "yes", "opinion": opinion.strip()}
        )
        attempt(
            session,
            lambda: objection_service.verify(
                session,
                request_step(request),
                objection_id,
                found_wrong=body.found_wrong,
                opinion=body.opinion,
            ),
        )
    except Problem as problem:
        return _objection_page(
            request,
            session,
            objection_id,
            status_code=problem.status,
            errors=problem.errors,
            form=form,
        )
    return redirect(f"/department/objections/{objection_id}", done="verified")


# ---- Repairs awaiting the department's opinion, and objections in their notice (provider)


def _repair_row(session: Session, repair: Repair, today: date) -> dict[str, Any]:
    subject = session.get(Subject, repair.subject_id)
    target = repair_service.describe(session, repair_service.load_target(session, repair))
    return {
        "repair": repair,
        "subject": _subject_key(subject) if subject else "",
        "subject_name": subject.name if subject else "",
        "target": target["label"],
        "overdue": repair.state is RepairState.opinion and repair.opinion_due_on < today,
    }


@router.get("/department/repairs", response_class=HTMLResponse, **PROVIDERS)
def repairs_page(
    request: Request, state: str = "", after: str = "", session: Session = db_session
) -> Response:
    """Audience: provider. Repairs awaiting the department's written opinion (soonest due
    first), objections raised in a repair's public notice that it must verify, and all its
    repairs by state (GET /api/v1/repairs as a provider)."""
    v = page_visitor(request)
    today = request_today(request)
    awaiting = repair_service.find_repairs(
        session, v.principal, state="opinion", after=None, limit=1000
    )
    awaiting.sort(key=lambda r: (r.opinion_due_on, r.id))
    pending = []
    for repair in repair_service.find_repairs(
        session, v.principal, state="notice", after=None, limit=1000
    ):
        for objection in repair_service.objections_of(session, repair):
            if objection.decided_at is None:
                pending.append(
                    {
                        "objection": objection,
                        "repair": _repair_row(session, repair, today),
                        "overdue": objection.due_on < today,
                    }
                )
    pending.sort(key=lambda p: (p["objection"].due_on, p["objection"].id))
    state = state if state in labels.REPAIR_STATES else ""
    listed = repair_service.find_repairs(
        session, v.principal, state=state or None, after=parse_int(after), limit=PAGE_ROWS + 1
    )
    return _page(
        request,
        "department/repairs.html",
        section="repairs",
        awaiting=[_repair_row(session, r, today) for r in awaiting],
        pending=pending,
        repairs=[_repair_row(session, r, today) for r in listed[:PAGE_ROWS]],
        newer=listed[PAGE_ROWS - 1].id if len(listed) > PAGE_ROWS else None,
        state=state,
        today=today,
    )


def _repair_page(
    request: Request,
    session: Session,
    repair_id: int,
    *,
    status_code: int = 200,
    errors: dict[str, dict[str, str]] | None = None,
    forms: dict[str, dict[str, str]] | None = None,
    done: str = "",
) -> Response:
    v = page_visitor(request)
    repair = repair_service.get_repair(session, repair_id)
    if not repair_service.may_see(v.principal, repair):
        raise repair_service.unknown_repair()
    today = request_today(request)
    view = repair_out(session, repair)
    return _page(
        request,
        "department/repair.html",
        status_code=status_code,
        section="repairs",
        repair=view,
        steps=_step_rows(view.steps),
        overdue=repair.state is RepairState.opinion and repair.opinion_due_on < today,
        today=today,
        errors=errors or {},
        forms=forms or {},
        done=done,
    )


@router.get("/department/repairs/{repair_id}", response_class=HTMLResponse, **PROVIDERS)
def repair_page(
    repair_id: BigId, request: Request, done: str = "", session: Session = db_session
) -> Response:
    """Audience: provider. A repair of information the department gave: the eligibility as
    explained to the subject, the correction and commitment, evidence files, the timeline,
    the opinion form and the objections raised in its notice."""
    return _repair_page(request, session, repair_id, done=done)


@router.post("/department/repairs/{repair_id}/opinion", response_class=HTMLResponse, **PROVIDERS)
def repair_opinion(
    repair_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    positive: str = Form(default=""),
    text: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider. The written repair opinion (POST /api/v1/repairs/{id}/opinion):
    positive goes to public notice, negative refuses with the route of appeal."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    form = {"positive": positive, "text": text}
    try:
        if positive not in ("yes", "no"):
            raise Problem({"positive": "请选择是否同意修复"})
        body = validated(OpinionIn, {"positive": positive == "yes", "text": text.strip()})
        attempt(
            session,
            lambda: repair_service.give_opinion(
                session, request_step(request), repair_id, positive=body.positive, text=body.text
            ),
        )
    except Problem as problem:
        return _repair_page(
            request,
            session,
            repair_id,
            status_code=problem.status,
            errors={"opinion": problem.errors},
            forms={"opinion": form},
        )
    return redirect(f"/department/repairs/{repair_id}", done="opinion")


@router.post(
    "/department/repairs/{repair_id}/objections/{objection_id}/decision",
    response_class=HTMLResponse,
    **PROVIDERS,
)
def repair_objection_decision(
    repair_id: BigId,
    objection_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    upheld: str = Form(default=""),
    reason: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider. Verify an objection raised in the repair's public notice (POST
    /api/v1/repairs/{id}/objections/{oid}/decision): upheld refuses the repair."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    form = {"upheld": upheld, "reason": reason, "objection": str(objection_id)}
    try:
        if upheld not in ("yes", "no"):
            raise Problem({"upheld": "请选择：异议成立或不成立"})
        body = validated(
            RepairObjectionDecisionIn, {"upheld": upheld == "yes", "reason": reason.strip()}
        )
        attempt(
            session,
            lambda: repair_service.decide_objection(
                session,
                request_step(request),
                repair_id,
                objection_id,
                upheld=body.upheld,
                reason=body.reason,
            ),
        )
    except Problem as problem:
        return _repair_page(
            request,
            session,
            repair_id,
            status_code=problem.status,
            errors={"decide": problem.errors},
            forms={"decide": form},
        )
    return redirect(f"/department/repairs/{repair_id}", done="decide")


@router.get("/department/evidence/{file_id}", **PROVIDERS)
def evidence_file(file_id: BigId, request: Request, session: Session = db_session) -> Response:
    """Audience: provider. An evidence file of a procedure the department handles, read (and
    audited) exactly as GET /api/v1/evidence/{id} reads it; others are 404."""
    return evidence_download(request, session, file_id)
