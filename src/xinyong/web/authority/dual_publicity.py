"""Pages: the monthly 双公示 timeliness notice (reports/dual_publicity.py), with its CSVs and
printable page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core.api import db_session
from xinyong.core.calendar import UnknownCalendarYear
from xinyong.errors import XinyongError
from xinyong.reports.dual_publicity import (
    Month,
    departments_csv,
    dual_publicity,
    file_names,
    late_csv,
    notice_html,
    percent,
)
from xinyong.web.authority.common import AUTHORITY
from xinyong.web.forms import csv_download, page_visitor, request_now, request_today
from xinyong.web.site import render

router = APIRouter(include_in_schema=False)


# Late records shown on the page; the CSV has them all.
LATE_ON_PAGE = 200


def _month_or_current(request: Request, month: str | None) -> Month:
    return Month.parse(month) if month else Month.of(request_today(request))


@router.get("/authority/dual-publicity", response_class=HTMLResponse, **AUTHORITY)
def dual_publicity_page(
    request: Request, month: str | None = None, session: Session = db_session
) -> Response:
    """Audience: authority. The monthly 双公示 timeliness notice on screen, with its CSVs and
    printable page."""
    v = page_visitor(request)
    context: dict[str, Any] = {"section": "dual_publicity", "month_text": month or ""}
    try:
        parsed = _month_or_current(request, month)
    except XinyongError as exc:
        return render(
            request,
            v,
            "authority/dual_publicity.html",
            status_code=exc.status,
            month_error=exc.message,
            **context,
        )
    context.update(
        month=parsed,
        month_text=parsed.label,
        previous=parsed.previous().label,
        next=parsed.next().label,
        files=file_names(parsed),
    )
    try:
        report = dual_publicity(session, parsed, now=request_now(request), late_limit=LATE_ON_PAGE)
    except UnknownCalendarYear as exc:
        return render(
            request,
            v,
            "authority/dual_publicity.html",
            status_code=exc.status,
            calendar_error=exc.message,
            unknown_year=exc.year,
            **context,
        )
    return render(
        request, v, "authority/dual_publicity.html", report=report, percent=percent, **context
    )


@router.get("/authority/dual-publicity/departments.csv", **AUTHORITY)
def dual_publicity_departments_csv(
    request: Request, month: str | None = None, session: Session = db_session
) -> Response:
    """Audience: authority. The notice's table per department, as CSV (UTF-8 with BOM)."""
    parsed = _month_or_current(request, month)
    report = dual_publicity(session, parsed, now=request_now(request), late_limit=0)
    return csv_download(departments_csv(report), file_names(parsed)["departments"])


@router.get("/authority/dual-publicity/late.csv", **AUTHORITY)
def dual_publicity_late_csv(
    request: Request, month: str | None = None, session: Session = db_session
) -> Response:
    """Audience: authority. Every late record of the month, as CSV (UTF-8 with BOM)."""
    parsed = _month_or_current(request, month)
    report = dual_publicity(session, parsed, now=request_now(request))
    return csv_download(late_csv(report), file_names(parsed)["late"])


@router.get("/authority/dual-publicity/notice", response_class=HTMLResponse, **AUTHORITY)
def dual_publicity_notice(
    request: Request, month: str | None = None, session: Session = db_session
) -> Response:
    """Audience: authority. The printable notice (the page `xinyong report dual-publicity`
    writes): self-contained, print CSS."""
    parsed = _month_or_current(request, month)
    report = dual_publicity(session, parsed, now=request_now(request))
    return HTMLResponse(notice_html(report), headers={"Cache-Control": "no-store"})
