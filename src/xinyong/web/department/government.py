"""Pages: government integrity in the department console (docs/government.md) — the 政务失信
cases of the records it provided, with 容错纠错 of one by its decision; the debt warnings
(government-shared), and the finance department's load of debt indicators (003 政务诚信
§三（五））.

- ``GET /department/government``: its cases, and the debt warnings of a year.
- ``POST /department/government/cases/{id}/exclusion``: 容错纠错 with the decision's number
  and document.
- ``POST /department/government/debt``: the finance department's indicators, as CSV lines
  ``region_code,year,indicator,value`` (the indicator by its name, 债务率, or its code).
"""

from __future__ import annotations

import csv
import io

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core.api import BigId, db_session
from xinyong.government import debt, service
from xinyong.government.schemas import DebtRowsIn, ExclusionIn
from xinyong.models import CaseState
from xinyong.web.department.common import DEPARTMENTS, PROVIDERS, console_page
from xinyong.web.forms import (
    Problem,
    attempt,
    page_visitor,
    redirect,
    request_step,
    request_today,
    validated,
)
from xinyong.web.site import check_csrf

router = APIRouter(include_in_schema=False)
DEBT_HEADER = ("region_code", "year", "indicator", "value")


def _page(
    request: Request,
    session: Session,
    year: int | None = None,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
    debt_text: str = "",
) -> Response:
    visitor = page_visitor(request)
    today = request_today(request)
    rows, total = service.find_cases(
        session,
        visitor.principal,
        state=None,
        region=None,
        overdue=None,
        today=today,
        limit=200,
        offset=0,
    )
    years = debt.years(session)
    chosen = year if year is not None else (years[0] if years else today.year - 1)
    return console_page(
        request,
        "department/government.html",
        status_code=status,
        section="government",
        cases=[service.case_out(session, c, today) for c in rows],
        total=total,
        open_states=(CaseState.open.value, CaseState.explained.value),
        warnings=debt.warnings(session, request_step(request), chosen),
        years=years,
        year=chosen,
        finance=visitor.principal.department_kind == debt.FINANCE,
        indicators=service.policy_in_force(session, today).spec.debt.indicators,
        errors=errors or {},
        done=request.query_params.get("done", ""),
        debt_text=debt_text,
    )


@router.get("/department/government", response_class=HTMLResponse, **DEPARTMENTS)
def government_page(
    request: Request, year: int | None = None, session: Session = db_session
) -> Response:
    """Audience: provider, user department. The cases of its records; the debt warnings of a
    year (the read is audited: government-shared)."""
    return _page(request, session, year)


@router.post(
    "/department/government/cases/{case_id}/exclusion", response_class=HTMLResponse, **PROVIDERS
)
async def exclusion(
    case_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    decision_number: str = Form(default=""),
    reason: str = Form(default=""),
    document: UploadFile | None = File(default=None),
    session: Session = db_session,
) -> Response:
    """Audience: provider. 容错纠错 of a case of its own record, with the decision."""
    check_csrf(page_visitor(request), csrf_token)
    upload = None
    if document is not None and document.filename:
        upload = (document.filename[-200:], await document.read())
    try:
        body = validated(
            ExclusionIn, {"decision_number": decision_number or None, "reason": reason}
        )
        attempt(
            session,
            lambda: service.exclude(session, request_step(request), case_id, body, document=upload),
        )
    except Problem as problem:
        return _page(request, session, errors=problem.errors, status=problem.status)
    return redirect("/department/government", done="excluded")


@router.post("/department/government/debt", response_class=HTMLResponse, **PROVIDERS)
def debt_load(
    request: Request,
    csrf_token: str = Form(default=""),
    rows: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider (the finance department). Debt indicators as CSV lines; a bad row
    refuses the whole load with the row named, the text kept in the form."""
    check_csrf(page_visitor(request), csrf_token)
    lines = [r for r in csv.reader(io.StringIO(rows.strip())) if r and any(c.strip() for c in r)]
    if lines and tuple(c.strip() for c in lines[0]) == DEBT_HEADER:
        lines = lines[1:]
    # People write an indicator by its name (债务率); the service takes its code.
    codes = {
        i.name: i.code
        for i in service.policy_in_force(session, request_today(request)).spec.debt.indicators
    }
    data = [dict(zip(DEBT_HEADER, (c.strip() for c in line), strict=False)) for line in lines]
    for row in data:
        row["indicator"] = codes.get(row.get("indicator", ""), row.get("indicator", ""))
    try:
        body = validated(DebtRowsIn, {"rows": data}, {"rows": "rows"})
        attempt(session, lambda: debt.load(session, request_step(request), body), {"rows": "rows"})
    except Problem as problem:
        return _page(request, session, errors=problem.errors, status=problem.status, debt_text=rows)
    return redirect("/department/government", done="loaded")
