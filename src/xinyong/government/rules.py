"""The pure rules of government integrity (政务诚信), each with an explicit ``today``: who is a
government body, a 政务失信 case's deadlines and moves, what counts, the debt warning level and
the regional score.

Sources: 003 政务诚信 二（三） (what a 政务失信 record is; 容错纠错 keeps a failure out of it),
二（五） (书面说明原因并限期加以整改; 取消荣誉评选资格; 区域政务诚信状况评价), 二（六） (容错纠错),
三（五） (debt warnings, yellow and red); 004 §5 (按季度查询政府机构失信情况，及时清理政府失信
案件; 清欠)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from xinyong.core.calendar import Calendar
from xinyong.government.schemas import DebtThreshold, Periods, RegionalIndicator
from xinyong.models import CaseState

# The catalog item whose records are 政务失信 (二（三）), and the failure kind of unpaid bills.
FAILURE_ITEM = "government_failure"
UNPAID_BILLS = "拖欠企业账款"
# The staff register: a civil servant is a person with such a record naming the body.
STAFF_ITEM = "civil_servant_staff"

# The platform's own list of the bodies and civil servants with a 政务失信 case not yet cleared:
# not a list anyone identifies, but a list the measures list may name (trigger_lists) — so the
# check refuses honours to a failing body (二（五））, as it refuses them to a black-listed one.
FAILURES_LIST = "government_failures"
FAILURES_LIST_NAME = "政务失信记录（未清理）"
FAILURES_KIND = "government_failure"

# Credit-code characters 1–2 of a government body (GB 32100-2015: 机构编制 1, then 机关 1 or
# 事业单位 2; 二（二）: 以统一社会信用代码为基础 … 各级人民政府).
BODY_PREFIXES = {"11": "organ", "12": "institution"}

# Cases that still count as failing bodies' open failures (004 §5: 政府失信案件 not yet
# cleared): honours are refused while one is (二（五）: 依规取消相关政府部门参加各类荣誉评选资格).
UNCLEARED = (CaseState.open, CaseState.explained)
# Cases of records that count at all: 容错纠错 ones do not (二（三）: 可不纳入政务失信记录).
COUNTED = (CaseState.open, CaseState.explained, CaseState.cleared)


def body_kind(credit_code: str | None) -> str | None:
    """``organ`` (机关), ``institution`` (事业单位) or None: not a government body."""
    return BODY_PREFIXES.get((credit_code or "")[:2])


# --- deadlines --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadlines:
    explain_by: date
    rectify_by: date


def deadlines(opened_on: date, periods: Periods, calendar: Calendar) -> Deadlines:
    """The last days of the written explanation and of the rectification, counted in working
    days from the day the case opens (二（五）: 书面说明原因并限期加以整改)."""
    return Deadlines(
        explain_by=calendar.add_working_days(opened_on, periods.explanation_working_days),
        rectify_by=calendar.add_working_days(opened_on, periods.rectification_working_days),
    )


Lapse = Literal["explanation", "rectification"]


def overdue(
    state: CaseState, explained: bool, explain_by: date, rectify_by: date, today: date
) -> Lapse | None:
    """What a case is late with on ``today``: the explanation from the day after its last
    day, else the rectification from the day after its own; None when on time or closed."""
    if state not in UNCLEARED:
        return None
    if not explained and today > explain_by:
        return "explanation"
    if today > rectify_by:
        return "rectification"
    return None


# --- moves ------------------------------------------------------------------------------------

Action = Literal["explain", "report", "confirm", "pay", "exclude", "interview"]


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str
    message_en: str


def refusal(
    action: Action,
    *,
    state: CaseState,
    failure_kind: str,
    explained: bool,
    reported: bool,
    lapse: Lapse | None,
) -> Refusal | None:
    """Why ``action`` cannot be taken on a case now, or None."""
    if state not in UNCLEARED:
        return Refusal(
            "case_closed", "该政务失信案件已清理或已容错，不能再办理", "the case is closed"
        )
    if action == "explain" and explained:
        return Refusal("already_explained", "已提交书面说明", "already explained")
    if action == "pay" and failure_kind != UNPAID_BILLS:
        return Refusal(
            "not_unpaid_bills",
            "只有拖欠企业账款的案件登记清偿",
            "payments are recorded for unpaid bills only",
        )
    if action == "confirm":
        if failure_kind == UNPAID_BILLS:
            return Refusal(
                "cleared_by_payment",
                "拖欠企业账款的案件在全额清偿后自动清理",
                "an unpaid bill clears when paid in full",
            )
        if not reported:
            return Refusal(
                "rectification_not_reported",
                "机关尚未报送整改情况",
                "the body has not reported its rectification",
            )
    if action == "interview" and lapse is None:
        return Refusal(
            "case_not_overdue",
            "书面说明和整改均未逾期，无需约谈",
            "neither the explanation nor the rectification is overdue",
        )
    return None


def paid_in_full(owed: Decimal | None, paid: Decimal) -> bool:
    """清欠 complete: everything owed is paid (004 §5)."""
    return owed is not None and paid >= owed


# --- debt warnings ----------------------------------------------------------------------------

Level = Literal["yellow", "red"]


def debt_level(value: Decimal, threshold: DebtThreshold) -> Level | None:
    """三（五）: 较高风险 (yellow) at or over the yellow line, 高风险 (red) at or over the red."""
    if value >= threshold.red:
        return "red"
    if value >= threshold.yellow:
        return "yellow"
    return None


def worst(levels: list[Level | None]) -> Level | None:
    """A region's warning: the worst of its indicators'."""
    if "red" in levels:
        return "red"
    if "yellow" in levels:
        return "yellow"
    return None


# --- the regional evaluation ------------------------------------------------------------------

FOUR = Decimal("0.0001")
TWO = Decimal("0.01")


def indicator_score(indicator: RegionalIndicator, figure: Decimal | None) -> Decimal:
    """From 0 to 1: a share as it is; a count per body as ``1 - figure / cap``, never below 0;
    ``when_none`` where the region has nothing to measure."""
    if figure is None:
        return indicator.when_none
    value = figure if indicator.cap is None else Decimal(1) - figure / indicator.cap
    return min(Decimal(1), max(Decimal(0), value)).quantize(FOUR, ROUND_HALF_UP)


def points(indicators: list[RegionalIndicator], scores: list[Decimal]) -> Decimal:
    """The region's score out of 100: its weighted scores over the total weight."""
    total = sum((i.weight for i in indicators), Decimal(0))
    got = sum((i.weight * s for i, s in zip(indicators, scores, strict=True)), Decimal(0))
    return (got * 100 / total).quantize(TWO, ROUND_HALF_UP)


def region_level(region_code: str) -> Literal["province", "city", "county"]:
    """GB/T 2260: ``xx0000`` a province, ``xxxx00`` a city (设区市), else a county."""
    if region_code.endswith("0000"):
        return "province"
    if region_code.endswith("00"):
        return "city"
    return "county"


def city_of(region_code: str) -> str:
    return region_code[:4] + "00"


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """The first and last day of a quarter (004 §5: 按季度查询)."""
    if not 1 <= quarter <= 4:
        raise ValueError(f"quarter {quarter}")
    first = date(year, 3 * quarter - 2, 1)
    last = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, date.fromordinal(last.toordinal() - 1)
