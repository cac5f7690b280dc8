"""The demo's data-quality examples (docs/quality.md): the few faults a real platform receives,
pushed through the real collection path by the providers that would push them, so that the
checks have something of each kind to find — next to what the generated data already holds
(registrations of organisations of other provinces by the province's market regulator, 双公示
records of legal persons without their legal representative, and every provider's items not
pushed in time by their update cycle):

- a market regulator's inspection of a registered organisation under a name it was never
  registered under (名称不一致);
- one licence decision pushed three times under three ``source_id``s (重复报送: the provider's
  system re-sent it after a migration), two copies found;
- an accident's handling decision dated next year, after it arrived (the year typed wrong);
- a 零报送 by one provider for an item it had nothing of.

Each is copied from a record the provider already pushed (its fields as they were), changed as
said, and pushed today. Nothing here touches the showcase organisation."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from xinyong.core.auth import Principal
from xinyong.core.clock import Clock
from xinyong.db import Database
from xinyong.demo.subjects import SHOWCASE_CODE
from xinyong.errors import XinyongError
from xinyong.models import Channel, Department, Record, Role, Standing, Subject
from xinyong.quality.schemas import NilReturnIn
from xinyong.quality.service import file_nil_return
from xinyong.records.service import CollectionContext, Collector
from xinyong.rights.step import Step

# Items whose decision date the collection does not hold to today (no decision_date_field):
# a year typed wrong there arrives as it was typed.
DECIDED_ITEMS = ("product_quality_accident", "food_safety_accident", "market_ban")


def add_quality_examples(db: Database, ctx: CollectionContext, clock: Clock) -> int:
    """Push the examples; returns how many records were stored."""
    stored = 0
    with db.transaction() as session:
        name = _template(session, "administrative_inspection", registered=True)
        if name is not None:
            record, subject, dept = name
            wrong = subject.name.replace("有限公司", "公司", 1)
            if wrong == subject.name:
                wrong = subject.name + "（筹）"
            fields = {**record.fields, "decision_number": f"{record.fields['decision_number']}-更"}
            stored += _push(session, ctx, clock, dept, record, subject, wrong, fields, "名称不一致")
        licence = _template(session, "administrative_licensing")
        if licence is not None:
            record, subject, dept = licence
            for n in (1, 2):
                stored += _push(
                    session,
                    ctx,
                    clock,
                    dept,
                    record,
                    subject,
                    subject.name,
                    dict(record.fields),
                    f"重报{n}",
                )
        for item in DECIDED_ITEMS:
            accident = _template(session, item)
            if accident is None:
                continue
            record, subject, dept = accident
            decided = date.fromisoformat(record.fields["decided_on"])
            typed = date(clock.today().year + 1, decided.month, min(decided.day, 28))
            fields = {
                **record.fields,
                "decided_on": typed.isoformat(),
                "decision_number": f"{record.fields['decision_number']}-年份有误",
            }
            stored += _push(
                session, ctx, clock, dept, record, subject, subject.name, fields, "日期有误"
            )
            break
    _nil_return(db, ctx, clock)
    return stored


def _template(
    session: Any, item: str, *, registered: bool = False
) -> tuple[Record, Subject, Department] | None:
    """The first active record of ``item`` about an organisation (with a registration, if
    ``registered``) other than the showcase, with its subject and provider."""
    query = (
        select(Record, Subject, Department)
        .join(Subject, Subject.id == Record.subject_id)
        .join(Department, Department.id == Record.provider_id)
        .where(
            Record.item_code == item,
            Record.standing == Standing.active,
            Record.protected.is_(None),
            Subject.credit_code.is_not(None),
            Subject.credit_code != SHOWCASE_CODE,
        )
        .order_by(Record.subject_id, Record.id)
        .limit(50)
    )
    for record, subject, dept in session.execute(query).all():
        if "decision_number" not in record.fields:
            continue
        if (
            registered
            and not session.execute(
                select(Record.id).where(
                    Record.subject_id == subject.id, Record.item_code == "org_registration"
                )
            ).first()
        ):
            continue
        return record, subject, dept
    return None


def _push(
    session: Any,
    ctx: CollectionContext,
    clock: Clock,
    dept: Department,
    record: Record,
    subject: Subject,
    name: str,
    fields: dict[str, Any],
    tag: str,
) -> int:
    collector = Collector(
        session,
        ctx,
        provider=dept,
        channel=Channel.same_level,
        via="api",
        actor="demo",
        now=clock.now(),
    )
    raw = {
        "item": record.item_code,
        "source_id": f"{record.source_id}-{tag}",
        "subject": {"credit_code": subject.credit_code, "name": name},
        "fields": fields,
        "severity": record.severity.value if record.severity else None,
        "determined_on": record.determined_on.isoformat() if record.determined_on else None,
    }
    collector.feed([(0, raw)])
    return int(collector.finish()["accepted"])


def _nil_return(db: Database, ctx: CollectionContext, clock: Clock) -> None:
    """The province's science and technology department had no academic misconduct to report
    this month."""
    with db.transaction() as session:
        dept = session.execute(
            select(Department).where(Department.kind == "science_technology")
        ).scalar()
        if dept is None:
            return
        provider = Principal(
            role=Role.provider,
            department_id=dept.id,
            department_code=dept.code,
            department_kind=dept.kind,
            name="demo",
        )
        try:
            file_nil_return(
                session,
                Step(ctx, provider, clock.now()),
                NilReturnIn(item_code="academic_fraud", note="本月无学术不端行为认定"),
            )
        except XinyongError:
            return  # not owed under the catalog in force
