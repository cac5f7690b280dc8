"""Related parties (issue 17 part 2): the scans of the graph of organisations and persons, and
the organisations found within two links of a black-listed subject, with the path.

Revision ID: 0022
Revises: 0020
Create Date: 2026-12-05 17:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0022"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "related_party_scans",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("started_by", sa.String(length=100), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sources", sa.Integer(), nullable=False),
        sa.Column("links", sa.Integer(), nullable=False),
        sa.Column("flagged", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_related_party_scans")),
    )
    op.create_table(
        "related_party_flags",
        sa.Column("subject_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("scan_id", sa.Integer(), nullable=False),
        sa.Column("black_subject_id", sa.BigInteger(), nullable=False),
        sa.Column("entry_id", sa.BigInteger(), nullable=False),
        sa.Column("distance", sa.SmallInteger(), nullable=False),
        sa.Column("path", _json(), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("subject_id", name=op.f("pk_related_party_flags")),
    )
    op.create_index(
        op.f("ix_related_party_flags_black_subject_id"),
        "related_party_flags",
        ["black_subject_id"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_related_party_flags_black_subject_id"), "related_party_flags")
    op.drop_table("related_party_flags")
    op.drop_table("related_party_scans")
