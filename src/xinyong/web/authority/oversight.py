"""Pages: the oversight of departments (docs/oversight.md) — the month's reports of collection
and use for every department, the month's notices with their acknowledgement, the year's
assessment ranking and each department's breakdown, the CSVs; the month's notices sent on
demand."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core.api import db_session
from xinyong.core.calendar import UnknownCalendarYear
from xinyong.errors import NotFound, XinyongError
from xinyong.notices.repository import notices_of_period
from xinyong.notices.service import notices_out
from xinyong.oversight import rules
from xinyong.oversight.documents import assessment_csv, file_name, report_csv
from xinyong.oversight.monthly import MONTHLY_KINDS
from xinyong.oversight.service import (
    assessment_for,
    notices_of_month,
    report_for,
    require_year,
    scoring_model,
)
from xinyong.reports.dual_publicity import Month
from xinyong.web.authority.common import AUTHORITY
from xinyong.web.forms import (
    csv_download,
    page,
    page_visitor,
    parse_int,
    redirect,
    request_now,
    request_today,
)
from xinyong.web.oversight_views import acknowledgers, month_or_last, table
from xinyong.web.site import check_csrf

router = APIRouter(include_in_schema=False)


def _days(request: Request) -> int:
    return int(request.app.state.db.settings.feedback_working_days)


@router.get("/authority/oversight", response_class=HTMLResponse, **AUTHORITY)
def oversight_page(
    request: Request,
    month: str | None = None,
    done: str = "",
    session: Session = db_session,
) -> Response:
    """Audience: authority. The month's reports of collection and use for every department
    (default: the last month over), its notices with their acknowledgement, the year's
    assessment ranking (year to date)."""
    v = page_visitor(request)
    context: dict[str, Any] = {"section": "oversight", "month_text": month or "", "done": done}
    try:
        parsed = month_or_last(request, month)
        rules.require_not_future(parsed, request_today(request))
    except XinyongError as exc:
        return page(
            request, "authority/oversight.html", status_code=exc.status, month_error=exc.message,
            **context,
        )  # fmt: skip
    now = request_now(request)
    context.update(
        month=parsed,
        month_text=parsed.label,
        previous=parsed.previous().label,
        next=parsed.next().label if parsed.next().first_day <= request_today(request) else "",
        closed=rules.is_closed(parsed, request_today(request)),
        files={k: file_name(k, parsed.label) for k in ("collection", "use")},
    )
    try:
        collection = report_for(session, v.principal, "collection", parsed, now=now,
                                feedback_days=_days(request))  # fmt: skip
        use = report_for(session, v.principal, "use", parsed, now=now, feedback_days=_days(request))
        assessment = assessment_for(
            session, v.principal, parsed.year, now=now, feedback_days=_days(request)
        )
    except UnknownCalendarYear as exc:
        return page(
            request, "authority/oversight.html", status_code=exc.status,
            calendar_error=exc.message, unknown_year=exc.year, **context,
        )  # fmt: skip
    notices = notices_out(
        session, v.principal, notices_of_period(session, MONTHLY_KINDS, parsed.label)
    )
    return page(
        request,
        "authority/oversight.html",
        collection=collection,
        collection_table=table(collection),
        use=use,
        use_table=table(use),
        notices=sorted(notices, key=lambda n: MONTHLY_KINDS.index(n.kind)),
        unsent=len(notices) < len(MONTHLY_KINDS),
        actors=acknowledgers(session, notices),
        assessment=assessment,
        **context,
    )


@router.post("/authority/oversight/notices", response_class=HTMLResponse, **AUTHORITY)
def send_notices(
    request: Request,
    csrf_token: str = Form(default=""),
    month: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: authority. Send the month's notices not yet sent (as the monthly job does on
    its first run after the month), each to the departments it names as late."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    parsed = Month.parse(month)
    # A refusal (a month not over, a year the calendar does not know) is the error page.
    notices_of_month(
        session, parsed, actor=v.principal.actor, now=request_now(request),
        feedback_days=_days(request),
    )  # fmt: skip
    return redirect("/authority/oversight", month=parsed.label, done="sent")


@router.get("/authority/oversight/assessment", response_class=HTMLResponse, **AUTHORITY)
def assessment_page(
    request: Request,
    year: str | None = None,
    department: str = "",
    session: Session = db_session,
) -> Response:
    """Audience: authority. The year's assessment (year to date while it runs): the ranking
    with every indicator's points, a department's breakdown, the scoring model in force."""
    v = page_visitor(request)
    number = parse_int(year, high=9999) or request_today(request).year
    require_year(number, request_now(request))
    result = assessment_for(
        session, v.principal, number, now=request_now(request), feedback_days=_days(request)
    )
    chosen = next((d for d in result.departments if d.department == department), None)
    return page(
        request,
        "authority/oversight_assessment.html",
        section="oversight",
        assessment=result,
        chosen=chosen,
        model=scoring_model(session),
    )


@router.get("/authority/oversight/assessment.csv", **AUTHORITY)
def assessment_csv_download(
    request: Request, year: str | None = None, session: Session = db_session
) -> Response:
    """Audience: authority. The year's ranking with every indicator's points, as CSV."""
    number = parse_int(year, high=9999) or request_today(request).year
    result = assessment_for(
        session,
        page_visitor(request).principal,
        require_year(number, request_now(request)),
        now=request_now(request),
        feedback_days=_days(request),
    )
    return csv_download(assessment_csv(result), f"oversight-assessment-{number}.csv")


# Last: after /authority/oversight/assessment.csv, which it would take for a report.
@router.get("/authority/oversight/{kind}.csv", **AUTHORITY)
def report_csv_download(
    request: Request, kind: str, month: str | None = None, session: Session = db_session
) -> Response:
    """Audience: authority. The month's report of collection or use as CSV (UTF-8 with BOM)."""
    if kind not in ("collection", "use"):
        raise NotFound("没有这份报表", "no such report", field="kind")
    parsed = month_or_last(request, month)
    report = report_for(
        session,
        page_visitor(request).principal,
        kind,
        parsed,
        now=request_now(request),
        feedback_days=_days(request),
    )
    return csv_download(report_csv(report), file_name(kind, parsed.label))
