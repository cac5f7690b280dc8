"""Named reads of the tables records own (``records``, ``record_revisions``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.errors import NotFound
from xinyong.models import Batch, CatalogItem, Department, Record, Standing


def subject_records_by_ids(session: Session, subject_id: int, ids: Iterable[int]) -> list[Record]:
    """The subject's records of these ids that are stored, in id order."""
    return list(
        session.execute(
            select(Record)
            .where(Record.subject_id == subject_id, Record.id.in_(list(ids)))
            .order_by(Record.id)
        ).scalars()
    )


def records_of_items_determined_within(
    session: Session,
    subject_id: int,
    items: list[str],
    after: date,
    upto: date,
    standings: Iterable[Standing],
) -> list[Record]:
    """The subject's records of these catalog items in these standings determined after
    ``after`` up to and including ``upto``, in order of determination."""
    return list(
        session.execute(
            select(Record)
            .where(
                Record.subject_id == subject_id,
                Record.item_code.in_(items),
                Record.determined_on > after,
                Record.determined_on <= upto,
                Record.standing.in_(list(standings)),
            )
            .order_by(Record.determined_on, Record.id)
        ).scalars()
    )


def source_ids_of_item(
    session: Session, subject_id: int, provider_id: int, item_code: str
) -> list[str]:
    """The source ids of every record one provider gave of one item about one subject."""
    return list(
        session.execute(
            select(Record.source_id).where(
                Record.subject_id == subject_id,
                Record.provider_id == provider_id,
                Record.item_code == item_code,
            )
        ).scalars()
    )


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
