"""Local government debt warnings (003 政务诚信 三（五）: 建立地方政府性债务风险评估和预警机制 …
对列为债务较高风险地区的市县，进行黄色预警；对列为债务高风险地区的市县，进行红色预警).

The finance department loads each city's and county's debt-risk indicators for a year; the
thresholds of the policy in force turn them into yellow and red warnings, which the authority
and the finance department read. Government-shared (Measures art. 19): never on the portal."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy.orm import Session

from xinyong.core import audit
from xinyong.core.identifiers import division_name
from xinyong.core.labels import DEBT_LEVELS
from xinyong.errors import Forbidden, InvalidRequest
from xinyong.government import repository, rules
from xinyong.government.schemas import (
    DebtRowsIn,
    DebtValueOut,
    DebtWarningOut,
    DebtWarningsOut,
)
from xinyong.government.service import policy_in_force
from xinyong.models import DebtIndicator, Role
from xinyong.rights.step import Step

# The sector that loads them (三（五）: 健全地方政府性债务监管体系 — the finance department's).
FINANCE = "finance"


def load(session: Session, step: Step, body: DebtRowsIn) -> int:
    """Rows of indicators, each of a city or county known to GB/T 2260 and of an indicator the
    policy names; all or nothing (422 with the row at fault). Returns how many."""
    p = step.principal
    if not (p.role is Role.authority or (p.role is Role.provider and p.department_kind == FINANCE)):
        raise Forbidden(
            "只有财政部门可以报送地方政府债务风险指标",
            "only the finance department loads debt indicators",
            code="not_finance",
        )
    thresholds = {t.code for t in policy_in_force(session, step.today).spec.debt.indicators}
    for index, row in enumerate(body.rows):
        if division_name(row.region_code) is None or rules.region_level(row.region_code) not in (
            "city",
            "county",
        ):
            raise InvalidRequest(
                f"第 {index + 1} 行：行政区划代码 {row.region_code} 不是现行的设区市或县（市、区）",
                f"row {index + 1}: {row.region_code} is no city or county in use",
                field=f"rows[{index}].region_code",
                code="unknown_region",
            )
        if row.indicator not in thresholds:
            raise InvalidRequest(
                f"第 {index + 1} 行：指标 {row.indicator} 不在预警指标中",
                f"row {index + 1}: unknown indicator {row.indicator}",
                field=f"rows[{index}].indicator",
                code="unknown_debt_indicator",
            )
    session.add_all(
        DebtIndicator(
            region_code=row.region_code,
            year=row.year,
            indicator=row.indicator,
            value=row.value,
            provider_id=p.department_id or 0,
            loaded_by=p.actor,
            loaded_at=step.now,
        )
        for row in body.rows
    )
    audit.log(
        session,
        actor=p.actor,
        action="government.debt_loaded",
        at=step.now,
        target_type="debt_indicators",
        detail={
            "rows": len(body.rows),
            "regions": sorted({r.region_code for r in body.rows}),
            "years": sorted({r.year for r in body.rows}),
        },
    )
    return len(body.rows)


def warnings(session: Session, step: Step, year: int) -> DebtWarningsOut:
    """Every region with indicators for ``year``, its values against the lines and its level
    (the worst of its indicators'), red first, then yellow, then by region. The read is
    audited: the figures are government-shared."""
    debt = policy_in_force(session, step.today).spec.debt
    lines = {t.code: t for t in debt.indicators}
    by_region: dict[str, list[DebtValueOut]] = defaultdict(list)
    for row in repository.latest_debt_values(session, year):
        threshold = lines.get(row.indicator)
        if threshold is None:  # an indicator the policy no longer names
            continue
        by_region[row.region_code].append(
            DebtValueOut(
                indicator=row.indicator,
                name=threshold.name,
                value=row.value,
                unit=threshold.unit,
                yellow=threshold.yellow,
                red=threshold.red,
                level=rules.debt_level(row.value, threshold),
            )
        )
    regions = []
    for code, values in by_region.items():
        level = rules.worst([v.level for v in values])
        regions.append(
            DebtWarningOut(
                region_code=code,
                region_name=division_name(code) or code,
                year=year,
                level=level,
                level_name=DEBT_LEVELS[level or ""],
                values=values,
            )
        )
    order = {"red": 0, "yellow": 1, None: 2}
    regions.sort(key=lambda r: (order[r.level], r.region_code))
    audit.log(
        session,
        actor=step.principal.actor,
        action="government.debt_read",
        at=step.now,
        target_type="debt_indicators",
        detail={"year": year},
    )
    return DebtWarningsOut(year=year, basis=debt.basis, regions=regions)


def years(session: Session) -> list[int]:
    """The years with indicators loaded, newest first."""
    return repository.debt_years(session)
