"""The demo's use of the platform and its oversight (docs/oversight.md): the user departments
check listed subjects over the last three months through the real check, and feed back — one
promptly, one late, one never —, so that the use report has figures and a department is late;
then the last month's notices are sent as the monthly job sends them, naming the departments
that are late (its collection duties, its late 双公示 records, its overdue feedback)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from xinyong.checks.log import CheckLog
from xinyong.checks.service import CheckContext, give_feedback, prepare, run_check
from xinyong.checks.snapshot import SnapshotCache
from xinyong.core.auth import SYSTEM, Principal
from xinyong.core.clock import SHANGHAI, Clock, local_date
from xinyong.db import Database
from xinyong.models import ApiToken, Department, ListEntry, Role, Subject
from xinyong.oversight.monthly import run_monthly
from xinyong.records.service import CollectionContext
from xinyong.reports.dual_publicity import Month

# The days of a month the demo's user departments check on, and the keys a check names.
CHECK_DAYS = (3, 10, 17, 24)
KEYS_PER_CHECK = 4
SCENARIOS = ("administrative_licensing", "bidding", "government_procurement")
# How each user department feeds back, in the order of their codes: at once, late (after
# the 10 working days), never.
HABITS = ("prompt", "late", "never")


def _principal(dept: Department, token_id: int) -> Principal:
    """The department's system, by its demo token (as the API names a token's caller)."""
    return Principal(
        role=Role.user_department,
        token_id=token_id,
        department_id=dept.id,
        department_code=dept.code,
        department_kind=dept.kind,
        department_name=dept.name,
    )


def _check_times(today: date, now: datetime) -> list[datetime]:
    """The check days of the last three months (the one under way included), before now."""
    month = Month.of(today).previous().previous()
    out = []
    for _ in range(3):
        for day in CHECK_DAYS:
            at = datetime.combine(date(month.year, month.month, day), time(10), tzinfo=SHANGHAI)
            if at < now:
                out.append(at)
        month = month.next()
    return out


def oversee_demo(db: Database, ctx: CollectionContext, clock: Clock, *, seed: int) -> int:
    """Checks and feedback of the user departments, then the last month's notices. Returns
    how many notices were sent."""
    now = clock.now()
    rng = random.Random(seed)
    with db.transaction() as session:
        users = [
            (dept, token_id)
            for dept, token_id in session.execute(
                select(Department, func.min(ApiToken.id))
                .join(ApiToken, ApiToken.department_id == Department.id)
                .where(ApiToken.role == Role.user_department, ApiToken.revoked_at.is_(None))
                .group_by(Department.id)
                .order_by(Department.code)
            ).all()
        ]
        keys = [
            code
            for code in session.execute(
                select(Subject.credit_code)
                .join(ListEntry, ListEntry.subject_id == Subject.id)
                .where(ListEntry.kind == "black", Subject.credit_code.is_not(None))
                .order_by(Subject.id)
                .limit(40)
            ).scalars()
            if code
        ]
    if users and keys:
        _check_and_feed_back(db, ctx, users, keys, clock, rng)
    return run_monthly(db, now=now, actor=SYSTEM.actor)


def _check_and_feed_back(
    db: Database,
    ctx: CollectionContext,
    users: list[tuple[Department, int]],
    keys: list[str],
    clock: Clock,
    rng: random.Random,
) -> None:
    now = clock.now()
    checks = CheckContext(ctx.ids, db.cipher, SnapshotCache(), CheckLog(db), db.sessions)
    try:
        made: list[tuple[Principal, int, str, datetime, list[dict]]] = []
        for at in _check_times(local_date(now), now):
            for number, (dept, token_id) in enumerate(users):
                principal = _principal(dept, token_id)
                req = prepare(
                    checks,
                    scenario=rng.choice(SCENARIOS),
                    subjects=rng.sample(keys, min(KEYS_PER_CHECK, len(keys))),
                    purpose=f"{dept.name}业务办理 {at:%Y%m%d}",
                    now=at,
                    field=dept.kind,
                )
                with db.reading() as conn:
                    body = run_check(conn, checks, principal, req)
                made.append((principal, number, body["check_id"], at, body["results"]))
    finally:
        checks.log.close()
    for index, (principal, number, check_id, at, results) in enumerate(made):
        habit = HABITS[number % len(HABITS)]
        pairs = dict.fromkeys(
            (r["key"], m["measure"]) for r in results for m in r.get("measures", [])
        )
        items = [{"subject": key, "measure": code, "applied": True} for key, code in pairs]
        if not items or habit == "never":
            continue
        answered = at + timedelta(days=1 if habit == "prompt" else 20 + index % 5)
        if answered >= now:
            continue
        with db.transaction() as session:
            give_feedback(session, principal, int(check_id), items, cipher=db.cipher, now=answered)
