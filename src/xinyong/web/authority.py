"""Pages: the credit authority's console (issue 5 § 5, § 6). Audience: authority — the public is
sent to log in, every other role gets 403.

- ``/authority``: the dashboard (records collected per department and month, rejection rates,
  overdue procedures, checks and feedback, this month's 双公示 timeliness), each chart also a
  table; charts are ECharts from /static/vendor, their data embedded with ``|tojson``.
- ``/authority/catalog``, ``/authority/measures``, ``/authority/calendar``,
  ``/authority/departments``: the same services the API calls (catalog, measures, calendar,
  departments), every change a POST with the session's CSRF token; bad input re-renders the
  form with the field's message.
- ``/authority/dual-publicity``: the monthly 双公示 notice (reports/dual_publicity.py), with its
  CSVs and printable page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.calendar.schemas import CalendarYearIn
from xinyong.calendar.service import all_years, load_year
from xinyong.catalog.schemas import SECTORS, CatalogIn, ItemSpec
from xinyong.catalog.service import draft_version, get_version, list_versions, publish_version
from xinyong.checks.service import feedback_rates
from xinyong.core import labels
from xinyong.core.api import Int32Id, db_session
from xinyong.core.calendar import UnknownCalendarYear, calendar_for, years_missing_ahead
from xinyong.departments.schemas import DepartmentIn, TokenIn
from xinyong.departments.service import (
    create_department,
    create_token,
    get_department,
    list_departments,
    revoke_token,
)
from xinyong.errors import XinyongError
from xinyong.measures.schemas import MeasuresIn
from xinyong.measures.service import active_measures, publish_measures
from xinyong.models import ApiToken, CatalogItem, Department, Role
from xinyong.reports import dashboard
from xinyong.reports.dual_publicity import (
    DualPublicityReport,
    Month,
    departments_csv,
    dual_publicity,
    file_names,
    late_csv,
    notice_html,
    percent,
)
from xinyong.subjects.service import find_subject
from xinyong.tasks.service import overdue_counts
from xinyong.web.forms import (
    Problem,
    attempt,
    csv_download,
    json_download,
    json_input,
    page_visitor,
    refusal,
    request_now,
    request_today,
    validated,
    validated_json,
)
from xinyong.web.site import audience, check_csrf, render

router = APIRouter(include_in_schema=False)
AUTHORITY = audience(Role.authority)

# A catalog, a measures list or a calendar year as a file: generous, but bounded.
MAX_UPLOAD = 5 * 1024 * 1024
# Late records shown on the page; the CSV has them all.
LATE_ON_PAGE = 200
DASHBOARD_MONTHS = 12

# The roles a token may be issued to: the public needs none.
TOKEN_ROLES = {role: name for role, name in labels.ROLE_NAMES.items() if role != Role.public}
R = TypeVar("R")


def _change(
    request: Request,
    session: Session,
    service: Callable[..., R],
    *args: Any,
    fields: dict[str, str] | None = None,
    **kwargs: Any,
) -> R:
    """A change through the service the API calls, by the visitor, now; its refusal is the
    form's problem, at the path in the document it names."""
    actor = page_visitor(request).principal.actor
    return attempt(
        session,
        lambda: service(session, *args, actor=actor, now=request_now(request), **kwargs),
        fields,
        path=True,
    )


def _refill(text: str) -> str:
    return text if len(text) <= 1_000_000 else ""


# ---- Dashboard


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
    return render(
        request,
        page_visitor(request),
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
        missing_years=years_missing_ahead(calendar_for(session), today),
        current=current,
        charts=charts,
        period=f"{months[0].title}至{months[-1].title}",
    )


# ---- Catalog


def _catalog_page(
    request: Request,
    session: Session,
    *,
    status_code: int = 200,
    errors: list[dict[str, str]] | None = None,
    text: str = "",
    notes: dict[str, Any] | None = None,
) -> Response:
    versions = list_versions(session)
    counts = dict(
        session.execute(
            select(CatalogItem.version_id, func.count()).group_by(CatalogItem.version_id)
        ).all()
    )
    return render(
        request,
        page_visitor(request),
        "authority/catalog.html",
        status_code=status_code,
        section="catalog",
        versions=versions,
        counts=counts,
        status_labels=labels.CATALOG_STATUSES,
        errors=errors or [],
        text=_refill(text),
        notes=notes or {},
    )


@router.get("/authority/catalog", response_class=HTMLResponse, **AUTHORITY)
def catalog_page(
    request: Request,
    drafted: int | None = None,
    published: int | None = None,
    session: Session = db_session,
) -> Response:
    """Audience: authority. The catalog's versions; draft one from JSON, publish a draft."""
    return _catalog_page(request, session, notes={"drafted": drafted, "published": published})


@router.get("/authority/catalog/{number}/download", **AUTHORITY)
def catalog_download(number: Int32Id, session: Session = db_session) -> Response:
    """Audience: authority. A version in the draft format (docs/catalog-format.md), to edit
    and draft again."""
    version, items = get_version(session, number)
    body = CatalogIn(
        title=version.title,
        notes=version.notes,
        items=[ItemSpec.model_validate(i, from_attributes=True) for i in items],
    ).model_dump(mode="json")
    return json_download(body, f"catalog-v{number}.json")


@router.post("/authority/catalog", response_class=HTMLResponse, **AUTHORITY)
def catalog_draft(
    request: Request,
    csrf_token: str = Form(default=""),
    catalog_json: str = Form(default=""),
    catalog_file: UploadFile | None = File(default=None),
    session: Session = db_session,
) -> Response:
    """Audience: authority. Draft a new catalog version (the body of POST
    /api/v1/catalog/versions, pasted or as a file)."""
    check_csrf(page_visitor(request), csrf_token)
    try:
        data = validated_json(CatalogIn, json_input(catalog_json, catalog_file, limit=MAX_UPLOAD))
        version = _change(request, session, draft_version, data)
    except Problem as problem:
        return _catalog_page(
            request, session, status_code=problem.status, errors=problem.rows, text=catalog_json
        )
    return RedirectResponse(f"/authority/catalog?drafted={version.number}", status_code=303)


@router.post("/authority/catalog/{number}/publish", response_class=HTMLResponse, **AUTHORITY)
def catalog_publish(
    number: Int32Id,
    request: Request,
    csrf_token: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: authority. Publish a drafted version: new records are collected under it."""
    check_csrf(page_visitor(request), csrf_token)
    try:
        _change(request, session, publish_version, number, fields={"": "publish"})
    except Problem as problem:
        return _catalog_page(request, session, status_code=problem.status, errors=problem.rows)
    return RedirectResponse(f"/authority/catalog?published={number}", status_code=303)


# ---- Measures


def _measures_page(
    request: Request,
    session: Session,
    *,
    status_code: int = 200,
    errors: list[dict[str, str]] | None = None,
    text: str = "",
    notes: dict[str, Any] | None = None,
) -> Response:
    return render(
        request,
        page_visitor(request),
        "authority/measures.html",
        status_code=status_code,
        section="measures",
        measures=active_measures(session),
        scenarios=labels.SCENARIOS,
        actions=labels.ACTIONS,
        errors=errors or [],
        text=_refill(text),
        notes=notes or {},
    )


@router.get("/authority/measures", response_class=HTMLResponse, **AUTHORITY)
def measures_page(
    request: Request,
    added: int | None = None,
    revised: int | None = None,
    retired: int | None = None,
    session: Session = db_session,
) -> Response:
    """Audience: authority. The measures list in force; load a revised list."""
    notes = {"added": added, "revised": revised, "retired": retired}
    return _measures_page(request, session, notes=notes)


@router.get("/authority/measures/download", **AUTHORITY)
def measures_download(session: Session = db_session) -> Response:
    """Audience: authority. The list in force in the format it is loaded in."""
    body = {"measures": [m.spec for m in active_measures(session)]}
    return json_download(body, "measures.json")


@router.post("/authority/measures", response_class=HTMLResponse, **AUTHORITY)
def measures_publish(
    request: Request,
    csrf_token: str = Form(default=""),
    measures_json: str = Form(default=""),
    measures_file: UploadFile | None = File(default=None),
    session: Session = db_session,
) -> Response:
    """Audience: authority. Publish the whole list (as POST /api/v1/measures): new and revised
    measures get a new version, those left out are retired."""
    check_csrf(page_visitor(request), csrf_token)
    try:
        data = validated_json(
            MeasuresIn, json_input(measures_json, measures_file, limit=MAX_UPLOAD)
        )
        result = _change(request, session, publish_measures, data)
    except Problem as problem:
        return _measures_page(
            request, session, status_code=problem.status, errors=problem.rows, text=measures_json
        )
    counts = "&".join(f"{k}={len(v)}" for k, v in result.items())
    return RedirectResponse(f"/authority/measures?{counts}", status_code=303)


# ---- Calendar


def _calendar_page(
    request: Request,
    session: Session,
    *,
    status_code: int = 200,
    errors: list[dict[str, str]] | None = None,
    text: str = "",
    replace: bool = False,
    loaded: int | None = None,
) -> Response:
    return render(
        request,
        page_visitor(request),
        "authority/calendar.html",
        status_code=status_code,
        section="calendar",
        years=all_years(session),
        errors=errors or [],
        text=_refill(text),
        replace=replace,
        loaded=loaded,
    )


@router.get("/authority/calendar", response_class=HTMLResponse, **AUTHORITY)
def calendar_page(
    request: Request, loaded: int | None = None, session: Session = db_session
) -> Response:
    """Audience: authority. The years the working-day calendar knows; load a year."""
    return _calendar_page(request, session, loaded=loaded)


@router.post("/authority/calendar", response_class=HTMLResponse, **AUTHORITY)
def calendar_load(
    request: Request,
    csrf_token: str = Form(default=""),
    year_json: str = Form(default=""),
    year_file: UploadFile | None = File(default=None),
    replace: bool = Form(default=False),
    session: Session = db_session,
) -> Response:
    """Audience: authority. Load a year's arrangement (docs/calendar-format.md), as POST
    /api/v1/calendar/years."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    try:
        data = validated_json(CalendarYearIn, json_input(year_json, year_file, limit=MAX_UPLOAD))
        try:
            with session.begin_nested():
                load_year(
                    session,
                    data,
                    replace=replace,
                    actor=v.principal.actor,
                    now=request_now(request),
                )
        except XinyongError as exc:
            problem = refusal(exc, path=True)
            if exc.code == "calendar_year_known":
                hint = "（勾选“替换已有年度”后再提交）"
                problem.errors = {f: m + hint for f, m in problem.errors.items()}
            raise problem from None
    except Problem as problem:
        return _calendar_page(
            request,
            session,
            status_code=problem.status,
            errors=problem.rows,
            text=year_json,
            replace=replace,
        )
    return RedirectResponse(f"/authority/calendar?loaded={data.year}", status_code=303)


# ---- Departments and tokens


def _departments_page(
    request: Request,
    session: Session,
    *,
    status_code: int = 200,
    department_errors: dict[str, str] | None = None,
    department_form: dict[str, str] | None = None,
    token_errors: dict[str, str] | None = None,
    token_form: dict[str, str] | None = None,
    new_token: dict[str, Any] | None = None,
    notes: dict[str, Any] | None = None,
) -> Response:
    departments = list_departments(session)
    tokens = session.execute(
        select(ApiToken, Department.code, Department.name)
        .outerjoin(Department, Department.id == ApiToken.department_id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
        .limit(500)
    ).all()
    return render(
        request,
        page_visitor(request),
        "authority/departments.html",
        status_code=status_code,
        section="departments",
        departments=departments,
        tokens=tokens,
        sectors=sorted(SECTORS),
        roles=TOKEN_ROLES,
        department_errors=department_errors or {},
        department_form=department_form or {},
        token_errors=token_errors or {},
        token_form=token_form or {},
        new_token=new_token,
        notes=notes or {},
    )


@router.get("/authority/departments", response_class=HTMLResponse, **AUTHORITY)
def departments_page(
    request: Request,
    created: str | None = None,
    revoked: int | None = None,
    session: Session = db_session,
) -> Response:
    """Audience: authority. Departments and their API tokens."""
    return _departments_page(request, session, notes={"created": created, "revoked": revoked})


@router.post("/authority/departments", response_class=HTMLResponse, **AUTHORITY)
def department_create(
    request: Request,
    csrf_token: str = Form(default=""),
    code: str = Form(default=""),
    name: str = Form(default=""),
    region_code: str = Form(default=""),
    kind: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: authority. Register a department (as POST /api/v1/departments)."""
    check_csrf(page_visitor(request), csrf_token)
    form = {"code": code, "name": name, "region_code": region_code, "kind": kind}
    try:
        data = validated(DepartmentIn, {k: value.strip() for k, value in form.items()})
        _change(request, session, create_department, **data.model_dump())
    except Problem as problem:
        return _departments_page(
            request,
            session,
            status_code=problem.status,
            department_errors=problem.errors,
            department_form=form,
        )
    return RedirectResponse(f"/authority/departments?created={data.code}", status_code=303)


@router.post("/authority/tokens", response_class=HTMLResponse, **AUTHORITY)
def token_issue(
    request: Request,
    csrf_token: str = Form(default=""),
    name: str = Form(default=""),
    role: str = Form(default=""),
    department: str = Form(default=""),
    subject: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: authority. Issue a token (as POST /api/v1/tokens); it is shown once, on the
    page this answers with, and kept only as a hash."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    form = {"name": name, "role": role, "department": department, "subject": subject}
    try:
        data = validated(
            TokenIn,
            {
                "name": name.strip(),
                "role": role,
                "department": department.strip() or None,
                "subject": subject.strip() or None,
            },
        )
        try:
            with session.begin_nested():
                dept = get_department(session, data.department) if data.department else None
                subject_row = (
                    find_subject(session, data.subject, cipher=request.app.state.db.cipher)
                    if data.subject
                    else None
                )
                row, token = create_token(
                    session,
                    role=data.role,
                    name=data.name,
                    department=dept,
                    subject_id=subject_row.id if subject_row else None,
                    actor=v.principal.actor,
                    now=request_now(request),
                )
        except XinyongError as exc:
            raise refusal(exc, {"key": "subject"}, path=True) from None
    except Problem as problem:
        return _departments_page(
            request,
            session,
            status_code=problem.status,
            token_errors=problem.errors,
            token_form=form,
        )
    return _departments_page(
        request,
        session,
        status_code=201,
        new_token={
            "id": row.id,
            "name": row.name,
            "role": TOKEN_ROLES.get(row.role.value, row.role.value),
            "department": dept.name if dept else None,
            "token": token,
        },
    )


@router.post("/authority/tokens/{token_id}/revoke", response_class=HTMLResponse, **AUTHORITY)
def token_revoke(
    token_id: Int32Id,
    request: Request,
    csrf_token: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: authority. Revoke a token: every process stops accepting it (the change
    feed)."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    try:
        with session.begin_nested():
            revoke_token(session, token_id, actor=v.principal.actor, now=request_now(request))
    except XinyongError as exc:
        return _departments_page(
            request,
            session,
            status_code=exc.status,
            token_errors={"revoke": exc.message},
        )
    return RedirectResponse(f"/authority/departments?revoked={token_id}", status_code=303)


# ---- 双公示 timeliness


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
