"""Graded supervision and 双随机、一公开 (issue 16): the graded supervision rules as versioned
data, inspector pools and their declared conflicts, inspection plans (joint ones with their
departments), each plan's one draw with its population snapshot, the subjects drawn, the
inspectors assigned, and the results entered.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _at() -> sa.types.TypeEngine:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "supervision_rules",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("definition", _json(), nullable=False),
        sa.Column("loaded_by", sa.String(length=100), nullable=False),
        sa.Column("loaded_at", _at(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_rules")),
        sa.UniqueConstraint("version", name=op.f("uq_supervision_rules_version")),
    )
    op.create_table(
        "inspectors",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("badge_number", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("fields", _json(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", _at(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_inspectors_department_id_departments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspectors")),
        sa.UniqueConstraint(
            "department_id", "badge_number", name=op.f("uq_inspectors_department_id_badge_number")
        ),
    )
    op.create_table(
        "inspector_conflicts",
        sa.Column("inspector_id", sa.BigInteger(), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("declared_at", _at(), nullable=False),
        sa.PrimaryKeyConstraint("inspector_id", "subject_id", name=op.f("pk_inspector_conflicts")),
    )
    op.create_table(
        "inspection_plans",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("lead_department_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("items", _json(), nullable=False),
        sa.Column("population", _json(), nullable=False),
        sa.Column("classes", _json(), nullable=False),
        sa.Column("supervision_version", sa.Integer(), nullable=False),
        sa.Column("inspect_from", sa.Date(), nullable=False),
        sa.Column("inspect_until", sa.Date(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("draft", "published", "drawn", name="planstate", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", _at(), nullable=False),
        sa.Column("published_by", sa.String(length=100), nullable=True),
        sa.Column("published_at", _at(), nullable=True),
        sa.ForeignKeyConstraint(
            ["lead_department_id"],
            ["departments.id"],
            name=op.f("fk_inspection_plans_lead_department_id_departments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_plans")),
    )
    with op.batch_alter_table("inspection_plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_plans_lead_department_id"),
            ["lead_department_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_inspection_plans_state"), ["state"], unique=False)

    op.create_table(
        "inspection_plan_departments",
        sa.Column("plan_id", sa.BigInteger(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_inspection_plan_departments_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["inspection_plans.id"],
            name=op.f("fk_inspection_plan_departments_plan_id_inspection_plans"),
        ),
        sa.PrimaryKeyConstraint(
            "plan_id", "department_id", name=op.f("pk_inspection_plan_departments")
        ),
    )
    with op.batch_alter_table("inspection_plan_departments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_plan_departments_department_id"),
            ["department_id"],
            unique=False,
        )

    op.create_table(
        "inspection_draws",
        sa.Column("plan_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("algorithm", sa.String(length=40), nullable=False),
        sa.Column("seed", sa.String(length=40), nullable=False),
        sa.Column("snapshot_sha256", sa.String(length=64), nullable=False),
        sa.Column("snapshot", sa.LargeBinary(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("drawn", sa.Integer(), nullable=False),
        sa.Column("strata", _json(), nullable=False),
        sa.Column("pool", _json(), nullable=False),
        sa.Column("pool_sha256", sa.String(length=64), nullable=False),
        sa.Column("drawn_by", sa.String(length=100), nullable=False),
        sa.Column("drawn_at", _at(), nullable=False),
        sa.Column("drawn_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["inspection_plans.id"],
            name=op.f("fk_inspection_draws_plan_id_inspection_plans"),
        ),
        sa.PrimaryKeyConstraint("plan_id", name=op.f("pk_inspection_draws")),
    )
    op.create_table(
        "inspection_draw_subjects",
        sa.Column("plan_id", sa.BigInteger(), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("class_code", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "subject_id", name=op.f("pk_inspection_draw_subjects")),
    )
    op.create_table(
        "inspection_assignments",
        sa.Column("plan_id", sa.BigInteger(), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("inspector_id", sa.BigInteger(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("drawn_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint(
            "plan_id", "subject_id", "inspector_id", name=op.f("pk_inspection_assignments")
        ),
    )
    with op.batch_alter_table("inspection_assignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_assignments_department_id_drawn_on"),
            ["department_id", "drawn_on"],
            unique=False,
        )

    op.create_table(
        "inspection_results",
        sa.Column("plan_id", sa.BigInteger(), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("decision_number", sa.String(length=100), nullable=False),
        sa.Column("result", sa.String(length=40), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("entered_by", sa.String(length=100), nullable=False),
        sa.Column("entered_at", _at(), nullable=False),
        sa.PrimaryKeyConstraint(
            "plan_id", "subject_id", "department_id", name=op.f("pk_inspection_results")
        ),
    )
    with op.batch_alter_table("inspection_results", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_inspection_results_department_id_entered_at"),
            ["department_id", "entered_at"],
            unique=False,
        )


def downgrade() -> None:
    for table in (
        "inspection_results",
        "inspection_assignments",
        "inspection_draw_subjects",
        "inspection_draws",
        "inspection_plan_departments",
        "inspection_plans",
        "inspector_conflicts",
        "inspectors",
        "supervision_rules",
    ):
        op.drop_table(table)
