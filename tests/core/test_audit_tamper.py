"""The audit log against someone who can write the database but holds no key (ADR 0013;
GB/T 22239-2019 level 3: audit records protected against deletion and alteration).

Each attack is done as such a person would: straight in the database, with SQL and the ORM,
recomputing hashes in the format ADR 0003 publishes. ``verify`` — the function and
``xinyong audit verify`` — must find it: an edited and re-chained entry by the key, a cut tail
or an emptied log by a checkpoint taken after the removed entries."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Callable, Iterator
from datetime import UTC
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fixtures.helpers import Caller, credit_code, make_caller, penalty, push
from xinyong.core import audit
from xinyong.db import Database
from xinyong.jobs import run_jobs
from xinyong.migrations import alembic_config, upgrade
from xinyong.models import AuditEntry, AuditHead, Role
from xinyong.records.service import CollectionContext
from xinyong.settings import Settings

COMPANY = credit_code("91320100MA1TAMP01")
GENESIS = "0" * 64

# --- the attacker's tools: the database, the published format, no key ------------------------


def content(entry: AuditEntry, prev_hash: str) -> bytes:
    """What an entry's hash covers, in the canonical form ADR 0003 publishes."""
    values = {
        "id": entry.id,
        "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": entry.actor,
        "action": entry.action,
        "subject_id": entry.subject_id,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "purpose": entry.purpose,
        "before_ref": entry.before_ref,
        "after_ref": entry.after_ref,
        "detail": entry.detail,
    }
    canonical = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return f"{prev_hash}|{canonical}".encode()


def plain_sha256(message: bytes) -> str:
    return hashlib.sha256(message).hexdigest()


def hmac_under(key: bytes) -> Callable[[bytes], str]:
    return lambda message: hmac.new(key, message, "sha256").hexdigest()


def edit(db: Database, entry_id: int, **changes: object) -> None:
    with Session(db.engine) as session, session.begin():
        entry = session.get(AuditEntry, entry_id)
        assert entry is not None
        for name, value in changes.items():
            setattr(entry, name, value)


def rechain(db: Database, digest: Callable[[bytes], str], *, start: int = 1) -> None:
    """Recompute every hash from entry ``start`` to the end, and the head, with ``digest``:
    the 20 lines of Python of attack (c), after an ``edit``."""
    with Session(db.engine) as session, session.begin():
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        prev_hash = entries[start - 2].hash if start > 1 else GENESIS
        for entry in entries[start - 1 :]:
            entry.prev_hash = prev_hash
            entry.hash = digest(content(entry, prev_hash))
            prev_hash = entry.hash
        head = session.get(AuditHead, 1)
        assert head is not None
        head.last_id, head.last_hash = entries[-1].id, prev_hash


def cut_tail(db: Database, keep: int) -> None:
    """Delete every entry after ``keep`` and move the head back to it: attack (a); with
    ``keep=0`` the whole log is emptied and the head reset, attack (b)."""
    with Session(db.engine) as session, session.begin():
        session.execute(delete(AuditEntry).where(AuditEntry.id > keep))
        last = session.get(AuditEntry, keep)
        head = session.get(AuditHead, 1)
        assert head is not None
        head.last_id, head.last_hash = keep, last.hash if last else GENESIS


def head_id(db: Database) -> int:
    with db.transaction() as session:
        head = session.get(AuditHead, 1)
        assert head is not None
        return head.last_id


# --- the platform's side ----------------------------------------------------------------------


@pytest.fixture
def checkpoints(db, monkeypatch) -> Path:  # type: ignore[no-untyped-def]
    """The checkpoint directory, the same for the test's platform and its `xinyong` runs."""
    directory: Path = db.settings.audit_checkpoints
    monkeypatch.setenv("XINYONG_AUDIT_CHECKPOINT_DIR", str(directory))
    return directory


@pytest.fixture
def callers(db, clock) -> tuple[Caller, Caller]:  # type: ignore[no-untyped-def]
    provider = make_caller(db, clock, role=Role.provider)
    authority = make_caller(db, clock, role=Role.authority, kind="credit_authority")
    return provider, authority


def activity(client, callers, clock, source_id: str) -> None:  # type: ignore[no-untyped-def]
    """A record pushed and the archive read with a purpose: a few audit entries."""
    provider, authority = callers
    assert push(client, provider, [penalty(source_id, COMPANY)]).status_code == 200
    response = client.get(
        f"/api/v1/subjects/{COMPANY}/archive",
        params={"purpose": "监督检查"},
        headers=authority.headers,
    )
    assert response.status_code == 200, response.text
    clock.advance(minutes=10)


def verify(db: Database) -> audit.VerifyResult:
    with db.transaction() as session:
        return audit.verify(session)


def checkpoint(db: Database, clock) -> audit.Checkpoint:  # type: ignore[no-untyped-def]
    return audit.write_checkpoint(db, actor="test", now=clock.now())


def problems(result: audit.VerifyResult) -> list[tuple[int | None, str, str | None]]:
    return [(f.entry_id, f.problem, f.checkpoint) for f in result.findings]


# --- the tests ----------------------------------------------------------------------------------


class TestIntact:
    def test_a_log_with_checkpoints_verifies(self, run, db, client, clock, callers, checkpoints):
        activity(client, callers, clock, "1")
        first = checkpoint(db, clock)
        activity(client, callers, clock, "2")
        written = run("audit", "checkpoint")
        assert written.exit_code == 0, written.output
        assert "检查点已写入" in written.output
        activity(client, callers, clock, "3")

        result = verify(db)
        assert result.ok, result.findings
        assert (result.checked, result.unkeyed, result.checkpoints) == (head_id(db), 0, 2)
        assert first.last_id < result.anchored < result.head_id
        assert len(list(checkpoints.iterdir())) == 2
        cli = run("audit", "verify")
        assert cli.exit_code == 0, cli.output
        assert "审计日志完整" in cli.output and "2 个检查点相符" in cli.output
        assert f"最新检查点之后的 {result.head_id - result.anchored} 条尚未锚定" in cli.output

    def test_the_chain_is_keyed_by_a_secret_outside_the_database(self, db, client, clock, callers):
        """The hashes are not the plain SHA-256 of ADR 0003, and the same database read with
        another master secret does not verify: the key is nowhere in the database."""
        activity(client, callers, clock, "1")
        with Session(db.engine) as session:
            first = session.get(AuditEntry, 1)
            assert first is not None
            assert first.hash != plain_sha256(content(first, GENESIS))
        other = Database(
            Settings(
                database_url=db.settings.database_url,
                secret_key=base64.b64encode(os.urandom(32)).decode(),
                var_dir=db.settings.var_dir,
            )
        )
        try:
            assert problems(verify(other)) == [(1, "entry content altered", None)]
        finally:
            other.dispose()
        assert verify(db).ok

    def test_checkpoints_are_new_files_never_rewritten(self, db, clock, checkpoints):
        """Two checkpoints in the same microsecond still make two files; the first keeps its
        bytes and is read-only."""
        first = checkpoint(db, clock)
        before = first.path.read_bytes()
        second = checkpoint(db, clock)
        assert second.path != first.path and first.path.read_bytes() == before
        assert first.path.stat().st_mode & 0o222 == 0
        assert sorted(p.name for p in checkpoints.iterdir()) == sorted(
            [first.path.name, second.path.name]
        )
        # Each pins an entry of its own, which logs who took it.
        with db.transaction() as session:
            pinned = session.get(AuditEntry, second.last_id)
            assert pinned is not None
            assert (pinned.action, pinned.actor) == (audit.CHECKPOINTED, "test")

    def test_the_scheduled_jobs_checkpoint_when_one_is_due(self, db, clock, checkpoints):
        ctx = CollectionContext(db)
        assert run_jobs(db, clock, ctx)["audit_checkpoints"] == 1
        assert run_jobs(db, clock, ctx)["audit_checkpoints"] == 0  # not due yet
        clock.advance(hours=db.settings.audit_checkpoint_hours)
        assert run_jobs(db, clock, ctx)["audit_checkpoints"] == 1
        assert len(list(checkpoints.iterdir())) == 2
        assert verify(db).ok

    def test_a_clock_set_back_does_not_stop_the_checkpoints(self, db, clock, checkpoints):
        """XINYONG_FIXED_TODAY's day starts again at each midnight; a host clock may be
        corrected backwards: the newest checkpoint is then in the future, and a checkpoint is
        still due once a period has gone by without one before now."""
        ctx = CollectionContext(db)
        assert run_jobs(db, clock, ctx)["audit_checkpoints"] == 1
        clock.advance(days=-1)
        assert run_jobs(db, clock, ctx)["audit_checkpoints"] == 1
        assert run_jobs(db, clock, ctx)["audit_checkpoints"] == 0  # not due again yet
        clock.advance(hours=db.settings.audit_checkpoint_hours)
        assert run_jobs(db, clock, ctx)["audit_checkpoints"] == 1
        assert verify(db).ok


class TestCutTail:
    """(a) The tail deleted and the head moved back to the new last entry."""

    def test_caught_by_a_checkpoint_taken_after_the_removed_entries(
        self, run, db, client, clock, callers, checkpoints
    ):
        activity(client, callers, clock, "1")
        keep = head_id(db)
        activity(client, callers, clock, "2")
        taken = checkpoint(db, clock)
        cut_tail(db, keep)

        result = verify(db)
        assert result.checked == keep  # the chain itself is consistent again ...
        assert problems(result) == [  # ... but the checkpoint pins an entry that is gone
            (
                taken.last_id,
                f"entries removed since this checkpoint: it pins entry {taken.last_id}, "
                f"the log now ends at {keep}",
                taken.path.name,
            )
        ]
        cli = run("audit", "verify")
        assert cli.exit_code == 1
        assert f"检查点不符：{taken.path.name}：" in cli.output
        assert f"第 {taken.last_id} 条已被删除" in cli.output

    def test_entries_after_the_newest_checkpoint_are_the_window(
        self, run, db, client, clock, callers, checkpoints
    ):
        """What ADR 0013 says remains: entries appended after the newest checkpoint can be cut
        without trace. verify says how many entries are not yet anchored."""
        activity(client, callers, clock, "1")
        taken = checkpoint(db, clock)
        activity(client, callers, clock, "2")
        cli = run("audit", "verify")
        assert f"最新检查点之后的 {head_id(db) - taken.last_id} 条尚未锚定" in cli.output
        cut_tail(db, taken.last_id + 1)
        assert verify(db).ok


class TestEmptiedLog:
    """(b) Every entry deleted and the head reset to the genesis."""

    def test_caught_by_every_checkpoint(self, run, db, client, clock, callers, checkpoints):
        activity(client, callers, clock, "1")
        early = checkpoint(db, clock)
        activity(client, callers, clock, "2")
        late = checkpoint(db, clock)
        cut_tail(db, 0)

        result = verify(db)
        assert result.checked == 0
        assert [(f.entry_id, f.checkpoint) for f in result.findings] == [
            (early.last_id, early.path.name),
            (late.last_id, late.path.name),
        ]
        cli = run("audit", "verify")
        assert cli.exit_code == 1 and "审计日志完整" not in cli.output
        assert cli.output.count("检查点不符") == 2

    def test_without_a_checkpoint_verify_warns_that_it_cannot_tell(
        self, run, db, client, clock, callers, checkpoints
    ):
        activity(client, callers, clock, "1")
        cut_tail(db, 0)
        cli = run("audit", "verify")
        assert cli.exit_code == 0
        assert "审计日志完整：共 0 条" in cli.output
        assert f"{checkpoints} 中没有检查点" in " ".join(cli.output.split())


class TestRechained:
    """(c) An entry edited and every hash from it recomputed, and the head."""

    def target(self, db: Database) -> int:
        with db.transaction() as session:
            return session.scalars(
                select(AuditEntry.id).where(AuditEntry.action == "archive.read")
            ).first()

    def test_recomputed_with_plain_sha256_is_caught_at_that_entry(
        self, run, db, client, clock, callers
    ):
        activity(client, callers, clock, "1")
        activity(client, callers, clock, "2")
        target = self.target(db)
        edit(db, target, purpose="本人查询")
        rechain(db, plain_sha256, start=target)

        assert problems(verify(db)) == [(target, "entry content altered", None)]
        cli = run("audit", "verify")
        assert cli.exit_code == 1
        assert f"审计日志被篡改：第 {target} 条内容或校验码被改动" in cli.output
        assert f"第 {target} 条内容或校验码被改动" in cli.output

    def test_recomputed_with_a_wrong_key_is_caught_at_that_entry(
        self, run, db, client, clock, callers
    ):
        activity(client, callers, clock, "1")
        activity(client, callers, clock, "2")
        target = self.target(db)
        edit(db, target, purpose="本人查询")
        rechain(db, hmac_under(os.urandom(32)), start=target)

        assert problems(verify(db)) == [(target, "entry content altered", None)]
        assert run("audit", "verify").exit_code == 1

    def test_the_whole_chain_recomputed_with_plain_sha256_is_caught_at_the_first(
        self, db, client, clock, callers
    ):
        """Passing the database off as one from before the key: without a keyed audit.keyed
        entry, every entry must be keyed."""
        activity(client, callers, clock, "1")
        rechain(db, plain_sha256, start=1)
        assert problems(verify(db)) == [(1, "entry content altered", None)]

    def test_recomputed_by_a_holder_of_the_key_is_caught_by_a_checkpoint(
        self, run, db, client, clock, callers, checkpoints
    ):
        """The key does not help rewrite what a checkpoint anchored."""
        activity(client, callers, clock, "1")
        activity(client, callers, clock, "2")
        taken = checkpoint(db, clock)
        target = self.target(db)
        edit(db, target, purpose="本人查询")
        rechain(db, db.audit_keys.chain_mac, start=target)

        assert problems(verify(db)) == [
            (
                taken.last_id,
                "entry differs from this checkpoint (log rewritten)",
                taken.path.name,
            )
        ]
        assert run("audit", "verify").exit_code == 1


class TestCheckpointFiles:
    def test_an_edited_checkpoint_is_caught(self, run, db, client, clock, callers, checkpoints):
        """Someone who cut the tail and lowered the checkpoint's last id to match."""
        activity(client, callers, clock, "1")
        keep = head_id(db)
        activity(client, callers, clock, "2")
        taken = checkpoint(db, clock)
        cut_tail(db, keep)
        document = json.loads(taken.path.read_bytes())
        with Session(db.engine) as session:
            kept = session.get(AuditEntry, keep)
            assert kept is not None
            document["checkpoint"].update(last_id=keep, entries=keep, last_hash=kept.hash)
        taken.path.chmod(0o644)
        taken.path.write_text(json.dumps(document))

        assert problems(verify(db)) == [(None, "checkpoint signature invalid", taken.path.name)]
        cli = run("audit", "verify")
        assert cli.exit_code == 1 and "签名无效" in cli.output

    def test_a_checkpoint_signed_by_another_key_is_caught(self, db, clock, checkpoints):
        """A forged checkpoint, true to the log but not signed by the platform."""
        taken = checkpoint(db, clock)
        document = json.loads(taken.path.read_bytes())
        forger = Ed25519PrivateKey.generate()
        body = json.dumps(
            document["checkpoint"], sort_keys=True, ensure_ascii=False, separators=(",", ":")
        ).encode()
        document["signature"] = base64.b64encode(forger.sign(body)).decode()
        forged = checkpoints / "20991231T235959000000Z.json"
        forged.write_text(json.dumps(document))

        assert problems(verify(db)) == [(None, "checkpoint signature invalid", forged.name)]

    def test_an_unreadable_checkpoint_is_caught(self, db, clock, checkpoints):
        checkpoint(db, clock)
        garbage = checkpoints / "20991231T235959000000Z.json"
        garbage.write_text("{not json")
        assert problems(verify(db)) == [(None, "checkpoint unreadable", garbage.name)]

    def test_a_head_that_disagrees_with_the_log_is_not_signed(self, run, db, checkpoints):
        with Session(db.engine) as session, session.begin():
            head = session.get(AuditHead, 1)
            assert head is not None
            head.last_id -= 1
        result = run("audit", "checkpoint")
        assert result.exit_code == 1 and "audit_head_mismatch" in result.output
        assert not checkpoints.exists() or not any(checkpoints.iterdir())


# --- databases from before the key (migration 0011) ------------------------------------------


UNKEYED = 6


@pytest.fixture
def upgraded(empty_url, settings, tmp_path, clock, monkeypatch) -> Iterator[Database]:  # type: ignore[no-untyped-def]
    """A platform that logged UNKEYED entries under ADR 0003's plain SHA-256, then upgraded
    with its master secret."""
    before = ScriptDirectory.from_config(alembic_config(empty_url)).get_revision("0011")
    assert before is not None and isinstance(before.down_revision, str)
    upgrade(empty_url, before.down_revision)
    database = Database(settings.model_copy(update={"database_url": empty_url}))
    with Session(database.engine) as session, session.begin():
        prev_hash = GENESIS
        for n in range(1, UNKEYED + 1):
            entry = AuditEntry(id=n, at=clock.now(), actor="cli:old", action=f"old.{n}")
            entry.prev_hash, entry.hash = prev_hash, plain_sha256(content(entry, prev_hash))
            session.add(entry)
            prev_hash = entry.hash
        head = session.get(AuditHead, 1)
        assert head is not None
        head.last_id, head.last_hash = UNKEYED, prev_hash
    monkeypatch.setenv("XINYONG_SECRET_KEY", settings.secret_key)
    monkeypatch.setenv("XINYONG_VAR_DIR", str(tmp_path / "var"))
    upgrade(empty_url)
    yield database
    database.dispose()


class TestUpgrade:
    def test_entries_from_before_the_key_stay_verified_and_later_ones_are_keyed(
        self, upgraded, clock
    ):
        result = verify(upgraded)
        assert result.ok, result.findings
        assert (result.checked, result.unkeyed) == (UNKEYED + 1, UNKEYED)
        with upgraded.transaction() as session:
            keyed = session.get(AuditEntry, UNKEYED + 1)
            assert keyed is not None and keyed.action == audit.KEYED
            audit.log(session, actor="test", action="after.upgrade", at=clock.now())
        result = verify(upgraded)
        assert result.ok and (result.checked, result.unkeyed) == (UNKEYED + 2, UNKEYED)

    def test_a_rewritten_entry_from_before_the_key_is_caught_at_the_keyed_entry(self, upgraded):
        """Re-chained with plain SHA-256 up to the key, as the old scheme allows: the keyed
        entry's MAC covers the last unkeyed hash."""
        edit(upgraded, 3, actor="forger")
        rechain(upgraded, plain_sha256, start=3)
        assert problems(verify(upgraded)) == [(UNKEYED + 1, "entry content altered", None)]

    def test_removing_the_start_of_the_key_is_caught(self, upgraded):
        """The whole chain passed off as unkeyed: the audit.keyed entry renamed and every hash
        recomputed with plain SHA-256."""

        edit(upgraded, UNKEYED + 1, action="old.7")
        rechain(upgraded, plain_sha256, start=1)
        assert problems(verify(upgraded)) == [(1, "entry content altered", None)]

    def test_moving_the_start_of_the_key_later_is_caught(self, upgraded, clock):
        with upgraded.transaction() as session:
            audit.log(session, actor="test", action="after.upgrade", at=clock.now())
        edit(upgraded, UNKEYED + 2, action=audit.KEYED)
        rechain(upgraded, plain_sha256, start=1)
        assert problems(verify(upgraded)) == [(UNKEYED + 2, "entry content altered", None)]

    def test_the_upgrade_refuses_without_the_master_secret(
        self, empty_url, settings, tmp_path, clock, monkeypatch
    ):
        before = ScriptDirectory.from_config(alembic_config(empty_url)).get_revision("0011")
        assert before is not None and isinstance(before.down_revision, str)
        upgrade(empty_url, before.down_revision)
        database = Database(settings.model_copy(update={"database_url": empty_url}))
        with Session(database.engine) as session, session.begin():
            entry = AuditEntry(id=1, at=clock.now(), actor="cli:old", action="old.1")
            entry.prev_hash, entry.hash = GENESIS, plain_sha256(content(entry, GENESIS))
            session.add(entry)
            head = session.get(AuditHead, 1)
            assert head is not None
            head.last_id, head.last_hash = 1, entry.hash
        database.dispose()
        monkeypatch.delenv("XINYONG_SECRET_KEY", raising=False)
        monkeypatch.setenv("XINYONG_VAR_DIR", str(tmp_path / "empty-var"))
        with pytest.raises(RuntimeError, match="XINYONG_SECRET_KEY"):
            upgrade(empty_url)
        assert not (tmp_path / "empty-var" / "secret.key").exists()
