"""Public credit evaluation (issue 16): models as versioned data, runs, each subject's current
grade with the points of each indicator, its grade history, and the grade per field of
supervision combined with an industry evaluation.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _grade(name: str = "grade") -> sa.types.TypeEngine:
    return sa.Enum("A", "B", "C", "D", name=name, native_enum=False, length=32)


def upgrade() -> None:
    op.create_table(
        "evaluation_field_grades",
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("industry_label", sa.String(length=40), nullable=False),
        sa.Column("industry_grade", _grade(), nullable=False),
        sa.Column("public_grade", _grade(), nullable=False),
        sa.Column("combined_grade", _grade(), nullable=False),
        sa.Column("source_record_id", sa.BigInteger(), nullable=False),
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("subject_id", "field", name=op.f("pk_evaluation_field_grades")),
    )
    with op.batch_alter_table("evaluation_field_grades", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evaluation_field_grades_field_combined_grade"),
            ["field", "combined_grade"],
            unique=False,
        )

    op.create_table(
        "evaluation_grade_changes",
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.Column("previous_grade", _grade(), nullable=True),
        sa.Column("grade", _grade(), nullable=False),
        sa.Column("score", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("subject_id", "id", name=op.f("pk_evaluation_grade_changes")),
    )
    op.create_table(
        "evaluation_grades",
        sa.Column("subject_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("model_id", sa.BigInteger(), nullable=False),
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.Column("score", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("grade", _grade(), nullable=False),
        sa.Column("capped_by", sa.String(length=10), nullable=True),
        sa.Column("points", _json(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("subject_id", name=op.f("pk_evaluation_grades")),
    )
    with op.batch_alter_table("evaluation_grades", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_grades_grade"), ["grade"], unique=False)

    op.create_table(
        "evaluation_models",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("applies_to", sa.String(length=20), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft", "published", "superseded", name="modelstatus", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("definition", _json(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(length=100), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_models")),
        sa.UniqueConstraint("code", "version", name=op.f("uq_evaluation_models_code_version")),
    )
    op.create_table(
        "evaluation_runs",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("model_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("engine", sa.String(length=10), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("running", "done", "failed", name="runstate", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("started_by", sa.String(length=100), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("subjects", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("grade_counts", _json(), nullable=True),
        sa.Column("psi", sa.Float(), nullable=True),
        sa.Column("previous_run_id", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_runs")),
    )
    with op.batch_alter_table("evaluation_runs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evaluation_runs_started_at"), ["started_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("evaluation_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_runs_started_at"))
    op.drop_table("evaluation_runs")
    op.drop_table("evaluation_models")
    with op.batch_alter_table("evaluation_grades", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_grades_grade"))
    op.drop_table("evaluation_grades")
    op.drop_table("evaluation_grade_changes")
    with op.batch_alter_table("evaluation_field_grades", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_field_grades_field_combined_grade"))
    op.drop_table("evaluation_field_grades")
