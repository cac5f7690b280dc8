"""What the subject console's pages share: the audience, the labels, the page plumbing and what
a procedure is about (one of the subject's records or list entries)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from xinyong.catalog.service import published_catalog
from xinyong.core.api import MAX_BIGINT, clock
from xinyong.core.clock import local_date
from xinyong.core.labels import CATEGORY_NAMES, DISCLOSURE_NAMES, OBJECTION_GROUNDS
from xinyong.departments.service import list_departments
from xinyong.errors import NotFound, XinyongError
from xinyong.lists import repository as lists_repository
from xinyong.lists import service as lists_service
from xinyong.lists.service import Step
from xinyong.models import (
    Category,
    CreditList,
    Department,
    Role,
    TargetType,
)
from xinyong.objections import service as objection_service
from xinyong.records import repository as records
from xinyong.rights.documents import documents_of
from xinyong.subjects.rules import effective_standing
from xinyong.web.site import Visitor, audience, render

SUBJECT = audience(Role.subject)

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


# ---- What a procedure is about: one of the subject's records or list entries


def _field_labels(session: Session) -> dict[str, dict[str, str]]:
    catalog = published_catalog(session)
    if catalog is None:
        return {}
    return {
        code: {f.name: f.label for f in item.spec.fields} for code, item in catalog.items.items()
    }


def _list_names(session: Session) -> dict[int, str]:
    return {row.id: row.spec["name"] for row in lists_service.all_lists(session)}


def _department_names(session: Session) -> dict[int, str]:
    return {d.id: d.name for d in list_departments(session)}


def _target(
    session: Session, subject_id: int, kind: str, target_id: int, today: date
) -> dict[str, Any] | None:
    """The subject's record or list entry as the console shows it, or None when it is not
    the subject's (never telling whether it exists)."""
    if kind == TargetType.record.value:
        row = records.record_with_item_and_provider(session, subject_id, target_id)
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
    entry = lists_repository.entry_of_subject(session, subject_id, target_id)
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
