"""Named reads of the tables records own (``records``, ``record_revisions``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.models import Record, Standing


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
