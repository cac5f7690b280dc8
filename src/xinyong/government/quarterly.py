"""The quarterly query of failing government bodies (004 §5: 持续开展政府机构失信问题治理，按季度
查询政府机构失信情况，及时清理政府失信案件，严防新增政府失信案件).

Each quarter the platform lists the bodies with 政务失信 records decided up to the quarter's
end and their cases not yet cleared, and the civil servants with such records. The list goes
to each body's superior (the department whose credit code the body's profile names) and, for
the persons responsible, to the discipline and personnel departments (002 §（十二）: 对造成政务
失信行为的主要负责人依法依规追究责任; 003 政务诚信 二（五））. 容错纠错 cases are not on it."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core.auth import SYSTEM
from xinyong.core.citations import cite
from xinyong.core.clock import local_date
from xinyong.core.identifiers import division_name
from xinyong.core.labels import BODY_KINDS, CASE_STATES
from xinyong.core.locks import advisory_xact_lock
from xinyong.db import Database
from xinyong.errors import Conflict, InvalidRequest
from xinyong.government import rules
from xinyong.government.schemas import (
    QuarterBodyOut,
    QuarterCaseOut,
    QuarterlyListOut,
    RecipientOut,
)
from xinyong.models import (
    Department,
    GovernmentFailureCase,
    Notice,
    Record,
    Standing,
    Subject,
    SubjectKind,
)
from xinyong.notices.render import LETTERHEAD
from xinyong.notices.repository import notice_of_period
from xinyong.notices.service import send
from xinyong.records.service import CollectionContext
from xinyong.rights.step import Step

PROFILE_ITEM = "government_body_profile"
# Who follows up the persons responsible (002 §（十二）; 003 政务诚信 二（五））.
ACCOUNTABILITY_SECTORS = {
    "discipline_inspection": "追究相关责任人责任（纪检监察）",
    "organisation_personnel": "追究相关责任人责任（组织人事）",
}


def parse_quarter(text: str) -> tuple[int, int]:
    found = re.fullmatch(r"(\d{4})-?Q([1-4])", (text or "").strip().upper())
    if not found or not 2000 <= int(found[1]) <= 2100:
        raise InvalidRequest(
            "季度格式应为 YYYY-Qn，如 2026-Q4",
            "a quarter is YYYY-Qn, e.g. 2026-Q4",
            field="quarter",
            code="invalid_quarter",
        )
    return int(found[1]), int(found[2])


def profiles_of(session: Session, subject_ids: list[int]) -> dict[int, dict]:
    """Each body's newest profile record in force (its level and superior)."""
    out: dict[int, dict] = {}
    if not subject_ids:
        return out
    rows = session.execute(
        select(Record.subject_id, Record.fields)
        .where(
            Record.subject_id.in_(subject_ids),
            Record.item_code == PROFILE_ITEM,
            Record.standing == Standing.active,
        )
        .order_by(Record.subject_id, Record.received_at, Record.id)
    )
    for sid, fields in rows:
        out[sid] = fields or {}  # the newest last
    return out


def quarterly_list(session: Session, year: int, quarter: int, *, today: date) -> QuarterlyListOut:
    first, last = rules.quarter_bounds(year, quarter)
    cases = list(
        session.execute(
            select(GovernmentFailureCase)
            .where(
                GovernmentFailureCase.state.in_(rules.COUNTED),
                GovernmentFailureCase.decided_on <= last,
            )
            .order_by(GovernmentFailureCase.decided_on, GovernmentFailureCase.id)
        ).scalars()
    )
    by_subject: dict[int, list[GovernmentFailureCase]] = defaultdict(list)
    for case in cases:
        by_subject[case.subject_id].append(case)
    subjects = {
        s.id: s
        for s in session.execute(select(Subject).where(Subject.id.in_(list(by_subject)))).scalars()
    }
    profiles = profiles_of(session, list(by_subject))
    bodies: list[QuarterBodyOut] = []
    persons: list[QuarterBodyOut] = []
    for sid, own in by_subject.items():
        subject = subjects.get(sid)
        if subject is None:
            continue
        uncleared = [c for c in own if c.state in rules.UNCLEARED]
        in_quarter = [c for c in own if first <= c.decided_on <= last]
        if not uncleared and not in_quarter:
            continue  # cleared long ago, nothing new: off the list
        profile = profiles.get(sid, {})
        region = own[-1].region_code
        row = QuarterBodyOut(
            subject_id=str(sid),
            credit_code=subject.credit_code,
            id_number=subject.id_masked,
            name=subject.name,
            kind=BODY_KINDS.get(rules.body_kind(subject.credit_code) or "", "公务员")
            if subject.kind is not SubjectKind.natural_person
            else "公务员",
            region_code=region,
            region_name=division_name(region) or region,
            superior_name=profile.get("superior_name"),
            superior_credit_code=profile.get("superior_credit_code"),
            records_in_quarter=len(in_quarter),
            records_total=len(own),
            uncleared=[
                QuarterCaseOut(
                    id=str(c.id),
                    failure_kind=c.failure_kind,
                    decided_on=c.decided_on,
                    state=c.state.value,
                    state_name=CASE_STATES[c.state.value],
                    overdue=rules.overdue(
                        c.state, c.explained_at is not None, c.explain_by, c.rectify_by, today
                    )
                    is not None,
                    amount_owed=c.amount_owed,
                    amount_paid=c.amount_paid,
                )
                for c in uncleared
            ],
        )
        (persons if subject.kind is SubjectKind.natural_person else bodies).append(row)
    bodies.sort(key=lambda b: (-len(b.uncleared), b.region_code, b.name))
    persons.sort(key=lambda b: (b.region_code, b.name))
    return QuarterlyListOut(
        quarter=f"{year}-Q{quarter}",
        first_day=first,
        last_day=last,
        basis=f"{cite('004 §5')}；{cite('003 政务诚信 §二（五）')}；{cite('002 §（十二）')}",
        bodies=bodies,
        persons=persons,
        recipients=recipients(session, bodies, persons),
    )


def recipients(
    session: Session, bodies: list[QuarterBodyOut], persons: list[QuarterBodyOut]
) -> list[RecipientOut]:
    """Each listed body's superior department (by the credit code its profile names), and the
    discipline and personnel departments of the province and of the listed regions' cities."""
    out: dict[str, RecipientOut] = {}
    superiors = {b.superior_credit_code for b in bodies if b.superior_credit_code}
    if superiors:
        for d in session.execute(
            select(Department).where(Department.credit_code.in_(superiors))
        ).scalars():
            out[d.code] = RecipientOut(
                department=d.code, department_name=d.name, why="上级主管机关"
            )
    listed = bodies + persons
    if listed:
        regions = {b.region_code for b in listed}
        wanted = {r[:2] + "0000" for r in regions} | {rules.city_of(r) for r in regions} | regions
        for d in session.execute(
            select(Department)
            .where(
                Department.kind.in_(list(ACCOUNTABILITY_SECTORS)),
                Department.region_code.in_(wanted),
            )
            .order_by(Department.code)
        ).scalars():
            out.setdefault(
                d.code,
                RecipientOut(
                    department=d.code, department_name=d.name, why=ACCOUNTABILITY_SECTORS[d.kind]
                ),
            )
    return sorted(out.values(), key=lambda r: r.department)


# --- the quarterly notice ---------------------------------------------------------------------

NOTICE_KIND = "government_failures_quarterly"
JOB_LOCK = "job:government_quarterly"
TEMPLATES = Path(__file__).parent / "templates"


@cache
def _templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader([TEMPLATES, LETTERHEAD]),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cite"] = cite
    return env


def notice_html(listed: QuarterlyListOut, *, generated_at: datetime) -> str:
    """The quarterly notice (通报) as a self-contained HTML document, citing by title."""
    year, quarter = parse_quarter(listed.quarter)
    return (
        _templates()
        .get_template("quarterly_notice.html")
        .render(
            title=f"{year}年第{quarter}季度政务失信情况通报",
            listed=listed,
            quarter_number=quarter,
            generated=f"{local_date(generated_at):%Y年%m月%d日}",
        )
    )


def send_notice(session: Session, step: Step, year: int, quarter: int) -> Notice:
    """The quarter's list as a notice to its recipients, who acknowledge it (notices/). Once
    the quarter is over (409 ``quarter_not_closed`` before), once per quarter (409
    ``notice_exists`` for a second)."""
    _first, last = rules.quarter_bounds(year, quarter)
    if step.today <= last:
        raise Conflict(
            f"{year}年第{quarter}季度尚未结束",
            f"{year}-Q{quarter} is not over",
            field="quarter",
            code="quarter_not_closed",
        )
    listed = quarterly_list(session, year, quarter, today=step.today)
    codes = [r.department for r in listed.recipients]
    ids = list(session.execute(select(Department.id).where(Department.code.in_(codes))).scalars())
    return send(
        session,
        kind=NOTICE_KIND,
        title=f"{year}年第{quarter}季度政务失信情况通报",
        body_html=notice_html(listed, generated_at=step.now),
        departments=ids,
        actor=step.principal.actor,
        now=step.now,
        period=listed.quarter,
        basis=listed.basis,
    )


def run_quarterly(db: Database, ctx: CollectionContext, *, now: datetime) -> int:
    """The scheduled job: once a quarter is over, its notice — when any body or civil servant
    is on its list — under the job's lock, once whatever the number of processes. Returns 1
    when it sent one."""
    today = local_date(now)
    year, quarter = (today.year, (today.month - 1) // 3) if today.month > 3 else (today.year - 1, 4)
    with db.transaction() as session:
        advisory_xact_lock(session, JOB_LOCK)
        if notice_of_period(session, NOTICE_KIND, f"{year}-Q{quarter}") is not None:
            return 0
        listed = quarterly_list(session, year, quarter, today=today)
        if not listed.bodies and not listed.persons:
            return 0
        send_notice(session, Step(ctx, SYSTEM, now), year, quarter)
        return 1
