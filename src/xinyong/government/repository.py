"""Named reads of the government-integrity tables (government_failure_cases, arrears_payments,
debt_indicators, government_policies, regional_evaluations)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.government.rules import UNCLEARED
from xinyong.models import DebtIndicator, GovernmentFailureCase, RegionalEvaluation, Subject


def uncleared_failures(
    session: Session, subject_ids: Collection[int] | None = None
) -> list[tuple[int, int, int, date, str | None, str]]:
    """(subject, case, providing department, decision day, credit code, name) of every case
    not yet cleared — of ``subject_ids`` only when given: what the checks' snapshot holds as
    the 政务失信 in force (003 政务诚信 二（五））."""
    query = (
        select(
            GovernmentFailureCase.subject_id,
            GovernmentFailureCase.id,
            GovernmentFailureCase.provider_id,
            GovernmentFailureCase.decided_on,
            Subject.credit_code,
            Subject.name,
        )
        .join(Subject, Subject.id == GovernmentFailureCase.subject_id)
        .where(GovernmentFailureCase.state.in_(UNCLEARED))
    )
    if subject_ids is not None:
        query = query.where(GovernmentFailureCase.subject_id.in_(list(subject_ids)))
    return [
        (sid, case_id, provider, decided, code, name)
        for sid, case_id, provider, decided, code, name in session.execute(query)
    ]


def cases_of(session: Session, subject_id: int) -> list[GovernmentFailureCase]:
    return list(
        session.execute(
            select(GovernmentFailureCase)
            .where(GovernmentFailureCase.subject_id == subject_id)
            .order_by(GovernmentFailureCase.decided_on.desc(), GovernmentFailureCase.id.desc())
        ).scalars()
    )


def latest_debt_values(session: Session, year: int) -> list[DebtIndicator]:
    """The newest load of each region's indicators for ``year`` (a later load supersedes)."""
    newest = (
        select(func.max(DebtIndicator.id))
        .where(DebtIndicator.year == year)
        .group_by(DebtIndicator.region_code, DebtIndicator.indicator)
    )
    return list(
        session.execute(
            select(DebtIndicator)
            .where(DebtIndicator.id.in_(newest))
            .order_by(DebtIndicator.region_code, DebtIndicator.indicator)
        ).scalars()
    )


def debt_years(session: Session) -> list[int]:
    return list(
        session.execute(
            select(DebtIndicator.year).distinct().order_by(DebtIndicator.year.desc())
        ).scalars()
    )


def latest_regional(session: Session, year: int | None = None) -> RegionalEvaluation | None:
    query = select(RegionalEvaluation).order_by(RegionalEvaluation.id.desc()).limit(1)
    if year is not None:
        query = query.where(RegionalEvaluation.year == year)
    return session.execute(query).scalar_one_or_none()
