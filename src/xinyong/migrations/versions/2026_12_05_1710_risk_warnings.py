"""Risk warnings (issue 17 part 2): warning rules as versioned data, the warnings the daily
sweep finds (unique by rule, subject and basis fact), where subjects and departments want
them sent, and the message outbox.

Revision 0020 follows 0018 on this branch; 0019 is another branch's and the two are chained
when they are merged.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 17:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0020"
down_revision: str | None = "0019"
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


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


AUDIENCE = ("subject", "department", "authority")
SEVERITY = ("notice", "warning", "serious")


def upgrade() -> None:
    op.create_table(
        "warning_rules",
        _key(),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("condition", _json(), nullable=False),
        sa.Column("audience", _enum("audience", *AUDIENCE), nullable=False),
        sa.Column("severity", _enum("warningseverity", *SEVERITY), nullable=False),
        sa.Column("basis_title", sa.String(length=200), nullable=False),
        sa.Column("basis_number", sa.String(length=100), nullable=False),
        sa.Column("basis_article", sa.String(length=100), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warning_rules")),
        sa.UniqueConstraint("code", "version", name=op.f("uq_warning_rules_code_version")),
    )
    op.create_table(
        "warnings",
        _key(),
        sa.Column("rule_id", sa.BigInteger(), nullable=False),
        sa.Column("rule_code", sa.String(length=64), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("fact", sa.String(length=100), nullable=False),
        sa.Column("audience", _enum("audience", *AUDIENCE), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("severity", _enum("warningseverity", *SEVERITY), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("reason", _json(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warnings")),
        sa.UniqueConstraint(
            "rule_code", "subject_id", "fact", name=op.f("uq_warnings_rule_code_subject_id_fact")
        ),
    )
    op.create_index(op.f("ix_warnings_subject_id"), "warnings", ["subject_id"])
    op.create_index(op.f("ix_warnings_department_id_id"), "warnings", ["department_id", "id"])
    op.create_index(
        "ix_warnings_undelivered",
        "warnings",
        ["id"],
        postgresql_where=sa.text("delivered_at IS NULL"),
        sqlite_where=sa.text("delivered_at IS NULL"),
    )
    op.create_table(
        "risk_sweeps",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_risk_sweeps")),
    )
    op.create_table(
        "warning_contacts",
        _key(),
        sa.Column("subject_id", sa.BigInteger(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warning_contacts")),
    )
    op.create_index(op.f("ix_warning_contacts_subject_id"), "warning_contacts", ["subject_id"])
    op.create_index(
        op.f("ix_warning_contacts_department_id"), "warning_contacts", ["department_id"]
    )
    op.create_table(
        "outbox_messages",
        _key(),
        sa.Column("warning_id", sa.BigInteger(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint(
            "warning_id",
            "channel",
            "recipient",
            name=op.f("uq_outbox_messages_warning_id_channel_recipient"),
        ),
    )
    op.create_index(
        op.f("ix_outbox_messages_status_next_attempt_at"),
        "outbox_messages",
        ["status", "next_attempt_at"],
    )


def downgrade() -> None:
    op.drop_table("outbox_messages")
    op.drop_table("warning_contacts")
    op.drop_table("risk_sweeps")
    op.drop_index("ix_warnings_undelivered", table_name="warnings")
    op.drop_table("warnings")
    op.drop_table("warning_rules")
