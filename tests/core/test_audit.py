"""The hash-chained audit log (Measures art. 36–37): every change and every read of non-public
data leaves an entry; editing, removing or cutting entries behind the platform's back is found
by ``xinyong.core.audit.verify``."""

from __future__ import annotations

import json
from itertools import pairwise

import pytest
from sqlalchemy import select, text

from fixtures.helpers import credit_code, make_caller, penalty, push
from xinyong.core import audit
from xinyong.models import AuditEntry, Role

COMPANY = credit_code("91320100MA1AUD01H")


@pytest.fixture
def logged(client, db, clock) -> list[int]:  # type: ignore[no-untyped-def]
    """Some writes and reads through the API; returns the ids of all audit entries, in order."""
    authority = make_caller(db, clock, role=Role.authority, kind="credit_authority")
    client.post(
        "/api/v1/departments",
        json={
            "code": "ecology-nj",
            "name": "南京市生态环境局",
            "region_code": "320100",
            "kind": "ecology_environment",
        },
        headers=authority.headers,
    )
    provider = make_caller(db, clock, role=Role.provider)
    assert push(client, provider, [penalty("1", COMPANY)]).status_code == 200
    clock.advance(minutes=5)
    assert push(client, provider, [penalty("2", COMPANY)]).status_code == 200
    response = client.get(
        f"/api/v1/subjects/{COMPANY}/archive",
        params={"purpose": "监督检查"},
        headers=authority.headers,
    )
    assert response.status_code == 200, response.text
    with db.transaction() as session:
        ids = list(session.execute(select(AuditEntry.id).order_by(AuditEntry.id)).scalars())
    assert len(ids) >= 8
    return ids


def verify(db) -> audit.VerifyResult:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        return audit.verify(session)


def execute(db, sql: str, **params) -> None:  # type: ignore[no-untyped-def]
    with db.engine.begin() as conn:
        conn.execute(text(sql), params)


def json_param(db) -> str:  # type: ignore[no-untyped-def]
    """How raw SQL writes a JSON value on this backend."""
    return "CAST(:value AS JSONB)" if db.dialect == "postgresql" else ":value"


class TestIntactLog:
    def test_fresh_platform_log_verifies(self, db):
        result = verify(db)
        assert result.ok, result
        # The defaults: the catalog drafted and published, the lists, the measures list, the
        # validity rule, the commitment item list, the warning rules, the quality rules.
        assert result.checked == 8

    def test_log_after_writes_and_reads_verifies(self, db, logged):
        result = verify(db)
        assert result.ok, result
        assert (result.checked, result.bad_id, result.problem) == (len(logged), None, None)

    def test_entries_are_numbered_consecutively_and_chained(self, db, logged):
        with db.transaction() as session:
            entries = session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
        assert [e.id for e in entries] == list(range(1, len(entries) + 1))
        assert entries[0].prev_hash == "0" * 64
        for previous, entry in pairwise(entries):
            assert entry.prev_hash == previous.hash

    def test_writes_and_reads_are_logged(self, db, logged):
        with db.transaction() as session:
            actions = set(session.execute(select(AuditEntry.action)).scalars())
        assert {
            "catalog.drafted",
            "catalog.published",
            "department.created",
            "token.created",
            "records.batch_received",
            "archive.read",
        } <= actions


class TestTampering:
    def test_edited_detail_is_caught_at_that_entry(self, db, logged):
        target = logged[len(logged) // 2]
        execute(
            db,
            f"UPDATE audit_log SET detail = {json_param(db)} WHERE id = :id",
            value=json.dumps({"edited": True}),
            id=target,
        )
        result = verify(db)
        assert (result.ok, result.bad_id, result.problem) == (
            False,
            target,
            "entry content altered",
        )
        assert result.checked == target - 1

    def test_edited_actor_is_caught_at_that_entry(self, db, logged):
        target = logged[3]
        execute(db, "UPDATE audit_log SET actor = 'forger' WHERE id = :id", id=target)
        result = verify(db)
        assert (result.ok, result.bad_id) == (False, target)

    def test_edited_purpose_is_caught_at_that_entry(self, db, logged):
        execute(
            db,
            "UPDATE audit_log SET purpose = '本人查询' WHERE action = 'archive.read'",
        )
        with db.transaction() as session:
            target = session.execute(
                select(AuditEntry.id).where(AuditEntry.action == "archive.read")
            ).scalar_one()
        result = verify(db)
        assert (result.ok, result.bad_id) == (False, target)

    def test_edited_entry_with_a_made_up_hash_is_caught_at_that_entry(self, db, logged):
        target = logged[3]
        execute(
            db,
            "UPDATE audit_log SET actor = 'forger', hash = :forged WHERE id = :id",
            forged="f" * 64,
            id=target,
        )
        result = verify(db)
        assert (result.ok, result.bad_id) == (False, target)

    def test_rewritten_entry_is_caught_by_the_next_one(self, db, logged):
        """Even a forger holding the audit key, who recomputes the edited entry's MAC, breaks
        the following link (without the key, see test_audit_tamper.py)."""
        target = logged[3]
        with db.transaction() as session:
            entry = session.get(AuditEntry, target)
            assert entry is not None
            values = audit._values(
                entry.at,
                "forger",
                entry.action,
                entry.subject_id,
                entry.target_type,
                entry.target_id,
                entry.purpose,
                entry.before_ref,
                entry.after_ref,
                entry.detail,
            )
            forged = db.audit_keys.chain_mac(audit._payload(entry.prev_hash, entry.id, values))
        execute(
            db,
            "UPDATE audit_log SET actor = 'forger', hash = :forged WHERE id = :id",
            forged=forged,
            id=target,
        )
        result = verify(db)
        assert (result.ok, result.bad_id, result.problem) == (
            False,
            target + 1,
            "chain broken before this entry",
        )

    def test_deleted_middle_entry_is_caught(self, db, logged):
        target = logged[len(logged) // 2]
        execute(db, "DELETE FROM audit_log WHERE id = :id", id=target)
        result = verify(db)
        assert (result.ok, result.bad_id, result.problem) == (False, target, "entry missing")

    def test_deleted_first_entry_is_caught(self, db, logged):
        execute(db, "DELETE FROM audit_log WHERE id = :id", id=logged[0])
        result = verify(db)
        assert (result.ok, result.bad_id) == (False, logged[0])

    def test_deleted_last_entry_is_caught_by_the_head(self, db, logged):
        last = logged[-1]
        execute(db, "DELETE FROM audit_log WHERE id = :id", id=last)
        result = verify(db)
        assert (result.ok, result.bad_id, result.problem) == (
            False,
            last,
            "entries removed from the end",
        )
        assert result.checked == last - 1

    def test_cut_tail_of_several_entries_is_caught(self, db, logged):
        execute(db, "DELETE FROM audit_log WHERE id >= :id", id=logged[-3])
        result = verify(db)
        assert (result.ok, result.bad_id) == (False, logged[-3])
