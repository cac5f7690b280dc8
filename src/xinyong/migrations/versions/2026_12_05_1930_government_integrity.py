"""Government integrity (issue 18 part 1): the cases of 政务失信 records (explanation,
rectification, 清欠 payments, 容错纠错), the local debt-risk indicators, and the versioned
government-integrity policy.

Revision ID: 0026
Revises: 0022
Create Date: 2026-12-05 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0026"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _key() -> sa.types.TypeEngine:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("departments") as batch:
        batch.add_column(sa.Column("credit_code", sa.String(length=18), nullable=True))
        batch.create_unique_constraint(op.f("uq_departments_credit_code"), ["credit_code"])
    op.create_index(
        "ix_records_government_failure",
        "records",
        ["subject_id", "id"],
        postgresql_where=sa.text("item_code = 'government_failure'"),
        sqlite_where=sa.text("item_code = 'government_failure'"),
    )
    op.create_table(
        "government_failure_cases",
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("failure_kind", sa.String(length=40), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("amount_owed", sa.Numeric(16, 4), nullable=True),
        sa.Column("amount_paid", sa.Numeric(16, 4), nullable=False),
        sa.Column("payment_due_on", sa.Date(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "open",
                "explained",
                "cleared",
                "excluded",
                name="casestate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        _when("opened_at", nullable=False),
        sa.Column("explain_by", sa.Date(), nullable=False),
        sa.Column("rectify_by", sa.Date(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=True),
        _when("explained_at"),
        sa.Column("rectification", sa.Text(), nullable=True),
        _when("rectification_reported_at"),
        sa.Column("cleared_as", sa.String(length=20), nullable=True),
        _when("cleared_at"),
        sa.Column("exclusion_decision", sa.String(length=100), nullable=True),
        sa.Column("exclusion_document_id", sa.BigInteger(), nullable=True),
        sa.Column("exclusion_reason", sa.Text(), nullable=True),
        _when("excluded_at"),
        sa.Column("interviews", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("subject_id", "id", name=op.f("pk_government_failure_cases")),
        sa.UniqueConstraint(
            "subject_id", "record_id", name=op.f("uq_government_failure_cases_subject_id_record_id")
        ),
    )
    op.create_index(op.f("ix_government_failure_cases_id"), "government_failure_cases", ["id"])
    op.create_index(
        op.f("ix_government_failure_cases_state_region_code"),
        "government_failure_cases",
        ["state", "region_code"],
    )
    op.create_table(
        "arrears_payments",
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.Numeric(16, 4), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("evidence_id", sa.BigInteger(), nullable=True),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        _when("recorded_at", nullable=False),
        sa.PrimaryKeyConstraint("subject_id", "id", name=op.f("pk_arrears_payments")),
    )
    op.create_index(
        op.f("ix_arrears_payments_subject_id_case_id"),
        "arrears_payments",
        ["subject_id", "case_id"],
    )
    op.create_table(
        "debt_indicators",
        sa.Column("id", _key(), autoincrement=True, nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Numeric(12, 4), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("loaded_by", sa.String(length=100), nullable=False),
        _when("loaded_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_debt_indicators")),
    )
    op.create_index(
        op.f("ix_debt_indicators_region_code_year_indicator"),
        "debt_indicators",
        ["region_code", "year", "indicator"],
    )
    op.create_table(
        "government_policies",
        sa.Column("id", _key(), autoincrement=True, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("spec", _json(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        _when("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_government_policies")),
        sa.UniqueConstraint("version", name=op.f("uq_government_policies_version")),
    )
    op.create_table(
        "regional_evaluations",
        sa.Column("id", _key(), autoincrement=True, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("results", _json(), nullable=False),
        sa.Column("computed_by", sa.String(length=100), nullable=False),
        _when("computed_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regional_evaluations")),
    )
    op.create_index(op.f("ix_regional_evaluations_year"), "regional_evaluations", ["year"])


def downgrade() -> None:
    op.drop_index(op.f("ix_regional_evaluations_year"), "regional_evaluations")
    op.drop_table("regional_evaluations")
    op.drop_table("government_policies")
    op.drop_index(op.f("ix_debt_indicators_region_code_year_indicator"), "debt_indicators")
    op.drop_table("debt_indicators")
    op.drop_index(op.f("ix_arrears_payments_subject_id_case_id"), "arrears_payments")
    op.drop_table("arrears_payments")
    op.drop_index(op.f("ix_government_failure_cases_state_region_code"), "government_failure_cases")
    op.drop_index(op.f("ix_government_failure_cases_id"), "government_failure_cases")
    op.drop_table("government_failure_cases")
    op.drop_index("ix_records_government_failure", "records")
    with op.batch_alter_table("departments") as batch:
        batch.drop_constraint(op.f("uq_departments_credit_code"), type_="unique")
        batch.drop_column("credit_code")
