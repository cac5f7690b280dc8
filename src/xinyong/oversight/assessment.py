"""The annual assessment of departments (年度工作考核, Measures art. 40: 将公共信用信息归集和
应用情况作为信息提供单位和信息使用单位年度工作考核的重要内容; docs/oversight.md).

The scoring model is data (oversight/schemas.ScoringModelIn; the shipped one is
default_scoring.json): indicators over the year's monthly reports, each with its weight and
basis. The authority loads a new version; the latest is in force. A department's total is out
of 100 over the indicators that apply to it; departments are ranked by it. While the year runs
the assessment is of the months over so far (year to date)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from importlib.resources import files

from sqlalchemy.orm import Session

from xinyong.core import audit
from xinyong.core.clock import local_date
from xinyong.feeds.changes import record_change
from xinyong.models import ScoringModel
from xinyong.oversight import repository, rules
from xinyong.oversight.monthly import month_reports
from xinyong.oversight.schemas import (
    Assessment,
    DepartmentAssessment,
    IndicatorResult,
    ScoringModelIn,
    ScoringModelOut,
)

# The change feed's topic of the oversight's rules (a scoring model loaded).
OVERSIGHT = "oversight"


@cache
def default_model() -> ScoringModelIn:
    text = files("xinyong.oversight").joinpath("default_scoring.json").read_text(encoding="utf-8")
    return ScoringModelIn.model_validate_json(text)


def model_in_force(session: Session) -> ScoringModelOut:
    """The latest model the authority loaded, or the shipped one (version 0) before any."""
    row = repository.latest_scoring_model(session)
    if row is None:
        return ScoringModelOut(
            **default_model().model_dump(), version=0, created_by="system", created_at=None
        )
    return ScoringModelOut(
        **row.spec, version=row.version, created_by=row.created_by, created_at=row.created_at
    )


def load_model(
    session: Session, data: ScoringModelIn, *, actor: str, now: datetime
) -> ScoringModelOut:
    """A new version of the scoring model, in force from now: audited and on the change feed
    (topic ``oversight``). Earlier versions are kept."""
    version = repository.next_scoring_version(session)
    row = ScoringModel(
        version=version, spec=data.model_dump(mode="json"), created_by=actor, created_at=now
    )
    session.add(row)
    session.flush()
    detail = {"version": version, "indicators": [i.code for i in data.indicators]}
    audit.log(
        session,
        actor=actor,
        action="oversight.scoring_model_loaded",
        at=now,
        target_type="scoring_model",
        target_id=row.id,
        detail=detail,
    )
    record_change(session, at=now, topic=OVERSIGHT, event="scoring_model_loaded", detail=detail)
    return model_in_force(session)


def assess(
    session: Session,
    year: int,
    *,
    now: datetime,
    feedback_days: int,
    actor: str = "system",
    department: str | None = None,
) -> Assessment:
    """The year's assessment by the model in force over its months that are over: every
    department's indicators, total and rank — or, with ``department`` (a code), that
    department's row alone (its rank still among all)."""
    model = model_in_force(session)
    months = rules.closed_months_of_year(year, local_date(now))
    rows: dict[str, dict[str, list[dict]]] = {}
    names: dict[str, str] = {}
    for month in months:
        collection, use = month_reports(
            session, month, now=now, feedback_days=feedback_days, actor=actor
        )
        for report in (collection, use):
            for row in report.departments:
                names[row.department] = row.department_name
                figures = row.model_dump()
                rows.setdefault(row.department, {}).setdefault(report.kind, []).append(figures)
    results: dict[str, list[IndicatorResult]] = {}
    totals: dict[str, float | None] = {}
    for code, by_kind in rows.items():
        results[code] = []
        for indicator in model.indicators:
            value = rules.indicator_value(indicator, by_kind.get(indicator.report, []))
            results[code].append(
                IndicatorResult(
                    code=indicator.code,
                    name=indicator.name,
                    kind=indicator.kind,
                    weight=indicator.weight,
                    value=None if value is None else round(value, 4),
                    score=rules.indicator_score(indicator, value),
                )
            )
        totals[code] = rules.total_score((r.weight, r.score) for r in results[code])
    ranked = rules.ranks(totals)
    departments = [
        DepartmentAssessment(
            department=code,
            department_name=names[code],
            rank=ranked[code],
            total=totals[code],
            indicators=results[code],
        )
        for code in rows
        if department is None or code == department
    ]
    departments.sort(key=lambda d: (d.rank is None, d.rank or 0, d.department))
    return Assessment(
        year=year,
        months=[m.label for m in months],
        final=len(months) == 12,
        model_version=model.version,
        model_title=model.title,
        basis=model.basis.text,
        generated_at=now,
        departments=departments,
    )
