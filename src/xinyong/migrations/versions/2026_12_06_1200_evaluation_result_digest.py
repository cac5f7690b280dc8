"""The digest of each subject's evaluation result (docs/evaluation.md § Running it): a run
compares it, not the points, with the result it computed, and leaves a subject whose result
did not move as it is. Rows written before it have none and are written once more.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("evaluation_grades") as batch:
        batch.add_column(sa.Column("digest", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("evaluation_grades") as batch:
        batch.drop_column("digest")
