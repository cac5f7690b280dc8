"""Demo self-declarations (自主申报), made through the real procedure (declarations/service):
organisations declaring a licence the platform's licensing records confirm (verified by the
platform at once), and honours it cannot judge — on the competent department's queue, the
older ones verified or rejected there. So the consoles' queues, the archives' 自主申报 section
and the portal's pages have declarations of each kind and state."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core.auth import Principal
from xinyong.core.calendar import calendar_for
from xinyong.core.clock import Clock, start_of_day
from xinyong.db import Database
from xinyong.declarations import service
from xinyong.declarations.schemas import COMMITMENT_VERSION, DeclarationIn, VerificationIn
from xinyong.errors import XinyongError
from xinyong.models import Department, Record, Role, Standing
from xinyong.records.service import CollectionContext
from xinyong.rights.step import Step

# A one-page PDF: the declarations' attachments are checked by their content.
SCAN = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
HONOURS = [
    ("守合同重信用企业", "江苏省市场监督管理局"),
    ("安全生产标准化先进单位", "江苏省应急管理厅"),
    ("纳税信用A级纳税人", "国家税务总局江苏省税务局"),
    ("优秀民营企业", "江苏省工商业联合会"),
]
EARLIEST_DAYS_AGO = 300
# Declarations on a department's queue for longer than this were verified (or rejected) there.
DECIDED_AFTER_DAYS = 20


def declare_demo(
    db: Database, ctx: CollectionContext, clock: Clock, *, count: int, seed: int
) -> int:
    """Up to ``count`` licences declared by organisations that hold them, and as many honours.
    Returns how many declarations were made."""
    rng = random.Random(seed)
    today = clock.today()
    with db.transaction() as session:
        holders = _licence_holders(session, today, count)
    made = 0
    for subject_id, legal_representative, licence in holders:
        declared_on = today - timedelta(days=rng.randint(1, EARLIEST_DAYS_AGO))
        fields = {
            "licence_name": licence.get("certificate_name") or licence.get("decision_name"),
            "licence_number": licence["licence_number"],
            "issuing_authority": licence.get("licensing_authority") or "行政许可机关",
            "valid_from": licence["valid_from"],
            "valid_to": licence.get("valid_to"),
        }
        made += _declare(
            db,
            ctx,
            rng,
            subject_id,
            legal_representative,
            declared_on,
            today,
            "qualification",
            fields,
        )
        title, body = rng.choice(HONOURS)
        declared_on = today - timedelta(days=rng.randint(1, EARLIEST_DAYS_AGO))
        awarded = declared_on - timedelta(days=rng.randint(30, 400))
        honour = {"title": title, "awarding_body": body, "awarded_on": awarded.isoformat()}
        made += _declare(
            db, ctx, rng, subject_id, legal_representative, declared_on, today, "honour", honour
        )
    return made


def _licence_holders(session: Session, today: date, count: int) -> list[tuple[int, str, dict]]:
    """Organisations with a licence in force (正常) and a registered legal representative: the
    subject, that name, the licence record's fields."""
    licences = session.execute(
        select(Record.subject_id, Record.fields)
        .where(
            Record.item_code == "administrative_licensing",
            Record.standing == Standing.active,
            (Record.expires_on.is_(None)) | (Record.expires_on > today),
        )
        .order_by(Record.subject_id, Record.id)
        .limit(count * 20)
    ).all()
    holders: list[tuple[int, str, dict]] = []
    seen: set[int] = set()
    for subject_id, fields in licences:
        if subject_id in seen or fields.get("current_status") != "正常":
            continue
        if not fields.get("licence_number") or not fields.get("valid_from"):
            continue
        registered = session.execute(
            select(Record.fields)
            .where(
                Record.subject_id == subject_id,
                Record.item_code == "org_registration",
                Record.standing == Standing.active,
            )
            .order_by(Record.id.desc())
            .limit(1)
        ).scalar()
        name = (registered or {}).get("legal_representative_name")
        if not name:
            continue
        seen.add(subject_id)
        holders.append((subject_id, str(name), fields))
        if len(holders) >= count:
            break
    return holders


def _declare(
    db: Database,
    ctx: CollectionContext,
    rng: random.Random,
    subject_id: int,
    legal_representative: str,
    declared_on: date,
    today: date,
    category: str,
    fields: dict,
) -> int:
    """One declaration, and for one left to a department long enough, its verification."""
    at = start_of_day(declared_on) + timedelta(hours=9 + rng.randint(0, 8))
    subject = Principal(role=Role.subject, subject_id=subject_id, name="demo")
    body = DeclarationIn(
        category=category,
        fields={k: v for k, v in fields.items() if v is not None},
        legal_representative=legal_representative,
        commitment_version=COMMITMENT_VERSION,
        confirmed=True,
    )
    try:
        with db.transaction() as session:
            d = service.declare(
                session,
                Step(ctx, subject, at),
                body,
                [service.Attachment("证明材料.pdf", "application/pdf", SCAN)],
            )
            session.flush()
            decided = declared_on + timedelta(days=DECIDED_AFTER_DAYS)
            if d.state.value != "pending" or decided >= today:
                return 1
            # the first working day from then on
            decided = calendar_for(session).add_working_days(decided - timedelta(days=1), 1)
            verifier = _verifier(session, d.department_id)
            rejected = rng.random() < 0.2
            service.verify(
                session,
                Step(ctx, verifier, start_of_day(decided) + timedelta(hours=10)),
                d.id,
                VerificationIn(
                    outcome="rejected" if rejected else "verified",
                    reason="未能提供授予文件" if rejected else "经核验属实",
                ),
            )
    except XinyongError:
        return 0  # refused as it would be for real
    return 1


def _verifier(session: Session, department_id: int | None) -> Principal:
    """The competent department a declaration was routed to, or the authority's own queue."""
    if department_id is None:
        return Principal(role=Role.authority, name="demo")
    dept = session.get_one(Department, department_id)
    return Principal(
        role=Role.provider,
        department_id=dept.id,
        department_code=dept.code,
        department_kind=dept.kind,
        name="demo",
    )
