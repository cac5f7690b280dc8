"""Named reads of the catalog's tables for the pages."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.models import CatalogItem, CatalogStatus, CatalogVersion


def published_items_of_sector(session: Session, sector: str) -> list[tuple[str, str]]:
    """Code and name of the published catalog's items a sector may push (Measures art. 8)."""
    rows = session.execute(
        select(CatalogItem.code, CatalogItem.name, CatalogItem.sources)
        .join(CatalogVersion, CatalogVersion.id == CatalogItem.version_id)
        .where(CatalogVersion.status == CatalogStatus.published)
        .order_by(CatalogItem.id)
    ).all()
    return [(code, name) for code, name, sources in rows if sector in (sources or [])]


def item_counts_by_version(session: Session) -> dict[int, int]:
    """How many items each catalog version has, by version id."""
    rows = session.execute(
        select(CatalogItem.version_id, func.count()).group_by(CatalogItem.version_id)
    ).all()
    return {version: int(n) for version, n in rows}
