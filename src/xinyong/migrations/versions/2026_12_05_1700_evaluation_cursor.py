"""The incremental evaluation pass's cursor (issue 16 § 3): how far it has read the change
feed and the records collected, so that the daily jobs re-evaluate every subject whose
archive changed since (evaluation/incremental.py); batches found by the time received.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evaluation_cursors",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "batches",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_evaluation_cursors")),
    )
    op.create_index(op.f("ix_batches_received_at"), "batches", ["received_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_batches_received_at"), table_name="batches")
    op.drop_table("evaluation_cursors")
