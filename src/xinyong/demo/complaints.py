"""Demo complaints (失信举报), made through the real procedure (complaints/service): an anonymous
one just filed, awaiting acceptance; a named one accepted and being handled; and one found
substantiated, with the market regulator's penalty record pushed and linked. So the consoles'
queues, the authority's counts and the portal's receipt page have a complaint of each kind.

The demo's receipt codes are fixed (``DEMO_CODES``), so that a demonstration can follow each on
the portal's 举报查询 page; a real complaint's code is random and shown once."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from xinyong.complaints import rules, service
from xinyong.complaints.schemas import (
    ComplaintIn,
    ComplaintRecordIn,
    ComplaintStepIn,
    ComplaintSubjectIn,
    InformantIn,
)
from xinyong.core.auth import PUBLIC, Principal
from xinyong.core.clock import Clock, start_of_day
from xinyong.core.identifiers import credit_code_check_char
from xinyong.db import Database
from xinyong.errors import XinyongError
from xinyong.models import Complaint, Department, Role, Subject, SubjectKind
from xinyong.records.service import CollectionContext
from xinyong.rights.step import Step

SECTOR = "market_regulation"
# anonymous (received), named (accepted), named (substantiated): base32, 16 characters.
DEMO_CODES = ("DEMOANONYMOUS222", "DEMONAMEDACCEPT2", "DEMOSUBSTANTIATE")
SCAN = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
FACTS = (
    "该公司门店长期销售超过保质期的食品，货架上多批次牛奶、面包已过期。",
    "该公司销售的电热水壶无中文标识和合格证，使用中多次漏电。",
    "该公司在网店宣传产品“国家级检测合格”，但无任何检测报告，涉嫌虚假宣传。",
)


def complain_demo(db: Database, ctx: CollectionContext, clock: Clock) -> int:
    """Three complaints about demo organisations, to the market regulator nearest them; none
    when the database holds complaints already. Returns how many were made."""
    today = clock.today()
    with db.transaction() as session:
        if session.execute(select(func.count()).select_from(Complaint)).scalar_one():
            return 0
        orgs = session.execute(
            select(Subject.credit_code, Subject.name)
            .where(Subject.kind == SubjectKind.legal_person, Subject.credit_code.is_not(None))
            .order_by(Subject.id)
            .limit(3)
        ).all()
        amr = session.execute(
            select(Department).where(Department.kind == SECTOR).order_by(Department.id).limit(1)
        ).scalar_one_or_none()
    if len(orgs) < 3 or amr is None:
        return 0
    made = 0
    for index, ((code, name), days_ago, receipt) in enumerate(
        zip(orgs, (3, 20, 60), DEMO_CODES, strict=True)
    ):
        made += _one(db, ctx, today, index, code or "", name, days_ago, receipt)
    return made


def _one(
    db: Database,
    ctx: CollectionContext,
    today: date,
    index: int,
    code: str,
    name: str,
    days_ago: int,
    receipt: str,
) -> int:
    filed = start_of_day(today - timedelta(days=days_ago)) + timedelta(hours=10)
    named = index > 0
    body = ComplaintIn(
        subject=ComplaintSubjectIn(credit_code=code, name=name),
        facts=FACTS[index],
        happened_on=filed.date() - timedelta(days=7),
        place="南京市玄武区中山路门店",
        sector=SECTOR,
        informant=InformantIn(name="陈女士", phone="13800000000") if named else None,
    )
    try:
        with db.transaction() as session:
            c, _ = service.file_complaint(
                session,
                Step(ctx, PUBLIC, filed),
                body,
                [service.Attachment("现场照片.pdf", "application/pdf", SCAN)],
            )
            c.receipt_hash = rules.receipt_hash(receipt)
            session.flush()
            if not named or c.department_id is None:
                return 1
            dept = session.get_one(Department, c.department_id)
            handler = Principal(
                role=Role.provider,
                department_id=dept.id,
                department_code=dept.code,
                department_kind=dept.kind,
                name="demo",
            )
            accepted = filed + timedelta(days=2)
            service.take_step(
                session,
                Step(ctx, handler, accepted),
                c.id,
                ComplaintStepIn(step="accepted", text="您的举报已受理，我们将依法核查处理。"),
            )
            if index == 1:
                return 1
            concluded = accepted + timedelta(days=20)
            service.take_step(
                session,
                Step(ctx, handler, concluded),
                c.id,
                ComplaintStepIn(
                    step="substantiated",
                    text="经现场检查，举报属实，已依法作出行政处罚。",
                    record=_penalty(dept, concluded.date()),
                ),
            )
    except XinyongError:
        return 0  # refused as it would be for real
    return 1


def _penalty(dept: Department, decided_on: date) -> ComplaintRecordIn:
    authority_code = "11" + dept.region_code + "MB0000001"
    authority_code += credit_code_check_char(authority_code)
    return ComplaintRecordIn(
        item="administrative_penalty",
        fields={
            "decision_number": f"{dept.name[:2]}市监罚〔{decided_on.year}〕{decided_on.day}号",
            "violation_type": "虚假宣传",
            "violation_facts": "经核查，当事人在网店宣传产品经国家级检测合格，无相应检测报告",
            "penalty_basis": "《中华人民共和国反不正当竞争法》第二十条",
            "penalty_category": "罚款",
            "penalty_content": "责令停止违法行为，罚款人民币二十万元",
            "fine_amount": "20",
            "decided_on": decided_on.isoformat(),
            "penalty_authority": dept.name,
            "penalty_authority_code": authority_code,
            "current_status": "正常",
            "data_source": dept.name,
            "data_source_code": authority_code,
        },
        severity="general",
        determined_on=decided_on,
    )
