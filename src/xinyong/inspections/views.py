"""What each caller reads of plans, draws and results (一公开), for the API and the pages alike.

- The public (and a subject): plans once published; the draw — seed, snapshot hash, strata,
  the subjects drawn and the departments inspecting each; the results. Never an inspector's
  name or a subject's class: the names are officials' personal data, and the class tells a
  subject's credit grade, which goes to government, banks and associations, not to everyone
  (002 §（六））.
- The plan's departments and the authority: drafts too, each subject's class, the inspectors
  assigned (name and certificate number), the record of each result, the population snapshot.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from xinyong.core.auth import Principal
from xinyong.inspections import repository, rules
from xinyong.inspections.schemas import AssignedOut, DrawnOut, DrawOut, PlanOut, StratumOut
from xinyong.inspections.service import Viewer, plan_out
from xinyong.models import InspectionPlan, Role


def visible_plan(session: Session, principal: Principal, plan_id: int) -> InspectionPlan:
    """A plan as the caller may know it: another department's draft is unknown (404)."""
    plan = repository.plan(session, plan_id)
    Viewer(principal).require_visible(session, plan)
    return plan


def plans_for(
    session: Session,
    principal: Principal,
    *,
    mine: bool = False,
    after: int | None = None,
    limit: int = 100,
) -> list[PlanOut]:
    """Plans newest first: the authority every one; a department its own (with drafts) and
    every published one, or only its own (``mine``); anyone else the published ones."""
    if principal.role is Role.authority and not mine:
        rows = repository.plans(session, after=after, limit=limit)
    elif principal.is_department and principal.department_id is not None:
        rows = repository.plans(
            session,
            department_id=principal.department_id,
            include_published=not mine,
            after=after,
            limit=limit,
        )
    else:
        rows = repository.plans(session, published_only=True, after=after, limit=limit)
    return [plan_out(session, p) for p in rows]


def draw_out(
    session: Session, principal: Principal, plan: InspectionPlan, *, offset: int, limit: int
) -> DrawOut:
    """The draw as published, with a page of the subjects drawn (by credit code)."""
    rules.require_drawn(plan.state)
    row = repository.draw_of(session, plan.id)
    assert row is not None  # a drawn plan has its draw (drawing.draw_plan)
    member = Viewer(principal).member(session, plan)
    names = {c["code"]: c["name"] for c in plan.classes["classes"]}
    departments = [d.code for d in repository.plan_departments(session, plan.id)]
    subjects = repository.drawn_subjects(session, plan.id, offset=offset, limit=limit)
    assigned = (
        repository.assignments_of(session, plan.id, [s[0] for s in subjects]) if member else {}
    )
    return DrawOut(
        plan_id=str(plan.id),
        algorithm=row.algorithm,
        seed=row.seed,
        snapshot_sha256=row.snapshot_sha256,
        population=row.population,
        drawn=row.drawn,
        strata=[
            StratumOut(
                class_code=code,
                class_name=names.get(code, code),
                size=s["size"],
                ratio_percent=rules.percent(s["ratio_bp"]),
                drawn=s["drawn"],
            )
            for code, s in sorted(row.strata.items())
        ],
        pool_sha256=row.pool_sha256 if member else None,
        drawn_at=row.drawn_at,
        subjects=[
            DrawnOut(
                credit_code=code or "",
                name=name,
                class_code=cls if member else None,
                inspectors=(
                    [
                        AssignedOut(department=d, badge_number=b, name=n)
                        for d, b, n in assigned.get(sid, [])
                    ]
                    if member
                    else None
                ),
                departments=departments,
            )
            for sid, code, name, cls in subjects
        ],
    )
