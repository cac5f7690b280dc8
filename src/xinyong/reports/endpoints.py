"""Reports under /api/v1: the monthly 双公示 timeliness notice (docs/dual-publicity.md)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session

from xinyong.core.api import clock, db_session, endpoint, page_offset
from xinyong.models import Role
from xinyong.reports.dual_publicity import DualPublicityReport, Month, dual_publicity

router = APIRouter(tags=["reports"])


@router.get(
    "/reports/dual-publicity",
    response_model=DualPublicityReport,
    **endpoint(
        Role.authority,
        errors={409: ["calendar_year_unknown"], 422: ["invalid_month"]},
        summary="双公示 timeliness of a month (7 working days)",
    ),
)
def get_dual_publicity(
    request: Request,
    month: str = Query(description="YYYY-MM: the month the records arrived in"),
    limit: int = Query(
        default=1000, ge=0, le=100_000, description="how many late records to list (0: none)"
    ),
    offset: int = page_offset("the first late record to list"),
    session: Session = db_session,
) -> DualPublicityReport:
    """000 §（十五）: decisions of the ten administrative acts are published within 7 working
    days. Per department, the records of those acts that arrived in the month: how many, how
    many on time (working days from the decision date to the arrival date ≤ 7, on the
    official calendar), late, and without a decision date; and the late records themselves
    (`late_total` in all, `limit` of them from `offset`). A year the calendar does not know
    is `calendar_year_unknown`."""
    return dual_publicity(
        session,
        Month.parse(month),
        now=clock(request).now(),
        late_limit=limit,
        late_offset=offset,
    )
