"""Pages: the items behind the dashboard's counts of collection and checks — a department's
batches (by month, or over the dashboard's twelve months) with each batch's rows refused, and
a department's checks with the measures they showed and the feedback given on them. Read
only; the audience is the authority."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.catalog.service import published_catalog
from xinyong.checks.repository import (
    checks_of_department_between,
    feedback_of_check,
    hits_of_check,
)
from xinyong.core import labels
from xinyong.core.api import BigId, db_session
from xinyong.core.clock import SHANGHAI
from xinyong.departments.service import list_departments
from xinyong.errors import InvalidRequest, NotFound
from xinyong.models import Batch, Department
from xinyong.records.repository import batches_received_between
from xinyong.reports.dashboard import recent_months
from xinyong.reports.dual_publicity import Month
from xinyong.web.authority.common import AUTHORITY, console_page
from xinyong.web.forms import parse_int, request_today

router = APIRouter(include_in_schema=False)

# As the dashboard: its last twelve months (web/authority/dashboard.py).
WINDOW_MONTHS = 12
# Rows of a table on one page (the counts behind a dashboard figure rarely run further).
ROWS = 200
EVER = (datetime(2000, 1, 1, tzinfo=SHANGHAI), datetime(2200, 1, 1, tzinfo=SHANGHAI))
VIA = {"file": "文件上传", "api": "接口推送", "procedure": "办理程序"}


def _window(request: Request, month: str) -> tuple[datetime, datetime, str, str]:
    """The month asked for (YYYY-MM), every month (``all``: the dashboard's cumulative
    figures), or the dashboard's twelve months: bounds, label, title."""
    if month == "all":
        return EVER[0], EVER[1], "all", "全部时间"
    if month:
        try:
            chosen = Month.parse(month)
        except InvalidRequest:
            chosen = None
        if chosen is not None:
            start, end = chosen.bounds()
            return start, end, chosen.label, chosen.title
    months = recent_months(Month.of(request_today(request)), WINDOW_MONTHS)
    return (
        months[0].bounds()[0],
        months[-1].bounds()[1],
        "",
        f"{months[0].title}至{months[-1].title}",
    )


def _department(session: Session, code: str) -> Department:
    for dept in list_departments(session):
        if dept.code == code:
            return dept
    raise NotFound("部门不存在", "no such department", code="unknown_department")


@router.get("/authority/batches", response_class=HTMLResponse, **AUTHORITY)
def batches_page(
    request: Request,
    department: str = "",
    month: str = "",
    before: str = "",
    session: Session = db_session,
) -> Response:
    """Audience: authority. A providing department's batches received in a month (or in the
    dashboard's twelve months), newest first: what the dashboard counts as collected, refused
    and duplicated, batch by batch."""
    dept = _department(session, department)
    start, end, label, title = _window(request, month)
    rows = batches_received_between(
        session, dept.id, start, end, limit=ROWS + 1, before=parse_int(before)
    )
    return console_page(
        request,
        "authority/batches.html",
        section="dashboard",
        department=dept,
        month=label,
        period=title,
        batches=rows[:ROWS],
        older=rows[ROWS - 1].id if len(rows) > ROWS else None,
        via=VIA,
        channels=labels.CHANNELS,
    )


def _error_lines(session: Session, batch: Batch) -> list[dict[str, Any]]:
    """The batch's refused rows: their number, the field by its label, the message."""
    catalog = published_catalog(session)
    names = {
        f.name: f.label
        for item in (catalog.items.values() if catalog is not None else [])
        for f in item.spec.fields
    }
    lines = []
    for rejection in (batch.answer or {}).get("rejected", []):
        for error in rejection.get("errors", []):
            field = str(error.get("field") or "").rsplit(".", 1)[-1]
            lines.append(
                {
                    "row": rejection.get("index"),
                    "field": names.get(field, ""),
                    "message": error.get("message", ""),
                }
            )
    return lines


@router.get("/authority/batches/{batch_id}", response_class=HTMLResponse, **AUTHORITY)
def batch_page(batch_id: BigId, request: Request, session: Session = db_session) -> Response:
    """Audience: authority. One batch of any department, with its refused rows."""
    batch = session.get(Batch, batch_id)
    if batch is None:
        raise NotFound("批次不存在", "no such batch", code="unknown_batch")
    dept = session.get(Department, batch.provider_id)
    lines = _error_lines(session, batch)
    return console_page(
        request,
        "authority/batch.html",
        section="dashboard",
        batch=batch,
        department=dept,
        lines=lines[:1000],
        error_count=len(lines),
        via=VIA,
        channels=labels.CHANNELS,
    )


@router.get("/authority/checks", response_class=HTMLResponse, **AUTHORITY)
def checks_page(
    request: Request, department: str = "", month: str = "", session: Session = db_session
) -> Response:
    """Audience: authority. A department's checks (逢办必查) in the dashboard's twelve months
    (or a month), newest first: the subjects checked and found, the measures shown and the
    feedback given on them."""
    dept = _department(session, department)
    start, end, label, title = _window(request, month)
    rows = []
    for check in checks_of_department_between(session, dept.id, start, end, limit=ROWS):
        feedback = feedback_of_check(session, check.id).values()
        rows.append(
            {
                "check": check,
                "scenario": labels.SCENARIOS.get(check.scenario, ""),
                "shown": len(hits_of_check(session, check.id)),
                "answered": len(feedback),
                "applied": sum(1 for f in feedback if f.applied),
            }
        )
    return console_page(
        request,
        "authority/checks.html",
        section="dashboard",
        department=dept,
        month=label,
        period=title,
        checks=rows,
        limit=ROWS,
    )
