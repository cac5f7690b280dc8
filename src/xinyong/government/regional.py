"""The regional government integrity evaluation (区域政务诚信状况评价, 003 政务诚信 二（五）:
省社会信用体系建设领导小组成员单位联合开展区域政务诚信状况评价).

Every city (设区市) and county (县（市、区）) is scored for a year on the model of the policy in
force (data: government/default_policy.json): its 政务失信 records and the cases not cleared,
per government body; the share of its unpaid bills paid (清欠); its departments' 双公示
timeliness; and its government commitments kept. A city's figures include its counties'. A run
is kept whole, and the portal publishes the newest with the method."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.core import audit
from xinyong.core.clock import start_of_day
from xinyong.core.identifiers import division_name
from xinyong.errors import InvalidRequest
from xinyong.government import repository, rules
from xinyong.government.schemas import (
    RegionalEvaluationOut,
    RegionalIndicator,
    RegionalModel,
    RegionalResultOut,
    RegionalScoreOut,
)
from xinyong.government.service import policy_in_force, policy_of_version
from xinyong.models import (
    Department,
    GovernmentFailureCase,
    Record,
    RegionalEvaluation,
    Standing,
    Subject,
)
from xinyong.oversight.monthly import kept_report
from xinyong.oversight.schemas import CollectionReport
from xinyong.reports.dual_publicity import Month, dual_publicity
from xinyong.rights.step import Step

COMMITMENT_ITEM = "government_service_commitment"


@dataclass
class Figures:
    bodies: int = 0
    failures: int = 0
    uncleared: int = 0
    owed: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)
    on_time: int = 0
    late: int = 0
    kept: int = 0
    broken: int = 0

    def add(self, other: Figures) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def figure(self, source: str) -> Decimal | None:
        """The indicator's source figure, None where there is nothing to measure."""
        per_body = Decimal(max(self.bodies, 1))
        if source == "failures":
            return Decimal(self.failures) / per_body
        if source == "uncleared":
            return Decimal(self.uncleared) / per_body
        if source == "arrears_paid":
            return min(Decimal(1), self.paid / self.owed) if self.owed else None
        if source == "dual_publicity":
            judged = self.on_time + self.late
            return Decimal(self.on_time) / judged if judged else None
        if source == "commitments_kept":
            judged = self.kept + self.broken
            return Decimal(self.kept) / judged if judged else None
        raise ValueError(source)


def _gather(session: Session, year: int, today: date) -> dict[str, Figures]:
    """Figures per region code (a county's own, a city's own bodies'), read set-wise."""
    out: dict[str, Figures] = defaultdict(Figures)
    prefix = func.substr(Subject.credit_code, 1, 2)
    for region, count in session.execute(
        select(Subject.region_code, func.count())
        .where(prefix.in_(list(rules.BODY_PREFIXES)), Subject.region_code.is_not(None))
        .group_by(Subject.region_code)
    ):
        if region:
            out[region].bodies += count
    last = date(year, 12, 31)
    for region, state, decided, kind, owed, paid in session.execute(
        select(
            GovernmentFailureCase.region_code,
            GovernmentFailureCase.state,
            GovernmentFailureCase.decided_on,
            GovernmentFailureCase.failure_kind,
            GovernmentFailureCase.amount_owed,
            GovernmentFailureCase.amount_paid,
        ).where(GovernmentFailureCase.state.in_(rules.COUNTED))
    ):
        f = out[region]
        if decided.year == year:
            f.failures += 1
        if state in rules.UNCLEARED and decided <= last:
            f.uncleared += 1
        if kind == rules.UNPAID_BILLS and owed is not None and decided <= last:
            f.owed += owed
            f.paid += paid or Decimal(0)
    regions = dict(session.execute(select(Department.code, Department.region_code)).all())
    for department, on_time, late in _dual_publicity(session, year, today):
        region = regions.get(department)
        if region:
            out[region].on_time += on_time
            out[region].late += late
    for region, fields in session.execute(
        select(Subject.region_code, Record.fields)
        .join(Subject, Subject.id == Record.subject_id)
        .where(
            Record.item_code == COMMITMENT_ITEM,
            Record.standing.in_([Standing.active, Standing.expired]),
        )
    ):
        committed = str((fields or {}).get("committed_on") or "")
        if not region or not committed.startswith(str(year)):
            continue
        fulfilment = (fields or {}).get("fulfilment")
        if fulfilment == "已履行":
            out[region].kept += 1
        elif fulfilment == "未履行":
            out[region].broken += 1
    return out


def _dual_publicity(session: Session, year: int, today: date) -> list[tuple[str, int, int]]:
    """Each department's 双公示 records on time and late, month by month in the year to today:
    a month that is over as its kept collection report has them (the figures its monthly notice
    named, Measures art. 40), else counted now."""
    months = 12 if year < today.year else today.month if year == today.year else 0
    out = []
    for m in range(1, months + 1):
        month = Month(year, m)
        kept = kept_report(session, "collection", month)
        if isinstance(kept, CollectionReport):
            out += [(r.department, r.dp_on_time, r.dp_late) for r in kept.departments]
            continue
        report = dual_publicity(session, month, now=start_of_day(today), late_limit=0)
        out += [(d.department, d.on_time, d.late) for d in report.departments]
    return out


def _results(
    model: RegionalModel, figures: dict[str, Figures], level: Literal["city", "county"]
) -> list[RegionalResultOut]:
    rows = []
    for code, f in figures.items():
        scores = [rules.indicator_score(i, f.figure(i.source)) for i in model.indicators]
        total = rules.points(model.indicators, scores)
        rows.append(
            RegionalResultOut(
                rank=0,
                region_code=code,
                region_name=division_name(code) or code,
                level=level,
                bodies=f.bodies,
                score=total,
                indicators=[_score(i, f, s) for i, s in zip(model.indicators, scores, strict=True)],
            )
        )
    rows.sort(key=lambda r: (-r.score, r.region_code))
    for index, row in enumerate(rows):
        # Equal scores share a rank (1, 2, 2, 4).
        row.rank = (
            rows[index - 1].rank if index and row.score == rows[index - 1].score else index + 1
        )
    return rows


def _score(indicator: RegionalIndicator, f: Figures, score: Decimal) -> RegionalScoreOut:
    figure = f.figure(indicator.source)
    return RegionalScoreOut(
        indicator=indicator.code,
        name=indicator.name,
        figure=None if figure is None else figure.quantize(rules.FOUR),
        score=score,
        weight=indicator.weight,
        points=(indicator.weight * score).quantize(rules.TWO),
    )


def run(session: Session, step: Step, year: int) -> RegionalEvaluation:
    """Score every city and county of the platform's government bodies for ``year``; kept,
    audited, and the newest of the year is what the portal publishes."""
    if year > step.today.year:
        raise InvalidRequest(
            "评价年度不能晚于今年",
            "the year cannot be after this one",
            field="year",
            code="invalid_year",
        )
    policy = policy_in_force(session, step.today)
    model = policy.spec.regional
    raw = _gather(session, year, step.today)
    cities: dict[str, Figures] = defaultdict(Figures)
    counties: dict[str, Figures] = {}
    for code, f in raw.items():
        level = rules.region_level(code)
        if level == "province" or division_name(code) is None:
            continue
        cities[rules.city_of(code)].add(f)
        if level == "county":
            counties[code] = f
    results = {
        "cities": [r.model_dump(mode="json") for r in _results(model, cities, "city")],
        "counties": [r.model_dump(mode="json") for r in _results(model, counties, "county")],
    }
    row = RegionalEvaluation(
        year=year,
        policy_version=policy.version,
        results=results,
        computed_by=step.principal.actor,
        computed_at=step.now,
    )
    session.add(row)
    session.flush()
    audit.log(
        session,
        actor=step.principal.actor,
        action="government.regional_evaluated",
        at=step.now,
        target_type="regional_evaluation",
        target_id=row.id,
        detail={"year": year, "cities": len(cities), "counties": len(counties)},
    )
    return row


def evaluation_out(session: Session, row: RegionalEvaluation) -> RegionalEvaluationOut:
    """A run with the title and method of the model it was computed under."""
    model = policy_of_version(session, row.policy_version).regional
    return RegionalEvaluationOut(
        id=row.id,
        year=row.year,
        policy_version=row.policy_version,
        title=model.title,
        method=model.method,
        computed_at=row.computed_at,
        cities=[RegionalResultOut.model_validate(r) for r in row.results["cities"]],
        counties=[RegionalResultOut.model_validate(r) for r in row.results["counties"]],
    )


def latest(session: Session, year: int | None) -> RegionalEvaluation | None:
    return repository.latest_regional(session, year)
