"""Changes of a record's standing through a lawful procedure (Measures art. 36: 非经法定程序
不得撤除、更改公共信用信息): correction or revocation after an objection (art. 32), repair
(art. 35). The record itself is never edited beyond its standing: each change leaves a
revision, an audit entry and a change on the feed, so that the correction is published
wherever the original was (art. 32) and other platforms stop using it too (art. 35)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core import audit
from xinyong.errors import Conflict, NotFound
from xinyong.feeds.changes import RECORD, record_change
from xinyong.models import Record, RecordRevision, Standing
from xinyong.rights.step import Step


def get_record(
    session: Session, subject_id: int, record_id: int, *, for_update: bool = False
) -> Record:
    query = select(Record).where(Record.subject_id == subject_id, Record.id == record_id)
    if for_update:
        query = query.with_for_update()
    record = session.execute(query).scalar_one_or_none()
    if record is None:
        raise NotFound("记录不存在", "no such record", field="record", code="unknown_record")
    return record


def change_standing(
    session: Session,
    step: Step,
    record: Record,
    standing: Standing,
    *,
    procedure: str,
    reason: str,
    detail: dict | None = None,
) -> RecordRevision:
    """Move an active record to ``standing`` (corrected, revoked, repaired)."""
    if record.standing is not Standing.active:
        raise Conflict(
            f"该记录已是“{record.standing.value}”状态，不能再变更",
            f"the record is {record.standing.value} already",
            field="record",
            code="record_not_active",
            standing=record.standing.value,
        )
    before = record.standing
    record.standing = standing
    revision = RecordRevision(
        subject_id=record.subject_id,
        id=step.ctx.ids.next_id(),
        record_id=record.id,
        standing=standing,
        procedure=procedure,
        reason=reason[:500],
        actor=step.principal.actor,
        at=step.now,
    )
    session.add(revision)
    audit.log(
        session,
        actor=step.principal.actor,
        action=f"record.{standing.value}",
        at=step.now,
        subject_id=record.subject_id,
        target_type="record",
        target_id=record.id,
        before_ref=f"record:{record.id}:{before.value}",
        after_ref=f"record:{record.id}:{standing.value}",
        detail={"procedure": procedure, "reason": reason, **(detail or {})},
    )
    record_change(
        session,
        at=step.now,
        topic=RECORD,
        event=standing.value,
        ids=step.ctx.ids,
        subject_id=record.subject_id,
        detail={
            "record_id": str(record.id),
            "item": record.item_code,
            "procedure": procedure,
            "reason": reason,
            **(detail or {}),
        },
    )
    return revision
