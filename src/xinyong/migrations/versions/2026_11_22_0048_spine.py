"""The spine: departments, tokens, catalog, subjects, records, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 00:48:22.897382
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    audit_head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    # The audit chain starts from a head that names no entry (core/audit.py).
    op.bulk_insert(audit_head, [{"id": 1, "last_id": 0, "last_hash": "0" * 64, "note": None}])
    op.create_table(
        "audit_log",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=True),
        sa.Column("target_type", sa.String(length=40), nullable=True),
        sa.Column("target_id", sa.String(length=64), nullable=True),
        sa.Column("purpose", sa.String(length=200), nullable=True),
        sa.Column("before_ref", sa.String(length=200), nullable=True),
        sa.Column("after_ref", sa.String(length=200), nullable=True),
        sa.Column(
            "detail",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_log_subject_id_at"), ["subject_id", "at"], unique=False
        )

    op.create_table(
        "catalog_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "published",
                "superseded",
                name="catalogstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by", sa.String(length=100), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_versions")),
        sa.UniqueConstraint("number", name=op.f("uq_catalog_versions_number")),
    )
    op.create_table(
        "departments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_departments")),
        sa.UniqueConstraint("code", name=op.f("uq_departments_code")),
    )
    op.create_table(
        "id_nodes",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("hostname", sa.String(length=100), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_id_nodes")),
    )
    op.create_table(
        "record_revisions",
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "standing",
            sa.Enum(
                "active",
                "expired",
                "corrected",
                "revoked",
                "repaired",
                name="standing",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("procedure", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("subject_id", "id", name=op.f("pk_record_revisions")),
    )
    with op.batch_alter_table("record_revisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_record_revisions_subject_id_record_id"),
            ["subject_id", "record_id"],
            unique=False,
        )

    op.create_table(
        "subject_links",
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("person_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "legal_representative",
                "principal",
                "actual_controller",
                name="linkrole",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("source_record_id", sa.BigInteger(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("subject_id", "id", name=op.f("pk_subject_links")),
    )
    with op.batch_alter_table("subject_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subject_links_person_id"), ["person_id"], unique=False)

    op.create_table(
        "subject_names",
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("source_record_id", sa.BigInteger(), nullable=True),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("subject_id", "id", name=op.f("pk_subject_names")),
    )
    op.create_table(
        "subjects",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column(
            "kind",
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
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("registering_authority", sa.String(length=1), nullable=True),
        sa.Column("entity_type", sa.String(length=1), nullable=True),
        sa.Column("is_government_agency", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_record_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subjects")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_subjects_credit_code")),
        sa.UniqueConstraint("id_hash", name=op.f("uq_subjects_id_hash")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "authority",
                "provider",
                "user_department",
                "subject",
                "public",
                name="role",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("subject_id", sa.BigInteger(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_api_tokens_department_id_departments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_api_tokens_department_id"), ["department_id"], unique=False
        )

    op.create_table(
        "batches",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("same_level", "province_unified", name="channel", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("via", sa.String(length=10), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column(
            "answer",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["departments.id"], name=op.f("fk_batches_provider_id_departments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batches")),
        sa.UniqueConstraint(
            "provider_id", "idempotency_key", name=op.f("uq_batches_provider_id_idempotency_key")
        ),
    )
    op.create_table(
        "catalog_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "basic",
                "positive",
                "negative",
                "other",
                name="category",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "disclosure",
            sa.Enum(
                "public",
                "government",
                "authorised",
                name="disclosure",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "subject_types",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "sources",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("update_cycle", sa.String(length=20), nullable=False),
        sa.Column("legal_validity_years", sa.Integer(), nullable=True),
        sa.Column("legal_validity_basis", sa.Text(), nullable=True),
        sa.Column("retention_years", sa.Integer(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("act_type", sa.String(length=20), nullable=True),
        sa.Column("decision_date_field", sa.String(length=64), nullable=True),
        sa.Column("registers_subject", sa.Boolean(), nullable=False),
        sa.Column(
            "links",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "fields",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["catalog_versions.id"],
            name=op.f("fk_catalog_items_version_id_catalog_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalog_items")),
        sa.UniqueConstraint("version_id", "code", name=op.f("uq_catalog_items_version_id_code")),
    )
    op.create_table(
        "records",
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("item_code", sa.String(length=64), nullable=False),
        sa.Column("catalog_item_id", sa.Integer(), nullable=False),
        sa.Column("catalog_version", sa.Integer(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "basic",
                "positive",
                "negative",
                "other",
                name="category",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "disclosure",
            sa.Enum(
                "public",
                "government",
                "authorised",
                name="disclosure",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("same_level", "province_unified", name="channel", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("source_id", sa.String(length=100), nullable=False),
        sa.Column(
            "severity",
            sa.Enum("general", "serious", "severe", name="severity", native_enum=False, length=32),
            nullable=True,
        ),
        sa.Column("determined_on", sa.Date(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column(
            "fields",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "protected",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "standing",
            sa.Enum(
                "active",
                "expired",
                "corrected",
                "revoked",
                "repaired",
                name="standing",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("subject_id", "id", name=op.f("pk_records")),
        sa.UniqueConstraint(
            "subject_id",
            "provider_id",
            "item_code",
            "source_id",
            name=op.f("uq_records_subject_id_provider_id_item_code_source_id"),
        ),
    )
    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_records_batch_id"), ["batch_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_records_batch_id"))

    op.drop_table("records")
    op.drop_table("catalog_items")
    op.drop_table("batches")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_department_id"))

    op.drop_table("api_tokens")
    op.drop_table("subjects")
    op.drop_table("subject_names")
    with op.batch_alter_table("subject_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subject_links_person_id"))

    op.drop_table("subject_links")
    with op.batch_alter_table("record_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_revisions_subject_id_record_id"))

    op.drop_table("record_revisions")
    op.drop_table("id_nodes")
    op.drop_table("departments")
    op.drop_table("catalog_versions")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_subject_id_at"))

    op.drop_table("audit_log")
    op.drop_table("audit_head")
