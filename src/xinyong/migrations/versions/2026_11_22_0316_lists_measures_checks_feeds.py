"""Lists, measures, checks and the change feed (issue 3).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 03:16:05.882248
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    change_head = op.create_table(
        "change_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_head")),
    )
    # The change feed starts from a head that names no change (feeds/changes.py).
    op.bulk_insert(change_head, [{"id": 1, "seq": 0}])
    op.create_table(
        "changes",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("topic", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=True),
        sa.Column("entry_id", sa.BigInteger(), nullable=True),
        sa.Column("list_code", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=True),
        sa.Column("field", sa.String(length=64), nullable=True),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column(
            "detail",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_changes")),
    )
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_changes_topic_seq"), ["topic", "seq"], unique=False)

    op.create_table(
        "check_feedback",
        sa.Column("check_id", sa.BigInteger(), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("measure_code", sa.String(length=64), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "check_id", "subject_id", "measure_code", name=op.f("pk_check_feedback")
        ),
    )
    with op.batch_alter_table("check_feedback", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_check_feedback_department_id_measure_code"),
            ["department_id", "measure_code"],
            unique=False,
        )

    op.create_table(
        "check_hits",
        sa.Column("check_id", sa.BigInteger(), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("measure_code", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("entry_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "check_id", "subject_id", "measure_code", name=op.f("pk_check_hits")
        ),
    )
    op.create_table(
        "checks",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("scenario", sa.String(length=40), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("subjects", sa.Integer(), nullable=False),
        sa.Column("found", sa.Integer(), nullable=False),
        sa.Column(
            "decisions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checks")),
    )
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checks_department_id_at"), ["department_id", "at"], unique=False
        )

    op.create_table(
        "credit_lists",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("red", "black", "watch", name="listkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("identifying_sector", sa.String(length=40), nullable=False),
        sa.Column(
            "spec",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_lists")),
        sa.UniqueConstraint("code", name=op.f("uq_credit_lists_code")),
    )
    op.create_table(
        "list_entries",
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("list_code", sa.String(length=64), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("red", "black", "watch", name="listkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "notice",
                "candidate",
                "listed",
                "withdrawn",
                "exited",
                name="entrystate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "basis_records",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "responsible_persons",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notice_ends_on", sa.Date(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("listed_until", sa.Date(), nullable=True),
        sa.Column("rectify_by", sa.Date(), nullable=True),
        sa.Column("rectified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("exited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "exit_reason",
            sa.Enum(
                "expiry",
                "repair",
                "revocation",
                "black_listed",
                name="exitreason",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("monitoring_until", sa.Date(), nullable=True),
        sa.Column("benefits_recall", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("subject_id", "id", name=op.f("pk_list_entries")),
    )
    with op.batch_alter_table("list_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_list_entries_state_list_code"), ["state", "list_code"], unique=False
        )
        batch_op.create_index(
            "uq_list_entries_live",
            ["subject_id", "list_id"],
            unique=True,
            postgresql_where=sa.text("state IN ('notice', 'candidate', 'listed')"),
            sqlite_where=sa.text("state IN ('notice', 'candidate', 'listed')"),
        )

    op.create_table(
        "list_entry_steps",
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("entry_id", sa.BigInteger(), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column(
            "detail",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("subject_id", "id", name=op.f("pk_list_entry_steps")),
    )
    with op.batch_alter_table("list_entry_steps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_list_entry_steps_subject_id_entry_id"),
            ["subject_id", "entry_id"],
            unique=False,
        )

    op.create_table(
        "list_objections",
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("entry_id", sa.BigInteger(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("filed_by", sa.String(length=100), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("upheld", sa.Boolean(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("subject_id", "id", name=op.f("pk_list_objections")),
    )
    with op.batch_alter_table("list_objections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_list_objections_subject_id_entry_id"),
            ["subject_id", "entry_id"],
            unique=False,
        )

    op.create_table(
        "measures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column(
            "spec",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measures")),
        sa.UniqueConstraint("code", name=op.f("uq_measures_code")),
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column(
            "lists",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "fields",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("webhook_url", sa.String(length=500), nullable=True),
        sa.Column("secret_cipher", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
    )
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subscriptions_department_id"), ["department_id"], unique=False
        )

    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
        sa.UniqueConstraint(
            "subscription_id", "seq", name=op.f("uq_webhook_deliveries_subscription_id_seq")
        ),
    )
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_webhook_deliveries_status_next_attempt_at"),
            ["status", "next_attempt_at"],
            unique=False,
        )


def downgrade() -> None:

    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_deliveries_status_next_attempt_at"))

    op.drop_table("webhook_deliveries")
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subscriptions_department_id"))

    op.drop_table("subscriptions")
    op.drop_table("measures")
    with op.batch_alter_table("list_objections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_list_objections_subject_id_entry_id"))

    op.drop_table("list_objections")
    with op.batch_alter_table("list_entry_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_list_entry_steps_subject_id_entry_id"))

    op.drop_table("list_entry_steps")
    with op.batch_alter_table("list_entries", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_list_entries_live",
            postgresql_where=sa.text("state IN ('notice', 'candidate', 'listed')"),
            sqlite_where=sa.text("state IN ('notice', 'candidate', 'listed')"),
        )
        batch_op.drop_index(batch_op.f("ix_list_entries_state_list_code"))

    op.drop_table("list_entries")
    op.drop_table("credit_lists")
    with op.batch_alter_table("checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checks_department_id_at"))

    op.drop_table("checks")
    op.drop_table("check_hits")
    with op.batch_alter_table("check_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_check_feedback_department_id_measure_code"))

    op.drop_table("check_feedback")
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_changes_topic_seq"))

    op.drop_table("changes")
    op.drop_table("change_head")
