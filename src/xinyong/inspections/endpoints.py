"""Graded supervision and 双随机、一公开 under /api/v1/inspections (docs/inspections.md)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from xinyong.core.api import BigId, clock, current_principal, cursor, db_session, endpoint
from xinyong.core.auth import Principal
from xinyong.core.clock import local_date
from xinyong.departments.service import get_department
from xinyong.inspections import drawing, pool, service, supervision, views
from xinyong.inspections.schemas import (
    DrawOut,
    InspectorOut,
    OverdueOut,
    PlanIn,
    PlanOut,
    PoolIn,
    ResultOut,
    ResultsIn,
    SupervisionLoadIn,
    SupervisionOut,
    VerificationOut,
)
from xinyong.models import Role
from xinyong.rights.endpoints import request_step

router = APIRouter(tags=["inspections"])

EVERYONE = (Role.public, Role.subject, Role.provider, Role.user_department, Role.authority)
# Departments keep pools, make plans and enter results; the authority oversees.
DEPARTMENTS = (Role.provider, Role.user_department)
GOVERNMENT = (Role.provider, Role.user_department, Role.authority)
UNKNOWN_PLAN = {404: ["unknown_plan"]}


@router.get(
    "/inspections/supervision",
    response_model=SupervisionOut,
    **endpoint(*EVERYONE, summary="Graded supervision rules in force (分级分类监管)"),
)
def get_supervision(request: Request, session: Session = db_session) -> SupervisionOut:
    """Per field (`"*"`: every field without its own), which grade falls in which supervision
    class, the class of subjects without a grade, and each class's inspection ratio and
    frequency, with the basis. Version 0 is the rules shipped with the platform."""
    return supervision.current(session, local_date(clock(request).now())).out()


@router.post(
    "/inspections/supervision",
    status_code=201,
    response_model=SupervisionOut,
    **endpoint(
        Role.authority,
        errors={422: ["ratio_over_100", "invalid_ratio", "retroactive_rule"]},
        summary="Load a new version of the graded supervision rules",
    ),
)
def post_supervision(
    body: SupervisionLoadIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> SupervisionOut:
    """The whole rules, in force from `effective_from` (today by default; never before today:
    422 `retroactive_rule`). A ratio over 100 % is 422 `ratio_over_100`. Plans keep the
    classes and ratios they were made with."""
    return supervision.load(session, body, actor=principal.actor, now=clock(request).now()).out()


@router.get(
    "/inspections/pool",
    response_model=list[InspectorOut],
    **endpoint(
        *GOVERNMENT,
        errors={404: ["department_not_found"]},
        summary="A department's inspector pool (执法检查人员名录库)",
    ),
)
def get_pool(
    department: str | None = Query(default=None, max_length=64, description="authority only"),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> list[InspectorOut]:
    """A department reads its own pool; the authority any department's (`department`). Each
    inspector with the fields it may inspect and the conflicts it declared."""
    if principal.role is Role.authority and department is not None:
        dept = get_department(session, department)
    else:
        dept = get_department(session, principal.department_code or "")
    return pool.pool_out(session, dept)


@router.put(
    "/inspections/pool",
    **endpoint(
        *DEPARTMENTS,
        errors={403: ["not_a_department"], 422: ["invalid_credit_code", "subject_not_found"]},
        summary="Replace the department's inspector pool",
    ),
)
def put_pool(
    body: PoolIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> dict:
    """The whole pool: inspectors by `badge_number` (执法证号) are added or changed; those left
    out leave the pool (their past assignments stay). `conflicts` are the subjects (credit
    codes) each has declared a conflict with: never assigned to them. Answers the counts."""
    step = request_step(request, principal)
    return pool.import_pool(session, principal, body, ids=step.ctx.ids, now=step.now)


@router.post(
    "/inspections/plans",
    status_code=201,
    response_model=PlanOut,
    **endpoint(
        *DEPARTMENTS,
        errors={
            403: ["not_a_department"],
            422: [
                "unknown_department",
                "unknown_field",
                "unknown_class",
                "department_not_in_plan",
                "department_without_items",
                "ratio_over_100",
                "invalid_ratio",
                "invalid_period",
                "empty_population",
            ],
        },
        summary="Make an inspection plan (抽查计划)",
    ),
)
def post_plan(
    body: PlanIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> PlanOut:
    """A draft plan of the caller's department (the lead): its inspection items (抽查事项),
    the other `departments` of a joint plan (部门联合抽查; each must have an item), the
    population filter, and per-class `ratios` over the field's graded supervision (percent;
    over 100: 422 `ratio_over_100`). A filter that selects nobody is 422 `empty_population`."""
    step = request_step(request, principal)
    plan = service.create_plan(session, principal, body, ids=step.ctx.ids, now=step.now)
    return service.plan_out(session, plan)


@router.get(
    "/inspections/plans",
    response_model=list[PlanOut],
    **endpoint(*EVERYONE, summary="Inspection plans"),
)
def get_plans(
    mine: bool = Query(default=False, description="a department's own plans only"),
    after: int | None = cursor("plan id to continue after (newest first)"),
    limit: int = Query(default=100, ge=1, le=500),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> list[PlanOut]:
    """Newest first. The public and subjects see published plans; a department its own
    (drafts too) and every published one; the authority every plan."""
    return views.plans_for(session, principal, mine=mine, after=after, limit=limit)


@router.get(
    "/inspections/plans/{plan_id}",
    response_model=PlanOut,
    **endpoint(*EVERYONE, errors=UNKNOWN_PLAN, summary="An inspection plan"),
)
def get_plan(
    plan_id: BigId, principal: Principal = current_principal, session: Session = db_session
) -> PlanOut:
    """Another department's draft is 404 `unknown_plan`, as a plan that never was."""
    return service.plan_out(session, views.visible_plan(session, principal, plan_id))


LEAD_ERRORS = {403: ["not_lead_department"], 404: ["unknown_plan"]}


@router.post(
    "/inspections/plans/{plan_id}/publication",
    response_model=PlanOut,
    **endpoint(
        *DEPARTMENTS,
        errors={**LEAD_ERRORS, 409: ["invalid_plan_state"]},
        summary="Publish a plan on the portal (一公开)",
    ),
)
def post_publication(
    plan_id: BigId,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> PlanOut:
    """The lead department publishes its draft; it can then be drawn."""
    views.visible_plan(session, principal, plan_id)
    plan = service.publish_plan(session, principal, plan_id, now=clock(request).now())
    return service.plan_out(session, plan)


@router.post(
    "/inspections/plans/{plan_id}/draw",
    status_code=201,
    response_model=DrawOut,
    **endpoint(
        *DEPARTMENTS,
        errors={
            **LEAD_ERRORS,
            409: ["invalid_plan_state", "pool_too_small"],
            422: ["empty_population"],
        },
        summary="Draw the subjects and inspectors of a plan (双随机)",
    ),
)
def post_draw(
    plan_id: BigId,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> DrawOut:
    """Once, by the lead, on a published plan. The population is read now and classed by each
    subject's grade for the plan's field; each class is drawn at its ratio (rounded up) with a
    fresh seed; each drawn subject gets two inspectors of each department of the plan at
    random, never one with a declared conflict nor one assigned to it within the last year.
    If some subject of the population would lack them the draw is refused, 409
    `pool_too_small`, `detail.departments[].subjects` naming them (at most 50 a department,
    `lacking` the count). The draw is published at once. Answers the first 1,000 subjects."""
    views.visible_plan(session, principal, plan_id)
    drawing.draw_plan(session, principal, plan_id, now=clock(request).now())
    plan = views.visible_plan(session, principal, plan_id)
    return views.draw_out(session, principal, plan, offset=0, limit=1000)


@router.get(
    "/inspections/plans/{plan_id}/draw",
    response_model=DrawOut,
    **endpoint(
        *EVERYONE,
        errors={404: ["unknown_plan"], 409: ["invalid_plan_state"]},
        summary="A plan's draw (一公开)",
    ),
)
def get_draw(
    plan_id: BigId,
    offset: int = Query(default=0, ge=0, le=10_000_000),
    limit: int = Query(default=1000, ge=1, le=10_000),
    principal: Principal = current_principal,
    session: Session = db_session,
) -> DrawOut:
    """The algorithm, seed and snapshot hash (with the population snapshot, anyone can draw
    again: docs/inspections.md), the strata, and a page of the subjects drawn by credit code
    with the departments inspecting them. The plan's departments and the authority also see
    each subject's class and its inspectors."""
    plan = views.visible_plan(session, principal, plan_id)
    return views.draw_out(session, principal, plan, offset=offset, limit=limit)


POPULATION = endpoint(
    *GOVERNMENT,
    errors={404: ["unknown_plan"], 409: ["invalid_plan_state"]},
    summary="The population snapshot a plan was drawn from",
)
POPULATION["responses"][200] = {
    "description": "the canonical snapshot",
    "content": {"text/csv": {"schema": {"type": "string"}}},
}


@router.get("/inspections/plans/{plan_id}/population", response_class=Response, **POPULATION)
def get_population(
    plan_id: BigId, principal: Principal = current_principal, session: Session = db_session
) -> Response:
    """The canonical snapshot (`credit_code,class` lines by credit code); its SHA-256 is the
    draw's `snapshot_sha256`. For government only: a subject's class tells its grade."""
    views.visible_plan(session, principal, plan_id)
    row, data = drawing.snapshot_of(session, plan_id)
    return Response(
        data,
        media_type="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="population-{plan_id}.csv"',
            "X-Snapshot-SHA256": row.snapshot_sha256,
        },
    )


@router.get(
    "/inspections/plans/{plan_id}/draw/verification",
    response_model=VerificationOut,
    **endpoint(
        *GOVERNMENT,
        errors={404: ["unknown_plan"], 409: ["invalid_plan_state"]},
        summary="Make a plan's draw again and compare",
    ),
)
def get_verification(
    plan_id: BigId, principal: Principal = current_principal, session: Session = db_session
) -> VerificationOut:
    """From the kept snapshot (its hash checked), the seed, the ratios and the pool, the draw
    is made again: whether the same subjects and the same inspectors come out."""
    views.visible_plan(session, principal, plan_id)
    return drawing.verify(session, plan_id)


@router.post(
    "/inspections/plans/{plan_id}/results",
    status_code=201,
    response_model=list[ResultOut],
    **endpoint(
        *DEPARTMENTS,
        errors={
            403: ["not_plan_department"],
            404: ["unknown_plan"],
            409: ["invalid_plan_state", "result_entered", "calendar_year_unknown"],
            422: [
                "unknown_result",
                "not_drawn",
                "invalid_date",
                "invalid_credit_code",
                "unknown_item",
                "not_item_source",
            ],
        },
        summary="Enter inspection results (检查结果)",
    ),
)
def post_results(
    plan_id: BigId,
    body: ResultsIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> list[ResultOut]:
    """A department of the plan enters its result for drawn subjects, each once (409
    `result_entered`). Each becomes the subject's `administrative_inspection` record in the
    department's name — published on the portal and counted in 双公示 — and is due within 20
    working days of its decision (`due_on`; `late` if published after)."""
    plan = views.visible_plan(session, principal, plan_id)
    service.enter_results(session, request_step(request, principal), plan_id, body)
    return [
        r
        for r in service.results_out(session, plan, member=True)
        if r.department == principal.department_code
    ]


@router.get(
    "/inspections/plans/{plan_id}/results",
    response_model=list[ResultOut],
    **endpoint(*EVERYONE, errors=UNKNOWN_PLAN, summary="A plan's results (一公开)"),
)
def get_results(
    plan_id: BigId, principal: Principal = current_principal, session: Session = db_session
) -> list[ResultOut]:
    """Every result published, by credit code and department, with its last day and whether
    it came late; the record id for the plan's departments and the authority."""
    plan = views.visible_plan(session, principal, plan_id)
    member = service.Viewer(principal).member(session, plan)
    return service.results_out(session, plan, member=member)


@router.get(
    "/inspections/overdue",
    response_model=list[OverdueOut],
    **endpoint(
        *GOVERNMENT, errors={409: ["calendar_year_unknown"]}, summary="Results overdue or late"
    ),
)
def get_overdue(
    request: Request, principal: Principal = current_principal, session: Session = db_session
) -> list[OverdueOut]:
    """A department's (the authority: every department's) drawn subjects whose result is not
    published by its last day (`missing`), and results published after it (`late`)."""
    department_id = None if principal.role is Role.authority else principal.department_id
    return service.overdue(session, department_id, local_date(clock(request).now()))
