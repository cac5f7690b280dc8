"""Indexes for the daily warning sweep (issue 17 part 2, docs/risk.md § The daily sweep): each
rule reads only the records in its window, not every record of its item.

- the active records of an item by determination day (``count_within``, ``amount_over``);
- the active negative records by arrival (``linked_black_list``: the last 30 days');
- the active records by the date field of each shipped ``date_due`` rule (行政许可 ``valid_to``,
  日常监督检查 ``rectification_deadline_on``): expression indexes, written as the sweep's query
  writes the expression (risk/repository._text), partial so that records without the field
  cost nothing.

Revision ID: 0027
Revises: 0024
Create Date: 2026-12-06 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DETERMINED = "standing = 'active' AND determined_on IS NOT NULL"
NEGATIVE = "category = 'negative' AND standing = 'active'"
DUE_FIELDS = ("valid_to", "rectification_deadline_on")
INDEXES = ("ix_records_active_item_determined_on", "ix_records_active_negative_received_at")


def _due_index(dialect: str, field: str) -> str:
    if dialect == "postgresql":
        value = f"(fields ->> '{field}')"
    else:
        value = f"json_extract(fields, '$.{field}')"
    return (
        f"CREATE INDEX ix_records_due_{field} ON records (item_code, {value}) "
        f"WHERE standing = 'active' AND {value} IS NOT NULL"
    )


def upgrade() -> None:
    op.create_index(
        "ix_records_active_item_determined_on",
        "records",
        ["item_code", "determined_on"],
        unique=False,
        postgresql_where=sa.text(DETERMINED),
        sqlite_where=sa.text(DETERMINED),
    )
    op.create_index(
        "ix_records_active_negative_received_at",
        "records",
        ["received_at"],
        unique=False,
        postgresql_where=sa.text(NEGATIVE),
        sqlite_where=sa.text(NEGATIVE),
    )
    dialect = op.get_bind().dialect.name
    for field in DUE_FIELDS:
        op.execute(_due_index(dialect, field))
    # Statistics of the new indexes at once. SQLite plans by sqlite_stat1, and an index it has
    # none for looks selective: on a database analysed before, it would read one subject's
    # records of an item (risk/repository.records_in_window) through the item's whole index
    # rather than the subject's key (at 5,000,000 records the first sweep had not finished
    # after six minutes; 42 s so). PostgreSQL keeps statistics of an index's expressions only
    # once analysed.
    if dialect == "sqlite":
        for name in (*INDEXES, *(f"ix_records_due_{field}" for field in DUE_FIELDS)):
            op.execute(f"ANALYZE {name}")
    else:
        op.execute("ANALYZE records")


def downgrade() -> None:
    for field in DUE_FIELDS:
        op.execute(f"DROP INDEX ix_records_due_{field}")
    op.drop_index("ix_records_active_negative_received_at", table_name="records")
    op.drop_index("ix_records_active_item_determined_on", table_name="records")
