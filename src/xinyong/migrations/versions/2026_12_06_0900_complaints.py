"""Complaints and tip-offs (失信举报, issue 18 part 4; 003 联合奖惩 §（十五））.

``complaints``: one report by the public about a subject's failure, keyed by its own id (the
subject may be unknown to the platform, and nothing of a complaint is found through a
subject's id): the subject as named (credit code, or ID number by keyed hash, encrypted and
masked), what happened, when and where, the sector and the competent department, the
informant's identity encrypted (null: anonymous), the receipt code's hash, the state with its
deadlines and their basis, and the record a substantiated complaint led to.

Revision ID: 0023
Revises: 0026
Create Date: 2026-12-06 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0023"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("receipt_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "subject_kind",
            sa.Enum(
                "legal_person",
                "non_legal_person_org",
                "natural_person",
                name="subjectkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("id_hash", sa.String(length=40), nullable=True),
        sa.Column("id_cipher", sa.String(length=120), nullable=True),
        sa.Column("id_masked", sa.String(length=18), nullable=True),
        sa.Column("subject_name", sa.String(length=200), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("sector", sa.String(length=40), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("informant", sa.Text(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "received",
                "accepted",
                "not_accepted",
                "substantiated",
                "unsubstantiated",
                name="complaintstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("periods", _json(), nullable=False),
        sa.Column("accept_due_on", sa.Date(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handle_due_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("record_id", sa.BigInteger(), nullable=True),
        sa.Column("record_source_id", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
        sa.UniqueConstraint("receipt_hash", name=op.f("uq_complaints_receipt_hash")),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_complaints_department_id_state"),
            ["department_id", "state"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_complaints_state_accept_due_on"),
            ["state", "accept_due_on"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_complaints_subject_id"), ["subject_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaints_subject_id"))
        batch_op.drop_index(batch_op.f("ix_complaints_state_accept_due_on"))
        batch_op.drop_index(batch_op.f("ix_complaints_department_id_state"))
    op.drop_table("complaints")
