"""双随机、一公开 on the portal: the published inspection plans, and each plan's draw — the
seed, the snapshot's hash and the strata, with which anyone holding the population snapshot
reproduces it (docs/inspections.md) — the subjects drawn with the departments inspecting them,
and the results. Audience: everyone; read as the public (``PUBLIC``) whoever looks: never an
inspector's name, never a subject's class (it tells its grade)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from xinyong.core import labels
from xinyong.core.api import BigId, cursor, db_session
from xinyong.core.auth import PUBLIC
from xinyong.errors import NotFound
from xinyong.inspections import service, views
from xinyong.web import forms
from xinyong.web.portal.common import EVERYONE, not_found, portal_page
from xinyong.web.site import audience

router = APIRouter(include_in_schema=False)

PLANS = 50
DRAWN_ROWS = 100
PAGE_LABELS = {
    "plan_states": labels.PLAN_STATES,
    "frequency": labels.SUPERVISION_FREQUENCY,
    "draw_fields": labels.DRAW_FIELDS,
}


@router.get("/inspections", response_class=HTMLResponse, **audience(*EVERYONE))
def inspection_plans(
    request: Request,
    after: int | None = cursor("plan id to continue after"),
    session: Session = db_session,
) -> Response:
    """Audience: everyone. The published inspection plans, newest first (GET
    /api/v1/inspections/plans as the public), 50 a page."""
    plans = views.plans_for(session, PUBLIC, after=after, limit=PLANS + 1)
    return portal_page(
        request,
        "inspections.html",
        plans=plans[:PLANS],
        next_after=plans[PLANS - 1].id if len(plans) > PLANS else None,
        page_labels=PAGE_LABELS,
    )


@router.get("/inspections/{plan_id}", response_class=HTMLResponse, **audience(*EVERYONE))
def inspection_plan(
    plan_id: BigId, request: Request, page: str = "1", session: Session = db_session
) -> Response:
    """Audience: everyone. A published plan: its items, classes and ratios with their basis;
    once drawn, the draw (seed, snapshot hash, strata; 100 subjects a page with the
    departments inspecting them) and the results published. A draft is 404."""
    try:
        plan = views.visible_plan(session, PUBLIC, plan_id)
    except NotFound:
        return not_found(request)
    number = forms.page_number(page)
    out = service.plan_out(session, plan)
    draw = results = None
    if out.state == "drawn":
        draw = views.draw_out(
            session, PUBLIC, plan, offset=(number - 1) * DRAWN_ROWS, limit=DRAWN_ROWS
        )
        results = service.results_out(session, plan, member=False)
    return portal_page(
        request,
        "inspection.html",
        plan=out,
        draw=draw,
        results=results,
        page=number,
        pages=max(1, -(-(draw.drawn if draw else 0) // DRAWN_ROWS)),
        page_labels=PAGE_LABELS,
    )
