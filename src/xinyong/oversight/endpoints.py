"""The oversight of departments under /api/v1/oversight (docs/oversight.md): the monthly
reports of collection and use (JSON or CSV), the annual assessment, its scoring model, and the
monthly notices sent on demand."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from xinyong.core.api import clock, current_principal, db_session, endpoint
from xinyong.core.auth import Principal
from xinyong.models import Role
from xinyong.notices.schemas import NoticeOut
from xinyong.notices.service import notices_out
from xinyong.oversight.documents import assessment_csv, file_name, report_csv
from xinyong.oversight.schemas import (
    Assessment,
    CollectionReport,
    ScoringModelIn,
    ScoringModelOut,
    UseReport,
)
from xinyong.oversight.service import (
    assessment_for,
    load_scoring_model,
    notices_of_month,
    report_for,
    scoring_model,
)
from xinyong.reports.dual_publicity import Month

router = APIRouter(prefix="/oversight", tags=["oversight"])

READERS = (Role.authority, Role.provider, Role.user_department)
MONTH = Query(description="YYYY-MM")
FORMAT = Query(default="json", description="csv: the table, UTF-8 with BOM")


def _with_csv(spec: dict) -> dict:
    """The 200 answer's CSV beside its JSON, in OpenAPI (``format=csv``)."""
    spec["responses"] = {
        200: {
            "description": "the report (JSON), or with format=csv its table",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        },
        **spec["responses"],
    }
    return spec


def _csv(text: str, name: str) -> Response:
    return Response(
        "\ufeff" + text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _report(
    request: Request, principal: Principal, session: Session, kind: str, month: str, format: str
) -> Response:
    parsed = Month.parse(month)
    report = report_for(
        session,
        principal,
        kind,
        parsed,
        now=clock(request).now(),
        feedback_days=request.app.state.db.settings.feedback_working_days,
    )
    if format == "csv":
        return _csv(report_csv(report), file_name(kind, parsed.label))
    return Response(report.model_dump_json(), media_type="application/json")


REPORT_ERRORS = {409: ["calendar_year_unknown"], 422: ["invalid_month", "month_in_future"]}


@router.get(
    "/collection",
    response_model=CollectionReport,
    **_with_csv(endpoint(*READERS, errors=REPORT_ERRORS, summary="Collection report of a month")),
)
def get_collection(
    request: Request,
    month: str = MONTH,
    format: Literal["json", "csv"] = FORMAT,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> Response:
    """Per providing department (Measures art. 16, 40; 004 §25): the catalog items it owes
    against what arrived in the month, those overdue on the report's day (the month's last
    day, or today) with their last push and due day; the batches' rows, rejections and their
    most frequent errors; the timeliness of the month's records by their item's update cycle;
    双公示 completeness and timeliness; objections found right. The authority reads every
    department, a department its own row. A month over is kept and never changes (`final`)."""
    return _report(request, principal, session, "collection", month, format)


@router.get(
    "/use",
    response_model=UseReport,
    **_with_csv(endpoint(*READERS, errors=REPORT_ERRORS, summary="Use report of a month")),
)
def get_use(
    request: Request,
    month: str = MONTH,
    format: Literal["json", "csv"] = FORMAT,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> Response:
    """Per department (Measures art. 24, 40; 003 联合奖惩 §（二十一）): checks made, checks that
    found a list entry with a measure, measures shown, feedback given and applied, feedback
    due in the month and given on time (`feedback_working_days` after the check), measures
    without feedback past their due day, credit reports issued to it. The authority reads every
    department, a department its own row."""
    return _report(request, principal, session, "use", month, format)


@router.get(
    "/assessment",
    response_model=Assessment,
    **_with_csv(
        endpoint(
            *READERS,
            errors={409: ["calendar_year_unknown"], 422: ["invalid_year"]},
            summary="Annual assessment of departments",
        )
    ),
)
def get_assessment(
    request: Request,
    year: int = Query(ge=1, le=9999, description="the year; while it runs, year to date"),
    format: Literal["json", "csv"] = FORMAT,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> Response:
    """Measures art. 40: the year's assessment by the scoring model in force over the months
    of the year that are over — each department's indicators (value, points out of their
    weight), total out of 100 over the indicators that apply, and rank. A department reads its
    own figures and rank."""
    result = assessment_for(
        session,
        principal,
        year,
        now=clock(request).now(),
        feedback_days=request.app.state.db.settings.feedback_working_days,
    )
    if format == "csv":
        return _csv(assessment_csv(result), f"oversight-assessment-{year}.csv")
    return Response(result.model_dump_json(), media_type="application/json")


@router.get(
    "/scoring-model",
    response_model=ScoringModelOut,
    **endpoint(*READERS, summary="The assessment's scoring model in force"),
)
def get_scoring_model(session: Session = db_session) -> ScoringModelOut:
    """The indicators, their weights and bases; version 0 is the shipped model, in force until
    the authority loads one."""
    return scoring_model(session)


@router.post(
    "/scoring-models",
    response_model=ScoringModelOut,
    status_code=201,
    **endpoint(Role.authority, summary="Load a new version of the scoring model"),
)
def post_scoring_model(
    data: ScoringModelIn,
    request: Request,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> ScoringModelOut:
    """In force from now, for every assessment read after (the kept monthly reports do not
    change). An indicator naming a figure its report does not have is 422. Audited and on the
    change feed (topic `oversight`)."""
    return load_scoring_model(session, data, actor=principal.actor, now=clock(request).now())


@router.post(
    "/notices",
    response_model=list[NoticeOut],
    **endpoint(
        Role.authority,
        errors={
            409: ["calendar_year_unknown", "month_not_closed"],
            422: ["invalid_month", "month_in_future"],
        },
        summary="Send a month's notices (collection, 双公示, use)",
    ),
)
def post_notices(
    request: Request,
    month: str = MONTH,
    principal: Principal = current_principal,
    session: Session = db_session,
) -> list[NoticeOut]:
    """004 §25: the month's notices of collection, 双公示 and use, each naming the departments
    that are late and what they owe, sent to them to acknowledge (GET /notices). The
    scheduled job sends them on its first run after the month; here on demand — a notice
    already sent is answered again, never sent twice. A month not over is 409
    `month_not_closed`."""
    notices = notices_of_month(
        session,
        Month.parse(month),
        actor=principal.actor,
        now=clock(request).now(),
        feedback_days=request.app.state.db.settings.feedback_working_days,
    )
    return notices_out(session, principal, notices)
