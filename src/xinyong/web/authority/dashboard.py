"""Pages: the credit authority's dashboard (records collected per department and month,
rejection rates, overdue procedures, checks and feedback, this month's 双公示 timeliness, the
current grade distribution of the public credit evaluation), each
chart also a table; charts are ECharts from /static/vendor, their data embedded with ``|tojson``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.calendar import service as calendar_service
from xinyong.checks.service import feedback_rates
from xinyong.core import labels as core_labels
from xinyong.core.api import db_session
from xinyong.core.calendar import UnknownCalendarYear
from xinyong.evaluation import repository as evaluation_repository
from xinyong.notices.repository import pending_counts
from xinyong.reports import dashboard
from xinyong.reports.dual_publicity import DualPublicityReport, Month, dual_publicity
from xinyong.tasks.service import overdue_counts
from xinyong.web.authority.common import AUTHORITY
from xinyong.web.authority.evaluation import shares
from xinyong.web.forms import page, request_now, request_today

router = APIRouter(include_in_schema=False)


DASHBOARD_MONTHS = 12


def _bar(
    categories: list[str],
    series: list[tuple[str, list[Any]]],
    *,
    stacked: bool = False,
    percent_axis: bool = False,
) -> dict[str, Any]:
    """An ECharts option (plain JSON: no functions) for a bar chart."""
    axis: dict[str, Any] = {"type": "value"}
    if percent_axis:
        axis.update({"max": 100, "axisLabel": {"formatter": "{value}%"}})
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "top": 0},
        "grid": {"left": 48, "right": 16, "top": 40, "bottom": 72, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": categories,
            "axisLabel": {"interval": 0, "rotate": 30 if len(categories) > 4 else 0},
        },
        "yAxis": axis,
        "series": [
            {"name": name, "type": "bar", "data": data, **({"stack": "all"} if stacked else {})}
            for name, data in series
        ],
    }


def _pct(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 2)


@router.get("/authority", response_class=HTMLResponse, **AUTHORITY)
def dashboard_page(request: Request, session: Session = db_session) -> Response:
    """Audience: authority. The dashboard: figures of the last 12 months, and the current
    month's 双公示 timeliness."""
    today = request_today(request)
    current = Month.of(today)
    months = dashboard.recent_months(current, DASHBOARD_MONTHS)
    start, end = months[0].bounds()[0], months[-1].bounds()[1]
    collected = dashboard.collection(session, months)
    overdue = overdue_counts(session, today=today)
    checks = dashboard.check_volumes(session, start, end)
    feedback = feedback_rates(session)["departments"]
    timeliness: DualPublicityReport | None = None
    timeliness_error = None
    try:
        timeliness = dual_publicity(session, current, now=request_now(request), late_limit=0)
    except UnknownCalendarYear as exc:
        timeliness_error = exc.message
    labels = [m.label for m in months]
    charts = {
        "collected": _bar(
            labels,
            [(d.department_name, [d.by_month.get(m, 0) for m in labels]) for d in collected],
            stacked=True,
        ),
        "rejections": _bar(
            [d.department_name for d in collected],
            [("退回率", [_pct(d.rejection_rate) for d in collected])],
            percent_axis=True,
        ),
        "overdue": _bar(
            [r["department_name"] for r in overdue],
            [
                ("待办", [r["open"] for r in overdue]),
                ("逾期", [r["overdue"] for r in overdue]),
            ],
        ),
        "checks": _bar(
            [c.department_name for c in checks],
            [
                ("核查次数", [c.checks for c in checks]),
                ("核查主体数", [c.subjects for c in checks]),
                ("在库主体数", [c.found for c in checks]),
            ],
        ),
        "feedback": _bar(
            [d["name"] or d["department"] for d in feedback],
            [
                ("提示措施", [d["shown"] for d in feedback]),
                ("已反馈", [d["answered"] for d in feedback]),
                ("已执行", [d["applied"] for d in feedback]),
                ("未执行", [d["not_applied"] for d in feedback]),
            ],
        ),
        "timeliness": _bar(
            [d.department_name for d in (timeliness.departments if timeliness else [])],
            [
                (
                    "按时率",
                    [_pct(d.share) for d in (timeliness.departments if timeliness else [])],
                )
            ],
            percent_axis=True,
        ),
    }
    return page(
        request,
        "authority/dashboard.html",
        section="dashboard",
        months=months,
        collected=collected,
        overdue=overdue,
        checks=checks,
        feedback=feedback,
        timeliness=timeliness,
        timeliness_error=timeliness_error,
        # Years that deadlines opened now may reach and nobody loaded (core/calendar.py).
        missing_years=calendar_service.missing_years(session, today),
        current=current,
        charts=charts,
        period=f"{months[0].title}至{months[-1].title}",
        grades=shares(evaluation_repository.grade_counts(session)),
        grade_titles=core_labels.GRADE_TITLES,
        notices=pending_counts(session),
        last_month=current.previous(),
    )
