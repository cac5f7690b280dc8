"""The pure rules of graded supervision and 双随机、一公开: functions of their inputs and an
explicit ``today``.

- 002 §（七）; 000 §（七）; 001 §（六）: subjects are classed by the public evaluation and the
  industry evaluation together, and the class sets the ratio and frequency of random
  inspection: lower for good credit and low risk, normal for ordinary, higher for failing and
  high risk. 004 §10: graded supervision by field.
- 002 §（六）; 000 §（六）: an industry evaluation combines with the public one — where a
  subject has a grade for the field (evaluation_field_grades), that grade classes it there.
- 002 §（七）: 双随机、一公开 — subjects and inspectors drawn at random, results published;
  the periods and the conflict rules are data with their basis (publication.json).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from xinyong.core.calendar import Calendar
from xinyong.errors import Conflict, Forbidden, InvalidRequest
from xinyong.inspections.schemas import FieldRule, PublicationRules
from xinyong.models import PlanState
from xinyong.records.rules import add_years

GradeSource = Literal["field", "public", "none"]
# 10,000 basis points are 100 %.
WHOLE_BP = 10_000


def supervision_grade(
    public_grade: str | None, field_grade: str | None
) -> tuple[str | None, GradeSource]:
    """The grade that classes a subject in a field: its grade for the field where an industry
    evaluation was combined with the public one (002 §（六）–（七）), else its public grade,
    else none (not evaluated)."""
    if field_grade is not None:
        return field_grade, "field"
    if public_grade is not None:
        return public_grade, "public"
    return None, "none"


def class_of(rule: FieldRule, grade: str | None) -> str:
    """The supervision class of a grade in the field; the field's stated class for a subject
    without a grade (002 §（七）: 信用风险一般的市场主体，按常规比例和频次抽查 — the default
    file puts the ungraded there)."""
    if grade is None:
        return rule.ungraded
    return rule.grades[grade]  # type: ignore[index]  # a Grade's value: A, B, C or D


def ratio_bp(value: Decimal, *, field: str) -> int:
    """A ratio in percent as basis points; over 100 % is refused (``ratio_over_100``): no
    stratum can give more subjects than it holds. Two decimals at most (3.25 % → 325)."""
    if value > 100:
        raise InvalidRequest(
            f"抽查比例 {value}% 超过 100%",
            f"the ratio {value}% is over 100%",
            field=field,
            code="ratio_over_100",
        )
    if value < 0 or value != value.quantize(Decimal("0.01")):
        raise InvalidRequest(
            f"抽查比例 {value}% 应在 0 至 100 之间，最多两位小数",
            f"the ratio {value}% must be 0 to 100 with two decimals at most",
            field=field,
            code="invalid_ratio",
        )
    return int(value * 100)


def percent(bp: int) -> Decimal:
    """Basis points as a percentage: 325 → 3.25."""
    return Decimal(bp) / 100


def sample_size(size: int, bp: int) -> int:
    """How many of a stratum of ``size`` subjects are drawn at ``bp`` basis points: the ratio
    is a floor (不低于), so the product is rounded up — ceil(size × bp / 10,000), in integers:
    a stratum of 10 at 3 % gives 1, of 100 at 3 % gives 3, of 101 gives 4; 0 % gives none."""
    if size < 0 or not 0 <= bp <= WHOLE_BP:
        raise ValueError("size ≥ 0 and 0 ≤ bp ≤ 10,000")
    return -(-size * bp // WHOLE_BP)


def results_due_on(calendar: Calendar, decided_on: date, rules: PublicationRules) -> date:
    """The last day to publish a result: ``results.working_days`` working days after the day
    it was decided (《企业信息公示暂行条例》第六条、第七条: 自产生之日起20个工作日内), the
    day itself not counted."""
    return calendar.add_working_days(decided_on, rules.results.working_days)


def missing_due_on(calendar: Calendar, inspect_until: date, rules: PublicationRules) -> date:
    """The last day for the result of a drawn subject not yet entered: the period counted from
    the plan's last day of inspection, by which every result must have been decided."""
    return calendar.add_working_days(inspect_until, rules.results.working_days)


def is_late(due_on: date, published_on: date) -> bool:
    """Published after its last day (the last day itself is in time)."""
    return published_on > due_on


def is_overdue(due_on: date, today: date) -> bool:
    """Not yet published and its last day is over (the last day itself is still in time)."""
    return today > due_on


def recent_since(today: date, rules: PublicationRules) -> date:
    """The first day of the window in which an inspector assigned to a subject is not
    assigned to it again: assignments drawn on or after this day count (the inspection of
    2025-06-15 keeps the inspector off until 2026-06-15 inclusive; 民法典 第二百零一条: a
    period of years ends on the corresponding day)."""
    return add_years(today, -rules.conflict_years)


def require_period(inspect_from: date, inspect_until: date, today: date) -> None:
    """The inspection period is a real span that has not ended before the plan is made."""
    if inspect_until < inspect_from:
        raise InvalidRequest(
            "检查结束日期早于开始日期",
            "inspect_until is before inspect_from",
            field="inspect_until",
            code="invalid_period",
        )
    if inspect_until < today:
        raise InvalidRequest(
            "检查期限已过",
            "the inspection period is already over",
            field="inspect_until",
            code="invalid_period",
        )


def require_not_retroactive(effective_from: date, today: date) -> None:
    """New graded supervision rules never apply before the day they are loaded: plans drawn
    and checks answered stay as they were."""
    if effective_from < today:
        raise InvalidRequest(
            "分级分类监管规则不能追溯生效",
            "graded supervision rules cannot take effect in the past",
            field="effective_from",
            code="retroactive_rule",
        )


# The moves of a plan: (from states, to state).
MOVES: dict[str, tuple[tuple[PlanState, ...], PlanState]] = {
    "publish": ((PlanState.draft,), PlanState.published),
    "draw": ((PlanState.published,), PlanState.drawn),
}


PAST = {"publish": "published", "draw": "drawn"}


def require_move(state: PlanState, move: str) -> PlanState:
    """A plan is published, then drawn once (its draw is published as it is made); results
    are entered once it is drawn."""
    allowed, to = MOVES[move]
    if state not in allowed:
        raise Conflict(
            "抽查计划当前状态不允许此操作",
            f"the plan is {state.value}: it cannot be {PAST[move]}",
            field="state",
            code="invalid_plan_state",
            state=state.value,
        )
    return to


def require_drawn(state: PlanState) -> None:
    if state is not PlanState.drawn:
        raise Conflict(
            "抽查计划尚未抽取",
            "the plan has not been drawn",
            field="state",
            code="invalid_plan_state",
            state=state.value,
        )


def require_lead(lead_department_id: int, department_id: int | None) -> None:
    """The lead department publishes and draws its plan (谁抽查、谁负责)."""
    if department_id != lead_department_id:
        raise Forbidden(
            "只有牵头部门可以发布和抽取本计划",
            "only the lead department publishes and draws the plan",
            code="not_lead_department",
        )


def require_member(member_ids: set[int], department_id: int | None) -> int:
    """Results come from a department of the plan, for its own part (谁检查、谁录入、谁公开)."""
    if department_id is None or department_id not in member_ids:
        raise Forbidden(
            "本部门不是该抽查计划的实施部门",
            "this department takes no part in the plan",
            code="not_plan_department",
        )
    return department_id


def require_decided_after_inspection(inspected_on: date, decided_on: date, today: date) -> None:
    if decided_on < inspected_on or decided_on > today:
        raise InvalidRequest(
            "检查结果作出日期应在检查实施日期之后、不晚于今天",
            "decided_on must be on or after inspected_on and not after today",
            field="decided_on",
            code="invalid_date",
        )
