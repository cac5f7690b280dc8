"""The pure rules of tasks, of a task and an explicit ``today``. tasks/service.py states the
same condition in SQL for its queries (``_overdue``)."""

from __future__ import annotations

from datetime import date

from xinyong.models import Task


def is_overdue(task: Task, today: date) -> bool:
    """An open task whose due date has passed: its ``due_on`` is the last day of the period
    (core/calendar), so it is overdue from the next day on (Measures art. 32: 应在10个工作日内
    完成; art. 37: 未按照规定处理异议申请的 … 责令整改)."""
    return task.closed_at is None and task.due_on < today
