"""Personal accounts inside a department and two-person approval (issue 14, part 2).

``users.staff_role``: what a person of a department does there (handler 经办, reviewer 审核,
admin 管理员); empty for a subject's account and for a department's shared account of before.
``users.password_hash`` may be empty: a person added by its department's administrator sets
its password by a one-time link (``user_setup_links``, the token's SHA-256 only).
``pending_decisions``: a decision one person prepared, waiting for another to approve it.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "staff_role",
                sa.Enum(
                    "handler",
                    "reviewer",
                    "admin",
                    name="staffrole",
                    native_enum=False,
                    length=32,
                ),
                nullable=True,
            )
        )
        batch_op.alter_column("password_hash", existing_type=sa.String(length=200), nullable=True)

    op.create_table(
        "user_setup_links",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_how", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_setup_links_user_id_users")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_user_setup_links")),
    )
    with op.batch_alter_table("user_setup_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_setup_links_user_id"), ["user_id"], unique=False)

    op.create_table(
        "pending_decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("target_id", sa.BigInteger(), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("prepared_by", sa.Integer(), nullable=False),
        sa.Column("prepared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "approved",
                "returned",
                "withdrawn",
                name="decisionoutcome",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_pending_decisions_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["prepared_by"], ["users.id"], name=op.f("fk_pending_decisions_prepared_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_pending_decisions_decided_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_decisions")),
    )
    with op.batch_alter_table("pending_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pending_decisions_department_id_outcome"),
            ["department_id", "outcome"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_pending_decisions_kind_target_id"), ["kind", "target_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pending_decisions_prepared_by"), ["prepared_by"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pending_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_decisions_prepared_by"))
        batch_op.drop_index(batch_op.f("ix_pending_decisions_kind_target_id"))
        batch_op.drop_index(batch_op.f("ix_pending_decisions_department_id_outcome"))
    op.drop_table("pending_decisions")
    with op.batch_alter_table("user_setup_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_setup_links_user_id"))
    op.drop_table("user_setup_links")
    # A person who never set a password cannot log in either way.
    op.execute(sa.text("UPDATE users SET password_hash = '!' WHERE password_hash IS NULL"))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("password_hash", existing_type=sa.String(length=200), nullable=False)
        batch_op.drop_column("staff_role")
