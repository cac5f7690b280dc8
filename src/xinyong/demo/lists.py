"""Demo list entries, made through the real workflows from the demo records, so that the demo
platform has red, black and watch lists for its checks and feeds to work on."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from xinyong.core.auth import Principal
from xinyong.core.clock import Clock, local_date
from xinyong.db import Database
from xinyong.errors import XinyongError
from xinyong.lists.repository import all_lists
from xinyong.lists.schemas import EntryIn, spec_of
from xinyong.lists.service import confirm_entry, propose_entry
from xinyong.models import Department, Record, Role, Standing, Subject
from xinyong.records.service import CollectionContext
from xinyong.rights.step import Step

# Proposed this long ago and confirmed after the notice: the entries are in force today.
PROPOSED_DAYS_AGO = 30
CONFIRMED_DAYS_AGO = 10


def list_demo_entries(db: Database, ctx: CollectionContext, clock: Clock, *, per_list: int) -> int:
    """Up to ``per_list`` entries per list, black lists first (a red candidate on a black list
    is refused, as it would be for real), each resting on a demo record of a basis item pushed
    by a department of the list's identifying sector. Returns how many were listed."""
    now = clock.now()
    proposed_at = now - timedelta(days=PROPOSED_DAYS_AGO)
    confirmed_at = now - timedelta(days=CONFIRMED_DAYS_AGO)
    listed = 0
    with db.transaction() as session:
        lists = sorted(
            all_lists(session), key=lambda row: ("black", "watch", "red").index(row.kind)
        )
    for row in lists:
        spec = spec_of(row)
        with db.transaction() as session:
            candidates = session.execute(
                select(
                    Record.id,
                    Record.subject_id,
                    Department.id,
                    Department.code,
                    Subject.credit_code,
                    Subject.id_cipher,
                )
                .join(Department, Department.id == Record.provider_id)
                .join(Subject, Subject.id == Record.subject_id)
                .where(
                    Record.item_code.in_(spec.basis_items),
                    Record.standing == Standing.active,
                    (Record.expires_on.is_(None)) | (Record.expires_on > local_date(now)),
                    Record.received_at <= proposed_at,  # the basis had arrived by then
                    Department.kind == spec.identifying_sector,
                )
                .order_by(Record.subject_id, Record.id)
                .limit(per_list * 3)
            ).all()
        done: set[int] = set()
        for record_id, subject_id, dept_id, dept_code, code, cipher in candidates:
            if len(done) >= per_list or subject_id in done:
                continue
            if code:
                key = code
            elif cipher:  # a person: named by its ID number
                key = ctx.cipher.decrypt(cipher)
            else:  # a subject has one or the other
                continue
            provider = Principal(
                role=Role.provider,
                department_id=dept_id,
                department_code=dept_code,
                department_kind=spec.identifying_sector,
                name="demo",
            )
            body = EntryIn(subject=key, basis_records=[record_id], reason="演示数据：符合认定标准")
            try:
                with db.transaction() as session:
                    entry = propose_entry(session, Step(ctx, provider, proposed_at), row.code, body)
                    session.flush()
                    confirm_entry(session, Step(ctx, provider, confirmed_at), entry.id)
            except XinyongError:
                continue  # refused as it would be for real (cross-check, basis, calendar)
            done.add(subject_id)
        listed += len(done)
    return listed
