"""Oversight of departments (issue 18 part 2): notices sent to departments with their
acknowledgements, the monthly reports of collection and use kept once their month is over, the
annual assessment's scoring models, and the index the collection report finds each provider's
last push of an item by.

Revision ID: 0025
Revises: 0023
Create Date: 2026-12-06 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0025"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _key() -> sa.Column:
    return sa.Column(
        "id",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        autoincrement=True,
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "notices",
        _key(),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=True),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint("kind", "period", name=op.f("uq_notices_kind_period")),
    )
    op.create_table(
        "notice_recipients",
        sa.Column("notice_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("department_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("notice_id", "department_id", name=op.f("pk_notice_recipients")),
    )
    op.create_index(
        op.f("ix_notice_recipients_department_id_notice_id"),
        "notice_recipients",
        ["department_id", "notice_id"],
    )
    op.create_table(
        "oversight_reports",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("report", _json(), nullable=False),
        sa.Column("generated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("generated_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("month", "kind", name=op.f("pk_oversight_reports")),
    )
    op.create_table(
        "oversight_scoring_models",
        _key(),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("spec", _json(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_scoring_models")),
        sa.UniqueConstraint("version", name=op.f("uq_oversight_scoring_models_version")),
    )
    op.create_index(
        op.f("ix_records_provider_id_item_code_received_at"),
        "records",
        ["provider_id", "item_code", "received_at"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_records_provider_id_item_code_received_at"), "records")
    op.drop_table("oversight_scoring_models")
    op.drop_table("oversight_reports")
    op.drop_index(op.f("ix_notice_recipients_department_id_notice_id"), "notice_recipients")
    op.drop_table("notice_recipients")
    op.drop_table("notices")
