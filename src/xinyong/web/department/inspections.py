"""Pages: 双随机、一公开 in the department console (inspections/): the department's plans with
the results overdue, a new plan, one plan with its draw and the entry of results, and the
inspector pool (执法检查人员名录库). Audience: provider and user_department; a plan of another
department that is not published is 404, as in the API."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core import labels
from xinyong.core.api import BigId, db_session
from xinyong.core.auth import Principal
from xinyong.inspections import drawing, pool, service, supervision, views
from xinyong.inspections.schemas import INSPECTION_RESULTS, PlanIn, PoolIn, ResultsIn
from xinyong.web.department.common import DEPARTMENTS, console_page, own_department
from xinyong.web.forms import (
    Problem,
    attempt,
    download,
    json_input,
    page_number,
    page_visitor,
    redirect,
    request_now,
    request_step,
    request_today,
    validated,
    validated_json,
)
from xinyong.web.site import check_csrf

router = APIRouter(include_in_schema=False)

# Drawn subjects on one page of a plan.
DRAWN_ROWS = 100
# A pool file's size: a roster of some 5,000 inspectors, under the pages' body limit (app.py).
MAX_POOL_BYTES = 1024 * 1024
GRADES = {"A": "A（优）", "B": "B（良）", "C": "C（中）", "D": "D（差）", "ungraded": "未评价"}
PAGE_LABELS = {
    "plan_states": labels.PLAN_STATES,
    "sectors": labels.SECTOR_NAMES,
    "overdue_states": labels.OVERDUE_STATES,
    "frequency": labels.SUPERVISION_FREQUENCY,
    "draw_fields": labels.DRAW_FIELDS,
    "grades": GRADES,
}
# The plan form's fields by the API body's names.
PLAN_FIELDS = {
    "title": "title",
    "departments": "departments",
    "items": "items",
    "population": "regions",
    "ratios": "ratios",
    "inspect_from": "inspect_from",
    "inspect_until": "inspect_until",
    "field": "",
}


def _split(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,，、]+", text.strip()) if part]


def plan_body(form: dict[str, Any], class_codes: list[str]) -> PlanIn:
    """The plan form as the API's body: items one a line, ``代码|名称|依据[|实施部门代码]``;
    regions and partner departments separated by spaces or commas; a ratio per class."""
    items = []
    for n, line in enumerate(form["items"].splitlines(), 1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) not in (3, 4):
            raise Problem({"items": f"第 {n} 行应为“代码|名称|依据”，可加“|实施部门代码”"})
        item = {"code": parts[0], "name": parts[1], "basis": parts[2]}
        if len(parts) == 4 and parts[3]:
            item["department"] = parts[3]
        items.append(item)
    ratios = {c: form["ratios"][c] for c in class_codes if form["ratios"].get(c, "").strip()}
    return validated(
        PlanIn,
        {
            "title": form["title"].strip(),
            "departments": _split(form["departments"]),
            "items": items,
            "population": {
                "regions": _split(form["regions"]),
                "grades": form["grades"],
            },
            "ratios": {c: v.strip() for c, v in ratios.items()},
            "inspect_from": form["inspect_from"] or None,
            "inspect_until": form["inspect_until"] or None,
        },
        PLAN_FIELDS,
    )


def _classes(request: Request, session: Session) -> list[Any]:
    """The classes of the department's field under the rules in force (the form's ratios)."""
    field = page_visitor(request).principal.department_kind
    return supervision.current(session, request_today(request)).rules.for_field(field).classes


def _plans_page(
    request: Request,
    session: Session,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    v = page_visitor(request)
    dept = own_department(session, v)
    classes = _classes(request, session)
    return console_page(
        request,
        "department/inspections.html",
        status_code=status_code,
        section="inspections",
        department=dept,
        plans=views.plans_for(session, v.principal, mine=True),
        overdue=service.overdue(session, dept.id, request_today(request)),
        classes=classes,
        form=form
        or {
            "ratios": {c.code: str(c.ratio_percent) for c in classes},
            "grades": [],
        },
        errors=errors or {},
        page_labels=PAGE_LABELS,
    )


@router.get("/department/inspections", response_class=HTMLResponse, **DEPARTMENTS)
def inspections_page(request: Request, session: Session = db_session) -> Response:
    """Audience: provider, user_department. The department's plans (GET
    /api/v1/inspections/plans?mine=true), its results overdue or late (GET
    /api/v1/inspections/overdue), and the form of a new plan with the ratios of graded
    supervision for its field."""
    return _plans_page(request, session)


@router.post("/department/inspections", response_class=HTMLResponse, **DEPARTMENTS)
async def inspections_create(request: Request, session: Session = db_session) -> Response:
    """Audience: provider, user_department. A new draft plan (POST /api/v1/inspections/plans)."""
    v = page_visitor(request)
    data = await request.form()
    check_csrf(v, str(data.get("csrf_token", "")))
    classes = _classes(request, session)
    form: dict[str, Any] = {
        name: str(data.get(name, ""))[:5000]
        for name in ("title", "departments", "items", "regions", "inspect_from", "inspect_until")
    }
    form["ratios"] = {c.code: str(data.get(f"ratio_{c.code}", ""))[:10] for c in classes}
    form["grades"] = [str(g) for g in data.getlist("grades") if g in GRADES]
    try:
        body = plan_body(form, [c.code for c in classes])
        step = request_step(request)
        plan = attempt(
            session,
            lambda: service.create_plan(session, v.principal, body, ids=step.ctx.ids, now=step.now),
            PLAN_FIELDS,
        )
    except Problem as problem:
        return _plans_page(
            request, session, status_code=problem.status, errors=problem.errors, form=form
        )
    return redirect(f"/department/inspections/{plan.id}", done="created")


# --- the pool (before /{plan_id}: "pool" is no plan id) ----------------------------------------


def _pool_page(
    request: Request, session: Session, *, status_code: int = 200, errors: Any = None, done=""
) -> Response:
    dept = own_department(session, page_visitor(request))
    return console_page(
        request,
        "department/inspection_pool.html",
        status_code=status_code,
        section="inspections",
        department=dept,
        inspectors=pool.pool_out(session, dept),
        errors=errors or {},
        done=done,
        page_labels=PAGE_LABELS,
    )


@router.get("/department/inspections/pool", response_class=HTMLResponse, **DEPARTMENTS)
def pool_page(request: Request, done: str = "", session: Session = db_session) -> Response:
    """Audience: provider, user_department. The department's inspector pool (GET
    /api/v1/inspections/pool) and the import of a whole roster as JSON."""
    return _pool_page(request, session, done=done)


@router.post("/department/inspections/pool", response_class=HTMLResponse, **DEPARTMENTS)
def pool_import(
    request: Request,
    csrf_token: str = Form(default=""),
    pool_json: str = Form(default=""),
    pool_file: UploadFile | None = File(default=None),
    session: Session = db_session,
) -> Response:
    """Audience: provider, user_department. Replace the pool from a JSON roster (PUT
    /api/v1/inspections/pool): pasted or uploaded."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    try:
        body = validated_json(PoolIn, json_input(pool_json, pool_file, limit=MAX_POOL_BYTES))
        step = request_step(request)
        counts = attempt(
            session,
            lambda: pool.import_pool(session, v.principal, body, ids=step.ctx.ids, now=step.now),
            path=True,
        )
    except Problem as problem:
        return _pool_page(request, session, status_code=problem.status, errors=problem.errors)
    done = "、".join(f"{k} {n}" for k, n in counts.items() if n) or "unchanged"
    return redirect("/department/inspections/pool", done=done)


# --- one plan ---------------------------------------------------------------------------------


def _plan_page(
    request: Request,
    session: Session,
    plan_id: int,
    *,
    page: int = 1,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    done: str = "",
) -> Response:
    v = page_visitor(request)
    dept = own_department(session, v)
    plan = views.visible_plan(session, v.principal, plan_id)
    out = service.plan_out(session, plan)
    draw = None
    entered: dict[tuple[str, str], Any] = {}
    if out.state == "drawn":
        draw = views.draw_out(
            session, v.principal, plan, offset=(page - 1) * DRAWN_ROWS, limit=DRAWN_ROWS
        )
        for r in service.results_out(session, plan, member=True):
            entered[(r.credit_code, r.department)] = r
    return console_page(
        request,
        "department/inspection.html",
        status_code=status_code,
        section="inspections",
        department=dept,
        plan=out,
        draw=draw,
        entered=entered,
        lead=out.lead_department == dept.code,
        member=dept.code in out.departments,
        results=INSPECTION_RESULTS,
        page=page,
        pages=max(1, -(-(draw.drawn if draw else 0) // DRAWN_ROWS)),
        today=request_today(request),
        errors=errors or {},
        form=form or {},
        done=done,
        page_labels=PAGE_LABELS,
    )


@router.get("/department/inspections/{plan_id}", response_class=HTMLResponse, **DEPARTMENTS)
def plan_page(
    plan_id: BigId, request: Request, page: str = "1", done: str = "", session: Session = db_session
) -> Response:
    """Audience: provider, user_department. A plan (GET /api/v1/inspections/plans/{id}): its
    items, population, classes and ratios; publication and the draw for the lead; once drawn,
    the seed, the snapshot's hash, the strata, the subjects drawn with their inspectors, and
    for each a result form of the department's part."""
    return _plan_page(request, session, plan_id, page=page_number(page), done=done)


def _lead_step(
    request: Request,
    session: Session,
    plan_id: int,
    csrf_token: str,
    step: Callable[[Principal, int, datetime], Any],
    done: str,
) -> Response:
    """A step of the lead on its plan (publication, the draw): in a savepoint, a refusal shown
    on the plan's page — a pool too small with the subjects it names (up to 10 a department)."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    views.visible_plan(session, v.principal, plan_id)
    try:
        attempt(session, lambda: step(v.principal, plan_id, request_now(request)))
    except Problem as problem:
        errors = dict(problem.errors)
        for short in (problem.detail or {}).get("departments", []):
            named = "、".join(f"{s['name']}（{s['credit_code']}）" for s in short["subjects"][:10])
            errors[f"pool:{short['department']}"] = (
                f"{short['department']}：共 {short['lacking']} 户缺少无须回避的检查人员，如 {named}"
            )
        return _plan_page(request, session, plan_id, status_code=problem.status, errors=errors)
    return redirect(f"/department/inspections/{plan_id}", done=done)


@router.post(
    "/department/inspections/{plan_id}/publication", response_class=HTMLResponse, **DEPARTMENTS
)
def plan_publish(
    plan_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider, user_department. The lead publishes its plan (POST
    /api/v1/inspections/plans/{id}/publication)."""

    def publish(principal: Principal, plan: int, now: datetime) -> Any:
        return service.publish_plan(session, principal, plan, now=now)

    return _lead_step(request, session, plan_id, csrf_token, publish, "published")


@router.post("/department/inspections/{plan_id}/draw", response_class=HTMLResponse, **DEPARTMENTS)
def plan_draw(
    plan_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    session: Session = db_session,
) -> Response:
    """Audience: provider, user_department. The lead draws its published plan (POST
    /api/v1/inspections/plans/{id}/draw); a pool too small names the subjects that lack
    inspectors."""

    def draw(principal: Principal, plan: int, now: datetime) -> Any:
        return drawing.draw_plan(session, principal, plan, now=now)

    return _lead_step(request, session, plan_id, csrf_token, draw, "drawn")


@router.post(
    "/department/inspections/{plan_id}/results", response_class=HTMLResponse, **DEPARTMENTS
)
def plan_result(
    plan_id: BigId,
    request: Request,
    csrf_token: str = Form(default=""),
    subject: str = Form(default=""),
    decision_number: str = Form(default=""),
    result: str = Form(default=""),
    description: str = Form(default=""),
    inspected_on: str = Form(default=""),
    decided_on: str = Form(default=""),
    authority_code: str = Form(default=""),
    page: str = Form(default="1"),
    session: Session = db_session,
) -> Response:
    """Audience: provider, user_department. One result of the department's part (POST
    /api/v1/inspections/plans/{id}/results): into the subject's archive and on the portal."""
    v = page_visitor(request)
    check_csrf(v, csrf_token)
    views.visible_plan(session, v.principal, plan_id)
    form = {
        "subject": subject[:18],
        "decision_number": decision_number[:100],
        "result": result,
        "description": description[:1000],
        "inspected_on": inspected_on,
        "decided_on": decided_on,
        "authority_code": authority_code[:18].strip(),
    }
    try:
        body = validated(
            ResultsIn,
            {"results": [{**form, "description": form["description"].strip() or None}]},
            {"results": ""},
        )
        attempt(
            session,
            lambda: service.enter_results(session, request_step(request), plan_id, body),
            {"results": ""},
        )
    except Problem as problem:
        return _plan_page(
            request,
            session,
            plan_id,
            page=page_number(page),
            status_code=problem.status,
            errors={f"result:{subject}": "；".join(problem.errors.values())},
            form=form,
        )
    return redirect(f"/department/inspections/{plan_id}", page=page, done="result")


@router.get("/department/inspections/{plan_id}/population", **DEPARTMENTS)
def plan_population(plan_id: BigId, request: Request, session: Session = db_session) -> Response:
    """Audience: provider, user_department. The population snapshot the plan was drawn from
    (GET /api/v1/inspections/plans/{id}/population), to reproduce the draw."""
    views.visible_plan(session, page_visitor(request).principal, plan_id)
    _, data = drawing.snapshot_of(session, plan_id)
    return download(data, f"population-{plan_id}.csv", "text/csv")
