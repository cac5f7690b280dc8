"""The audit chain is keyed (ADR 0013): entries are chained by an HMAC-SHA-256 under a key
derived from the master secret, not by plain SHA-256.

No table changes. On a database that already has entries, chained by plain SHA-256, this
appends one keyed ``audit.keyed`` entry after them: its MAC covers the last unkeyed hash, so
the unkeyed entries stay pinned, and ``verify`` knows from it where the key begins (an entry
nobody can write or move without the key). The existing entries keep their hashes, so nothing
already anchored elsewhere changes. A new database needs nothing: it is keyed from its first
entry.

This step needs the master secret, read from the settings as the platform reads it
(``XINYONG_SECRET_KEY`` or ``var/secret.key``); run it as the platform runs (``xinyong db
upgrade``). It refuses rather than generate a new secret.

Downgrading is refused: the code before it cannot verify keyed entries, and turning them back
into plain SHA-256 would rewrite every hash that checkpoints pin. Restore a backup instead.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 12:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

from alembic import op
from sqlalchemy import select

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from xinyong.core.audit import start_keyed_chain
    from xinyong.core.crypto import AuditKeys
    from xinyong.models import AuditHead
    from xinyong.settings import Settings

    connection = op.get_bind()
    last_id = connection.execute(select(AuditHead.last_id)).scalar_one()
    if last_id == 0:
        return
    settings = Settings()
    if not settings.secret_key and not (settings.var_dir / "secret.key").exists():
        raise RuntimeError(
            "审计日志已有条目，需用平台的主密钥给链加密钥：请设置 XINYONG_SECRET_KEY 或 "
            "XINYONG_VAR_DIR（the audit log has entries and keying its chain needs the "
            "platform's master secret: set XINYONG_SECRET_KEY or XINYONG_VAR_DIR)"
        )
    start_keyed_chain(connection, AuditKeys(settings.master_key), at=datetime.now(UTC))


def downgrade() -> None:
    raise NotImplementedError(
        "审计链已加密钥，不能降级；请恢复升级前的备份（the keyed audit chain cannot be "
        "downgraded: restore the backup taken before the upgrade)"
    )
