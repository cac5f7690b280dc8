"""Credit reports (issue 17 part 1): the register of every report issued — number, subject,
basis, requester, purpose, the moment it is as of, its content and the content's SHA-256.

Revision 0018 follows 0016 on this branch; 0017 is another branch's and the two are chained
when they are merged.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "credit_reports",
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "basis",
            sa.Enum(
                "own", "review", "authorised", name="reportbasis", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("summary", _json(), nullable=False),
        sa.Column("content", _json(), nullable=False),
        sa.Column("batch", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_credit_reports")),
    )
    with op.batch_alter_table("credit_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credit_reports_subject_id_issued_at"),
            ["subject_id", "issued_at"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_credit_reports_batch"), ["batch"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("credit_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_reports_batch"))
        batch_op.drop_index(batch_op.f("ix_credit_reports_subject_id_issued_at"))
    op.drop_table("credit_reports")
