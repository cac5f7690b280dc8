"""What the subject console's pages share: the audience, the labels every page reads, the page
itself, and what a procedure is about (one of the subject's records or list entries)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from xinyong.catalog.service import field_labels as catalog_field_labels
from xinyong.core import labels
from xinyong.core.clock import local_date
from xinyong.departments.service import department_names
from xinyong.errors import NotFound, XinyongError
from xinyong.lists import repository as lists_repository
from xinyong.lists import rules as lists_rules
from xinyong.models import Category, CreditList, Department, Role, TargetType
from xinyong.objections import evaluation as objection_evaluation
from xinyong.objections import service as objection_service
from xinyong.records import repository as records
from xinyong.rights.documents import documents_of
from xinyong.rights.step import Step
from xinyong.subjects.rules import effective_standing
from xinyong.web import forms
from xinyong.web.site import Visitor, audience

SUBJECT = audience(Role.subject)

# The tables the templates read as ``labels.…`` (core/labels.py).
LABELS = {
    "categories": labels.CATEGORY_NAMES,
    "disclosures": labels.DISCLOSURE_NAMES,
    "standings": labels.STANDING_NAMES,
    "severities": labels.SEVERITY_NAMES,
    "subject_kinds": labels.SUBJECT_KINDS,
    "link_roles": labels.LINK_ROLES,
    "list_kinds": labels.LIST_KINDS,
    "entry_states": labels.ENTRY_STATES,
    "exit_reasons": labels.EXIT_REASONS,
    "objection_states": labels.OBJECTION_STATES,
    "objection_outcomes": labels.OBJECTION_OUTCOMES,
    "grounds": labels.OBJECTION_GROUNDS,
    "appeal_states": labels.APPEAL_STATES,
    "appeal_outcomes": labels.APPEAL_OUTCOMES,
    "repair_states": labels.REPAIR_STATES,
    "repair_ways": labels.REPAIR_WAYS,
    "evidence_kinds": labels.EVIDENCE_KINDS,
    "conditions": labels.CONDITIONS,
    "procedure_steps": labels.PROCEDURE_STEPS,
    "step_details": labels.STEP_DETAILS,
    "document_kinds": labels.DOCUMENT_KINDS,
    "read_actions": labels.READ_ACTIONS,
}


def console_page(
    request: Request, name: str, *, status_code: int = 200, **context: Any
) -> Response:
    return forms.page(request, name, status_code=status_code, labels=LABELS, **context)


def subject_id_of(v: Visitor) -> int:
    return v.principal.subject_id  # type: ignore[return-value]  # a subject's account has one


# ---- What a procedure is about: one of the subject's records or list entries


def code_names(session: Session) -> dict[str, str]:
    """Names of the departments and lists a step's detail gives by code."""
    lists = {x.code: x.spec["name"] for x in lists_repository.all_lists(session)}
    return {**department_names(session), **lists}


def field_labels(session: Session) -> dict[str, dict[str, str]]:
    return catalog_field_labels(session)


def target_of(
    session: Session, subject_id: int, kind: str, target_id: int, today: date
) -> dict[str, Any] | None:
    """The subject's record, list entry or evaluation result (by the run that made it) as
    the console shows it, or None when it is not the subject's (never telling whether it
    exists)."""
    if kind == TargetType.evaluation.value:
        result = objection_evaluation.result_about(session, subject_id, target_id)
        return None if result is None else evaluation_target(result)
    if kind == TargetType.record.value:
        row = records.record_with_item_and_provider(session, subject_id, target_id)
        if row is None:
            return None
        record, item_name, provider = row
        names = field_labels(session).get(record.item_code, {})
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
                (names.get(name, name), value)
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
        "in_force": lists_rules.is_in_force(entry, today),
        "reason": entry.reason,
        "department": session.get_one(Department, entry.department_id).name,
        "confirmed_at": entry.confirmed_at,
        "listed_until": entry.listed_until,
    }


def evaluation_target(result: dict[str, Any]) -> dict[str, Any]:
    """An evaluation result (objections/evaluation.result_of) as a procedure's target."""
    grade = labels.GRADE_TITLES.get(result["grade"], result["grade"])
    return {
        "type": "evaluation",
        "id": int(result["run_id"]),
        "query": "evaluation=current",
        "label": f"公共信用综合评价结果（评价日 {result['evaluated_on']}，信用等级 {grade}）",
        "grade": grade,
        "score": result["score"],
        "model": result["model"],
        "evaluated_on": result["evaluated_on"],
    }


def asked_target(
    session: Session, v: Visitor, record: str, entry: str, today: date, evaluation: str = ""
) -> dict[str, Any]:
    """The target named in the address (?record=…, ?entry=… or ?evaluation=current), the
    subject's own, or 404."""
    if evaluation:
        grade_error = NotFound(
            "你（单位）尚无公共信用综合评价结果",
            "you have no evaluation result",
            code="not_evaluated",
        )
        if evaluation != "current" or record or entry:
            raise grade_error
        try:
            with session.begin_nested():
                result = objection_evaluation.current_result(session, subject_id_of(v))
        except XinyongError:
            raise grade_error from None
        return evaluation_target(result)
    record_id, entry_id = forms.parse_int(record), forms.parse_int(entry)
    found = None
    if record_id is not None and entry_id is None:
        found = target_of(session, subject_id_of(v), "record", record_id, today)
    elif entry_id is not None and record_id is None:
        found = target_of(session, subject_id_of(v), "list_entry", entry_id, today)
    if found is None:
        raise NotFound(
            "未找到该信息，请从“我的信用”页面选择要办理的信息",
            "no such record or list entry of yours",
            code="unknown_target",
        )
    return found


def target_ref(target: dict[str, Any]) -> dict[str, str]:
    if target["type"] == "evaluation":
        return {"evaluation": "current"}
    key = "record" if target["type"] == "record" else "list_entry"
    return {key: str(target["id"])}


def procedure_documents(session: Session, subject_id: int, *procedures: tuple[str, int]) -> list:
    wanted = set(procedures)
    return [
        d
        for d in documents_of(session, subject_id)
        if d.procedure is not None and (d.procedure, d.procedure_id) in wanted
    ]


def appeal_deadline(session: Session, step: Step, decided_at: datetime | None) -> date | None:
    """The last day to appeal an adverse outcome (objections/service.appeal_deadline), or
    None when the calendar cannot tell yet."""
    if decided_at is None:
        return None
    try:
        with session.begin_nested():
            return objection_service.appeal_deadline(session, step, local_date(decided_at))
    except XinyongError:
        return None
