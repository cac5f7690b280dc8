"""Objections to an evaluation result (公共信用综合评价结果, Measures art. 31; issue 16 § 2):
the subject objects to its current grade, the platform reviews it as any objection
(objections/service.py: 10 working days), and a result found wrong is made again:

    review ──(decide: upheld)──► correction ──(the next incremental pass)──► closed

Upholding puts ``objection_upheld`` on the change feed; the daily jobs' incremental pass
(evaluation/incremental.py) re-evaluates the subject and closes the objection here with the
new result in its timeline (step ``re_evaluated``) and a decision document. There is no
provider to verify a result the platform made itself, and nothing to correct by hand: the
result is the model's on the archive as it stands."""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from xinyong.core.citations import cite
from xinyong.core.labels import GRADE_TITLES
from xinyong.errors import Conflict
from xinyong.evaluation import repository as grades
from xinyong.feeds.changes import EVALUATION, record_change
from xinyong.models import EvaluationGrade, Objection, ObjectionState, TargetType
from xinyong.objections.decision import issue_decision
from xinyong.objections.repository import (
    PROCEDURE,
    awaiting_re_evaluation,
    filed_step,
    latest_objection_to,
    open_evaluation_objection,
)
from xinyong.rights.deadlines import is_over
from xinyong.rights.step import Step
from xinyong.rights.steps import add_step
from xinyong.tasks.service import close_tasks


def _score(value: Decimal) -> str:
    return f"{value:.2f}"


def result_of(session: Session, grade: EvaluationGrade) -> dict[str, Any]:
    """A stored result as an objection's steps keep it: the grade, score, model and day."""
    model = grades.get_model(session, grade.model_id)
    name = f"{model.definition['name']}（第 {model.version} 版）" if model is not None else ""
    return {
        "run_id": str(grade.run_id),
        "grade": grade.grade.value,
        "score": _score(grade.score),
        "model": name,
        "evaluated_on": grade.as_of.isoformat(),
    }


def current_result(session: Session, subject_id: int) -> dict[str, Any]:
    """The subject's current result, which an objection ``evaluation: current`` targets;
    409 ``not_evaluated`` before the subject has one."""
    grade = grades.grade_of(session, subject_id)
    if grade is None:
        raise Conflict(
            "该主体尚无公共信用综合评价结果，不能对其提出异议",
            "the subject has no evaluation result to object to",
            field="target.evaluation",
            code="not_evaluated",
        )
    return result_of(session, grade)


def objected_result(session: Session, obj: Objection) -> dict[str, Any] | None:
    """The result the objection was filed against, as it stood then (its ``filed`` step)."""
    step = filed_step(session, obj)
    if step is None:
        return None
    result = step.detail.get("result")
    return result if isinstance(result, dict) else None


def result_about(session: Session, subject_id: int, run_id: int) -> dict[str, Any] | None:
    """The result made by run ``run_id`` that the subject objects (or objected) to, for a
    page: as its latest objection's ``filed`` step keeps it, or the current result when it
    is that run's; None when neither is there."""
    obj = latest_objection_to(session, subject_id, TargetType.evaluation, run_id)
    if obj is not None:
        return objected_result(session, obj)
    grade = grades.grade_of(session, subject_id)
    if grade is not None and grade.run_id == run_id:
        return result_of(session, grade)
    return None


def open_objection_id(session: Session, subject_id: int) -> int | None:
    """The subject's open objection to an evaluation result, if any (the form links to it)."""
    return open_evaluation_objection(session, subject_id)


def describe(session: Session, obj: Objection) -> str:
    """The target as a decision document names it."""
    result = objected_result(session, obj) or {}
    grade = GRADE_TITLES.get(result.get("grade", ""), "")
    return (
        f"公共信用综合评价结果（{result.get('model', '')}，评价日 "
        f"{result.get('evaluated_on', '')}，信用等级 {grade}，得分 {result.get('score', '')}）"
    )


def no_provider() -> Conflict:
    return Conflict(
        "公共信用综合评价结果由平台依评价模型作出，无需信息提供单位核实",
        "an evaluation result is the platform's own: there is no provider to verify it",
        code="not_referable",
    )


def no_correction() -> Conflict:
    return Conflict(
        "评价结果异议成立后，由每日任务按现有信用档案重新评价，无需人工更正",
        "an evaluation result found wrong is made again by the daily jobs, not corrected by hand",
        code="re_evaluation_pending",
    )


def upheld(session: Session, step: Step, obj: Objection) -> None:
    """The result is made again by the next incremental pass: a change on the feed says so."""
    record_change(
        session,
        at=step.now,
        topic=EVALUATION,
        event="objection_upheld",
        subject_id=obj.subject_id,
        detail={"objection_id": str(obj.id)},
    )


def close_re_evaluated(session: Session, step: Step, subject_ids: Collection[int]) -> int:
    """After the incremental pass graded ``subject_ids`` again: each of their objections to
    an evaluation result found right is closed with the new result in its timeline, and the
    decision document tells the subject (Measures art. 32). Returns how many."""
    closed = 0
    for obj in awaiting_re_evaluation(session, subject_ids):
        grade = grades.grade_of(session, obj.subject_id)
        if grade is None:  # not evaluated by the pass (no model applies): left for the next
            continue
        before = objected_result(session, obj) or {}
        after = result_of(session, grade)
        due = obj.correction_due_on
        obj.state = ObjectionState.closed
        obj.corrected_at = step.now
        obj.closed_at = step.now
        obj.correction = {"action": "re_evaluate", **after, "by": step.principal.actor}
        close_tasks(session, step, subject_id=obj.subject_id, procedure_id=obj.id)
        add_step(
            session,
            step,
            PROCEDURE,
            obj,
            "re_evaluated",
            grade=after["grade"],
            score=after["score"],
            model=after["model"],
            evaluated_on=after["evaluated_on"],
            previous_grade=before.get("grade"),
            previous_score=before.get("score"),
            grade_changed=before.get("grade") != after["grade"],
            late=due is not None and is_over(due, step.today),
        )
        issue_decision(
            session,
            step,
            obj,
            describe(session, obj),
            f"经审核成立：{obj.decision_reason}\n"
            f"决定：按现有信用档案重新评价，评价日 {after['evaluated_on']}，信用等级 "
            f"{GRADE_TITLES[after['grade']]}，得分 {after['score']}"
            f"（{cite('Measures art. 32')}）。\n"
            "如对重新评价的结果仍有异议，可另行提出异议。",
        )
        closed += 1
    return closed
