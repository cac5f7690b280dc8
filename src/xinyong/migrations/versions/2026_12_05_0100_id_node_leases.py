"""Id node numbers are leased, not registered once per process (ADR 0014, core/ids.py).

``id_nodes`` had one row per process that ever made ids, the node number being its row id
modulo 1,024: a `tick` from cron every minute wrapped within a day, and two live processes
could then share a number. It becomes one row per node number 0..1023, leased with an expiry
on the database's clock and reused once free.

Upgrade: the old rows become ended leases, one per node number they used (the last process
registered under it); each number's ``ceiling_ms`` is the upgrade's time on the database's
clock plus ``AHEAD_MS``, so no new holder makes an id in a millisecond where an old process
may have made one. That assumes the old processes are stopped before the upgrade (as for any
migration) and that their hosts' clocks were less than ``AHEAD_MS`` ahead of the database's.

Downgrade: back to one row per process, from the leases' holders in node order.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 01:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NODES = 1024
EPOCH_MS = 1_704_067_200_000  # the ids' epoch, 2024-01-01T00:00:00Z (core/ids.py)
AHEAD_MS = 10 * 60 * 1000

OLD = sa.table("id_nodes", sa.column("id"), sa.column("hostname"), sa.column("pid"))
NEW = sa.table(
    "id_nodes",
    sa.column("node"),
    sa.column("token"),
    sa.column("hostname"),
    sa.column("pid"),
    sa.column("claimed_at", sa.DateTime(timezone=True)),
    sa.column("leased_until", sa.DateTime(timezone=True)),
    sa.column("ceiling_ms", sa.BigInteger()),
)


def _database_now(bind: sa.Connection) -> datetime:
    if bind.dialect.name == "sqlite":
        value = bind.execute(sa.text("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')")).scalar_one()
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return bind.execute(sa.text("SELECT CURRENT_TIMESTAMP")).scalar_one().astimezone(UTC)


def upgrade() -> None:
    bind = op.get_bind()
    last = sa.select(sa.func.max(OLD.c.id)).group_by(OLD.c.id % NODES)
    carried = bind.execute(
        sa.select(OLD.c.id % NODES, OLD.c.hostname, OLD.c.pid).where(OLD.c.id.in_(last))
    ).all()
    now = _database_now(bind)
    ceiling_ms = int(now.timestamp() * 1000) - EPOCH_MS + AHEAD_MS
    stamp = now.replace(tzinfo=None) if bind.dialect.name == "sqlite" else now

    op.drop_table("id_nodes")
    op.create_table(
        "id_nodes",
        sa.Column("node", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("hostname", sa.String(length=100), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("leased_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ceiling_ms", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(f"node >= 0 AND node < {NODES}", name=op.f("ck_id_nodes_node_range")),
        sa.PrimaryKeyConstraint("node", name=op.f("pk_id_nodes")),
    )
    if carried:
        op.bulk_insert(
            NEW,
            [
                {
                    "node": node,
                    "token": "",  # no holder: the lease ended at the upgrade
                    "hostname": hostname,
                    "pid": pid,
                    "claimed_at": stamp,
                    "leased_until": stamp,
                    "ceiling_ms": ceiling_ms,
                }
                for node, hostname, pid in carried
            ],
        )


def downgrade() -> None:
    bind = op.get_bind()
    holders = bind.execute(sa.select(NEW.c.hostname, NEW.c.pid).order_by(NEW.c.node)).all()
    op.drop_table("id_nodes")
    op.create_table(
        "id_nodes",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("hostname", sa.String(length=100), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_id_nodes")),
    )
    if holders:
        op.bulk_insert(OLD, [{"hostname": h, "pid": p} for h, p in holders])
