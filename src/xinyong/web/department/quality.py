"""Pages: data quality for a provider (quality/, docs/quality.md) — its quality score this month,
the items it owes that are overdue with the 零报送 form, the findings of the checks on its
records and each finding's page, where the department confirms the record, corrects it by a
new record that replaces it, or withdraws it (the services the API calls; each read of the
findings logged with its purpose).

- ``GET /department/quality``: score, overdue items, findings (filters: rule, state, run).
- ``GET /department/quality/findings/{id}``: the finding, the record, the three forms.
- ``GET /department/quality/runs/{id}``, ``/department/quality/duties/{id}``: where a task of
  the queue leads (the findings of a run; the overdue items).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.catalog.service import labelled_fields, published_catalog
from xinyong.core import labels
from xinyong.core.api import BigId, db_session
from xinyong.quality import service
from xinyong.quality.repository import FindingFilter
from xinyong.quality.ruleset import rule_set_in_force
from xinyong.quality.schemas import STATES, CorrectionIn, NilReturnIn, ReasonIn
from xinyong.quality.scores import scores_out
from xinyong.reports.dual_publicity import Month
from xinyong.rights.step import Step
from xinyong.web.department.common import PAGE_ROWS, PROVIDERS, console_page, own_department
from xinyong.web.forms import (
    Problem,
    attempt,
    page_number,
    page_visitor,
    parse_int,
    redirect,
    request_now,
    request_step,
    request_today,
    validated,
)
from xinyong.web.site import check_csrf

router = APIRouter(include_in_schema=False)


def _quality_page(
    request: Request,
    session: Session,
    *,
    rule: str = "",
    state: str = "",
    run: str = "",
    page: str = "1",
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    done: str = "",
) -> Response:
    v = page_visitor(request)
    dept = own_department(session, v)
    rule_set = rule_set_in_force(session)
    rules = {r.code: r.title for r in rule_set.rules}
    rule = rule if rule in rules else ""
    state = state if state in STATES else ""
    run_id = parse_int(run, high=2**31 - 1)
    number = page_number(page)
    findings, total = service.findings_for(
        session,
        v.principal,
        FindingFilter(
            rule=rule or None,
            state=state or None,
            run_id=run_id,
            limit=PAGE_ROWS,
            offset=(number - 1) * PAGE_ROWS,
        ),
        now=request_now(request),
    )
    duties, _ = service.duties_for(session, v.principal, open_only=True, limit=500, offset=0)
    month = Month.of(request_today(request))
    scores = scores_out(session, month, department_id=dept.id).scores
    query = {"rule": rule, "state": state, "run": str(run_id or "")}
    return console_page(
        request,
        "department/quality.html",
        status_code=status_code,
        section="quality",
        department=dept,
        month=month,
        score=scores[0] if scores else None,
        duties=duties,
        owed=service.owed_items(session, dept),
        findings=findings,
        facts=service.fact_texts(session, findings),
        total=total,
        rules=rules,
        filters=query,
        page=number,
        pages=max(1, -(-total // PAGE_ROWS)),
        query=urlencode({k: val for k, val in query.items() if val}),
        errors=errors or {},
        done=done,
        quality=_labels(),
    )


def _labels() -> dict[str, Any]:
    return {
        "states": labels.FINDING_STATES,
        "facts": labels.QUALITY_FACTS,
        "severities": labels.QUALITY_SEVERITIES,
        "cycles": labels.UPDATE_CYCLES,
        "closings": labels.DUTY_CLOSINGS,
    }


@router.get("/department/quality", response_class=HTMLResponse, **PROVIDERS)
def quality_page(
    request: Request,
    rule: str = "",
    state: str = "",
    run: str = "",
    page: str = "1",
    done: str = "",
    session: Session = db_session,
) -> Response:
    """Audience: provider. The department's quality score this month, its overdue items with
    the 零报送 form, and the findings on its records (filters: rule, state, run)."""
    return _quality_page(request, session, rule=rule, state=state, run=run, page=page, done=done)


@router.get("/department/quality/runs/{run_id}", **PROVIDERS)
def quality_run(run_id: BigId) -> Response:
    """Audience: provider. Where a task of findings leads: the findings of that run."""
    return redirect("/department/quality", run=str(run_id))


@router.get("/department/quality/duties/{duty_id}", **PROVIDERS)
def quality_duty(duty_id: BigId) -> Response:
    """Audience: provider. Where a task of an overdue item leads: the overdue items."""
    response = redirect("/department/quality")
    response.headers["location"] += f"#duty-{duty_id}"
    return response


@router.post("/department/quality/nil-returns", response_class=HTMLResponse, **PROVIDERS)
def nil_return(
    request: Request,
    csrf_token: str = Form(default=""),
    item_code: str = Form(default=""),
    note: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider. 零报送 (POST /api/v1/records/nil-returns): nothing of an item to
    report this period; the item's overdue task closes."""
    check_csrf(page_visitor(request), csrf_token)
    try:
        body = validated(NilReturnIn, {"item_code": item_code, "note": note.strip() or None})
        attempt(session, lambda: service.file_nil_return(session, request_step(request), body))
    except Problem as problem:
        return _quality_page(request, session, status_code=problem.status, errors=problem.errors)
    return redirect("/department/quality", done="nil_return")


def _finding_page(
    request: Request,
    session: Session,
    finding_id: int,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    done: str = "",
) -> Response:
    v = page_visitor(request)
    finding = service.finding_for(session, v.principal, finding_id, now=request_now(request))
    record, item_name = service.finding_record(session, v.principal, finding_id)
    catalog = published_catalog(session)
    item = None if catalog is None else catalog.items.get(record.item_code)
    return console_page(
        request,
        "department/quality_finding.html",
        status_code=status_code,
        section="quality",
        finding=finding,
        fact=service.fact_texts(session, [finding])[finding.id],
        record=record,
        item_name=item_name,
        fields=labelled_fields(session, record.item_code, record.fields),
        item_fields=[] if item is None else item.spec.fields,
        negative=item is not None and item.negative,
        settle=finding.state == "open" and record.standing.value == "active",
        errors=errors or {},
        form=form or {},
        done=done,
        quality=_labels(),
    )


@router.get("/department/quality/findings/{finding_id}", response_class=HTMLResponse, **PROVIDERS)
def finding_page(
    finding_id: BigId, request: Request, done: str = "", session: Session = db_session
) -> Response:
    """Audience: provider. A finding on the department's record: what the rule found, the
    record, and the forms to confirm, correct or withdraw it."""
    return _finding_page(request, session, finding_id, done=done)


def _settle(
    request: Request,
    session: Session,
    finding_id: int,
    form: dict[str, Any],
    action: Any,
    done: str,
) -> Response:
    try:
        attempt(session, action)
    except Problem as problem:
        return _finding_page(
            request,
            session,
            finding_id,
            status_code=problem.status,
            errors=problem.errors,
            form=form,
        )
    return redirect(f"/department/quality/findings/{finding_id}", done=done)


def _with_reason(
    request: Request,
    session: Session,
    finding_id: int,
    reason: str,
    action: str,
    settle: Callable[[Session, Step, int, str], Any],
    done: str,
) -> Response:
    """A step that takes a reason only (confirm, withdraw): the reason checked as the API
    checks it, then the service in a savepoint."""
    form = {"action": action, "reason": reason}
    step = request_step(request)

    def act() -> Any:
        body = validated(ReasonIn, {"reason": reason.strip()})
        return settle(session, step, finding_id, body.reason)

    return _settle(request, session, finding_id, form, act, done)


@router.post(
    "/department/quality/findings/{finding_id}/confirmation",
    response_class=HTMLResponse,
    **PROVIDERS,
)
def finding_confirmation(
    finding_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    reason: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider. The record is right (POST /api/v1/quality/findings/{id}/
    confirmation), with the reason."""
    check_csrf(page_visitor(request), csrf_token)
    return _with_reason(
        request, session, finding_id, reason, "confirm", service.confirm, "confirmed"
    )


@router.post(
    "/department/quality/findings/{finding_id}/withdrawal",
    response_class=HTMLResponse,
    **PROVIDERS,
)
def finding_withdrawal(
    finding_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    reason: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider. The record is withdrawn (POST /api/v1/quality/findings/{id}/
    withdrawal): revoked by a revision, kept in the subject's history."""
    check_csrf(page_visitor(request), csrf_token)
    return _with_reason(
        request, session, finding_id, reason, "withdraw", service.withdraw, "withdrawn"
    )


@router.post(
    "/department/quality/findings/{finding_id}/correction",
    response_class=HTMLResponse,
    **PROVIDERS,
)
async def finding_correction(
    finding_id: BigId, request: Request, session: Session = db_session
) -> Response:
    """Audience: provider. The corrected record (POST /api/v1/quality/findings/{id}/
    correction): the subject's code and name and each field of the item (``f.<name>``), as
    the department pushes them; an ID-number field left blank keeps the original's."""
    data = await request.form()
    check_csrf(page_visitor(request), str(data.get("csrf_token", "")))
    text = {k: v for k, v in data.items() if isinstance(v, str)}
    form: dict[str, Any] = {"action": "correct", **text}
    fields = {k[2:]: v for k, v in text.items() if k.startswith("f.")}
    step = request_step(request)

    def correct() -> Any:
        raw = service.correction_record(
            session,
            step,
            finding_id,
            credit_code=text.get("credit_code", ""),
            name=text.get("name", ""),
            fields=fields,
            severity=text.get("severity", ""),
            determined_on=text.get("determined_on", ""),
        )
        body = validated(CorrectionIn, {"record": raw, "reason": text.get("reason", "").strip()})
        return service.correct(session, step, finding_id, body)

    return _settle(request, session, finding_id, form, correct, "corrected")
