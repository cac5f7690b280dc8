"""The check's pure rules: what a department must say when it checks, what counts on a day,
which measures reach a subject, the one decision, and what feedback must say. Functions of
their inputs and an explicit ``today``; service.py, snapshot.py and fast.py decide from here.

- 000 §（十六）逢办必查 and 003 联合奖惩 §（十八）: checks are embedded in business procedures,
  compared automatically and answered by prompt or intercept (自动比对、自动提示、自动拦截).
- 004 §14: every query is recorded — who, for what purpose (保存信息查询记录).
- Measures art. 29: a measure on an organisation reaches its legal representative and the
  persons responsible; 003 联合奖惩 §（十一）: and the directly responsible persons.
- Measures art. 30, 003 联合奖惩 §（十七）: an entry counts for its period only.
- 003 联合奖惩 §（二十一）: the closed loop ends in feedback of what was applied.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from xinyong.core.nul import NUL, nul_refused
from xinyong.errors import Forbidden, InvalidRequest
from xinyong.measures.schemas import DECISION_ORDER, SCENARIOS, MeasureSpec

# Subjects in one check: a procurement's or a licensing round's bidders, with room to spare.
MAX_SUBJECTS = 10_000
# The purpose is logged with the check (checks.purpose, VARCHAR(200)).
PURPOSE_LENGTH = 200
CLEAR = "clear"


def require_scenario(value: Any) -> str:
    """A check is made inside one of the business scenarios the measures list names
    (000 §（十六））: the measures that act there are the ones answered."""
    if not isinstance(value, str) or value not in SCENARIOS:
        raise InvalidRequest(
            f"未知的业务场景：{value}",
            f"unknown scenario {value!r}; one of {sorted(SCENARIOS)}",
            field="scenario",
            code="unknown_scenario",
        )
    return value


def require_purpose(value: Any) -> str:
    """Every query states its purpose, kept with who asked and when (004 §14): some text
    beyond blanks, stored trimmed and cut to its column."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequest(
            "请说明查询用途", "purpose is required", field="purpose", code="missing_purpose"
        )
    if NUL in value:  # logged with the check: PostgreSQL holds no NUL (core/nul.py)
        raise nul_refused("purpose")
    return value.strip()[:PURPOSE_LENGTH]


def require_subjects(value: Any) -> list[Any]:
    """One subject at least, ``MAX_SUBJECTS`` at most (each key is validated on its own)."""
    if not isinstance(value, list) or not value:
        raise InvalidRequest(
            "subjects 应为非空列表",
            "subjects must be a non-empty list",
            field="subjects",
            code="invalid_request",
        )
    if len(value) > MAX_SUBJECTS:
        raise InvalidRequest(
            f"一次最多查 {MAX_SUBJECTS} 个主体",
            f"at most {MAX_SUBJECTS} subjects per check",
            field="subjects",
            code="too_many_subjects",
            status=413,
        )
    return value


def in_force(listed_until: date | None, today: date) -> bool:
    """A listed entry counts up to the day before ``listed_until``: from that day on it is no
    basis for any measure, before the daily job has marked its exit (Measures art. 30;
    003 联合奖惩 §（十七））. Without an end it counts until it exits."""
    return listed_until is None or listed_until > today


def monitored(until: date, today: date) -> bool:
    """After leaving a black list the subject stays under monitoring (重点监测, 003 联合奖惩
    §（十七））up to the day before ``until``: the check shows it, but it reaches no measure."""
    return until > today


def reaches(spec: MeasureSpec, list_code: str, kind: str, target: str) -> bool:
    """Whether a measure follows from an entry of this list (named, or by its kind) and
    reaches this target: the subject itself (``subject``), or a person by the role it holds
    in the listed organisation (Measures art. 29; 003 联合奖惩 §（十一））."""
    return (list_code in spec.trigger_lists or kind in spec.trigger_kinds) and (
        target in spec.targets
    )


def stronger(action: str, than: str | None) -> bool:
    """Intercept over prompt over facilitate: of one measure reached through several entries,
    the strongest action is the one logged."""
    return than is None or DECISION_ORDER.index(action) < DECISION_ORDER.index(than)


def decision(actions: Iterable[str]) -> str:
    """A subject's one decision: the strongest action of the measures that reach it in the
    scenario, or ``clear`` when none does (not found, not listed, or no measure there)."""
    taken = set(actions)
    return next((a for a in DECISION_ORDER if a in taken), CLEAR)


def require_own_check(check_department_id: int | None, department_id: int | None) -> None:
    """Feedback comes from the department that checked, on its own procedure
    (003 联合奖惩 §（二十一）: the implementing department reports what it did)."""
    if check_department_id != department_id:
        raise Forbidden(
            "只能反馈本部门的查询",
            "feedback is given on the department's own checks",
            code="not_your_check",
        )


def require_feedback(applied: Any, reason: Any, index: int) -> tuple[bool, str | None]:
    """One item of feedback: applied or not, and why not when not (003 联合奖惩 §（二十一））.
    The reason is kept trimmed."""
    if not isinstance(applied, bool):
        raise InvalidRequest(
            "applied 应为 true 或 false",
            "applied must be a boolean",
            field=f"items[{index}].applied",
            code="invalid_request",
        )
    if not applied and not (isinstance(reason, str) and reason.strip()):
        raise InvalidRequest(
            "未实施措施应说明原因",
            "say why the measure was not applied",
            field=f"items[{index}].reason",
            code="missing_reason",
        )
    return applied, reason.strip() if isinstance(reason, str) else None
