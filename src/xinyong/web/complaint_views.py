"""What the complaint pages of the department's and the authority's consoles (web/department,
web/authority ``complaints.py``) share: a complaint and its timeline as people read them, the
forms of the steps open to the visitor (accept or not, reply, refer, conclude — with the
record of a substantiated complaint, its inputs made from the catalog item's fields), the
step posted, the informant's contact read with its purpose, an attachment. The informant's
identity is on no page but the one answering that read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from xinyong.catalog.service import published_catalog
from xinyong.complaints import reading, rules
from xinyong.complaints import service as complaints
from xinyong.complaints.repository import ComplaintQuery
from xinyong.complaints.schemas import ComplaintStepIn, InformantOut
from xinyong.core import labels
from xinyong.departments.service import department_names, list_departments
from xinyong.errors import XinyongError
from xinyong.models import Complaint
from xinyong.rights.steps import steps_of
from xinyong.web import forms
from xinyong.web.department.common import step_rows
from xinyong.web.site import check_csrf

LABELS = {
    "states": labels.COMPLAINT_STATES,
    "steps": labels.COMPLAINT_STEPS,
    "sectors": labels.SECTOR_NAMES,
    "subject_kinds": labels.COMPLAINT_SUBJECT_KINDS,
    "severities": labels.SEVERITY_NAMES,
    "day_kinds": labels.COMPLAINT_DAY_KINDS,
    "period_from": labels.COMPLAINT_PERIOD_FROM,
    "task_kinds": labels.TASK_KINDS,
}
# How a list is filtered by state: the open ones (received or accepted) first.
FILTER_STATES = {"open": "办理中", **labels.COMPLAINT_STATES, "all": "全部"}
PAGE_ROWS = 50
# A record field's input, by the catalog's field type.
INPUTS = {"date": "date", "decimal": "number", "integer": "number", "text": "textarea"}


def complaint_page(
    request: Request, name: str, *, status_code: int = 200, **context: Any
) -> Response:
    return forms.page(request, name, status_code=status_code, labels=LABELS, **context)


def query(*, state: str, overdue: str, sector: str, page: int, today: Any) -> ComplaintQuery:
    return ComplaintQuery(
        today=today,
        state=None if state == "all" else state,
        overdue=overdue == "yes",
        sector=sector or None,
        limit=PAGE_ROWS,
        offset=(page - 1) * PAGE_ROWS,
    )


def filters(state: str, overdue: str, sector: str) -> tuple[str, str, str]:
    """The list's filters from the address: anything unknown is no filter."""
    return (
        state if state in FILTER_STATES else "open",
        "yes" if overdue == "yes" else "",
        sector if sector in labels.SECTOR_NAMES else "",
    )


def list_context(
    request: Request,
    session: Session,
    *,
    state: str,
    overdue: str,
    sector: str,
    page: str,
    **q: Any,
) -> dict[str, Any]:
    """The rows of a console's list of complaints, and its filters and pages."""
    state, overdue, sector = filters(state, overdue, sector)
    number = forms.page_number(page)
    today = forms.request_today(request)
    shaped = query(state=state, overdue=overdue, sector=sector, page=number, today=today)
    if q:
        shaped = ComplaintQuery(**{**shaped.__dict__, **q})
    rows, total, late = complaints.complaint_page(
        session, forms.page_visitor(request).principal, shaped
    )
    pages = max(1, -(-total // PAGE_ROWS))
    params = {"state": state, "overdue": overdue, "sector": sector}
    return {
        "complaints": [reading.complaint_out(session, c, today) for c in rows],
        "total": total,
        "late": late,
        "state": state,
        "overdue": overdue,
        "sector": sector,
        "states": FILTER_STATES,
        "params": {k: v for k, v in params.items() if v},
        "page": number,
        "pages": pages,
        "has_next": number < pages,
    }


@dataclass(frozen=True)
class RecordInput:
    """One input of the form of a substantiated complaint's record."""

    name: str
    label: str
    required: bool
    input: str  # text, textarea, date, number, select
    options: tuple[str, ...] = ()


def record_items(session: Session, kind: str | None) -> list[tuple[str, str]]:
    """The negative items of the catalog the visitor's sector provides (code, name)."""
    catalog = published_catalog(session)
    if catalog is None or kind is None:
        return []
    return [
        (code, item.spec.name)
        for code, item in catalog.items.items()
        if item.negative and kind in item.sources
    ]


def record_inputs(session: Session, item_code: str) -> list[RecordInput]:
    catalog = published_catalog(session)
    item = catalog.items.get(item_code) if catalog else None
    if item is None:
        return []
    return [
        RecordInput(
            f.name,
            f.label,
            f.required,
            "select" if f.type == "enum" else INPUTS.get(f.type, "text"),
            tuple(f.values or ()),
        )
        for f in item.spec.fields
    ]


def detail_context(
    request: Request, session: Session, c: Complaint, *, item: str = ""
) -> dict[str, Any]:
    """What a console's page of one complaint shows, and the forms open to the visitor."""
    p = forms.page_visitor(request).principal
    today = forms.request_today(request)
    view = reading.complaint_detail(session, c, today)
    handles = rules.may_handle(p.role, p.department_id, c.department_id)
    items = record_items(session, p.department_kind) if handles else []
    item = item if item in dict(items) else (items[0][0] if items else "")
    names = {**labels.SECTOR_NAMES, **department_names(session)}
    return {
        "c": view,
        "steps": step_rows(
            session,
            steps_of(session, complaints.NO_SUBJECT, c.id),
            table=labels.COMPLAINT_DETAILS,
            names=names,
        ),
        "handles": handles and c.state in rules.OPEN,
        "refers": rules.may_refer(p.role, p.department_id, c.department_id)
        and c.state is rules.S.received,
        "reads_informant": handles and c.state in rules.OPEN and c.informant is not None,
        "departments": [
            (d.code, d.name) for d in list_departments(session) if d.id != c.department_id
        ],
        "items": items,
        "item": item,
        "inputs": record_inputs(session, item) if item else [],
    }


def step_body(form: FormData) -> ComplaintStepIn:
    """A step's form as the API's body; the record of a substantiated complaint from its
    inputs (``f_<field>``, empty ones left out)."""
    text = lambda name: forms.form_text(form, name, 5000).strip()  # noqa: E731
    step = text("step")
    if step == "concluded":
        step = text("outcome")
        if step not in ("substantiated", "unsubstantiated"):
            raise forms.Problem({"outcome": "请选择办结结论"})
    data: dict[str, Any] = {"step": step, "text": text("text") or None}
    if step == "referred":
        data["department"] = text("department") or None
    if step == "extended":
        data["approval"] = text("approval") or None
    if step == "substantiated":
        if text("record_mode") == "existing":
            data["record_source_id"] = text("record_source_id") or None
        else:
            data["record"] = {
                "item": text("item"),
                "fields": {
                    key[2:]: value.strip()
                    for key, value in form.multi_items()
                    if key.startswith("f_") and isinstance(value, str) and value.strip()
                },
                "severity": text("severity") or None,
                "determined_on": text("determined_on") or None,
                "subject_name": text("subject_name") or None,
            }
    try:
        return ComplaintStepIn.model_validate(data)
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            loc = [str(x) for x in error.get("loc", ())]
            name = (
                "f_" + loc[2]
                if loc[:2] == ["record", "fields"] and len(loc) > 2
                else loc[-1]
                if loc
                else ""
            )
            errors.setdefault(name if name != "step" else "", forms.pydantic_message(error))
        raise forms.Problem(errors) from None


def field_of(exc: XinyongError) -> str:
    """The form's input a refusal names: a record field ``record.fields.x`` is ``f_x``."""
    name = exc.field or ""
    if name.startswith("record.fields."):
        return "f_" + name.removeprefix("record.fields.").split(".", 1)[0]
    return name.removeprefix("record.").split(".", 1)[0] if name.startswith("record.") else name


def take_step(request: Request, session: Session, complaint_id: int, form: FormData) -> str:
    """The step posted, as POST /api/v1/complaints/{id}/steps takes it; its name."""
    check_csrf(forms.page_visitor(request), forms.form_text(form, "csrf_token"))
    body = step_body(form)
    try:
        with session.begin_nested():
            complaints.take_step(session, forms.request_step(request), complaint_id, body)
    except XinyongError as exc:
        raise forms.Problem({field_of(exc): exc.message}, status=exc.status) from None
    return body.step


def read_informant(
    request: Request, session: Session, complaint_id: int, purpose: str
) -> InformantOut:
    """The informant's contact for the visitor handling the complaint, read (and logged) with
    its purpose, as GET /api/v1/complaints/{id}/informant."""
    try:
        return complaints.read_informant(
            session, forms.request_step(request), complaint_id, purpose
        )
    except XinyongError as exc:
        raise forms.Problem({"purpose": exc.message}, status=exc.status) from None


def attachment(request: Request, session: Session, complaint_id: int, file_id: int) -> Response:
    row = complaints.complaint_file(session, forms.request_step(request), complaint_id, file_id)
    return forms.download(row.content, f"file-{row.id}", row.content_type)


# ---- The pages of one complaint (the department's and the authority's alike)


def detail_page(
    request: Request,
    session: Session,
    complaint_id: int,
    console: str,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    done: str = "",
    item: str = "",
    informant: InformantOut | None = None,
) -> Response:
    """The page of one complaint in ``console`` (department or authority): 404 for one the
    visitor may not see."""
    c = complaints.get_complaint(session, forms.page_visitor(request).principal, complaint_id)
    context = detail_context(request, session, c, item=item or (form or {}).get("item", ""))
    return complaint_page(
        request,
        "complaints/detail.html",
        status_code=status_code,
        section="complaints",
        console=console,
        base=f"/{console}/complaints/{complaint_id}",
        errors=errors or {},
        form=form or {},
        done=done,
        informant=informant,
        **context,
    )


def posted_step(
    request: Request,
    session: Session,
    form: FormData,
    problem: forms.Problem | None,
    complaint_id: int,
    console: str,
) -> Response:
    """A step's form posted: the page again with the refusal beside its input, or back to
    the page with what was done."""
    complaints.get_complaint(session, forms.page_visitor(request).principal, complaint_id)
    shown = {k: v for k, v in form.multi_items() if isinstance(v, str) and k != "csrf_token"}
    try:
        if problem is not None:
            raise problem
        done = take_step(request, session, complaint_id, form)
    except forms.Problem as bad:
        return refused(request, session, complaint_id, console, bad, shown)
    return forms.redirect(f"/{console}/complaints/{complaint_id}", done=done)


def informant_page(
    request: Request,
    session: Session,
    complaint_id: int,
    console: str,
    csrf_token: str,
    purpose: str,
) -> Response:
    """The informant's contact on the page, read with its purpose; a refusal beside it."""
    check_csrf(forms.page_visitor(request), csrf_token)
    try:
        found = read_informant(request, session, complaint_id, purpose)
    except forms.Problem as bad:
        return refused(request, session, complaint_id, console, bad, {"purpose": purpose})
    return detail_page(request, session, complaint_id, console, informant=found)


def refused(
    request: Request,
    session: Session,
    complaint_id: int,
    console: str,
    bad: forms.Problem,
    form: dict[str, str],
) -> Response:
    """The page again, the refusal beside its input and what was typed kept."""
    return detail_page(
        request,
        session,
        complaint_id,
        console,
        status_code=bad.status,
        errors=bad.errors,
        form=form,
    )
