"""Id node numbers are leased (core/ids.py, ADR 0014): two live processes never share one,
numbers of ended processes are reused — after more than 1,024 processes too — a killed
process's number only once its lease ran out, and a new holder's ids are above every id an
earlier holder of the number could have made."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from xinyong.core.ids import (
    COUNTER_BITS,
    MAX_COUNTER,
    NODE_BITS,
    NODES,
    IdGenerator,
    IdLeaseLost,
    NodeLease,
    clock_ms,
)
from xinyong.db import Database
from xinyong.migrations import upgrade
from xinyong.models import IdNode

MS_SHIFT = NODE_BITS + COUNTER_BITS

# A process that leases a node when told to ("go" on stdin), prints it with an id, holds it
# until its stdin closes, and then exits as the CLI does.
HOLDER = """
import sys
from xinyong.db import Database
from xinyong.settings import Settings
db = Database(Settings())
print("ready", flush=True)
sys.stdin.readline()
ids = db.ids
print(ids.node, ids.next_id(), flush=True)
sys.stdin.read()
"""
# A process that makes ids — 10,000 at once, so on borrowed milliseconds — and is killed.
KILLED = """
import os, signal
from xinyong.db import Database
from xinyong.settings import Settings
db = Database(Settings())
ids = db.ids
print(ids.node, ids.take(10_000)[-1], flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def ms_of(id_: int) -> int:
    return id_ >> MS_SHIFT


def node_of(id_: int) -> int:
    return (id_ >> COUNTER_BITS) & (NODES - 1)


def env(db, tmp_path: Path, **extra: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        **os.environ,
        "XINYONG_DATABASE_URL": db.settings.database_url,
        "XINYONG_VAR_DIR": str(tmp_path / "var"),
        **extra,
    }


def db_time(db, seconds: int = 0) -> str:  # type: ignore[no-untyped-def]
    """SQL for the database's clock, ``seconds`` from now (the leases run on it)."""
    if db.dialect == "sqlite":
        return f"strftime('%Y-%m-%d %H:%M:%f', 'now', '{seconds:+d} seconds')"
    return f"CURRENT_TIMESTAMP + interval '{seconds} seconds'"


def leases(db) -> dict[int, tuple[int, bool, int]]:  # type: ignore[no-untyped-def]
    """node → (pid, whether its lease is running on the database's clock, ceiling)."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(f"SELECT node, pid, leased_until > {db_time(db)}, ceiling_ms FROM id_nodes")
        )
        return {node: (pid, bool(live), ceiling) for node, pid, live, ceiling in rows}


def lease_times(db, node: int) -> tuple[datetime, datetime]:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        row = session.get(IdNode, node)
        return row.claimed_at, row.leased_until


def end_lease_now(db, node: int) -> None:  # type: ignore[no-untyped-def]
    """Move the database's time past a lease: as if its holder had been stopped that long."""
    with db.engine.begin() as conn:
        conn.execute(
            text(f"UPDATE id_nodes SET leased_until = {db_time(db)} WHERE node = :n"), {"n": node}
        )


class TestLiveProcesses:
    def test_processes_claiming_at_once_get_distinct_nodes(self, db, tmp_path):
        # Five numbers were used and released, so the claims race for them and for new ones.
        for ids in [NodeLease.claim(db.engine, seconds=600) for _ in range(5)]:
            ids.lease.close()
        holders = [
            subprocess.Popen(
                [sys.executable, "-c", HOLDER],
                env=env(db, tmp_path),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(12)
        ]
        try:
            for holder in holders:
                assert holder.stdout.readline().strip() == "ready"
            for holder in holders:
                holder.stdin.write("go\n")
                holder.stdin.flush()
            answers = [holder.stdout.readline().split() for holder in holders]
            nodes = [int(node) for node, _ in answers]
            assert len(set(nodes)) == len(holders), nodes
            assert all(node_of(int(id_)) == int(node) for node, id_ in answers)
            held = leases(db)
            assert {node: held[node][:2] for node in nodes} == {
                node: (holder.pid, True) for node, holder in zip(nodes, holders, strict=True)
            }
        finally:
            for holder in holders:
                holder.stdin.close()
        for holder in holders:
            assert holder.wait(timeout=60) == 0
        # each released its number on exit
        assert not any(live for _, live, _ in leases(db).values())


class TestReuse:
    def test_more_than_1024_short_lived_holders_reuse_numbers_never_a_live_one(self, db):
        live = [NodeLease.claim(db.engine, seconds=600) for _ in range(2)]
        live_nodes = {ids.node for ids in live}
        made = [ids.next_id() for ids in live]
        by_node: dict[int, list[int]] = {}
        for _ in range(NODES + 100):  # each a process that starts, makes ids and exits
            ids = NodeLease.claim(db.engine, seconds=600)
            assert ids.node not in live_nodes
            batch = [ids.next_id(), *ids.take(3)]
            by_node.setdefault(ids.node, []).extend(batch)
            made.extend(batch)
            ids.lease.close()
        assert len(set(made)) == len(made)
        # the numbers of ended holders were taken again rather than new ones
        assert len(leases(db)) <= len(live_nodes) + 1
        # on a reused number, each holder's ids are above the last holder's
        for ids_of_node in by_node.values():
            assert ids_of_node == sorted(ids_of_node)
        for ids in live:
            ids.lease.renew()
            assert ids.next_id() > made[0]
            ids.lease.close()

    def test_killed_holder_number_is_reused_only_after_its_lease_ran_out(self, db, tmp_path):
        killed = {}
        for seconds in ("600", "1"):
            child = subprocess.run(
                [sys.executable, "-c", KILLED],
                env=env(db, tmp_path, XINYONG_ID_NODE_LEASE_SECONDS=seconds),
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert child.returncode == -signal.SIGKILL, child.stderr
            node, last_id = map(int, child.stdout.split())
            killed[seconds] = (node, last_id, leases(db)[node][2], lease_times(db, node)[1])
        long_node, _, _, long_until = killed["600"]
        short_node, short_last, short_ceiling, short_until = killed["1"]
        assert short_ceiling >= ms_of(short_last)

        held = []  # claims go on, each held, until one gets the one-second lease's number
        for _ in range(300):
            ids = NodeLease.claim(db.engine, seconds=600)
            assert ids.node != long_node
            held.append(ids)
            if ids.node == short_node:
                break
            time.sleep(0.2)
        assert ids.node == short_node
        # taken only once that lease had run out, on the database's clock
        assert lease_times(db, short_node)[0] >= short_until
        first = ids.next_id()
        assert first > short_last
        assert ms_of(first) > short_ceiling
        # the ten-minute lease of the other killed process still runs, and stays its own
        assert leases(db)[long_node][1]
        assert lease_times(db, long_node)[1] == long_until

    def test_holder_whose_number_was_taken_over_makes_no_more_ids(self, db):
        first = NodeLease.claim(db.engine, seconds=600)
        before = first.next_id()
        end_lease_now(db, first.node)  # its process stalled for the whole lease
        ceiling = leases(db)[first.node][2]
        second = NodeLease.claim(db.engine, seconds=600)
        assert second.node == first.node
        assert ms_of(second.next_id()) > ceiling >= ms_of(before)
        first.lease.renew()
        with pytest.raises(IdLeaseLost) as stopped:
            first.next_id()
        assert stopped.value.code == "id_lease_lost"
        first.lease.close()  # releases nothing that is not its own
        assert leases(db)[second.node][1]
        second.lease.renew()
        second.next_id()


class TestAllLeased:
    def test_command_refused_with_a_clear_error_until_a_lease_ends(self, db, run):
        with db.engine.begin() as conn:  # 1,024 processes elsewhere hold every number
            conn.execute(
                text(
                    "INSERT INTO id_nodes (node, token, hostname, pid, claimed_at, leased_until, "
                    f"ceiling_ms) VALUES (:node, 't', 'elsewhere', 1, {db_time(db)}, "
                    f"{db_time(db, 3600)}, 0)"
                ),
                [{"node": n} for n in range(NODES)],
            )
        refused = run("department", "list")
        assert refused.exit_code == 1
        assert "id_nodes_exhausted" in refused.output
        assert "全部 1024 个 ID 节点号均在租用中" in refused.output.replace("\n", "")
        assert "all 1024 id node numbers are leased" in " ".join(refused.output.split())
        end_lease_now(db, 700)
        assert run("department", "list").exit_code == 0


class TestGenerator:
    def test_starts_above_the_previous_holder_even_if_its_clock_is_behind(self):
        ahead = clock_ms() + 60_000  # the previous holder's ceiling, a minute ahead of us
        ids = IdGenerator(5, after_ms=ahead, ceiling_ms=ahead + 600_000)
        made = [ids.next_id(), *ids.take(MAX_COUNTER + 10), ids.next_id()]
        assert ms_of(made[0]) == ahead + 1
        assert made == sorted(made) and len(set(made)) == len(made)
        assert {node_of(i) for i in made} == {5}

    def test_makes_no_id_above_its_ceiling(self):
        after = clock_ms() + 60_000  # ahead of the clock: the milliseconds used are ours
        ids = IdGenerator(1, after_ms=after, ceiling_ms=after + 2)
        with pytest.raises(IdLeaseLost) as refused:
            ids.take(10 * (MAX_COUNTER + 1))
        assert refused.value.code == "id_lease_expired"
        # nothing was handed out: ids go on from where they were, up to the ceiling
        made = [ids.next_id(), *ids.take(2 * (MAX_COUNTER + 1) - 1)]
        assert (ms_of(made[0]), ms_of(made[-1])) == (after + 1, after + 2)
        with pytest.raises(IdLeaseLost):
            ids.next_id()

    def test_a_forked_child_makes_none_of_its_parent_ids_and_leases_its_own(self, db, tmp_path):
        own = _of_its_own(db, tmp_path)
        try:
            self._fork_and_lease(own)
        finally:
            if own is not db:
                own.dispose()

    def _fork_and_lease(self, db: Database) -> None:
        parent = db.ids
        parent.next_id()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: report, and leave without running the parent's exit code
            try:
                try:
                    parent.next_id()
                    refused = "no"
                except IdLeaseLost as exc:
                    refused = exc.detail["reason"]
                os.write(write, f"{refused} {db.ids.node}".encode())
            except BaseException as exc:  # tell the parent what went wrong, not just nothing
                os.write(write, f"error {type(exc).__name__}: {exc}"[:4000].encode())
            finally:
                os._exit(0)
        os.close(write)
        answer = os.read(read, 4096).decode()
        assert not answer.startswith("error"), answer
        refused, child_node = answer.split()
        os.close(read)
        os.waitpid(pid, 0)
        assert refused == "forked"
        assert int(child_node) != parent.node
        parent.next_id()


def _of_its_own(db: Database, tmp_path: Path) -> Database:
    """On SQLite, a database of the test's own, migrated: the forked child's lease takes
    SQLite's write lock, which a connection another test of the worker left open can hold on
    the shared file — in two full runs, once past four waits of 30 s each. On PostgreSQL, the
    shared one: its locks are a row's."""
    if not db.settings.database_url.startswith("sqlite"):
        return db
    url = f"sqlite:///{tmp_path / 'own.db'}"
    upgrade(url)
    return Database(db.settings.model_copy(update={"database_url": url}))
