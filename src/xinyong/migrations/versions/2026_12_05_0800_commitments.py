"""Credit commitments (issue 15, first slice): the commitment item list, its standard texts
and the commitments subjects sign.

``commitment_items``: the published list (信用承诺事项清单), one row per item with its spec and
version. ``commitment_templates``: the versions of each item's standard text (格式文本).
``commitments``: one subject's commitment, keyed by ``(subject_id, id)`` like the other
procedures, with the exact text signed and its SHA-256; one pending commitment per subject,
item and acceptance (``uq_commitments_pending``).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "commitment_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("spec", _json(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment_items")),
        sa.UniqueConstraint("code", name=op.f("uq_commitment_items_code")),
    )
    op.create_table(
        "commitment_templates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_code", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment_templates")),
        sa.UniqueConstraint(
            "item_code", "version", name=op.f("uq_commitment_templates_item_code_version")
        ),
    )
    op.create_table(
        "commitments",
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("item_code", sa.String(length=64), nullable=False),
        sa.Column("item_version", sa.Integer(), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "approval_substitute",
                "missing_documents",
                "self_discipline",
                "voluntary",
                "repair",
                name="commitmenttype",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("template_version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("obligations", _json(), nullable=False),
        sa.Column("breach", _json(), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("online", "paper", name="commitmentchannel", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("signed_by", sa.String(length=100), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("evidence_file_id", sa.BigInteger(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "fulfilled",
                "breached",
                "false",
                "withdrawn",
                name="commitmentstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("record_id", sa.BigInteger(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("subject_id", "id", name=op.f("pk_commitments")),
    )
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commitments_id"), ["id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_commitments_department_id_state"),
            ["department_id", "state"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_commitments_state_due_on"), ["state", "due_on"], unique=False
        )
        batch_op.create_index(
            "uq_commitments_pending",
            ["subject_id", "item_code", "reference"],
            unique=True,
            postgresql_where=sa.text("state = 'pending'"),
            sqlite_where=sa.text("state = 'pending'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_index("uq_commitments_pending")
        batch_op.drop_index(batch_op.f("ix_commitments_state_due_on"))
        batch_op.drop_index(batch_op.f("ix_commitments_department_id_state"))
        batch_op.drop_index(batch_op.f("ix_commitments_id"))
    op.drop_table("commitments")
    op.drop_table("commitment_templates")
    op.drop_table("commitment_items")
