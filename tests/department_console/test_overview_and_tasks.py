"""The overview and the task queue: open steps soonest due first, overdue ones highlighted."""

from __future__ import annotations

import re
from datetime import date

from department_pages import log_in, open_task_for

from fixtures.lists import ACME, World
from xinyong.models import Role


def _row_of(page: str, text: str) -> str:
    rows = [r for r in re.findall(r"<tr[^>]*>.*?</tr>", page, flags=re.S) if text in r]
    assert rows, f"no row with {text}"
    return rows[0]


def test_the_overview_and_the_queue_highlight_an_overdue_task(
    client, db, clock, world: World
) -> None:  # type: ignore[no-untyped-def]
    today = clock.now().date()  # 2026-06-15
    open_task_for(
        db,
        clock,
        department="amr",
        subject_key=ACME,
        title="核实异议：逾期的那件",
        due_on=date(2026, 6, 10),
    )
    open_task_for(
        db,
        clock,
        department="amr",
        subject_key=ACME,
        title="核实异议：还来得及的那件",
        due_on=date(2026, 6, 19),
        kind="repair_opinion",
        procedure="repair",
    )
    open_task_for(  # another department's: never on this queue
        db, clock, department="tax", subject_key=ACME, title="税务的任务", due_on=today
    )
    log_in(client, db, clock, role=Role.provider, department="amr")

    overview = client.get("/department")
    assert overview.status_code == 200
    text = overview.text
    assert "部门工作台" in text and "测试market_regulation" in text
    late = _row_of(text, "逾期的那件")
    assert 'class="overdue"' in late and "逾期 5 天" in late
    assert 'class="overdue"' not in _row_of(text, "还来得及的那件")
    assert text.index("逾期的那件") < text.index("还来得及的那件")  # soonest due first
    assert "税务的任务" not in text
    assert 'href="/department/objections/' in late  # each task opens its procedure

    queue = client.get("/department/tasks")
    assert queue.status_code == 200
    assert "共 2 项" in queue.text
    assert 'class="badge overdue"' in _row_of(queue.text, "逾期的那件")
    assert "/department/repairs/" in _row_of(queue.text, "还来得及的那件")

    only_late = client.get("/department/tasks", params={"overdue": "yes"})
    assert "逾期的那件" in only_late.text and "还来得及的那件" not in only_late.text
    by_kind = client.get("/department/tasks", params={"kind": "repair_opinion"})
    assert "还来得及的那件" in by_kind.text and "逾期的那件" not in by_kind.text
    closed = client.get("/department/tasks", params={"state": "closed"})
    assert "共 0 项" in closed.text
    # Filters never fail: nonsense is ignored.
    odd = client.get("/department/tasks", params={"kind": "' OR 1=1", "page": "x", "state": "%"})
    assert odd.status_code == 200 and "共 2 项" in odd.text


def test_a_user_department_sees_its_own_empty_queue(client, db, clock, world: World) -> None:  # type: ignore[no-untyped-def]
    open_task_for(
        db,
        clock,
        department="amr",
        subject_key=ACME,
        title="市场监管的任务",
        due_on=date(2026, 6, 10),
    )
    log_in(client, db, clock, role=Role.user_department, department="finance")
    overview = client.get("/department")
    assert overview.status_code == 200
    assert "没有待办任务" in overview.text and "市场监管的任务" not in overview.text
    assert "最近报送批次" not in overview.text  # a user department sends no batches
