"""Pages: government integrity (政务诚信, docs/government.md) for the credit authority — the
政务失信 cases and each case's steps, the quarterly list of failing bodies, the debt warnings,
and the regional evaluation."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core.api import BigId, db_session
from xinyong.errors import XinyongError
from xinyong.government import bodies, debt, quarterly, regional, service
from xinyong.government.schemas import (
    ExclusionIn,
    ExplanationIn,
    InterviewIn,
    PaymentIn,
    RectificationIn,
)
from xinyong.models import CaseState
from xinyong.notices.repository import notice_of_period
from xinyong.web.authority.common import AUTHORITY
from xinyong.web.forms import (
    Problem,
    attempt,
    page,
    page_number,
    page_visitor,
    redirect,
    request_step,
    request_today,
    validated,
)
from xinyong.web.site import check_csrf

router = APIRouter(include_in_schema=False)
STATES = [s.value for s in CaseState]
BODY_ROWS = 50


@router.get("/authority/government", response_class=HTMLResponse, **AUTHORITY)
def government_page(
    request: Request,
    state: str | None = None,
    overdue: str | None = None,
    session: Session = db_session,
) -> Response:
    """Audience: authority. The 政务失信 cases (filter by state, overdue), newest first."""
    today = request_today(request)
    chosen = CaseState(state) if state in STATES else None
    late = {"1": True, "0": False}.get(overdue or "")
    rows, total = service.find_cases(
        session,
        page_visitor(request).principal,
        state=chosen,
        region=None,
        overdue=late,
        today=today,
        limit=200,
        offset=0,
    )
    return page(
        request,
        "authority/government.html",
        section="government",
        cases=[service.case_out(session, c, today) for c in rows],
        total=total,
        state=chosen.value if chosen else "",
        overdue=overdue or "",
        quarter=f"{today.year}-Q{(today.month - 1) // 3 + 1}",
    )


def _case_page(
    request: Request,
    session: Session,
    case_id: int,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    visitor = page_visitor(request)
    case = service.readable_case(session, visitor.principal, case_id)
    today = request_today(request)
    return page(
        request,
        "authority/government_case.html",
        status_code=status_code,
        section="government",
        case=service.case_out(session, case, today, with_payments=True),
        errors=errors or {},
        done=request.query_params.get("done", ""),
        today=today,
    )


@router.get("/authority/government/bodies", response_class=HTMLResponse, **AUTHORITY)
def bodies_page(
    request: Request,
    region: str | None = None,
    name: str | None = None,
    at: str | None = Query(default=None, alias="page"),
    session: Session = db_session,
) -> Response:
    """Audience: authority. The government bodies (机关, 事业单位): region, level, superior,
    counted 政务失信 records and cases not cleared; by region code and name, 50 a page."""
    number = page_number(at)
    chosen = region if region and region.isdigit() and len(region) <= 6 else None
    rows, total = bodies.bodies(
        session,
        region=chosen,
        name=(name or "").strip()[:50] or None,
        limit=BODY_ROWS,
        offset=(number - 1) * BODY_ROWS,
    )
    return page(
        request,
        "authority/government_bodies.html",
        section="government",
        rows=rows,
        total=total,
        region=chosen or "",
        query_name=name or "",
        page=number,
        pages=max(1, -(-total // BODY_ROWS)),
    )


@router.get("/authority/government/cases/{case_id}", response_class=HTMLResponse, **AUTHORITY)
def case_page(case_id: BigId, request: Request, session: Session = db_session) -> Response:
    """Audience: authority. One case: its record, deadlines, payments, and the steps the
    authority takes — the explanation or rectification a body gave on paper, confirming the
    rectification, a payment, an interview when late, 容错纠错 with its decision."""
    return _case_page(request, session, case_id)


@router.post(
    "/authority/government/cases/{case_id}/{action}", response_class=HTMLResponse, **AUTHORITY
)
async def case_step(
    case_id: BigId,
    action: str,
    request: Request,
    csrf_token: str = Form(default=""),
    text: str = Form(default=""),
    amount: str = Form(default=""),
    paid_on: str = Form(default=""),
    interviewee: str = Form(default=""),
    decision_number: str = Form(default=""),
    document: UploadFile | None = File(default=None),
    session: Session = db_session,
) -> Response:
    """Audience: authority. A step of a case (``action``: explanation, rectification,
    confirmation, payment, interview, exclusion); refused, the case page with the message."""
    check_csrf(page_visitor(request), csrf_token)
    step = request_step(request)
    upload = None
    if document is not None and document.filename:
        upload = (document.filename[-200:], await document.read())
    today = request_today(request)

    def act() -> Any:
        if action == "explanation":
            body = validated(ExplanationIn, {"explanation": text}, {"explanation": "text"})
            return service.explain(session, step, case_id, body)
        if action == "rectification":
            body2 = validated(RectificationIn, {"rectification": text}, {"rectification": "text"})
            return service.report_rectification(session, step, case_id, body2)
        if action == "confirmation":
            return service.confirm_rectification(session, step, case_id)
        if action == "payment":
            body3 = validated(PaymentIn, {"amount": amount, "paid_on": paid_on or today})
            return service.record_payment(session, step, case_id, body3)
        if action == "interview":
            body4 = validated(
                InterviewIn,
                {"interviewed_on": today, "interviewee": interviewee, "notes": text},
                {"notes": "text"},
            )
            return service.interview(session, step, case_id, body4)
        if action == "exclusion":
            body5 = validated(
                ExclusionIn,
                {"decision_number": decision_number or None, "reason": text},
                {"reason": "text"},
            )
            return service.exclude(session, step, case_id, body5, document=upload)
        raise XinyongError("未知的操作", "unknown action", field="action", status=404)

    try:
        attempt(session, act)
    except Problem as problem:
        return _case_page(
            request, session, case_id, errors=problem.errors, status_code=problem.status
        )
    return redirect(f"/authority/government/cases/{case_id}", done=action)


@router.get("/authority/government/quarterly", response_class=HTMLResponse, **AUTHORITY)
def quarterly_page(
    request: Request, quarter: str | None = None, session: Session = db_session
) -> Response:
    """Audience: authority. The quarterly list of failing bodies and its recipients (004 §5)."""
    today = request_today(request)
    chosen = quarter or f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    try:
        year, number = quarterly.parse_quarter(chosen)
    except XinyongError as exc:
        return page(
            request,
            "authority/government_quarterly.html",
            status_code=exc.status,
            section="government",
            error=exc.message,
            quarter=chosen,
        )
    listed = quarterly.quarterly_list(session, year, number, today=today)
    return page(
        request,
        "authority/government_quarterly.html",
        section="government",
        listed=listed,
        quarter=listed.quarter,
        notice=notice_of_period(session, quarterly.NOTICE_KIND, listed.quarter),
        closed=today > listed.last_day,
        error=request.query_params.get("error", ""),
    )


@router.post("/authority/government/quarterly", response_class=HTMLResponse, **AUTHORITY)
def quarterly_notice(
    request: Request,
    csrf_token: str = Form(default=""),
    quarter: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: authority. Send the quarter's list as a notice to its recipients, once the
    quarter is over (as the scheduled job does)."""
    check_csrf(page_visitor(request), csrf_token)
    try:
        year, number = quarterly.parse_quarter(quarter)
        attempt(
            session, lambda: quarterly.send_notice(session, request_step(request), year, number)
        )
    except (Problem, XinyongError) as exc:
        message = exc.message if isinstance(exc, XinyongError) else "；".join(exc.errors.values())
        return redirect("/authority/government/quarterly", quarter=quarter, error=message)
    return redirect("/authority/government/quarterly", quarter=quarter)


@router.get("/authority/government/debt", response_class=HTMLResponse, **AUTHORITY)
def debt_page(request: Request, year: int | None = None, session: Session = db_session) -> Response:
    """Audience: authority. Debt warnings of a year (default the last), red first."""
    return debt_warnings_page(request, session, year, "authority/government_debt.html")


def debt_warnings_page(
    request: Request, session: Session, year: int | None, template: str
) -> Response:
    """The debt warnings page, the authority's and the finance department's."""
    years = debt.years(session)
    chosen = year if year is not None else (years[0] if years else request_today(request).year - 1)
    warnings = debt.warnings(session, request_step(request), chosen)
    return page(
        request, template, section="government", warnings=warnings, years=years, year=chosen
    )


@router.get("/authority/government/regional", response_class=HTMLResponse, **AUTHORITY)
def regional_page(
    request: Request, year: int | None = None, session: Session = db_session
) -> Response:
    """Audience: authority. The regional evaluation of a year, and running it again."""
    today = request_today(request)
    chosen = year or today.year
    row = regional.latest(session, chosen)
    return page(
        request,
        "authority/government_regional.html",
        section="government",
        evaluation=regional.evaluation_out(session, row) if row else None,
        year=chosen,
        done=request.query_params.get("done", ""),
    )


@router.post("/authority/government/regional", response_class=HTMLResponse, **AUTHORITY)
def regional_run(
    request: Request,
    csrf_token: str = Form(default=""),
    year: int = Form(default=0),
    session: Session = db_session,
) -> Response:
    """Audience: authority. Run the year's regional evaluation; the newest run is published."""
    check_csrf(page_visitor(request), csrf_token)
    chosen = year if 2000 <= year <= 2100 else request_today(request).year
    try:
        attempt(session, lambda: regional.run(session, request_step(request), chosen))
    except Problem as problem:
        return page(
            request,
            "authority/government_regional.html",
            status_code=problem.status,
            section="government",
            evaluation=None,
            year=chosen,
            done="",
            error="；".join(problem.errors.values()),
        )
    return redirect("/authority/government/regional", year=chosen, done="run")
