"""Migration 0010 turns the registered id nodes of a running platform (one row per process,
the node its row id modulo 1,024) into leases, and back: a new holder of a number starts
above the upgrade's time, and the old shape works again after a downgrade."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from xinyong.core.ids import COUNTER_BITS, NODE_BITS, NODES, NodeLease, clock_ms
from xinyong.db import make_engine
from xinyong.migrations import alembic_config

REGISTERED = 3000  # processes that registered under 0009: every number used, most twice


def test_upgrade_makes_leases_of_registrations_and_downgrade_restores_them(empty_url):
    config = alembic_config(empty_url)
    command.upgrade(config, "0009")
    engine = make_engine(empty_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO id_nodes (hostname, pid) VALUES (:hostname, :pid)"),
                [{"hostname": f"host-{n}", "pid": n} for n in range(1, REGISTERED + 1)],
            )
            last = dict(
                conn.execute(
                    text("SELECT id, pid FROM id_nodes WHERE id > :after"),
                    {"after": REGISTERED - NODES},
                ).all()
            )
        before_upgrade = clock_ms()
        command.upgrade(config, "0010")

        with engine.connect() as conn:
            rows = conn.execute(text("SELECT node, pid, ceiling_ms FROM id_nodes")).all()
        # one ended lease per number, carrying the last process registered under it
        assert sorted((node, pid) for node, pid, _ in rows) == sorted(
            (row_id % NODES, pid) for row_id, pid in last.items()
        )
        ceilings = {ceiling for *_, ceiling in rows}
        assert len(ceilings) == 1 and ceilings.pop() > before_upgrade

        ids = NodeLease.claim(engine, seconds=600)
        assert ids.node in {node for node, *_ in rows}  # ended leases are taken first
        assert ids.next_id() >> (NODE_BITS + COUNTER_BITS) > rows[0][2]
        ids.lease.close()

        command.downgrade(config, "0009")
        with engine.begin() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM id_nodes")).scalar_one() == NODES
            registered = conn.execute(
                text("INSERT INTO id_nodes (hostname, pid) VALUES ('h', 1) RETURNING id")
            ).scalar_one()
        assert registered == NODES + 1
        command.upgrade(config, "head")
    finally:
        engine.dispose()
