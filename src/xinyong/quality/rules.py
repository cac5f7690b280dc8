"""The pure rules of data quality (docs/quality.md): who acts on a finding and how it may end,
whether a credit code's region lies in a provider's, when a duty is overdue (through
catalog/duties, never restated), and the quality score. Functions of their inputs and an
explicit ``today``.

Measures art. 16: 信息提供单位应当按照公共信用信息目录，及时、准确、完整地向公共信用信息系统
提供公共信用信息，并对提供信息的真实性负责 — the provider answers for what it pushed, so a
finding is the provider's to settle: it confirms the record (it is right), corrects it (a new
record replaces it, art. 36: never an edit in place) or withdraws it. Art. 38–40 make the
result reportable per provider (the score).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from xinyong.catalog.duties import due_by, is_overdue
from xinyong.core.auth import Principal
from xinyong.core.calendar import Calendar, UnknownCalendarYear
from xinyong.errors import Conflict, Forbidden
from xinyong.models import Role
from xinyong.quality.schemas import ScoreFormula

OPEN = "open"
# How a finding ends, by the provider's step: the record is right; a new record replaced it;
# the record is withdrawn (a copy pushed twice). ``superseded``: the record left force by
# another procedure (an objection's correction, a repair) before the provider acted.
CONFIRMED, CORRECTED, WITHDRAWN, SUPERSEDED = "confirmed", "corrected", "withdrawn", "superseded"
ENDS = (CONFIRMED, CORRECTED, WITHDRAWN)


def require_provider_of(principal: Principal, provider_id: int) -> None:
    """Only the provider that pushed the record settles its finding (Measures art. 16: 对提供
    信息的真实性负责); the authority reads but does not answer for another's data."""
    if principal.role is not Role.provider or principal.department_id != provider_id:
        raise Forbidden(
            "只有报送该信息的部门可以处理此数据质量问题",
            "only the provider of the record may settle the finding",
            code="not_your_finding",
        )


def require_open(state: str) -> None:
    """A finding is settled once: confirmed, corrected, withdrawn or superseded, it stays so."""
    if state != OPEN:
        raise Conflict(
            "该数据质量问题已处理",
            f"the finding is {state} already",
            field="finding",
            code="finding_closed",
            state=state,
        )


# ---- regions (GB 32100-2015: characters 3–8 of a credit code are its GB/T 2260 region)


def region_prefix(region_code: str) -> str:
    """What a region covers as a prefix of the codes within it: a province (320000) its two
    digits, a city (320100) its four, a county (320102) all six."""
    if region_code.endswith("0000"):
        return region_code[:2]
    if region_code.endswith("00"):
        return region_code[:4]
    return region_code


def region_covers(provider_region: str, code_region: str) -> bool:
    """A local-only item's subject lies in its provider's region (Measures art. 16: 同级推送,
    each level its own): quality/checks.py states the same in SQL."""
    return code_region.startswith(region_prefix(provider_region))


# ---- duties (Measures art. 16: 及时): catalog/duties decides, this only names the day


@dataclass(frozen=True)
class Duty:
    """One item a provider owes, with the day its duty counts from."""

    item_code: str
    update_cycle: str
    last_push_on: date  # the last push, or the department's creation
    pushed_before: bool


def duty_start(last_push: date | None, created_on: date) -> tuple[date, bool]:
    """The day a duty counts from: the last push, else the department's creation day (a new
    provider owes its first push by the end of the period after the one it was created in)."""
    if last_push is None:
        return created_on, False
    return max(last_push, created_on), True


def overdue_since(duty: Duty, today: date, calendar: Calendar) -> date | None:
    """The day the next push was due by, when it is past (catalog/duties.is_overdue); None
    while the duty is met. A daily item counted over a year the calendar lacks raises
    core/calendar.UnknownCalendarYear: never a guess."""
    if not is_overdue(duty.update_cycle, duty.last_push_on, today, calendar):
        return None
    return due_by(duty.update_cycle, duty.last_push_on, calendar)


def task_due(calendar: Calendar, today: date, working_days: int) -> date:
    """The last day of a provider's task: ``working_days`` working days on (core/calendar);
    calendar days, one and a half times as many, when the calendar lacks the year."""
    try:
        return calendar.add_working_days(today, working_days)
    except UnknownCalendarYear:
        return today + timedelta(days=working_days * 3 // 2)


# ---- the score (Measures art. 40: 将公共信用信息归集和应用情况作为 … 年度工作考核的重要内容)


def score(
    formula: ScoreFormula,
    *,
    records: int,
    open_findings: Mapping[str, int],
    overdue_duties: int,
) -> Decimal:
    """The provider's quality score by ``formula`` (schemas.ScoreFormula), to one decimal."""
    per = Decimal(formula.per_records) / Decimal(max(records, formula.minimum_records))
    weights = {str(severity): weight for severity, weight in formula.weights.items()}
    weighted = sum(
        (weights.get(severity, Decimal(0)) * n for severity, n in open_findings.items()),
        Decimal(0),
    )
    points = formula.base - weighted * per - formula.overdue_duty * overdue_duties
    return max(formula.floor, min(formula.base, points)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
