"""Named reads of the tables records own (``records``, ``record_revisions``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.models import CatalogItem, Department, Record


def record_with_item_and_provider(
    session: Session, subject_id: int, record_id: int
) -> tuple[Record, str, str] | None:
    """The subject's record of this id with its catalog item's and its provider's names."""
    row = session.execute(
        select(Record, CatalogItem.name, Department.name)
        .join(CatalogItem, CatalogItem.id == Record.catalog_item_id)
        .join(Department, Department.id == Record.provider_id)
        .where(Record.subject_id == subject_id, Record.id == record_id)
    ).first()
    return None if row is None else (row[0], row[1], row[2])
