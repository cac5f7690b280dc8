"""容缺受理 (issue 15): the documents a commitment of type ``missing_documents`` was accepted
without, and those supplied since.

``commitments.missing_documents``: the names of the documents missing at the acceptance (JSON
list; null for the other types). ``commitments.documents_supplied``: the names supplied so far
(JSON list). The daily sweep of the commitments past their deadline finds them by the index
on ``(state, due_on)`` of migration 0013.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 09:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("missing_documents", _json(), nullable=True))
        batch_op.add_column(sa.Column("documents_supplied", _json(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("commitments", schema=None) as batch_op:
        batch_op.drop_column("documents_supplied")
        batch_op.drop_column("missing_documents")
