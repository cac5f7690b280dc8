"""Named reads of the records domain's tables (batches, records) for the pages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.errors import NotFound
from xinyong.models import Batch, CatalogItem, Record


def batches_of_provider(
    session: Session, provider_id: int, *, limit: int, before: int | None = None
) -> list[Batch]:
    """A provider's batches, newest first, those before the id ``before`` when given."""
    query = select(Batch).where(Batch.provider_id == provider_id)
    if before is not None:
        query = query.where(Batch.id < before)
    return list(session.execute(query.order_by(Batch.id.desc()).limit(limit)).scalars())


def batch_of_provider(session: Session, provider_id: int, batch_id: int) -> Batch:
    """One of a provider's batches; another's is as unknown as a batch that never was."""
    batch = session.get(Batch, batch_id)
    if batch is None or batch.provider_id != provider_id:
        raise NotFound("批次不存在", "no such batch of this department", code="unknown_batch")
    return batch


def records_with_item_names(
    session: Session, subject_id: int, record_ids: list[int]
) -> list[tuple[Record, str]]:
    """A subject's records of the given ids, each with its catalog item's name."""
    rows = session.execute(
        select(Record, CatalogItem.name)
        .join(CatalogItem, CatalogItem.id == Record.catalog_item_id)
        .where(Record.subject_id == subject_id, Record.id.in_(record_ids))
    ).all()
    return [(record, name) for record, name in rows]
