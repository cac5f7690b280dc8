"""Pages: the department's own figures of the oversight (docs/oversight.md) — its row of the
month's collection report (its overdue items, what it sent and what was rejected, 双公示) and of
the use report, and its assessment of the year so far, indicator by indicator."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core.api import db_session
from xinyong.core.calendar import UnknownCalendarYear
from xinyong.errors import XinyongError
from xinyong.oversight import rules
from xinyong.oversight.service import assessment_for, report_for, scoring_model
from xinyong.web.department.common import DEPARTMENTS, own_department
from xinyong.web.forms import page, page_visitor, request_now, request_today
from xinyong.web.oversight_views import month_or_last, table

router = APIRouter(include_in_schema=False)


@router.get("/department/oversight", response_class=HTMLResponse, **DEPARTMENTS)
def oversight_page(
    request: Request, month: str | None = None, session: Session = db_session
) -> Response:
    """Audience: provider, user_department. The department's own row of the month's reports
    (default: the last month over) and its assessment of the year so far (year to date)."""
    v = page_visitor(request)
    dept = own_department(session, v)
    today = request_today(request)
    context: dict[str, Any] = {
        "section": "oversight",
        "department": dept,
        "month_text": month or "",
    }
    try:
        parsed = month_or_last(request, month)
        rules.require_not_future(parsed, today)
        days = int(request.app.state.db.settings.feedback_working_days)
        now = request_now(request)
        collection = report_for(session, v.principal, "collection", parsed, now=now,
                                feedback_days=days)  # fmt: skip
        use = report_for(session, v.principal, "use", parsed, now=now, feedback_days=days)
        assessment = assessment_for(session, v.principal, parsed.year, now=now, feedback_days=days)
    except (UnknownCalendarYear, XinyongError) as exc:
        return page(
            request, "department/oversight.html", status_code=exc.status, error=exc.message,
            **context,
        )  # fmt: skip
    context["month_text"] = parsed.label
    return page(
        request,
        "department/oversight.html",
        month=parsed,
        previous=parsed.previous().label,
        next=parsed.next().label if parsed.next().first_day <= today else "",
        collection=collection,
        collection_row=collection.departments[0] if collection.departments else None,
        collection_table=table(collection),
        use=use,
        use_table=table(use),
        mine=assessment.departments[0] if assessment.departments else None,
        assessment=assessment,
        model=scoring_model(session),
        **context,
    )
