"""Self-declaration (issue 15, part 6): the declarations subjects make about themselves.

``declarations``: one subject's declaration, keyed by ``(subject_id, id)`` like the other
procedures, with the category's fields, the truthfulness commitment it confirmed (text and
SHA-256), the competent department, and its verification.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "declarations",
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "qualification",
                "operation",
                "contract",
                "honour",
                "public_interest",
                name="declarationcategory",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("fields", _json(), nullable=False),
        sa.Column("legal_representative", sa.String(length=100), nullable=True),
        sa.Column(
            "disclosure",
            sa.Enum(
                "public",
                "government",
                "authorised",
                name="disclosure",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("commitment_version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("declared_by", sa.String(length=100), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "pending",
                "verified",
                "rejected",
                "false",
                name="declarationstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("verified_by", sa.String(length=20), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirming_record_id", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("record_id", sa.BigInteger(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("subject_id", "id", name=op.f("pk_declarations")),
    )
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_declarations_id"), ["id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_declarations_department_id_state"),
            ["department_id", "state"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_declarations_subject_id_state"), ["subject_id", "state"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("declarations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_declarations_subject_id_state"))
        batch_op.drop_index(batch_op.f("ix_declarations_department_id_state"))
        batch_op.drop_index(batch_op.f("ix_declarations_id"))
    op.drop_table("declarations")
