"""The task queue (issue 4 § deadlines as work): each department sees its own open steps with
their due dates, the authority sees every queue and the overdue counts, and the daily job
alerts each overdue step once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from fixtures.lists import ACME, World, make_world, org
from xinyong.core.auth import SYSTEM
from xinyong.jobs import run_jobs
from xinyong.models import AuditEntry, Change, Department, Subject
from xinyong.records.service import CollectionContext
from xinyong.rights.step import Step
from xinyong.tasks import service as tasks

DUE = date(2026, 6, 30)  # 10 working days after 2026-06-15 (端午节 2026-06-19 not counted)


@pytest.fixture
def w(client, db, clock) -> World:
    world = make_world(client, db, clock)
    world.basis(world.market, "administrative_penalty", org(ACME), "p-1")
    return world


def open_task(w: World, *, kind: str, department: str | None, due_on: date, procedure_id: int):  # type: ignore[no-untyped-def]
    with w.db.transaction() as session:
        subject_id = session.execute(
            select(Subject.id).where(Subject.credit_code == ACME)
        ).scalar_one()
        dept_id = (
            session.execute(select(Department.id).where(Department.code == department)).scalar_one()
            if department
            else None
        )
        step = Step(CollectionContext(w.db), SYSTEM, w.clock.now())
        tasks.open_task(
            session,
            step,
            subject_id=subject_id,
            kind=kind,
            procedure="objection",
            procedure_id=procedure_id,
            department_id=dept_id,
            title="审核异议申请",
            due_on=due_on,
        )
        return subject_id


def queue(w: World, caller, **params):  # type: ignore[no-untyped-def]
    answer = w.client.get("/api/v1/tasks", params=params, headers=caller.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_each_department_sees_its_own_queue_and_the_authority_every_one(w: World) -> None:
    open_task(w, kind=tasks.OBJECTION_REVIEW, department=None, due_on=DUE, procedure_id=1)
    open_task(w, kind=tasks.OBJECTION_VERIFICATION, department="amr", due_on=DUE, procedure_id=1)
    open_task(w, kind=tasks.REPAIR_OPINION, department="tax", due_on=DUE, procedure_id=2)
    mine = queue(w, w.market)
    assert [(t["kind"], t["department"]) for t in mine["tasks"]] == [
        ("objection_verification", "amr")
    ]
    assert queue(w, w.user)["total"] == 0
    everything = queue(w, w.authority)
    assert everything["total"] == 3
    assert queue(w, w.authority, department="tax")["tasks"][0]["kind"] == "repair_opinion"
    platform = queue(w, w.authority, department="platform")["tasks"]
    assert [(t["kind"], t["department"]) for t in platform] == [("objection_review", None)]
    assert queue(w, w.authority, kind="repair_opinion")["total"] == 1
    # A department's filter names only its own queue, whatever it asks for.
    assert queue(w, w.market, department="tax")["total"] == 1


def test_an_unknown_department_is_a_clear_error(w: World) -> None:
    answer = w.client.get(
        "/api/v1/tasks", params={"department": "nobody"}, headers=w.authority.headers
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "unknown_department"


def test_subjects_and_the_public_have_no_queue(w: World) -> None:
    assert w.client.get("/api/v1/tasks").status_code == 401
    assert w.client.get("/api/v1/tasks/overdue", headers=w.market.headers).status_code == 403


@pytest.mark.parametrize(("offset", "overdue"), [(-1, False), (0, False), (1, True)])
def test_a_step_is_overdue_only_after_its_due_day(w: World, offset: int, overdue: bool) -> None:
    open_task(w, kind=tasks.OBJECTION_REVIEW, department=None, due_on=DUE, procedure_id=1)
    w.clock.set(w.clock.now() + (DUE - w.clock.now().date()) + timedelta(days=offset))
    listed = queue(w, w.authority)["tasks"][0]
    assert listed["due_on"] == DUE.isoformat()
    assert listed["overdue"] is overdue
    assert queue(w, w.authority, overdue=True)["total"] == (1 if overdue else 0)
    assert queue(w, w.authority, overdue=False)["total"] == (0 if overdue else 1)


def test_the_authority_sees_overdue_counts_per_department(w: World) -> None:
    open_task(w, kind=tasks.OBJECTION_VERIFICATION, department="amr", due_on=DUE, procedure_id=1)
    open_task(
        w, kind=tasks.REPAIR_OPINION, department="amr", due_on=DUE + timedelta(30), procedure_id=2
    )
    open_task(w, kind=tasks.OBJECTION_REVIEW, department=None, due_on=DUE, procedure_id=3)
    w.clock.advance(days=(DUE - w.clock.now().date()).days + 1)
    counts = w.client.get("/api/v1/tasks/overdue", headers=w.authority.headers).json()
    assert counts == [
        {"department": "amr", "department_name": "测试market_regulation", "open": 2, "overdue": 1},
        {"department": None, "department_name": "公共信用信息工作机构", "open": 1, "overdue": 1},
    ]


def test_the_daily_job_alerts_each_overdue_step_once(w: World) -> None:
    subject_id = open_task(
        w, kind=tasks.OBJECTION_VERIFICATION, department="amr", due_on=DUE, procedure_id=1
    )
    ctx = CollectionContext(w.db)
    w.clock.advance(days=(DUE - w.clock.now().date()).days)
    assert run_jobs(w.db, w.clock, ctx)["overdue_alerts"] == 0  # the due day itself
    w.clock.advance(days=1)
    assert run_jobs(w.db, w.clock, ctx)["overdue_alerts"] == 1
    assert run_jobs(w.db, w.clock, ctx)["overdue_alerts"] == 0  # never twice
    assert queue(w, w.market)["tasks"][0]["alerted_at"] is not None
    with w.db.transaction() as session:
        alerts = session.execute(select(Change).where(Change.topic == "task")).scalars().all()
        assert [(c.event, c.subject_id, c.detail["kind"]) for c in alerts] == [
            ("overdue", subject_id, "objection_verification")
        ]
        assert session.execute(
            select(AuditEntry.action).where(AuditEntry.action == "task.overdue")
        ).scalars().all() == ["task.overdue"]


def test_a_closed_step_is_neither_open_nor_alerted(w: World) -> None:
    subject_id = open_task(
        w, kind=tasks.OBJECTION_REVIEW, department=None, due_on=DUE, procedure_id=7
    )
    with w.db.transaction() as session:
        step = Step(CollectionContext(w.db), SYSTEM, w.clock.now())
        assert tasks.close_tasks(session, step, subject_id=subject_id, procedure_id=7) == 1
    w.clock.advance(days=30)
    assert queue(w, w.authority)["total"] == 0
    closed = queue(w, w.authority, state="closed")["tasks"]
    assert closed[0]["closed_at"] is not None and closed[0]["overdue"] is False
    assert run_jobs(w.db, w.clock, CollectionContext(w.db))["overdue_alerts"] == 0


def test_a_step_opened_and_closed_in_one_transaction_is_closed(w: World) -> None:
    # A procedure may take two steps in one transaction (the demo does; so may a batch).
    with w.db.transaction() as session:
        subject_id = session.execute(
            select(Subject.id).where(Subject.credit_code == ACME)
        ).scalar_one()
        step = Step(CollectionContext(w.db), SYSTEM, w.clock.now())
        tasks.open_task(
            session,
            step,
            subject_id=subject_id,
            kind=tasks.OBJECTION_REVIEW,
            procedure="objection",
            procedure_id=8,
            department_id=None,
            title="审核异议申请",
            due_on=DUE,
        )
        assert tasks.close_tasks(session, step, subject_id=subject_id, procedure_id=8) == 1
    assert queue(w, w.authority)["total"] == 0
