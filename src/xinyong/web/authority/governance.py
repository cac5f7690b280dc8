"""Pages: 专项治理 statistics (reports/governance.py) — failing organisations by industry
section and month, drilling into a section's cities and a city's subjects, with the CSV."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core.api import db_session
from xinyong.errors import XinyongError
from xinyong.reports.dual_publicity import Month
from xinyong.reports.governance import (
    GovernanceStats,
    default_period,
    failing_subjects,
    governance_csv,
    months_between,
    parse_section,
)
from xinyong.web.authority.common import AUTHORITY
from xinyong.web.forms import csv_download, page_visitor, request_today
from xinyong.web.site import render

router = APIRouter(include_in_schema=False)


def _stats(
    request: Request,
    session: Session,
    first: str | None,
    last: str | None,
    section: str | None,
    city: str | None,
) -> GovernanceStats:
    default_first, default_last = default_period(request_today(request))
    months = months_between(
        Month.parse(first) if first else default_first,
        Month.parse(last) if last else default_last,
    )
    chosen = parse_section(section)
    town = city if chosen is not None and city and city.isdigit() and len(city) == 6 else None
    return failing_subjects(session, months, section=chosen, city=town)


@router.get("/authority/governance", response_class=HTMLResponse, **AUTHORITY)
def governance_page(
    request: Request,
    first: str | None = None,
    last: str | None = None,
    section: str | None = None,
    city: str | None = None,
    session: Session = db_session,
) -> Response:
    """Audience: authority. Failing organisations per month by industry section; a section's
    cities; a city's subjects (``first``/``last``: YYYY-MM, default the last twelve months)."""
    v = page_visitor(request)
    period = {"first": first or "", "last": last or ""}
    context: dict[str, Any] = {"section": "governance", "period": period}
    try:
        stats = _stats(request, session, first, last, section, city)
    except XinyongError as exc:
        return render(
            request,
            v,
            "authority/governance.html",
            status_code=exc.status,
            error=exc.message,
            **context,
        )
    base = {k: val for k, val in {"first": first, "last": last}.items() if val}

    def link(**more: str) -> str:
        return "/authority/governance?" + urlencode({**base, **more})

    query = {**base, **({"section": stats.section} if stats.section is not None else {})}
    if stats.city:
        query["city"] = stats.city
    return render(
        request,
        v,
        "authority/governance.html",
        stats=stats,
        link=link,
        csv_link="/authority/governance.csv?" + urlencode(query),
        **context,
    )


@router.get("/authority/governance.csv", **AUTHORITY)
def governance_download(
    request: Request,
    first: str | None = None,
    last: str | None = None,
    section: str | None = None,
    city: str | None = None,
    session: Session = db_session,
) -> Response:
    """Audience: authority. The table on the page, as CSV (UTF-8 with BOM)."""
    stats = _stats(request, session, first, last, section, city)
    return csv_download(governance_csv(stats), "governance.csv")
