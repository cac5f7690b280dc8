"""Pages: the subject's console (我的信用, issue 5 § 2 and § 3). Audience: subject — a person's
account bound to its subject (credit code or ID number). The public is sent to log in; any other
role gets the 403 page. Every page shows the logged-in subject's own information only; another
subject's objection, repair, document, evidence file or grant is the 404 page, as if it did not
exist.

Every page calls the service functions the API endpoints call, in the request's session, as the
person's principal (``user:NAME`` in the audit log):

- ``/me``: identity and the whole archive (subjects/archive.read_archive: every disclosure
  class, full ID numbers of its own), each record with its standing and the mark of an open
  objection (异议处理中), with links to object or apply for repair; its list entries; the
  documents issued to it (rights/documents), each readable at ``/me/documents/{id}``.
- ``/me/objections``, ``/me/objections/new?record=…|entry=…``, ``/me/objections/{id}``: file
  an objection with its evidence files (rights/evidence.store, then objections/service
  .file_objection with their ids, as POST /api/v1/objections); follow it (state, due dates,
  timeline, outcome, documents) and appeal a rejection (objections/appeals.file_appeal).
- ``/me/repairs``, ``/me/repairs/new?record=…|entry=…``, ``/me/repairs/{id}``: apply for
  credit repair (repairs/service.apply), each failed condition of Measures art. 34 explained;
  follow it and appeal a refusal.
- ``/me/authorisations``: grant and revoke authorised queries (authorisations/service).
- ``/me/queries``: every read of its non-public information (authorisations/service
  .queries_of): who, when, for what purpose.

Forms POST with the session's CSRF token; bad input — a missing statement, a file that is not a
PDF, JPEG or PNG or is larger than 20 MB, an ineligible repair, an invalid grant period —
re-renders the form with each message (4xx), never a 500.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

import anyio.to_thread
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.datastructures import UploadFile as StarletteUpload
from starlette.exceptions import HTTPException as StarletteHTTPException

from xinyong.authorisations import service as grants
from xinyong.authorisations.schemas import GrantIn
from xinyong.catalog.service import published_catalog
from xinyong.core.api import MAX_BIGINT, BigId, clock, db_session
from xinyong.core.clock import local_date
from xinyong.core.labels import CATEGORY_NAMES, DISCLOSURE_NAMES, OBJECTION_GROUNDS
from xinyong.departments.service import list_departments
from xinyong.errors import NotFound, XinyongError
from xinyong.lists import service as lists_service
from xinyong.models import (
    LIVE_STATES,
    CatalogItem,
    Category,
    CreditList,
    Department,
    Disclosure,
    EntryState,
    ExitReason,
    ListEntry,
    ListKind,
    Objection,
    ObjectionOutcome,
    ObjectionState,
    Record,
    Repair,
    Role,
    Subject,
    TargetType,
)
from xinyong.objections import appeals
from xinyong.objections import service as objection_service
from xinyong.objections.appeals import appeal_out, objection_out
from xinyong.objections.schemas import AppealIn, ObjectionIn
from xinyong.repairs import service as repair_service
from xinyong.repairs.schemas import WAYS, WAYS_WITH_EVIDENCE, RepairIn, TargetIn
from xinyong.repairs.service import repair_out
from xinyong.rights import evidence
from xinyong.rights.documents import documents_of
from xinyong.rights.step import Step
from xinyong.subjects.archive import read_archive
from xinyong.subjects.rules import effective_standing
from xinyong.web.forms import evidence_download
from xinyong.web.site import Visitor, audience, check_csrf, render

router = APIRouter(include_in_schema=False)
SUBJECT = audience(Role.subject)

# Evidence files of one form: at most this many, each at most evidence.MAX_BYTES (20 MB); a
# request larger than all of them together (and the form's text) is refused unread.
MAX_FILES = 10
MAX_FORM_BYTES = MAX_FILES * evidence.MAX_BYTES + 256 * 1024
MAX_FIELDS = 60
MAX_MB = evidence.MAX_BYTES // (1024 * 1024)
PAGE_ROWS = 50
# Reads of the subject's information listed on a page of /me/queries.
QUERY_ROWS = 100

STANDING_NAMES = {
    "active": "有效",
    "expired": "已过有效期",
    "corrected": "已更正",
    "revoked": "已撤销",
    "repaired": "已修复",
}
SEVERITY_NAMES = {
    "minor": "轻微失信",
    "general": "一般失信",
    "serious": "较重失信",
    "severe": "严重失信",
}
SUBJECT_KINDS = {
    "legal_person": "法人",
    "non_legal_person_org": "非法人组织",
    "natural_person": "自然人",
}
LIST_KINDS = {"red": "红名单", "black": "黑名单", "watch": "重点关注对象名单"}
ENTRY_STATES = {
    "notice": "公示（告知）中",
    "candidate": "待确认",
    "listed": "已列入",
    "withdrawn": "已撤回",
    "exited": "已退出",
}
EXIT_REASONS = {
    "expiry": "期满退出",
    "repair": "信用修复后退出",
    "revocation": "认定有误，予以撤销",
    "black_listed": "因列入黑名单移出",
}
OBJECTION_STATES = {
    "review": "平台审核中",
    "verification": "信息提供单位核实中",
    "correction": "更正中",
    "closed": "已办结",
}
OBJECTION_OUTCOMES = {"upheld": "异议成立", "rejected": "异议不成立"}
GROUNDS = OBJECTION_GROUNDS
APPEAL_STATES = {"review": "信用主管部门处理中", "closed": "已办结"}
APPEAL_OUTCOMES = {"upheld": "申诉成立", "dismissed": "申诉不成立"}
REPAIR_STATES = {
    "opinion": "待信息提供单位出具意见",
    "notice": "公示中",
    "effective": "已生效",
    "refused": "不予修复",
}
REPAIR_WAYS = {
    "commitment": "作出信用承诺",
    "rectification": "完成信用整改",
    "credit_check": "通过信用核查",
    "training": "接受专题培训",
    "credit_report": "提交信用报告",
    "public_interest": "参加公益慈善活动",
}
EVIDENCE_KINDS = {"evidence": "证明材料", "authorisation": "授权委托书", **REPAIR_WAYS}
CONDITIONS = {
    "corrected": "（一）已纠正失信行为，取得明显成效，不良社会影响已基本消除",
    "no_repeat_within_year": "（二）自纠正之日起 1 年内未再发生同类失信行为",
    "commitment": "（三）强化诚信自律、建立信用管理制度并承诺不再失信",
}
PROCEDURE_STEPS = {
    "filed": "提出申请",
    "referred": "转交信息提供单位核实",
    "verified": "信息提供单位核实",
    "rejected": "异议不成立",
    "upheld": "异议成立",
    "dismissed": "申诉不成立",
    "listing_revoked": "撤销错误列入的名单",
    "corrected": "更正信息",
    "revoked": "撤销信息",
    "expiry_confirmed": "确认已过有效期",
    "appealed": "提出申诉",
    "applied": "提出修复申请",
    "eligible": "符合修复条件",
    "opinion_requested": "请信息提供单位出具意见",
    "opinion": "信息提供单位出具修复意见",
    "public_notice": "公示",
    "objection_filed": "公示期间有人提出异议",
    "objection_decided": "公示期异议核实",
    "refused": "不予修复",
    "effective": "修复生效",
    "appeal_upheld": "申诉成立，进入公示",
}
# What a step's detail says, for the keys a subject reads (the rest are internal ids).
STEP_DETAILS = {
    "ground": "理由",
    "review_due_on": "审核期限",
    "verify_due_on": "核实期限",
    "correction_due_on": "更正期限",
    "appeal_by": "申诉期限",
    "due_on": "办理期限",
    "department": "办理单位",
    "found_wrong": "核实结论",
    "opinion": "意见",
    "reason": "理由",
    "marked": "异议标识",
    "still_in_force": "处理期间",
    "mark_removed": "异议标识",
    "agent_name": "代理人",
    "corrected_on": "纠正日期",
    "ways": "修复方式",
    "opinion_due_on": "意见期限",
    "positive": "修复意见",
    "text": "意见",
    "notice_ends_on": "公示截止",
    "statement": "陈述",
    "upheld": "核实结论",
    "onward_route": "救济途径",
    "late": "是否逾期",
    "stage": "环节",
}
DOCUMENT_KINDS = {
    "objection_decision": "异议处理决定书",
    "apology": "致歉及澄清函",
    "clarification": "澄清说明",
    "appeal_decision": "申诉处理决定书",
    "repair_decision": "信用修复文书",
}
READ_ACTIONS = {
    "archive.read": "查阅信用档案",
    "subject.read": "查阅身份信息（完整身份证号码）",
    "evidence.read": "调阅证明材料",
}
LABELS = {
    "categories": CATEGORY_NAMES,
    "disclosures": DISCLOSURE_NAMES,
    "standings": STANDING_NAMES,
    "severities": SEVERITY_NAMES,
    "subject_kinds": SUBJECT_KINDS,
    "list_kinds": LIST_KINDS,
    "entry_states": ENTRY_STATES,
    "exit_reasons": EXIT_REASONS,
    "objection_states": OBJECTION_STATES,
    "objection_outcomes": OBJECTION_OUTCOMES,
    "grounds": GROUNDS,
    "appeal_states": APPEAL_STATES,
    "appeal_outcomes": APPEAL_OUTCOMES,
    "repair_states": REPAIR_STATES,
    "repair_ways": REPAIR_WAYS,
    "evidence_kinds": EVIDENCE_KINDS,
    "conditions": CONDITIONS,
    "procedure_steps": PROCEDURE_STEPS,
    "step_details": STEP_DETAILS,
    "document_kinds": DOCUMENT_KINDS,
    "read_actions": READ_ACTIONS,
}


# ---- Plumbing shared by the pages


def _visitor(request: Request) -> Visitor:
    return request.state.visitor  # set by the audience check


def _now(request: Request) -> datetime:
    return clock(request).now()


def _today(request: Request) -> date:
    return local_date(_now(request))


def _sid(v: Visitor) -> int:
    return v.principal.subject_id  # type: ignore[return-value]  # a subject's account has one


def _step(request: Request, v: Visitor) -> Step:
    """Who acts, when, in which process: what every procedure service takes (as the API)."""
    return Step(request.app.state.collection, v.principal, _now(request))


def _page(request: Request, name: str, *, status_code: int = 200, **context: Any) -> Response:
    return render(
        request, _visitor(request), name, status_code=status_code, labels=LABELS, **context
    )


def _redirect(path: str, **query: Any) -> RedirectResponse:
    shown = {k: v for k, v in query.items() if v not in (None, "")}
    return RedirectResponse(path + (f"?{urlencode(shown)}" if shown else ""), status_code=303)


def _int(value: str | None) -> int | None:
    """A number from an address, or None for anything else: ids are 64-bit (core/api.py)."""
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19 or int(text) > MAX_BIGINT:
        return None
    return int(text)


def _text(form: FormData, name: str, limit: int = 10_000) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


class Problem(Exception):
    """Bad input on a form: a message per field ("" for the form as a whole), the status the
    re-rendered form answers with, and a refusal's detail (a repair's conditions)."""

    def __init__(
        self, errors: dict[str, str], status: int = 422, detail: dict | None = None
    ) -> None:
        super().__init__(errors)
        self.errors = errors
        self.status = status
        self.detail = detail or {}


def _pydantic_message(error: dict) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return "必填"
    if kind == "string_too_short":
        return "不能为空"
    if kind == "string_too_long":
        return f"最多 {ctx.get('max_length')} 个字"
    if kind.startswith("date"):
        return "应为日期（YYYY-MM-DD）"
    if kind in ("literal_error", "enum"):
        return "取值无效，请从选项中选择"
    if kind == "too_short":
        return "至少选择一项"
    if kind == "too_long":
        return f"最多 {ctx.get('max_length')} 项"
    return "取值无效"


M = TypeVar("M", bound=BaseModel)


def _validated(model: type[M], data: dict[str, Any], fields: dict[str, str]) -> M:
    """The form's data as the API's body; its errors as messages of the form's fields."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            loc = error.get("loc", ())
            name = fields.get(str(loc[0]), "") if loc else ""
            errors.setdefault(name, _pydantic_message(error))
        raise Problem(errors) from None


def _field_of(exc: XinyongError, fields: dict[str, str]) -> str:
    """The form field a service error names: ``evidence[2].file_id`` → the file inputs."""
    name = re.split(r"[\[.]", exc.field or "", maxsplit=1)[0]
    return fields.get(name, "")


T = TypeVar("T")


def _attempt(session: Session, action: Callable[[], T], fields: dict[str, str]) -> T:
    """Run a service call in a savepoint: a refusal (403, 409, 422, …) undoes all it began —
    the evidence files stored for it too — and becomes the form's message, while the
    request's own transaction goes on."""
    try:
        with session.begin_nested():
            return action()
    except XinyongError as exc:
        raise Problem(
            {_field_of(exc, fields): exc.message}, status=exc.status, detail=exc.detail
        ) from None


# ---- Evidence files in a multipart form


@dataclass
class Upload:
    filename: str
    data: bytes
    kind: str


def _filename(raw: str) -> str:
    return re.split(r"[\\/]", raw)[-1][-200:] or "file"


def _uploads(form: FormData, inputs: dict[str, str]) -> tuple[list[Upload], Problem | None]:
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
        return files, Problem({"files": "；".join(messages)}, status=status)
    return files, None


def _store(session: Session, step: Step, subject_id: int, files: list[Upload]) -> list[dict]:
    """Keep each file for the subject (as POST /api/v1/evidence) and name it for the
    procedure by id and kind (the API body's ``evidence``)."""
    refs = []
    for f in files:
        row = evidence.store(session, step, subject_id=subject_id, filename=f.filename, data=f.data)
        refs.append({"file_id": str(row.id), "kind": f.kind})
    return refs


async def _with_form(
    request: Request, session: Session, handler: Callable[..., Response], *args: Any
) -> Response:
    """Read a multipart form within bounds, then run the page's (synchronous) handler in a
    worker thread with it. A request too large, or with too many files, reaches the handler
    as a Problem without its form: it only re-renders, changing nothing."""
    length = request.headers.get("content-length", "")
    form: FormData | None = None
    problem: Problem | None = None
    if length.isdigit() and int(length) > MAX_FORM_BYTES:
        problem = Problem(
            {"files": f"提交的内容过大：最多 {MAX_FILES} 个文件，每个不超过 {MAX_MB} MB"},
            status=413,
        )
    else:
        try:
            form = await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS)
        except StarletteHTTPException:
            problem = Problem({"files": f"一次最多提交 {MAX_FILES} 个文件"}, status=413)
    try:
        return await anyio.to_thread.run_sync(
            lambda: handler(request, session, form or FormData(), problem, *args)
        )
    finally:
        if form is not None:
            await form.close()


def _check_form(v: Visitor, form: FormData, problem: Problem | None) -> None:
    """The CSRF token of a form that was read; a form refused unread changes nothing."""
    if problem is None:
        check_csrf(v, _text(form, "csrf_token"))


# ---- What a procedure is about: one of the subject's records or list entries


def _field_labels(session: Session) -> dict[str, dict[str, str]]:
    catalog = published_catalog(session)
    if catalog is None:
        return {}
    return {
        code: {f.name: f.label for f in item.spec.fields} for code, item in catalog.items.items()
    }


def _list_names(session: Session) -> dict[int, str]:
    return {row.id: row.spec["name"] for row in session.execute(select(CreditList)).scalars()}


def _department_names(session: Session) -> dict[int, str]:
    return {d.id: d.name for d in session.execute(select(Department)).scalars()}


def _target(
    session: Session, subject_id: int, kind: str, target_id: int, today: date
) -> dict[str, Any] | None:
    """The subject's record or list entry as the console shows it, or None when it is not
    the subject's (never telling whether it exists)."""
    if kind == TargetType.record.value:
        row = session.execute(
            select(Record, CatalogItem.name, Department.name)
            .join(CatalogItem, CatalogItem.id == Record.catalog_item_id)
            .join(Department, Department.id == Record.provider_id)
            .where(Record.subject_id == subject_id, Record.id == target_id)
        ).first()
        if row is None:
            return None
        record, item_name, provider = row
        labels = _field_labels(session).get(record.item_code, {})
        standing = effective_standing(record.standing, record.expires_on, today)
        return {
            "type": "record",
            "id": record.id,
            "query": f"record={record.id}",
            "label": f"{item_name}（记录编号 {record.id}）",
            "item_name": item_name,
            "category": record.category.value,
            "disclosure": record.disclosure.value,
            "standing": standing.value,
            "negative": record.category is Category.negative,
            "provider": provider,
            "determined_on": record.determined_on,
            "expires_on": record.expires_on,
            "fields": [
                (labels.get(name, name), value)
                for name, value in record.fields.items()
                if value not in (None, "")
            ],
        }
    entry = session.execute(
        select(ListEntry).where(ListEntry.subject_id == subject_id, ListEntry.id == target_id)
    ).scalar_one_or_none()
    if entry is None:
        return None
    list_name = session.get_one(CreditList, entry.list_id).spec["name"]
    return {
        "type": "list_entry",
        "id": entry.id,
        "query": f"entry={entry.id}",
        "label": f"{list_name}（名单条目编号 {entry.id}）",
        "list_name": list_name,
        "list_kind": entry.kind.value,
        "state": entry.state.value,
        "in_force": lists_service.is_in_force(entry, today),
        "reason": entry.reason,
        "department": session.get_one(Department, entry.department_id).name,
        "confirmed_at": entry.confirmed_at,
        "listed_until": entry.listed_until,
    }


def _asked_target(
    session: Session, v: Visitor, record: str, entry: str, today: date
) -> dict[str, Any]:
    """The target named in the address (?record=… or ?entry=…), the subject's own, or 404."""
    record_id, entry_id = _int(record), _int(entry)
    found = None
    if record_id is not None and entry_id is None:
        found = _target(session, _sid(v), "record", record_id, today)
    elif entry_id is not None and record_id is None:
        found = _target(session, _sid(v), "list_entry", entry_id, today)
    if found is None:
        raise NotFound(
            "未找到该信息，请从“我的信用”页面选择要办理的信息",
            "no such record or list entry of yours",
            code="unknown_target",
        )
    return found


def _target_ref(target: dict[str, Any]) -> dict[str, str]:
    key = "record" if target["type"] == "record" else "list_entry"
    return {key: str(target["id"])}


def _procedure_documents(session: Session, subject_id: int, *procedures: tuple[str, int]) -> list:
    wanted = set(procedures)
    return [
        d
        for d in documents_of(session, subject_id)
        if d.procedure is not None and (d.procedure, d.procedure_id) in wanted
    ]


def _appeal_deadline(session: Session, step: Step, decided_at: datetime | None) -> date | None:
    """The last day to appeal an adverse outcome (objections/service.appeal_deadline), or
    None when the calendar cannot tell yet."""
    if decided_at is None:
        return None
    try:
        with session.begin_nested():
            return objection_service.appeal_deadline(session, step, local_date(decided_at))
    except XinyongError:
        return None


# ---- /me: identity, the whole archive, list entries, documents


@router.get("/me", response_class=HTMLResponse, **SUBJECT)
def me(request: Request, session: Session = db_session) -> Response:
    """Audience: subject. The subject's identity and whole archive by category — every
    disclosure class, each record with its standing and the mark of an open objection — with
    the links to object or to apply for repair; its list entries; its documents."""
    v = _visitor(request)
    sid = _sid(v)
    now = _now(request)
    today = local_date(now)
    subject = session.get_one(Subject, sid)
    archive = read_archive(
        session,
        subject,
        v.principal,
        cipher=request.app.state.db.cipher,
        now=now,
        today=today,
        purpose=None,
    )
    open_objections = {
        (t.value, target_id): oid
        for t, target_id, oid in session.execute(
            select(Objection.target_type, Objection.target_id, Objection.id).where(
                Objection.subject_id == sid, Objection.state != ObjectionState.closed
            )
        ).all()
    }
    open_repairs = {
        (t.value, target_id): rid
        for t, target_id, rid in session.execute(
            select(Repair.target_type, Repair.target_id, Repair.id).where(
                Repair.subject_id == sid, Repair.state.in_(repair_service.OPEN_STATES)
            )
        ).all()
    }
    list_names = _list_names(session)
    departments = _department_names(session)
    entries = []
    for entry in lists_service.entries_of_subject(session, sid):
        in_force = lists_service.is_in_force(entry, today)
        expired = (entry.state == EntryState.exited and entry.exit_reason is ExitReason.expiry) or (
            entry.state == EntryState.listed and not in_force
        )
        entries.append(
            {
                "entry": entry,
                "list_name": list_names.get(entry.list_id, entry.list_code),
                "department": departments.get(entry.department_id, ""),
                "in_force": in_force,
                "objection": open_objections.get(("list_entry", entry.id)),
                "repair": open_repairs.get(("list_entry", entry.id)),
                "may_object": entry.state in LIVE_STATES or expired,
                "may_repair": entry.kind is not ListKind.red and in_force,
            }
        )
    return _page(
        request,
        "subject/me.html",
        section="me",
        archive=archive,
        subject=archive.subject,
        categories=[(c.value, archive.categories.get(c.value, [])) for c in Category],
        field_labels=_field_labels(session),
        open_objections=open_objections,
        open_repairs=open_repairs,
        entries=entries,
        documents=list(reversed(documents_of(session, sid))),
        today=today,
    )


@router.get("/me/documents/{document_id}", response_class=HTMLResponse, **SUBJECT)
def document_page(document_id: BigId, request: Request, session: Session = db_session) -> Response:
    """Audience: subject. A document issued to the subject — a decision of its objection,
    appeal or repair, or a written apology and clarification — as issued."""
    sid = _sid(_visitor(request))
    doc = next((d for d in documents_of(session, sid) if d.id == document_id), None)
    if doc is None:
        raise NotFound("文书不存在", "no such document", code="unknown_document")
    link = None
    if doc.procedure == "objection":
        link = f"/me/objections/{doc.procedure_id}"
    elif doc.procedure == "repair":
        link = f"/me/repairs/{doc.procedure_id}"
    elif doc.procedure == "appeal" and doc.procedure_id is not None:
        appeal = appeals.get_appeal(session, doc.procedure_id)
        if appeal.subject_id == sid:
            link = f"/me/{appeal.procedure}s/{appeal.procedure_id}"
    return _page(request, "subject/document.html", section="me", document=doc, link=link)


@router.get("/me/evidence/{file_id}", **SUBJECT)
def evidence_file(file_id: BigId, request: Request, session: Session = db_session) -> Response:
    """Audience: subject. One of the subject's own evidence files, read (and audited) exactly
    as GET /api/v1/evidence/{id} reads it; any other is 404."""
    return evidence_download(request, session, file_id)


# ---- Objections (异议, Measures art. 31–32) and their appeals (申诉, art. 33)

OBJECTION_FIELDS = {
    "target": "target",
    "ground": "ground",
    "statement": "statement",
    "evidence": "files",
    "file": "files",
}
APPEAL_FIELDS = {"statement": "statement", "evidence": "files", "file": "files"}


def _current_due(obj: Objection) -> date | None:
    """The due date of the step under way (Measures art. 32)."""
    if obj.state is ObjectionState.review:
        return obj.review_due_on
    if obj.state is ObjectionState.verification:
        return obj.verify_due_on
    if obj.state is ObjectionState.correction:
        return obj.correction_due_on
    return None


@router.get("/me/objections", response_class=HTMLResponse, **SUBJECT)
def objections_page(
    request: Request, page: str = "1", filed: str = "", session: Session = db_session
) -> Response:
    """Audience: subject. The subject's objections, newest first (GET /api/v1/objections as
    the subject), each with its state and the due date of the step under way."""
    v = _visitor(request)
    sid = _sid(v)
    today = _today(request)
    number = max(1, min(_int(page) or 1, 100_000))
    rows, total = objection_service.find_objections(
        session,
        v.principal,
        state=None,
        subject_id=None,
        limit=PAGE_ROWS,
        offset=(number - 1) * PAGE_ROWS,
    )
    items = []
    for obj in rows:
        target = _target(session, sid, obj.target_type.value, obj.target_id, today)
        due = _current_due(obj)
        items.append(
            {
                "objection": obj,
                "target": target["label"] if target else f"{obj.target_id}",
                "due": due,
                "overdue": due is not None and due < today,
            }
        )
    return _page(
        request,
        "subject/objections.html",
        section="objections",
        objections=items,
        total=total,
        page=number,
        pages=max(1, -(-total // PAGE_ROWS)),
        filed=_int(filed),
    )


def _objection_form(
    request: Request,
    session: Session,
    target: dict[str, Any],
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    sid = _sid(_visitor(request))
    open_id = objection_service.open_objection(
        session, sid, TargetType(target["type"]), target["id"]
    )
    return _page(
        request,
        "subject/objection_new.html",
        status_code=status_code,
        section="objections",
        target=target,
        open_id=open_id,
        errors=errors or {},
        form=form or {},
        max_files=MAX_FILES,
        max_mb=MAX_MB,
    )


@router.get("/me/objections/new", response_class=HTMLResponse, **SUBJECT)
def objection_new(
    request: Request, record: str = "", entry: str = "", session: Session = db_session
) -> Response:
    """Audience: subject. The objection form for one of the subject's records or list
    entries: ground (Measures art. 31), statement and evidence files."""
    target = _asked_target(session, _visitor(request), record, entry, _today(request))
    form = {"ground": "past_validity"} if target.get("standing") == "expired" else {}
    return _objection_form(request, session, target, form=form)


@router.post("/me/objections/new", response_class=HTMLResponse, **SUBJECT)
async def objection_file(
    request: Request, record: str = "", entry: str = "", session: Session = db_session
) -> Response:
    """Audience: subject. File the objection (multipart: the fields and the evidence files):
    each file is stored as POST /api/v1/evidence stores it, then the objection is filed with
    their ids as POST /api/v1/objections files it — all or nothing."""
    return await _with_form(request, session, _file_objection, record, entry)


def _file_objection(
    request: Request,
    session: Session,
    form: FormData,
    problem: Problem | None,
    record: str,
    entry: str,
) -> Response:
    v = _visitor(request)
    _check_form(v, form, problem)
    sid = _sid(v)
    target = _asked_target(session, v, record, entry, _today(request))
    values = {"ground": _text(form, "ground", 40), "statement": _text(form, "statement").strip()}
    try:
        if problem is not None:
            raise problem
        files, file_problem = _uploads(form, {"files": "evidence"})
        errors: dict[str, str] = {}
        if values["ground"] not in GROUNDS:
            errors["ground"] = "请选择异议理由"
        if not values["statement"]:
            errors["statement"] = "请写明异议的事实和理由"
        data = {"target": _target_ref(target), **values, "evidence": []}
        try:
            _validated(ObjectionIn, data, OBJECTION_FIELDS)
        except Problem as bad:
            for name, message in bad.errors.items():
                errors.setdefault(name, message)
        if file_problem is not None:
            errors.update(file_problem.errors)
            raise Problem(errors, status=file_problem.status)
        if errors:
            raise Problem(errors)
        step = _step(request, v)

        def act() -> Objection:
            body = ObjectionIn.model_validate(
                {**data, "evidence": _store(session, step, sid, files)}
            )
            return objection_service.file_objection(session, step, sid, body)

        obj = _attempt(session, act, OBJECTION_FIELDS)
    except Problem as bad:
        return _objection_form(
            request, session, target, status_code=bad.status, errors=bad.errors, form=values
        )
    return _redirect(f"/me/objections/{obj.id}", filed="1")


def _visible_objection(session: Session, v: Visitor, objection_id: int) -> Objection:
    try:
        obj = objection_service.get_objection(session, objection_id)
    except NotFound:
        obj = None
    if obj is None or not objection_service.may_see(session, v.principal, obj):
        # Never confirm that another subject's objection exists.
        raise NotFound("异议申请不存在", "no such objection", code="unknown_objection")
    return obj


def _objection_page(
    request: Request,
    session: Session,
    objection_id: BigId,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    done: str = "",
) -> Response:
    v = _visitor(request)
    sid = _sid(v)
    today = _today(request)
    obj = _visible_objection(session, v, objection_id)
    view = objection_out(session, obj)
    appeal_by = None
    if obj.outcome is ObjectionOutcome.rejected and obj.state is ObjectionState.closed:
        appeal_by = _appeal_deadline(session, _step(request, v), obj.closed_at)
    may_appeal = (
        view.appeal is None
        and obj.outcome is ObjectionOutcome.rejected
        and obj.state is ObjectionState.closed
        and (appeal_by is None or today <= appeal_by)
    )
    procedures = [("objection", obj.id)]
    if view.appeal is not None:
        procedures.append(("appeal", int(view.appeal.id)))
    due = _current_due(obj)
    return _page(
        request,
        "subject/objection.html",
        status_code=status_code,
        section="objections",
        objection=view,
        target=_target(session, sid, obj.target_type.value, obj.target_id, today),
        due=due,
        overdue=due is not None and due < today,
        appeal_by=appeal_by,
        may_appeal=may_appeal,
        documents=_procedure_documents(session, sid, *procedures),
        errors=errors or {},
        form=form or {},
        done=done,
        max_files=MAX_FILES,
        max_mb=MAX_MB,
    )


@router.get("/me/objections/{objection_id}", response_class=HTMLResponse, **SUBJECT)
def objection_page(
    objection_id: BigId,
    request: Request,
    filed: str = "",
    appealed: str = "",
    session: Session = db_session,
) -> Response:
    """Audience: subject. One of the subject's objections (GET /api/v1/objections/{id}): its
    state, the due dates, the timeline of its steps, the outcome, the documents, and the
    appeal — or the appeal form where an appeal lies (a rejection, within its period)."""
    done = "filed" if filed else "appealed" if appealed else ""
    return _objection_page(request, session, objection_id, done=done)


@router.post("/me/objections/{objection_id}/appeal", response_class=HTMLResponse, **SUBJECT)
async def objection_appeal(
    objection_id: BigId, request: Request, session: Session = db_session
) -> Response:
    """Audience: subject. Appeal the objection's outcome to the credit authority (as POST
    /api/v1/appeals with procedure ``objection``), with evidence files."""
    return await _with_form(request, session, _file_appeal, "objection", objection_id)


def _file_appeal(
    request: Request,
    session: Session,
    form: FormData,
    problem: Problem | None,
    procedure: str,
    procedure_id: int,
) -> Response:
    v = _visitor(request)
    _check_form(v, form, problem)
    sid = _sid(v)
    if procedure == "objection":
        _visible_objection(session, v, procedure_id)
    else:
        _visible_repair(session, v, procedure_id)
    values = {"statement": _text(form, "statement").strip()}
    try:
        if problem is not None:
            raise problem
        files, file_problem = _uploads(form, {"files": "evidence"})
        errors: dict[str, str] = {}
        data = {"procedure": procedure, "id": str(procedure_id), **values, "evidence": []}
        if not values["statement"]:
            errors["statement"] = "请写明申诉的理由"
        try:
            _validated(AppealIn, data, APPEAL_FIELDS)
        except Problem as bad:
            for name, message in bad.errors.items():
                errors.setdefault(name, message)
        if file_problem is not None:
            errors.update(file_problem.errors)
            raise Problem(errors, status=file_problem.status)
        if errors:
            raise Problem(errors)
        step = _step(request, v)

        def act() -> Any:
            body = AppealIn.model_validate({**data, "evidence": _store(session, step, sid, files)})
            return appeals.file_appeal(session, step, sid, body)

        _attempt(session, act, APPEAL_FIELDS)
    except Problem as bad:
        page = _objection_page if procedure == "objection" else _repair_page
        return page(
            request,
            session,
            procedure_id,
            status_code=bad.status,
            errors=bad.errors,
            form=values,
        )
    return _redirect(f"/me/{procedure}s/{procedure_id}", appealed="1")


# ---- Credit repair (信用修复, Measures art. 34–35)

REPAIR_FIELDS = {
    "target": "target",
    "ways": "ways",
    "corrected_on": "corrected_on",
    "correction": "correction",
    "commitment": "commitment",
    "credit_management": "credit_management",
    "evidence": "files",
    "file": "files",
}
# The file inputs of the repair form and the evidence kind of each (repairs/schemas
# EVIDENCE_KINDS): the correction's evidence, a scan of the signed commitment, and one per way
# that must be shown by a file.
REPAIR_INPUTS = {
    "files": "evidence",
    **{f"files_{way}": way for way in WAYS_WITH_EVIDENCE},
    "files_commitment": "commitment",
}


@router.get("/me/repairs", response_class=HTMLResponse, **SUBJECT)
def repairs_page(request: Request, session: Session = db_session) -> Response:
    """Audience: subject. The subject's repairs, newest first (GET /api/v1/repairs as the
    subject), each with its state and the date that matters now."""
    v = _visitor(request)
    sid = _sid(v)
    today = _today(request)
    rows = repair_service.find_repairs(session, v.principal, state=None, after=None, limit=1000)
    items = []
    for repair in reversed(rows):
        target = _target(session, sid, repair.target_type.value, repair.target_id, today)
        items.append({"repair": repair, "target": target["label"] if target else ""})
    return _page(request, "subject/repairs.html", section="repairs", repairs=items)


def _repair_form(
    request: Request,
    session: Session,
    target: dict[str, Any],
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    conditions: list[dict] | None = None,
) -> Response:
    """The repair form, with why the target cannot be repaired when it cannot (repairs/service
    .not_repairable) and, after a refusal, each condition of art. 34 met or failed."""
    v = _visitor(request)
    today = _today(request)
    refusal = None
    describe: dict[str, Any] = {}
    try:
        with session.begin_nested():
            found = repair_service.find_target(
                session, _sid(v), TargetIn.model_validate(_target_ref(target))
            )
            reason = repair_service.not_repairable(found, today)
            if reason is not None:
                refusal = repair_service.NOT_ALLOWED[reason][0]
            describe = repair_service.describe(session, found)
    except XinyongError as exc:
        refusal = exc.message
    open_id = session.execute(
        select(Repair.id).where(
            Repair.subject_id == _sid(v),
            Repair.target_type == TargetType(target["type"]),
            Repair.target_id == target["id"],
            Repair.state.in_(repair_service.OPEN_STATES),
        )
    ).scalar_one_or_none()
    return _page(
        request,
        "subject/repair_new.html",
        status_code=status_code,
        section="repairs",
        target=target,
        describe=describe,
        refusal=refusal,
        open_id=open_id,
        errors=errors or {},
        form=form or {"ways": ["commitment"]},
        conditions=conditions,
        ways=WAYS,
        ways_with_evidence=WAYS_WITH_EVIDENCE,
        today=today,
        max_files=MAX_FILES,
        max_mb=MAX_MB,
    )


@router.get("/me/repairs/new", response_class=HTMLResponse, **SUBJECT)
def repair_new(
    request: Request, record: str = "", entry: str = "", session: Session = db_session
) -> Response:
    """Audience: subject. The written repair application (Measures art. 34) for a negative
    record in force or a black or watch list entry in force: ways, correction date and
    account, commitment, evidence per way; the conditions explained."""
    target = _asked_target(session, _visitor(request), record, entry, _today(request))
    return _repair_form(request, session, target)


@router.post("/me/repairs/new", response_class=HTMLResponse, **SUBJECT)
async def repair_apply(
    request: Request, record: str = "", entry: str = "", session: Session = db_session
) -> Response:
    """Audience: subject. Apply (multipart): the files are stored as POST /api/v1/evidence
    stores them, then the application is filed with their ids as POST /api/v1/repairs files
    it — all or nothing. Ineligible, the form comes back with each condition explained."""
    return await _with_form(request, session, _apply_repair, record, entry)


def _apply_repair(
    request: Request,
    session: Session,
    form: FormData,
    problem: Problem | None,
    record: str,
    entry: str,
) -> Response:
    v = _visitor(request)
    _check_form(v, form, problem)
    sid = _sid(v)
    target = _asked_target(session, v, record, entry, _today(request))
    ways = [w for w in form.getlist("ways") if isinstance(w, str)][: len(WAYS) + 1]
    values: dict[str, Any] = {
        "ways": ways,
        "corrected_on": _text(form, "corrected_on", 40).strip(),
        "correction": _text(form, "correction").strip(),
        "commitment": _text(form, "commitment").strip(),
        "credit_management": _text(form, "credit_management").strip(),
    }
    try:
        if problem is not None:
            raise problem
        files, file_problem = _uploads(form, REPAIR_INPUTS)
        data = {"target": _target_ref(target), **values, "evidence": []}
        if not values["corrected_on"]:
            del data["corrected_on"]
        errors: dict[str, str] = {}
        try:
            _validated(RepairIn, data, REPAIR_FIELDS)
        except Problem as bad:
            errors.update(bad.errors)
        if "corrected_on" in errors and not values["corrected_on"]:
            errors["corrected_on"] = "请填写纠正失信行为的日期"
        if file_problem is not None:
            errors.update(file_problem.errors)
            raise Problem(errors, status=file_problem.status)
        if errors:
            raise Problem(errors)
        step = _step(request, v)

        def act() -> Repair:
            body = RepairIn.model_validate({**data, "evidence": _store(session, step, sid, files)})
            return repair_service.apply(session, step, sid, body)

        try:
            repair = _attempt(session, act, REPAIR_FIELDS)
        except Problem as refused:
            missing = refused.detail.get("ways")
            if refused.errors.get("ways") and missing:
                refused.errors["ways"] = "以下修复方式须提交对应的证明材料：" + "、".join(
                    REPAIR_WAYS.get(w, w) for w in missing
                )
            raise
    except Problem as bad:
        return _repair_form(
            request,
            session,
            target,
            status_code=bad.status,
            errors=bad.errors,
            form=values,
            conditions=bad.detail.get("conditions"),
        )
    return _redirect(f"/me/repairs/{repair.id}", filed="1")


def _visible_repair(session: Session, v: Visitor, repair_id: int) -> Repair:
    try:
        repair = repair_service.get_repair(session, repair_id)
    except NotFound:
        repair = None
    if repair is None or not repair_service.may_see(v.principal, repair):
        raise repair_service.unknown_repair()
    return repair


def _repair_page(
    request: Request,
    session: Session,
    repair_id: BigId,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    done: str = "",
) -> Response:
    v = _visitor(request)
    sid = _sid(v)
    today = _today(request)
    repair = _visible_repair(session, v, repair_id)
    appeal = appeals.appeal_of(session, sid, "repair", repair.id)
    appealable = repair_service.is_appealable(session, repair)
    appeal_by = (
        _appeal_deadline(session, _step(request, v), repair.closed_at) if appealable else None
    )
    procedures = [("repair", repair.id)]
    if appeal is not None:
        procedures.append(("appeal", appeal.id))
    return _page(
        request,
        "subject/repair.html",
        status_code=status_code,
        section="repairs",
        repair=repair_out(session, repair),
        appeal=appeal_out(session, appeal) if appeal is not None else None,
        appeal_by=appeal_by,
        may_appeal=appeal is None and appealable and (appeal_by is None or today <= appeal_by),
        documents=_procedure_documents(session, sid, *procedures),
        today=today,
        errors=errors or {},
        form=form or {},
        done=done,
        max_files=MAX_FILES,
        max_mb=MAX_MB,
    )


@router.get("/me/repairs/{repair_id}", response_class=HTMLResponse, **SUBJECT)
def repair_page(
    repair_id: BigId,
    request: Request,
    filed: str = "",
    appealed: str = "",
    session: Session = db_session,
) -> Response:
    """Audience: subject. One of the subject's repairs (GET /api/v1/repairs/{id}): the
    eligibility as explained, the department's opinion and its due date, the public notice and
    its end, objections raised in it, the effect or the refusal, the timeline, the documents,
    and the appeal of a refusal where one lies."""
    done = "filed" if filed else "appealed" if appealed else ""
    return _repair_page(request, session, repair_id, done=done)


@router.post("/me/repairs/{repair_id}/appeal", response_class=HTMLResponse, **SUBJECT)
async def repair_appeal(
    repair_id: BigId, request: Request, session: Session = db_session
) -> Response:
    """Audience: subject. Appeal a refused repair to the credit authority (as POST
    /api/v1/appeals with procedure ``repair``), with evidence files."""
    return await _with_form(request, session, _file_appeal, "repair", repair_id)


# ---- Authorised queries (授权查询, Measures art. 22)

GRANT_FIELDS = {
    "grantee": "grantee",
    "items": "items",
    "purpose": "purpose",
    "starts_on": "starts_on",
    "ends_on": "ends_on",
}


def _grant_status(row: Any, today: date) -> str:
    if row.revoked_at is not None:
        return "revoked"
    if grants.is_live(row, today):
        return "live"
    return "pending" if today < row.starts_on else "expired"


def _authorised_items(session: Session) -> list[tuple[str, str]]:
    """The authorised-query items of the published catalog: what a grant may name."""
    catalog = published_catalog(session)
    if catalog is None:
        return []
    return [
        (code, item.spec.name)
        for code, item in catalog.items.items()
        if item.spec.disclosure is Disclosure.authorised
    ]


def _authorisations_page(
    request: Request,
    session: Session,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    revoke_error: str | None = None,
    notes: dict[str, Any] | None = None,
) -> Response:
    sid = _sid(_visitor(request))
    today = _today(request)
    departments = list_departments(session)
    by_id = {d.id: d for d in departments}
    items = _authorised_items(session)
    item_names = dict(items)
    rows = [
        {
            "grant": row,
            "grantee": by_id.get(row.grantee_id),
            "item_names": [item_names.get(code, code) for code in row.items],
            "status": _grant_status(row, today),
        }
        for row in grants.grants_of_subject(session, sid)
    ]
    return _page(
        request,
        "subject/authorisations.html",
        status_code=status_code,
        section="authorisations",
        grants=rows,
        departments=[d for d in departments if d.kind != "credit_authority"],
        items=items,
        errors=errors or {},
        form=form or {},
        revoke_error=revoke_error,
        notes=notes or {},
        today=today,
    )


@router.get("/me/authorisations", response_class=HTMLResponse, **SUBJECT)
def authorisations_page(
    request: Request, granted: str = "", revoked: str = "", session: Session = db_session
) -> Response:
    """Audience: subject. The grants the subject gave — live, not yet begun, expired or
    revoked — and the form to authorise a department or institution (GET and POST
    /api/v1/authorisations)."""
    notes = {"granted": _int(granted), "revoked": _int(revoked)}
    return _authorisations_page(request, session, notes=notes)


@router.post("/me/authorisations", response_class=HTMLResponse, **SUBJECT)
def authorisation_grant(
    request: Request,
    csrf_token: str = Form(default=""),
    grantee: str = Form(default=""),
    items: list[str] = Form(default=[]),
    purpose: str = Form(default=""),
    starts_on: str = Form(default=""),
    ends_on: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: subject. Authorise the grantee to read the chosen authorised-query items for
    the purpose, through the end date (as POST /api/v1/authorisations)."""
    v = _visitor(request)
    check_csrf(v, csrf_token)
    form = {
        "grantee": grantee.strip(),
        "items": [i for i in items if isinstance(i, str)][:60],
        "purpose": purpose.strip(),
        "starts_on": starts_on.strip(),
        "ends_on": ends_on.strip(),
    }
    try:
        errors: dict[str, str] = {}
        if not form["grantee"]:
            errors["grantee"] = "请选择被授权的单位"
        if not form["items"]:
            errors["items"] = "请至少选择一项授权查询的信息"
        if not form["purpose"]:
            errors["purpose"] = "请写明查询用途"
        if not form["ends_on"]:
            errors["ends_on"] = "请填写授权截止日期"
        data = {k: value for k, value in form.items() if value not in ("", [])}
        try:
            body = _validated(GrantIn, data, GRANT_FIELDS)
        except Problem as bad:
            for name, message in bad.errors.items():
                errors.setdefault(name, message)
        if errors:
            raise Problem(errors)
        step = _step(request, v)
        row = _attempt(
            session,
            lambda: grants.grant(
                session,
                step,
                subject_id=_sid(v),
                grantee_code=body.grantee,
                items=body.items,
                purpose=body.purpose,
                starts_on=body.starts_on,
                ends_on=body.ends_on,
            ),
            GRANT_FIELDS,
        )
    except Problem as bad:
        return _authorisations_page(
            request, session, status_code=bad.status, errors=bad.errors, form=form
        )
    return _redirect("/me/authorisations", granted=row.id)


@router.post("/me/authorisations/{grant_id}/revoke", response_class=HTMLResponse, **SUBJECT)
def authorisation_revoke(
    grant_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: subject. Revoke a grant (as DELETE /api/v1/authorisations/{id}): from now on
    the grantee reads none of its items; its earlier reads stay in the query log."""
    v = _visitor(request)
    check_csrf(v, csrf_token)
    try:
        row = grants.get_grant(session, grant_id)
    except NotFound:
        row = None
    if row is None or row.subject_id != _sid(v):
        raise NotFound("授权不存在", "no such authorisation", code="unknown_grant")
    try:
        _attempt(session, lambda: grants.revoke(session, _step(request, v), row), {})
    except Problem as bad:
        return _authorisations_page(
            request, session, status_code=bad.status, revoke_error=bad.errors.get("", "")
        )
    return _redirect("/me/authorisations", revoked=grant_id)


# ---- Who read the subject's non-public information (Measures art. 22, 36; 004 §14)


@router.get("/me/queries", response_class=HTMLResponse, **SUBJECT)
def queries_page(
    request: Request, mine: str = "", before: str = "", session: Session = db_session
) -> Response:
    """Audience: subject. Every read of the subject's non-public information — archive reads
    of departments and authorised institutions, full ID numbers, evidence files — newest
    first, a page at a time (``?before=`` pages back): who, when, for what purpose (GET
    /api/v1/subjects/{key}/queries). The subject's own reads are left out unless asked for
    (``?mine=1``)."""
    sid = _sid(_visitor(request))
    older = _int(before)
    rows = grants.queries_of(session, sid, limit=QUERY_ROWS + 1, others_only=not mine, before=older)
    more = len(rows) > QUERY_ROWS
    rows = rows[:QUERY_ROWS]
    return _page(
        request,
        "subject/queries.html",
        section="queries",
        queries=rows,
        own=grants.own_reads(session, sid),
        mine=bool(mine),
        item_names=dict(_authorised_items(session)),
        older=rows[-1]["id"] if more else None,
        paged=older is not None,
    )
