"""Demo credit commitments, made through the real procedures (commitments/service), so that the
consoles, the portal's 信用承诺专栏 and the archives have commitments of every type and state:
signed online over the last twenty months, accepted by their department the next working day,
and — where the verification period is over — found fulfilled, or now and then breached or
false (with the breach record, and for a 告知承诺 the revocation recorded). 容缺受理 goes to
eligible subjects only, as it would for real; a refusal just skips that subject."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.commitments import service
from xinyong.commitments.items import items_out
from xinyong.commitments.schemas import (
    CommitmentIn,
    CommitmentItemOut,
    DocumentsIn,
    FulfilmentIn,
    Outcome,
    RevocationIn,
)
from xinyong.core.auth import Principal
from xinyong.core.calendar import Calendar, calendar_for
from xinyong.core.clock import Clock, start_of_day
from xinyong.db import Database
from xinyong.errors import XinyongError
from xinyong.models import Department, Role, Subject, SubjectKind
from xinyong.records.service import CollectionContext
from xinyong.rights.step import Step

# How far back the demo's commitments were signed, and how recently at the latest.
EARLIEST_DAYS_AGO = 600
LATEST_DAYS_AGO = 2
# The share of determined commitments found breached, and (告知承诺 only) false.
BREACHED_SHARE = 0.10
FALSE_SHARE = 0.05


def commit_demo(
    db: Database, ctx: CollectionContext, clock: Clock, *, per_item: int, seed: int
) -> int:
    """Up to ``per_item`` commitments of every published item by organisations, through the
    service as subjects and departments would make them. Returns how many were signed."""
    rng = random.Random(seed)
    today = clock.today()
    with db.transaction() as session:
        items = [i for i in items_out(session) if "legal_person" in i.subject_kinds]
        departments = {
            kind: list(rows)
            for kind in {i.sector for i in items}
            if (rows := service.accepting_departments(session, kind))
        }
        organisations = list(
            session.execute(
                select(Subject.id)
                .where(Subject.kind == SubjectKind.legal_person, Subject.credit_code.is_not(None))
                .order_by(Subject.id)
                .limit(per_item * 40)
            ).all()
        )
        calendar = calendar_for(session)
    if not organisations:
        return 0
    signed = 0
    for item in items:
        accepting = departments.get(item.sector)
        if not accepting:
            continue
        for (subject_id,) in rng.sample(organisations, min(per_item, len(organisations))):
            dept = rng.choice(accepting)
            # the first working day on or after a day of the period
            signed_on = calendar.add_working_days(
                today - timedelta(days=rng.randint(LATEST_DAYS_AGO, EARLIEST_DAYS_AGO) + 1), 1
            )
            if signed_on >= today:
                continue
            try:
                with db.transaction() as session:
                    _one(session, ctx, rng, calendar, item, dept, subject_id, signed_on, today)
            except XinyongError:
                continue  # refused as it would be for real (eligibility, a pending one)
            signed += 1
    return signed


def _at(day: date, rng: random.Random) -> datetime:
    """A moment of office hours on ``day``, Asia/Shanghai."""
    return start_of_day(day) + timedelta(hours=9 + rng.randint(0, 7), minutes=rng.randint(0, 59))


def _one(
    session: Session,
    ctx: CollectionContext,
    rng: random.Random,
    calendar: Calendar,
    item: CommitmentItemOut,
    dept: Department,
    subject_id: int,
    signed_on: date,
    today: date,
) -> None:
    subject = Principal(role=Role.subject, subject_id=subject_id, name="demo")
    department = Principal(
        role=Role.provider,
        department_id=dept.id,
        department_code=dept.code,
        department_kind=dept.kind,
        name="demo",
    )
    missing = ["法定代表人身份证明", "住所使用证明"] if item.type == "missing_documents" else None
    reference = f"{dept.code}-{signed_on:%Y%m%d}-{rng.randint(1000, 9999)}"
    c = service.sign(
        session,
        Step(ctx, subject, _at(signed_on, rng)),
        CommitmentIn(
            item=item.code,
            template_version=item.template_version,
            department=dept.code,
            reference=reference,
            confirmed=True,
            missing_documents=missing,
        ),
    )
    session.flush()
    accepted_on = calendar.add_working_days(signed_on, 1)
    if accepted_on >= today:
        return  # waits for its department
    service.accept(session, Step(ctx, department, _at(accepted_on, rng)), c.id)
    if c.due_on is None or c.due_on >= today:
        return  # still within its period (voluntary and self-discipline ones have none)
    draw = rng.random()
    outcome: Outcome
    if item.type == "approval_substitute" and draw < FALSE_SHARE:
        outcome = "false"
    elif draw < FALSE_SHARE + BREACHED_SHARE:
        outcome = "breached"
    else:
        outcome = "fulfilled"
    if outcome == "fulfilled" and missing:
        service.supply_documents(
            session,
            Step(ctx, department, _at(c.due_on - timedelta(days=rng.randint(0, 5)), rng)),
            c.id,
            DocumentsIn(documents=missing, note="材料已补齐"),
        )
        return
    decided_on = calendar.add_working_days(c.due_on, 1) if outcome == "breached" else c.due_on
    if decided_on >= today:
        return
    number = c.id % 100000
    notes = {
        "fulfilled": "经核查，承诺事项已履行",
        "breached": "承诺期限届满未履行承诺事项",
        "false": "经核查，承诺内容与实际情况不符",
    }
    service.fulfil(
        session,
        Step(ctx, department, _at(decided_on, rng)),
        c.id,
        FulfilmentIn(
            outcome=outcome,
            note=notes[outcome],
            decision_number=None if outcome == "fulfilled" else f"{dept.name}认〔{number}〕号",
        ),
    )
    revoked_on = calendar.add_working_days(decided_on, 5)
    if item.type == "approval_substitute" and outcome != "fulfilled" and revoked_on < today:
        service.record_revocation(
            session,
            Step(ctx, department, _at(revoked_on, rng)),
            c.id,
            RevocationIn(decision_number=f"{dept.name}撤〔{number}〕号", note="撤销许可"),
        )
