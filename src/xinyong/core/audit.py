"""The hash-chained audit log (Measures art. 36–37; 000 §（十八）; 003 联合奖惩 §（二十四）).

Each entry's hash covers its own content and the previous entry's hash, and entry ids are
consecutive, so editing, removing or reordering any entry — or cutting the tail, which the
head row would then contradict — is found by :func:`verify`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from xinyong.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _digest(prev_hash: str, entry_id: int, values: dict[str, Any]) -> str:
    payload = json.dumps(
        {"id": entry_id, **values}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(f"{prev_hash}|{payload}".encode()).hexdigest()


def _values(
    at: datetime,
    actor: str,
    action: str,
    subject_id: int | None,
    target_type: str | None,
    target_id: str | None,
    purpose: str | None,
    before_ref: str | None,
    after_ref: str | None,
    detail: dict | None,
) -> dict[str, Any]:
    return {
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "subject_id": subject_id,
        "target_type": target_type,
        "target_id": target_id,
        "purpose": purpose,
        "before_ref": before_ref,
        "after_ref": after_ref,
        "detail": detail,
    }


def log(
    session: Session,
    *,
    actor: str,
    action: str,
    at: datetime,
    subject_id: int | None = None,
    target_type: str | None = None,
    target_id: str | int | None = None,
    purpose: str | None = None,
    before_ref: str | None = None,
    after_ref: str | None = None,
    detail: dict | None = None,
    durable: bool = True,
) -> AuditEntry:
    """Append one entry in the caller's transaction. The head row is locked until commit.

    ``durable=False`` is for a transaction whose only write is the entry of a read: on
    PostgreSQL its commit then returns without waiting for the WAL to reach the disk
    (``synchronous_commit = off`` for this transaction alone). The entry is as ordered and as
    chained as any other; what a crash of the database server could lose is at most the last
    few hundred milliseconds of such read entries, never a change of data (docs/adr/0010)."""
    if not durable and session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one()
    target = None if target_id is None else str(target_id)
    values = _values(
        at, actor, action, subject_id, target_type, target, purpose, before_ref, after_ref, detail
    )
    entry_id = head.last_id + 1
    digest = _digest(head.last_hash, entry_id, values)
    entry = AuditEntry(
        id=entry_id,
        at=at,
        actor=actor,
        action=action,
        subject_id=subject_id,
        target_type=target_type,
        target_id=target,
        purpose=purpose,
        before_ref=before_ref,
        after_ref=after_ref,
        detail=detail,
        prev_hash=head.last_hash,
        hash=digest,
    )
    session.add(entry)
    head.last_id, head.last_hash = entry_id, digest
    session.flush()
    return entry


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    bad_id: int | None = None
    problem: str | None = None


def _entries(session: Session, chunk: int = 5000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = (
            session.execute(
                select(AuditEntry).where(AuditEntry.id > last).order_by(AuditEntry.id).limit(chunk)
            )
            .scalars()
            .all()
        )
        if not rows:
            return
        yield from rows
        last = rows[-1].id
        session.expunge_all()


def verify(session: Session) -> VerifyResult:
    prev_hash, expected_id, checked = GENESIS, 1, 0
    for entry in _entries(session):
        if entry.id != expected_id:
            return VerifyResult(False, checked, expected_id, "entry missing")
        if entry.prev_hash != prev_hash:
            return VerifyResult(False, checked, entry.id, "chain broken before this entry")
        values = _values(
            entry.at,
            entry.actor,
            entry.action,
            entry.subject_id,
            entry.target_type,
            entry.target_id,
            entry.purpose,
            entry.before_ref,
            entry.after_ref,
            entry.detail,
        )
        if _digest(prev_hash, entry.id, values) != entry.hash:
            return VerifyResult(False, checked, entry.id, "entry content altered")
        prev_hash, expected_id, checked = entry.hash, expected_id + 1, checked + 1
    head = session.get(AuditHead, 1)
    if head is None or head.last_id != expected_id - 1 or head.last_hash != prev_hash:
        return VerifyResult(False, checked, expected_id, "entries removed from the end")
    return VerifyResult(True, checked)
