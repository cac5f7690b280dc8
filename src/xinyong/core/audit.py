"""The keyed, anchored audit log (Measures art. 36–37; 000 §（十八）; 003 联合奖惩 §（二十四）;
GB/T 22239-2019 level 3: audit records protected against deletion and alteration).

Entry ids are consecutive, and each entry's hash is an HMAC-SHA-256 — under a key derived from
the master secret, never stored in the database — over its own content and the previous
entry's hash; the head row holds the last id and hash. So an entry edited, removed or
reordered is found by :func:`verify`, and nobody without the key can recompute the chain after
editing it (docs/adr/0013). A database from before the key keeps its entries chained by plain
SHA-256: migration 0011 appended after them one keyed ``audit.keyed`` entry, whose MAC covers
the last of them, so they cannot be rewritten either.

What a chain cannot show by itself — its tail cut off and the head moved back, or the whole
log emptied — checkpoints show: the head signed with Ed25519 and written outside the database,
one file each, never overwritten. :func:`verify` checks the chain and every checkpoint.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import orjson
from cryptography.exceptions import InvalidSignature
from sqlalchemy import Connection, Table, bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from xinyong.core import group_commit
from xinyong.core.bulk import insert_rows
from xinyong.core.crypto import AuditKeys
from xinyong.core.locks import advisory_xact_lock
from xinyong.errors import XinyongError
from xinyong.models import AuditEntry, AuditHead

if TYPE_CHECKING:
    from xinyong.db import Database

GENESIS = "0" * 64
# The action of the entry from which a database that had entries before the key is keyed.
KEYED = "audit.keyed"
# The action of the entry each checkpoint pins (the checkpoint is logged like any act).
CHECKPOINTED = "audit.checkpoint"
CHECKPOINT_FORMAT = "xinyong-audit-checkpoint/1"
# A checkpoint's file name: the UTC time it was taken, to the microsecond, so that names sort
# by time; a suffix only if two are taken in the same microsecond.
_CHECKPOINT_NAME = re.compile(r"^(\d{8}T\d{12})Z(?:-\d+)?\.json$")
_STAMP = "%Y%m%dT%H%M%S%f"


def _payload(prev_hash: str, entry_id: int, values: dict[str, Any]) -> bytes:
    content = json.dumps(
        {"id": entry_id, **values}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return f"{prev_hash}|{content}".encode()


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


def _stored_values(entry: AuditEntry) -> dict[str, Any]:
    return _values(
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


def _database(session: Session) -> Database:
    """The platform a session belongs to (``Database.sessions`` puts it in ``session.info``):
    its audit keys and its checkpoint directory."""
    return session.info["database"]


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

    In a group's transaction (core/group_commit.py) the entry is queued instead and appended
    with the group's others (:func:`log_many`) as the last statements before its commit: the
    entry returned has no id nor hash (no caller in a group needs them). Logged inside a
    savepoint of the caller's own, it is written here, as always.

    ``durable=False`` is for a transaction whose only write is the entry of a read: on
    PostgreSQL its commit then returns without waiting for the WAL to reach the disk
    (``synchronous_commit = off`` for this transaction alone). The entry is as ordered and as
    chained as any other; what a crash of the database server could lose is at most the last
    few hundred milliseconds of such read entries, never a change of data (docs/adr/0010).
    Never in a group: its commit is other callers' too."""
    target = None if target_id is None else str(target_id)
    entry = AuditEntry(
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
    )
    queued = group_commit.queue(session, QUEUE_ORDER, append_queued)
    if queued is not None:
        act = Act(actor, action, at, subject_id, target_type, target, detail)
        queued.append(replace(act, purpose=purpose, before_ref=before_ref, after_ref=after_ref))
        return entry  # without id nor hash: they are given at the group's commit
    if (
        not durable
        and not group_commit.in_group(session)
        and session.get_bind().dialect.name == "postgresql"
    ):
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one()
    entry.id = head.last_id + 1
    entry.prev_hash = head.last_hash
    entry.hash = _database(session).audit_keys.chain_mac(
        _payload(head.last_hash, entry.id, _stored_values(entry))
    )
    session.add(entry)
    head.last_id, head.last_hash = entry.id, entry.hash
    session.flush()
    return entry


# The audit head is locked before the change head when a group appends both (feeds/changes.py).
QUEUE_ORDER = 10


def append_queued(session: Session, acts: list[Act]) -> None:
    """A group's entries (core/group_commit.py), chained after the head in the order they
    were logged."""
    log_many(session, acts)


@dataclass(frozen=True)
class Act:
    """One entry of :func:`log_many`: the same fields as :func:`log` takes."""

    actor: str
    action: str
    at: datetime
    subject_id: int | None = None
    target_type: str | None = None
    target_id: str | int | None = None
    detail: dict | None = None
    purpose: str | None = None
    before_ref: str | None = None
    after_ref: str | None = None


def log_many(session: Session, acts: list[Act]) -> int:
    """Append many entries at once in the caller's transaction, chained in order exactly as
    :func:`log` would chain them one by one: the head is locked and moved once, the rows go
    in by COPY or executemany (core/bulk.insert_rows; a daily job's thousands of steps,
    commitments/sweep.py). Returns how many were appended."""
    if not acts:
        return 0
    keys = _database(session).audit_keys
    entry_id, last_hash = session.execute(_HEAD_FOR_UPDATE).one()
    rows = []
    for act in acts:
        entry_id += 1
        target = None if act.target_id is None else str(act.target_id)
        values = _values(
            act.at, act.actor, act.action, act.subject_id, act.target_type, target,
            act.purpose, act.before_ref, act.after_ref, act.detail,
        )  # fmt: skip
        digest = keys.chain_mac(_payload(last_hash, entry_id, values))
        rows.append(
            (
                entry_id, act.at, act.actor, act.action, act.subject_id, act.target_type,
                target, act.purpose, act.before_ref, act.after_ref,
                None if act.detail is None else orjson.dumps(act.detail).decode(),
                last_hash, digest,
            )
        )  # fmt: skip
        last_hash = digest
    columns = (
        "id", "at", "actor", "action", "subject_id", "target_type", "target_id", "purpose",
        "before_ref", "after_ref", "detail", "prev_hash", "hash",
    )  # fmt: skip
    insert_rows(session, AuditEntry.__tablename__, columns, rows)
    session.execute(_MOVE_HEAD, {"new_id": entry_id, "new_hash": last_hash})
    # A head the session holds (an entry of log() before) is read again where next used.
    held = session.identity_map.get(identity_key(AuditHead, 1))
    if held is not None:
        session.expire(held)
    # What else is pending goes now, as it went with the head's flush before.
    session.flush()
    return len(rows)


# The head read and moved as table rows (no ORM entity, no unit of work): a group's appends
# (core/group_commit.py) take it once per commit.
_HEAD_TABLE = cast(Table, AuditHead.__table__)
_HEAD = _HEAD_TABLE.c
_HEAD_FOR_UPDATE = select(_HEAD.last_id, _HEAD.last_hash).where(_HEAD.id == 1).with_for_update()
_MOVE_HEAD = (
    update(_HEAD_TABLE)
    .where(_HEAD.id == 1)
    .values(last_id=bindparam("new_id"), last_hash=bindparam("new_hash"))
)


def start_keyed_chain(connection: Connection, keys: AuditKeys, *, at: datetime) -> int | None:
    """Migration 0011: on a database whose entries are chained by plain SHA-256, append the
    ``audit.keyed`` entry from which the chain is keyed, and return its id. Its MAC covers the
    last unkeyed hash, so rewriting any earlier entry breaks it. A database without entries
    needs none: its chain is keyed from the first entry."""
    last_id, last_hash = connection.execute(
        select(AuditHead.last_id, AuditHead.last_hash).where(AuditHead.id == 1)
    ).one()
    if last_id == 0:
        return None
    entry_id = last_id + 1
    detail = {"unkeyed_entries": last_id, "scheme": "HMAC-SHA-256"}
    values = _values(at, "system", KEYED, None, None, None, None, None, None, detail)
    digest = keys.chain_mac(_payload(last_hash, entry_id, values))
    connection.execute(
        insert(AuditEntry).values(
            id=entry_id,
            at=at,
            actor="system",
            action=KEYED,
            detail=detail,
            prev_hash=last_hash,
            hash=digest,
        )
    )
    connection.execute(
        update(AuditHead).where(AuditHead.id == 1).values(last_id=entry_id, last_hash=digest)
    )
    return entry_id


@dataclass(frozen=True)
class Finding:
    """One thing :func:`verify` found wrong, in English (``problem``) and Chinese (``message``,
    read after "第 N 条"); ``checkpoint`` names the file when it is a checkpoint's finding."""

    entry_id: int | None
    problem: str
    message: str
    checkpoint: str | None = None


@dataclass
class VerifyResult:
    checked: int  # entries whose hash was recomputed and found right
    unkeyed: int = 0  # of them, entries from before the key (plain SHA-256, pinned by the key)
    checkpoints: int = 0  # checkpoint files read
    anchored: int = 0  # entries 1..anchored are pinned by a valid checkpoint
    head_id: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def bad_id(self) -> int | None:
        return self.findings[0].entry_id if self.findings else None

    @property
    def problem(self) -> str | None:
        return self.findings[0].problem if self.findings else None


def _entries(session: Session, up_to: int, chunk: int = 5000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = (
            session.execute(
                select(AuditEntry)
                .where(AuditEntry.id > last, AuditEntry.id <= up_to)
                .order_by(AuditEntry.id)
                .limit(chunk)
            )
            .scalars()
            .all()
        )
        if not rows:
            return
        yield from rows
        last = rows[-1].id
        session.expunge_all()


def _verify_chain(
    session: Session, keys: AuditKeys, head_id: int, head_hash: str
) -> tuple[int, int, Finding | None]:
    """(entries checked, of them unkeyed, the first break). Only entries up to the head read
    first are walked, so entries appended meanwhile do not look like a moved head."""
    # The last audit.keyed entry (there may be none): entries before it are from before the
    # key. Without the key nobody can write one, nor move it; without one, every entry must be
    # keyed — so a chain rewritten by plain SHA-256 never passes.
    keyed_from = (
        session.execute(
            select(func.max(AuditEntry.id)).where(AuditEntry.action == KEYED)
        ).scalar_one()
        or 1
    )
    prev_hash, expected, broken = GENESIS, 1, None
    for entry in _entries(session, head_id):
        if entry.id != expected:
            broken = Finding(expected, "entry missing", "缺失（被删除）")
        elif entry.prev_hash != prev_hash:
            broken = Finding(
                entry.id,
                "chain broken before this entry",
                "与前一条的链接断开（前面的条目被改动、删除或调换）",
            )
        elif entry.hash != _recomputed(entry, prev_hash, keys if entry.id >= keyed_from else None):
            broken = Finding(
                entry.id, "entry content altered", "内容或校验码被改动（没有审计密钥无法重算）"
            )
        if broken:
            break
        prev_hash, expected = entry.hash, expected + 1
    checked = expected - 1
    if broken is None and (checked != head_id or prev_hash != head_hash):
        broken = Finding(expected, "entries removed from the end", "起被删除（日志末尾与链头不符）")
    return checked, min(checked, keyed_from - 1), broken


def _recomputed(entry: AuditEntry, prev_hash: str, keys: AuditKeys | None) -> str:
    """The entry's hash as it must be: its MAC under the key, or for an entry from before the
    key (``keys`` None) its plain SHA-256 (ADR 0003)."""
    payload = _payload(prev_hash, entry.id, _stored_values(entry))
    return keys.chain_mac(payload) if keys else hashlib.sha256(payload).hexdigest()


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _checkpoint_files(directory: Path) -> list[tuple[Path, datetime]]:
    """The checkpoints in the directory with the time each was taken, oldest first."""
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        if match := _CHECKPOINT_NAME.match(path.name):
            found.append((path, datetime.strptime(match[1], _STAMP).replace(tzinfo=UTC)))
    return sorted(found)


def _read_checkpoint(path: Path, keys: AuditKeys) -> tuple[int, str] | Finding:
    """(last id, last hash) of a checkpoint whose signature is ours, else what is wrong."""
    try:
        document = json.loads(path.read_bytes())
        body = document["checkpoint"]
        signature = base64.b64decode(document["signature"], validate=True)
        keys.verifying.verify(signature, _canonical(body))
    except InvalidSignature:
        return Finding(
            None,
            "checkpoint signature invalid",
            "签名无效（伪造、被改动或由其他密钥签署）",
            path.name,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return Finding(None, "checkpoint unreadable", "无法读取或格式不对", path.name)
    return body["last_id"], body["last_hash"]


def _verify_checkpoints(
    session: Session, keys: AuditKeys, files: list[Path], head_id: int
) -> tuple[int, list[Finding]]:
    """(entries anchored, findings): each checkpoint must be signed by the platform's key, the
    log must still reach its last id, and that entry must still have the hash it had."""
    findings: list[Finding] = []
    pinned: list[tuple[str, int, str]] = []
    for path in files:
        read = _read_checkpoint(path, keys)
        if isinstance(read, Finding):
            findings.append(read)
        else:
            pinned.append((path.name, *read))
    stored: dict[int, str] = {}
    ids = sorted({last_id for _, last_id, _ in pinned})
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(AuditEntry.id, AuditEntry.hash).where(
                AuditEntry.id.in_(ids[start : start + 500])
            )
        )
        stored.update((entry_id, hash_) for entry_id, hash_ in rows)
    anchored = 0
    for name, last_id, last_hash in pinned:
        if last_id > head_id or last_id not in stored:
            findings.append(
                Finding(
                    last_id,
                    f"entries removed since this checkpoint: it pins entry {last_id}, "
                    f"the log now ends at {head_id}",
                    f"已被删除：检查点时日志已有 {last_id} 条，现在只有 {head_id} 条"
                    "（日志被截短或清空）",
                    name,
                )
            )
        elif stored[last_id] != last_hash:
            findings.append(
                Finding(
                    last_id,
                    "entry differs from this checkpoint (log rewritten)",
                    "的校验码与检查点记录的不同（日志被改写）",
                    name,
                )
            )
        else:
            anchored = max(anchored, last_id)
    return anchored, findings


def verify(session: Session) -> VerifyResult:
    """Recompute the chain with the key, then check every checkpoint in the platform's
    checkpoint directory against it."""
    database = _database(session)
    keys = database.audit_keys
    # The files before the head: a checkpoint written meanwhile pins an entry past the head
    # read here, and would look like a cut log.
    files = [path for path, _ in _checkpoint_files(database.settings.audit_checkpoints)]
    head = session.get(AuditHead, 1)
    if head is None:
        return VerifyResult(0, findings=[Finding(None, "head missing", "链头缺失")])
    head_id, head_hash = head.last_id, head.last_hash
    checked, unkeyed, broken = _verify_chain(session, keys, head_id, head_hash)
    anchored, findings = _verify_checkpoints(session, keys, files, head_id)
    return VerifyResult(
        checked,
        unkeyed,
        checkpoints=len(files),
        anchored=anchored,
        head_id=head_id,
        findings=([broken] if broken else []) + findings,
    )


@dataclass(frozen=True)
class Checkpoint:
    path: Path
    last_id: int


def write_checkpoint(database: Database, *, actor: str, now: datetime) -> Checkpoint:
    """Log the checkpoint itself, then sign the head it made (last id and hash, the number of
    entries, the time) and write it as a new file; an existing file is never opened."""
    checkpoint = _checkpoint(database, actor=actor, now=now, only_if_due=False)
    assert checkpoint is not None  # only a due-only run may find nothing to do
    return checkpoint


def checkpoint_if_due(database: Database, *, actor: str, now: datetime) -> Checkpoint | None:
    """The scheduled job: a checkpoint when the newest one is ``audit_checkpoint_hours`` old
    (at most a day: GB/T 22239), or there is none."""
    return _checkpoint(database, actor=actor, now=now, only_if_due=True)


def _checkpoint(
    database: Database, *, actor: str, now: datetime, only_if_due: bool
) -> Checkpoint | None:
    settings = database.settings
    directory = settings.audit_checkpoints
    # Before the entry is logged: a directory that cannot take the file must not leave an
    # entry behind at every run of the jobs.
    directory.mkdir(parents=True, exist_ok=True)
    if not os.access(directory, os.W_OK):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(directory))
    # Two processes due in the same instant could each still write one (the file follows the
    # commit that releases the lock); both are valid checkpoints.
    with database.transaction() as session:
        advisory_xact_lock(session, "audit:checkpoint")
        if only_if_due:
            # Due unless one was taken within the period before now — not "unless the newest
            # is younger": after a clock set back (a corrected host clock; XINYONG_FIXED_TODAY,
            # whose day starts again at each midnight) the newest would stay in the future and
            # no checkpoint would ever be due again.
            period = timedelta(hours=settings.audit_checkpoint_hours)
            if any(now - period < taken <= now for _, taken in _checkpoint_files(directory)):
                return None
        head = session.execute(select(AuditHead).where(AuditHead.id == 1)).scalar_one()
        last_hash = (
            session.execute(
                select(AuditEntry.hash).where(AuditEntry.id == head.last_id)
            ).scalar_one_or_none()
            if head.last_id
            else GENESIS
        )
        if last_hash != head.last_hash:
            # Anchoring it would vouch for a log that already disagrees with its head.
            raise XinyongError(
                f"审计日志与链头不符（第 {head.last_id} 条），不写检查点；请运行 xinyong audit "
                "verify",
                f"the audit log does not match its head (entry {head.last_id}); no checkpoint "
                "written: run xinyong audit verify",
                code="audit_head_mismatch",
                status=409,
            )
        # The checkpoint is an entry of its own, committed durably: on PostgreSQL that commit
        # flushes the WAL over every earlier entry, including reads committed asynchronously
        # (ADR 0010), so a crash of the server cannot lose an entry a checkpoint pins.
        entry = log(session, actor=actor, action=CHECKPOINTED, at=now)
        last_id, last_hash = entry.id, entry.hash
    if database.dialect == "sqlite":
        # With synchronous=NORMAL a commit reaches the disk at the next WAL checkpoint; run
        # one, so that a power cut cannot lose what the file pins.
        with database.reading() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
    body = {
        "format": CHECKPOINT_FORMAT,
        "at": now.astimezone(UTC).isoformat(timespec="microseconds"),
        "last_id": last_id,
        "last_hash": last_hash,
        # Ids are consecutive from 1 (verify checks it), so the count is the last id.
        "entries": last_id,
    }
    keys = database.audit_keys
    document = {
        "checkpoint": body,
        "signature": base64.b64encode(keys.signing.sign(_canonical(body))).decode(),
        "public_key": keys.public_key_text(),
    }
    content = json.dumps(document, ensure_ascii=False, indent=1).encode() + b"\n"
    stamp = now.astimezone(UTC).strftime(_STAMP)
    suffix = 0
    while True:
        path = directory / f"{stamp}Z{f'-{suffix}' if suffix else ''}.json"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
        except FileExistsError:
            suffix += 1
            continue
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        return Checkpoint(path, last_id)
