"""Reports under /api/v1: the monthly 双公示 timeliness notice (docs/dual-publicity.md) and
专项治理 statistics of failing organisations (docs/relations.md § 专项治理)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from xinyong.core.api import clock, db_session, endpoint, page_offset
from xinyong.models import Role
from xinyong.reports.dual_publicity import DualPublicityReport, Month, dual_publicity
from xinyong.reports.governance import (
    GovernanceStats,
    default_period,
    failing_subjects,
    governance_csv,
    months_between,
    parse_section,
)

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


def _with_csv(spec: dict) -> dict:
    """The 200 answer's CSV beside its JSON, in OpenAPI (``format=csv``)."""
    spec["responses"] = {
        200: {
            "description": "the statistics (JSON), or with format=csv their table",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **spec["responses"],
    }
    return spec


@router.get(
    "/reports/governance",
    response_model=GovernanceStats,
    **_with_csv(
        endpoint(
            Role.authority,
            errors={422: ["invalid_month", "invalid_period", "invalid_section"]},
            summary="专项治理: failing organisations by industry and region per month",
        )
    ),
)
def get_governance(
    request: Request,
    first: str | None = Query(
        default=None, alias="from", description="YYYY-MM (default: a year ago)"
    ),
    last: str | None = Query(default=None, alias="to", description="YYYY-MM (default: this month)"),
    section: str | None = Query(
        default=None, description="drill into an industry section (A–T; empty: none registered)"
    ),
    city: str | None = Query(
        default=None, pattern=r"^\d{4}00$", description="with section: drill into a city"
    ),
    format: Literal["json", "csv"] = Query(default="json"),
    session: Session = db_session,
) -> Response:
    """Organisations failing in each month — a negative record determined that month (not one
    revoked or corrected as wrongful), or confirmed on a black list — by the section of the
    industry code their registration gives (国民经济行业分类): each month's count and the
    period's (each subject once). With `section`, that section's cities; with `city` too, the
    subjects. At most 36 months; `format=csv` gives the table as CSV (UTF-8 with BOM)."""
    default_first, default_last = default_period(clock(request).now().date())
    months = months_between(
        Month.parse(first) if first else default_first,
        Month.parse(last) if last else default_last,
    )
    stats = failing_subjects(
        session,
        months,
        section=parse_section(section),
        city=city if section is not None else None,
    )
    if format == "csv":
        return Response(
            "\ufeff" + governance_csv(stats),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="governance.csv"'},
        )
    return Response(stats.model_dump_json(), media_type="application/json")
