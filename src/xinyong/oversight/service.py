"""What the API, the pages and the command read and do of the oversight of departments
(docs/oversight.md): the month's reports and the year's assessment as the caller may read them
— the authority every department, a department its own row —, the scoring model loaded, the
monthly notices sent on demand.

The reports themselves are oversight/reports.py (kept by oversight/monthly.py), the assessment
oversight/assessment.py."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from xinyong.core.auth import Principal
from xinyong.core.clock import local_date
from xinyong.errors import InvalidRequest
from xinyong.models import Notice, Role
from xinyong.oversight import assessment as assessments
from xinyong.oversight import rules
from xinyong.oversight.monthly import monthly_report, send_monthly_notices
from xinyong.oversight.schemas import (
    Assessment,
    CollectionReport,
    ScoringModelIn,
    ScoringModelOut,
    UseReport,
)
from xinyong.reports.dual_publicity import Month

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _own(principal: Principal) -> str | None:
    """The department whose row alone the caller reads; None: the authority reads all."""
    return None if principal.role is Role.authority else principal.department_code or ""


def report_for(
    session: Session,
    principal: Principal,
    kind: str,
    month: Month,
    *,
    now: datetime,
    feedback_days: int,
) -> CollectionReport | UseReport:
    """The month's report of ``kind`` as the caller reads it."""
    report = monthly_report(session, kind, month, now=now, feedback_days=feedback_days)
    own = _own(principal)
    if own is not None:
        report = report.model_copy(
            update={"departments": [r for r in report.departments if r.department == own]}
        )
    return report


def require_year(year: int, now: datetime) -> int:
    """A year of the assessment: from 2000, and not after this one."""
    if not FIRST_YEAR <= year <= min(LAST_YEAR, local_date(now).year):
        raise InvalidRequest(
            "考核年度应为 2000 年至今年之间的年份",
            "the year of an assessment is from 2000 up to this year",
            field="year",
            code="invalid_year",
        )
    return year


def assessment_for(
    session: Session, principal: Principal, year: int, *, now: datetime, feedback_days: int
) -> Assessment:
    """The year's assessment (year to date while it runs) as the caller reads it: a department
    its own figures and rank."""
    return assessments.assess(
        session,
        require_year(year, now),
        now=now,
        feedback_days=feedback_days,
        department=_own(principal),
    )


def load_scoring_model(
    session: Session, data: ScoringModelIn, *, actor: str, now: datetime
) -> ScoringModelOut:
    return assessments.load_model(session, data, actor=actor, now=now)


def scoring_model(session: Session) -> ScoringModelOut:
    return assessments.model_in_force(session)


def notices_of_month(
    session: Session, month: Month, *, actor: str, now: datetime, feedback_days: int
) -> list[Notice]:
    """The month's three notices, those not yet sent sent now (oversight/monthly.py)."""
    rules.require_not_future(month, local_date(now))
    return send_monthly_notices(session, month, now=now, actor=actor, feedback_days=feedback_days)
