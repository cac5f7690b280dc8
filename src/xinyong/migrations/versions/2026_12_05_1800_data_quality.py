"""Data quality (issue 18 part 3, docs/quality.md): the name an organisation was pushed under
kept with each record, the quality rule sets, check runs, findings, 零报送, the last push of
each item by each provider and the duties found overdue; an index of a provider's records by
decision number for the duplicate check.

Revision ID: 0024
Revises: 0025
Create Date: 2026-12-05 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0024"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The duplicate check (quality/checks.py) looks up a provider's records of an item by decision
# number: an expression index, written as the check's query writes the expression (as the
# 双公示 index of migration 0007 is), partial so that records without one cost nothing.
DECISION_INDEX = {
    "postgresql": (
        "CREATE INDEX ix_records_decision_number ON records "
        "(provider_id, item_code, (fields ->> 'decision_number')) "
        "WHERE (fields ->> 'decision_number') IS NOT NULL"
    ),
    "sqlite": (
        "CREATE INDEX ix_records_decision_number ON records "
        "(provider_id, item_code, json_extract(fields, '$.decision_number')) "
        "WHERE json_extract(fields, '$.decision_number') IS NOT NULL"
    ),
}


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _bigint_key() -> sa.types.TypeEngine:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("records", sa.Column("subject_name", sa.String(length=200), nullable=True))
    op.execute(DECISION_INDEX[op.get_bind().dialect.name])
    op.create_table(
        "quality_rule_sets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rules", _json(), nullable=False),
        sa.Column("score", _json(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_rule_sets")),
        sa.UniqueConstraint("version", name=op.f("uq_quality_rule_sets_version")),
    )
    op.create_table(
        "quality_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rule_set_version", sa.Integer(), nullable=False),
        sa.Column("started_by", sa.String(length=100), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("found", _json(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_runs")),
    )
    op.create_index(op.f("ix_quality_runs_kind_day"), "quality_runs", ["kind", "day"])
    op.create_table(
        "quality_findings",
        sa.Column("id", _bigint_key(), autoincrement=True, nullable=False),
        sa.Column("rule_code", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=12), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=64), nullable=False),
        sa.Column("fact", sa.String(length=300), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("new_record_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_findings")),
        sa.UniqueConstraint(
            "rule_code",
            "subject_id",
            "record_id",
            name=op.f("uq_quality_findings_rule_code_subject_id_record_id"),
        ),
    )
    op.create_index(
        op.f("ix_quality_findings_provider_id_state_id"),
        "quality_findings",
        ["provider_id", "state", "id"],
    )
    op.create_index(op.f("ix_quality_findings_found_at"), "quality_findings", ["found_at"])
    op.create_index(
        op.f("ix_quality_findings_subject_id_record_id"),
        "quality_findings",
        ["subject_id", "record_id"],
    )
    op.create_index(
        "ix_quality_findings_open_run",
        "quality_findings",
        ["run_id", "provider_id"],
        postgresql_where=sa.text("state = 'open'"),
        sqlite_where=sa.text("state = 'open'"),
    )
    op.create_table(
        "quality_nil_returns",
        sa.Column("id", _bigint_key(), autoincrement=True, nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=64), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("filed_by", sa.String(length=100), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_nil_returns")),
    )
    op.create_index(
        op.f("ix_quality_nil_returns_provider_id_item_code_filed_at"),
        "quality_nil_returns",
        ["provider_id", "item_code", "filed_at"],
    )
    op.create_table(
        "quality_last_pushes",
        sa.Column("provider_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("item_code", sa.String(length=64), nullable=False),
        sa.Column("pushed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("provider_id", "item_code", name=op.f("pk_quality_last_pushes")),
    )
    op.create_table(
        "quality_overdue_duties",
        sa.Column("id", _bigint_key(), autoincrement=True, nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=64), nullable=False),
        sa.Column("update_cycle", sa.String(length=20), nullable=False),
        sa.Column("last_push_on", sa.Date(), nullable=False),
        sa.Column("pushed_before", sa.Boolean(), nullable=False),
        sa.Column("due_by", sa.Date(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_how", sa.String(length=12), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_overdue_duties")),
    )
    op.create_index(
        "uq_quality_overdue_duties_open",
        "quality_overdue_duties",
        ["provider_id", "item_code"],
        unique=True,
        postgresql_where=sa.text("closed_at IS NULL"),
        sqlite_where=sa.text("closed_at IS NULL"),
    )
    op.create_index(
        op.f("ix_quality_overdue_duties_provider_id_opened_at"),
        "quality_overdue_duties",
        ["provider_id", "opened_at"],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_quality_overdue_duties_provider_id_opened_at"), "quality_overdue_duties")
    op.drop_index("uq_quality_overdue_duties_open", "quality_overdue_duties")
    op.drop_table("quality_overdue_duties")
    op.drop_table("quality_last_pushes")
    op.drop_index(
        op.f("ix_quality_nil_returns_provider_id_item_code_filed_at"), "quality_nil_returns"
    )
    op.drop_table("quality_nil_returns")
    op.drop_index("ix_quality_findings_open_run", "quality_findings")
    op.drop_index(op.f("ix_quality_findings_subject_id_record_id"), "quality_findings")
    op.drop_index(op.f("ix_quality_findings_found_at"), "quality_findings")
    op.drop_index(op.f("ix_quality_findings_provider_id_state_id"), "quality_findings")
    op.drop_table("quality_findings")
    op.drop_index(op.f("ix_quality_runs_kind_day"), "quality_runs")
    op.drop_table("quality_runs")
    op.drop_table("quality_rule_sets")
    op.execute("DROP INDEX IF EXISTS ix_records_decision_number")
    op.drop_column("records", "subject_name")
