"""Each provider's quality score for a month, and its findings by rule (docs/quality.md § the
score; Measures art. 38–40: the collection of each provider reported and assessed).

The month's score is as of its end: the findings open then (found before its end, not closed
by then) weighted by severity per 1,000 records the provider had pushed by then, and the
duties overdue then, by the formula of the rule set in force (quality/rules.score). A month
not yet over is as of now. The monthly collection report reads ``provider_scores`` and
``findings_counts``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from xinyong.departments.repository import provider_departments
from xinyong.models import Department
from xinyong.quality import repository, rules
from xinyong.quality.ruleset import rule_set_in_force
from xinyong.quality.schemas import ScoreOut, ScoresOut
from xinyong.reports.dual_publicity import Month


def provider_scores(session: Session, month: Month | str) -> dict[int, float]:
    """Department id → its quality score for ``month`` (a Month or YYYY-MM), for every
    provider department."""
    return {dept.id: row.score for dept, row in _rows(session, _month(month))}


def findings_counts(session: Session, month: Month | str) -> dict[int, dict[str, int]]:
    """Department id → rule code → findings found in ``month`` (a Month or YYYY-MM), whatever
    became of them."""
    start, end = _month(month).bounds()
    return repository.findings_found_between(session, start, end)


def scores_out(session: Session, month: Month, *, department_id: int | None = None) -> ScoresOut:
    """The month's scores, lowest first: every provider's, or one department's."""
    rows = [
        row
        for dept, row in _rows(session, month)
        if department_id is None or dept.id == department_id
    ]
    rows.sort(key=lambda r: (r.score, r.department))
    return ScoresOut(month=month.label, formula=rule_set_in_force(session).score, scores=rows)


def _rows(session: Session, month: Month) -> list[tuple[Department, ScoreOut]]:
    formula = rule_set_in_force(session).score
    start, end = month.bounds()
    open_at = repository.open_findings_at(session, end)
    found = repository.findings_found_between(session, start, end)
    overdue = repository.overdue_duties_at(session, end)
    records = repository.records_pushed_before(session, end)
    out = []
    for dept in provider_departments(session):
        counts = open_at.get(dept.id, {})
        value = rules.score(
            formula,
            records=records.get(dept.id, 0),
            open_findings=counts,
            overdue_duties=overdue.get(dept.id, 0),
        )
        out.append(
            (
                dept,
                ScoreOut(
                    department=dept.code,
                    department_name=dept.name,
                    score=float(value),
                    records=records.get(dept.id, 0),
                    open_findings=counts,
                    overdue_duties=overdue.get(dept.id, 0),
                    findings_by_rule=found.get(dept.id, {}),
                ),
            )
        )
    return out


def _month(month: Month | str) -> Month:
    return month if isinstance(month, Month) else Month.parse(month)
