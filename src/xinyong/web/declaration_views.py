"""What the declaration pages of the three consoles (web/subject, web/department,
web/authority ``declarations.py``) share: a category's form generated from its spec, a
declaration's fields by their Chinese labels, the platform's findings, the timeline, and the
filters of the lists. Everything here is Chinese; the codes stay in the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fastapi import Request
from pydantic import ValidationError
from sqlalchemy.orm import Session

from xinyong.core import labels
from xinyong.declarations import rules
from xinyong.declarations import service as declarations
from xinyong.declarations.repository import DeclarationQuery
from xinyong.declarations.schemas import CATEGORIES, DeclarationOut
from xinyong.declarations.service import categories_out
from xinyong.departments.service import department_names
from xinyong.errors import NotFound
from xinyong.models import Declaration, DeclarationCategory, DeclarationState, SubjectKind
from xinyong.records.repository import record_with_item_name
from xinyong.web import forms
from xinyong.web.department.common import step_rows

# The keys of a declaration step's detail people read (declarations/service), by name.
STEP_DETAILS = {
    "category": "申报类别",
    "attachments": "附件",
    "commitment_version": "承诺书版本",
    "verification": "核验方式",
    "department": "核验部门",
    "due_on": "核验期限",
    "findings": "平台核验情况",
    "reason": "理由",
    "decision_number": "认定文书号",
    "severity": "失信程度",
}
# The model validators' reasons (declarations/schemas.py) in the form's words, by field.
CROSS_FIELD = {
    "valid_to is before valid_from": ("valid_to", "有效期至不能早于有效期自"),
    "period_to is before period_from": ("period_to", "经营期间至不能早于经营期间自"),
    "state at least one of revenue, employees, tax_paid": (
        "revenue",
        "营业收入、从业人数、纳税额至少填写一项",
    ),
    "performed_on is before signed_on": ("performed_on", "履行完毕日期不能早于签订日期"),
}
# How a list is filtered by state, as the pages offer it.
STATES = labels.DECLARATION_STATES


@dataclass(frozen=True)
class FieldSpec:
    """One input of a category's form."""

    name: str
    label: str
    required: bool
    input: str  # text, textarea, date, number, select
    step: str = ""
    options: tuple[str, ...] = ()
    max_length: int | None = None


def _input(name: str, kind: str, schema: dict[str, Any]) -> FieldSpec:
    options = schema.get("anyOf", [schema])
    first: dict[str, Any] = next((o for o in options if o.get("type") != "null"), {})
    label = labels.DECLARATION_FIELDS.get(name, name)
    if first.get("enum"):
        return FieldSpec(name, label, False, "select", options=tuple(first["enum"]))
    if kind == "date":
        return FieldSpec(name, label, False, "date")
    if kind == "integer":
        return FieldSpec(name, label, False, "number", step="1")
    if kind == "number":
        return FieldSpec(name, label, False, "number", step="0.01" if name != "hours" else "0.1")
    limit = first.get("maxLength")
    return FieldSpec(
        name, label, False, "textarea" if (limit or 0) > 200 else "text", max_length=limit
    )


def form_fields(category: str) -> list[FieldSpec]:
    """The inputs of the category's form, from its spec (declarations/schemas.py): each
    field by its Chinese label, required ones marked, in the spec's order."""
    spec = CATEGORIES[DeclarationCategory(category)]
    schema = spec.model.model_json_schema()["properties"]
    out = []
    for c in categories_out().categories:
        if c.code != category:
            continue
        for f in c.fields:
            base = _input(f.name, f.type, schema[f.name])
            out.append(
                FieldSpec(
                    base.name,
                    base.label,
                    f.required,
                    base.input,
                    base.step,
                    base.options,
                    base.max_length,
                )
            )
    return out


def categories() -> list[dict[str, Any]]:
    """The five categories as the chooser shows them: who may read one once verified, and
    whether the platform can verify it itself."""
    return [
        {
            "code": code.value,
            "name": labels.DECLARATION_CATEGORIES[code.value],
            "disclosure": labels.DISCLOSURE_NAMES[spec.disclosure.value],
            "automatic": bool(spec.matches),
        }
        for code, spec in CATEGORIES.items()
    ]


def checked_fields(category: str, raw: dict[str, str], today: date) -> dict[str, Any]:
    """The form's values as the category's ``fields`` (empty inputs left out), or a Problem
    with a Chinese message beside each field at fault — the service's own check names only
    the first."""
    spec = CATEGORIES[DeclarationCategory(category)]
    values = {k: v.strip() for k, v in raw.items() if v.strip()}
    errors: dict[str, str] = {}
    try:
        spec.model.model_validate(values)
    except ValidationError as exc:
        for error in exc.errors():
            loc = error.get("loc", ())
            if error.get("type") == "value_error" and not loc:
                reason = str((error.get("ctx") or {}).get("error", ""))
                name, message = CROSS_FIELD.get(reason, ("", "申报信息有误，请检查"))
                errors.setdefault(name, message)
            else:
                errors.setdefault(str(loc[0]) if loc else "", forms.pydantic_message(error))
    for name in spec.past_dates:
        if name not in errors and values.get(name, "") > today.isoformat():
            errors[name] = f"不能晚于申报当日（{today.isoformat()}）"
    if errors:
        raise forms.Problem(errors)
    return values


def field_rows(d: DeclarationOut) -> list[tuple[str, str]]:
    """The declared fields by their labels, in the category's order."""
    order = [f.name for f in form_fields(d.category)]
    shown = sorted(d.fields, key=lambda k: order.index(k) if k in order else len(order))
    return [(labels.DECLARATION_FIELDS.get(k, k), str(d.fields[k])) for k in shown]


def findings(d: DeclarationOut) -> list[str]:
    """Why the platform could not verify it itself (the ``referred`` step), in Chinese."""
    referred = [s for s in d.steps if s.step == "referred"]
    if not referred:
        return []
    found = referred[-1].detail.get("findings") or []
    return [labels.DECLARATION_FINDINGS.get(f, "平台未能核验") for f in found]


def confirming_record(session: Session, subject_id: int, d: DeclarationOut) -> str | None:
    """The record that confirmed it automatically, by its item's name and number."""
    if d.confirming_record_id is None:
        return None
    row = record_with_item_name(session, subject_id, int(d.confirming_record_id))
    if row is None:
        return f"记录编号 {d.confirming_record_id}"
    return f"{row[1]}（记录编号 {d.confirming_record_id}）"


def timeline(session: Session, d: DeclarationOut) -> list[dict[str, Any]]:
    """The steps as people read them (web/department/common.step_rows), with the
    declaration's own names of codes and the attachments by number."""
    steps = [
        s.model_copy(
            update={
                "detail": {
                    **s.detail,
                    **(
                        {"attachments": f"{len(s.detail['attachments'])} 份"}
                        if s.detail.get("attachments")
                        else {}
                    ),
                }
            }
        )
        for s in d.steps
    ]
    names = {
        **department_names(session),
        **labels.DECLARATION_CATEGORIES,
        **labels.DECLARATION_FINDINGS,
        **labels.DECLARATION_VERIFIERS,
        **labels.SEVERITY_NAMES,
    }
    rows = step_rows(session, steps, table=STEP_DETAILS, names=names)
    for row in rows:
        row["name"] = labels.DECLARATION_STEPS.get(row["step"], "办理")
    return rows


def verified_by(d: DeclarationOut) -> str:
    if d.verified_by is None:
        return ""
    return labels.DECLARATION_VERIFIERS.get(d.verified_by, "")


def due(d: DeclarationOut | Any, today: date) -> tuple[date | None, bool]:
    """The verification's last day while pending, and whether it has passed."""
    pending = str(getattr(d.state, "value", d.state)) == DeclarationState.pending.value
    last = d.due_on if pending else None
    return last, last is not None and last < today


def query(
    *,
    state: str,
    category: str,
    overdue: str,
    page: int,
    rows: int,
    today: date,
    **more: Any,
) -> DeclarationQuery:
    """A page's filters as the repository's query (what makes no sense is ignored)."""
    return DeclarationQuery(
        state=DeclarationState(state) if state in STATES else None,
        category=DeclarationCategory(category)
        if category in labels.DECLARATION_CATEGORIES
        else None,
        overdue_on=today if overdue == "yes" else None,
        limit=rows,
        offset=(page - 1) * rows,
        **more,
    )


def is_organisation(kind: SubjectKind) -> bool:
    return kind is not SubjectKind.natural_person


def visible_declaration(request: Request, session: Session, declaration_id: int) -> Declaration:
    """The declaration if the visitor may see it (the subject, the competent department, the
    authority); else the 404 page, never a hint that it exists."""
    try:
        return declarations.get_declaration(
            session, forms.page_visitor(request).principal, declaration_id
        )
    except NotFound:
        raise NotFound(
            "自主申报信息不存在", "no such declaration", code="unknown_declaration"
        ) from None


def declared_rows(session: Session, subject_id: int, declared: list[Any]) -> list[dict[str, Any]]:
    """The verified declarations of an archive (its ``declarations``, records/schemas
    DeclaredOut) as the subject's archive and the portal show them: marked 自主申报, who
    verified them (the platform itself, or the department by name) and when."""
    verifiers = declarations.verifier_names(session, subject_id, [int(x.id) for x in declared])
    out = []
    for x in declared:
        order = [f.name for f in form_fields(x.category)]
        names = sorted(x.fields, key=lambda k: order.index(k) if k in order else len(order))
        out.append(
            {
                "id": x.id,
                "category": labels.DECLARATION_CATEGORIES.get(x.category, "自主申报信息"),
                "disclosure": x.disclosure,
                "disclosure_name": labels.DISCLOSURE_NAMES.get(x.disclosure, ""),
                "fields": [
                    (labels.DECLARATION_FIELDS.get(k, k), str(x.fields[k]))
                    for k in names
                    if x.fields[k] not in (None, "")
                ],
                "verifier": (
                    verifiers.get(int(x.id), "主管部门")
                    if x.verified_by == "department"
                    else "公共信用信息平台（与登记信息和已归集信息比对一致）"
                ),
                "verified_at": x.verified_at,
                "declared_at": x.declared_at,
            }
        )
    return out


# Re-exported for the pages' forms.
MAX_ATTACHMENTS = rules.MAX_ATTACHMENTS
