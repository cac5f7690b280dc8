"""Named reads of the tables records own (``records``, ``record_revisions``)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Exists,
    Row,
    String,
    and_,
    bindparam,
    cast,
    exists,
    func,
    literal_column,
    or_,
    select,
    text,
    type_coerce,
)
from sqlalchemy.orm import Session

from xinyong.errors import NotFound
from xinyong.models import (
    Batch,
    CatalogItem,
    Category,
    Department,
    Disclosure,
    Record,
    RecordRevision,
    Standing,
    Subject,
    SubjectKind,
)


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


# Built once, of the table's columns: a hot read (each signing of a 容缺受理, commitments/).
_records = Record.__table__.c
_LATEST_NEGATIVE = (
    select(_records.subject_id, func.max(_records.determined_on))
    .where(
        _records.subject_id.in_(bindparam("subject_ids", expanding=True)),
        _records.category == Category.negative,
        _records.standing.in_([Standing.active, Standing.expired]),
        _records.determined_on >= bindparam("since"),
        _records.determined_on <= bindparam("today"),
    )
    .group_by(_records.subject_id)
)


def latest_negative_determined_on(
    session: Session, subject_ids: Collection[int], since: date, today: date
) -> dict[int, date]:
    """Per subject, the decision date of its latest negative record determined from ``since``
    up to ``today`` that still stands as a fact — active, or past its validity (expired), but
    not corrected, revoked or repaired; subjects without one are left out. One statement for
    the batch, through the primary key (subject_id, id)."""
    if not subject_ids:
        return {}
    rows = session.execute(
        _LATEST_NEGATIVE, {"subject_ids": list(subject_ids), "since": since, "today": today}
    ).all()
    return {
        sid: latest if isinstance(latest, date) else date.fromisoformat(str(latest))
        for sid, latest in rows
        if latest is not None
    }


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


def record_of_source(
    session: Session, subject_id: int, provider_id: int, source_id: str
) -> Record | None:
    """One provider's record about one subject under its source id (the newest of its
    items, should it have used the id for more than one)."""
    return session.execute(
        select(Record)
        .where(
            Record.subject_id == subject_id,
            Record.provider_id == provider_id,
            Record.source_id == source_id,
        )
        .order_by(Record.id.desc())
        .limit(1)
    ).scalar_one_or_none()


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


def batch_answer(session: Session, provider_id: int, idempotency_key: str) -> dict | None:
    """The answer first given to a provider's batch sent with this Idempotency-Key, if any."""
    return session.execute(
        select(Batch.answer).where(
            Batch.provider_id == provider_id, Batch.idempotency_key == idempotency_key
        )
    ).scalar_one_or_none()


def _local_month(column: Any, dialect: str) -> Any:
    if dialect == "postgresql":
        return func.to_char(
            func.timezone(literal_column("'Asia/Shanghai'"), column), literal_column("'YYYY-MM'")
        )
    return func.strftime("%Y-%m", column, "+8 hours")


def batch_totals_by_month(session: Session, start: datetime, end: datetime) -> list[Row]:
    """(provider id, month of arrival, batches, rows, accepted, duplicates, rejected) by month."""
    # The month is YYYY-MM in Asia/Shanghai, between ``start`` and ``end``; sums may be None.
    dialect = session.get_bind().dialect.name
    inner = (
        select(
            Batch.provider_id.label("provider_id"),
            _local_month(Batch.received_at, dialect).label("month"),
            Batch.total,
            Batch.accepted,
            Batch.duplicates,
            Batch.rejected,
        )
        .where(Batch.received_at >= start, Batch.received_at < end)
        .subquery()
    )
    return list(
        session.execute(
            select(
                inner.c.provider_id,
                inner.c.month,
                func.count(),
                func.sum(inner.c.total),
                func.sum(inner.c.accepted),
                func.sum(inner.c.duplicates),
                func.sum(inner.c.rejected),
            ).group_by(inner.c.provider_id, inner.c.month)
        ).all()
    )


def record_with_item_name(
    session: Session, subject_id: int, record_id: int
) -> Row[Record, str] | None:
    """(record, its catalog item's name), if the record is the subject's."""
    return session.execute(
        select(Record, CatalogItem.name)
        .join(CatalogItem, CatalogItem.id == Record.catalog_item_id)
        .where(Record.subject_id == subject_id, Record.id == record_id)
    ).first()


def archive_records(
    session: Session,
    subject_id: int,
    *,
    disclosures: Collection[Disclosure],
    authorised_items: Collection[str],
    category: Category | None = None,
    received_before: datetime | None = None,
) -> list[Row[Record, str, str, str]]:
    """The subject's records a reader sees (Measures art. 18–22), newest first, with names."""
    # Of the disclosure classes given, and of the authorised-query items the reader holds a
    # grant for; of one category and received before a time, if given; with the item's name
    # and the provider's code and name.
    visible: ColumnElement[bool] = Record.disclosure.in_(list(disclosures))
    if authorised_items:
        visible = or_(
            visible,
            and_(
                Record.disclosure == Disclosure.authorised,
                Record.item_code.in_(list(authorised_items)),
            ),
        )
    query = (
        select(Record, CatalogItem.name, Department.code, Department.name)
        .join(CatalogItem, CatalogItem.id == Record.catalog_item_id)
        .join(Department, Department.id == Record.provider_id)
        .where(Record.subject_id == subject_id, visible)
        .order_by(Record.id.desc())
    )
    if category is not None:
        query = query.where(Record.category == category)
    if received_before is not None:
        query = query.where(Record.received_at < received_before)
    return list(session.execute(query).all())


def standing_changes_until(
    session: Session, subject_id: int, before: datetime
) -> list[Row[int, Standing]]:
    """(record id, standing) of the subject's revisions before a time (Measures art. 36)."""
    return list(
        session.execute(
            select(RecordRevision.record_id, RecordRevision.standing)
            .where(RecordRevision.subject_id == subject_id, RecordRevision.at < before)
            .order_by(RecordRevision.at, RecordRevision.id)
        ).all()
    )


def public_record_exists(subject_id: Any, record_id: Any) -> Exists:
    """A condition for another query: the record its columns name is public (Measures art. 19)."""
    return exists().where(
        Record.subject_id == subject_id,
        Record.id == record_id,
        Record.disclosure == Disclosure.public,
    )


def active_records_in_batches_for_update(
    session: Session, batch_ids: Collection[int]
) -> list[Record]:
    """The active records of the given batches, locked for a change of standing."""
    return list(
        session.execute(
            select(Record)
            .where(Record.batch_id.in_(list(batch_ids)), Record.standing == Standing.active)
            .with_for_update()
        ).scalars()
    )


def record_ids_by_subject_in_batch(
    session: Session, batch_id: int, subject_ids: Iterable[int]
) -> dict[int, int]:
    """Subject id -> its record's id, in a batch naming each of the subjects once."""
    rows = session.execute(
        select(Record.subject_id, Record.id).where(
            Record.batch_id == batch_id, Record.subject_id.in_(list(subject_ids))
        )
    )
    return {subject_id: record_id for subject_id, record_id in rows}


def record_id_in_batch(session: Session, subject_id: int, batch_id: int) -> int:
    """The id of the subject's one record in a batch; NoResultFound if there is none."""
    return session.execute(
        select(Record.id).where(Record.subject_id == subject_id, Record.batch_id == batch_id)
    ).scalar_one()


def has_records(session: Session) -> bool:
    """Whether any record was ever collected."""
    return bool(session.execute(select(func.count()).select_from(Record)).scalar())


def _local_day(column: Any, dialect: str) -> Any:
    if dialect == "postgresql":
        return cast(func.timezone(literal_column("'Asia/Shanghai'"), column), Date)
    # Asia/Shanghai has kept UTC+8 without daylight saving since 1991.
    return func.date(column, "+8 hours")


def _decision(dialect: str) -> Any:
    """The decision date as ISO text: the item's decision-date field, else determined_on."""
    field: ColumnElement[Any]
    if dialect == "postgresql":
        field = Record.fields.op("->>", return_type=String)(CatalogItem.decision_date_field)
    else:
        field = func.json_extract(
            Record.fields, literal_column("'$.'").concat(CatalogItem.decision_date_field)
        )
    return func.coalesce(type_coerce(field, String), cast(Record.determined_on, String))


def decision_text(dialect: str) -> Any:
    """A record's decision date as ISO text, as the 双公示 report reads it (``_decision``): the
    monthly collection report judges every record's timeliness by it (oversight/)."""
    return _decision(dialect)


def _acts_received(start: datetime, end: datetime, *columns: Any) -> Any:
    """The records of the ten acts received between ``start`` and ``end``, through their
    batches (the index on records.batch_id), with the given columns."""
    return (
        select(*columns)
        .select_from(Batch)
        .join(Record, Record.batch_id == Batch.id)
        .join(CatalogItem, CatalogItem.id == Record.catalog_item_id)
        .where(
            Batch.received_at >= start,
            Batch.received_at < end,
            Record.received_at >= start,
            Record.received_at < end,
            CatalogItem.act_type.is_not(None),
        )
    )


def act_decision_groups(session: Session, start: datetime, end: datetime) -> list[Row]:
    """The ten acts' records received in [start, end), counted by provider, decision, arrival."""
    # The decision is ISO text or None, the arrival a day in Asia/Shanghai (000 §（十五）).
    dialect = session.get_bind().dialect.name
    inner = _acts_received(
        start,
        end,
        Record.provider_id.label("provider_id"),
        _decision(dialect).label("decision"),
        _local_day(Record.received_at, dialect).label("arrival"),
    ).subquery()
    return list(
        session.execute(
            select(inner.c.provider_id, inner.c.decision, inner.c.arrival, func.count()).group_by(
                inner.c.provider_id, inner.c.decision, inner.c.arrival
            )
        ).all()
    )


def late_act_records(
    session: Session,
    start: datetime,
    end: datetime,
    windows: Iterable[tuple[datetime, datetime, str]],
    *,
    limit: int | None,
    offset: int,
) -> list[Row]:
    """The ten acts' records received in [start, end) that are late by the windows."""
    # A window is (from, to, latest): arrived in [from, to) with a decision (ISO text) on or before
    # the latest. Columns: id, provider_id, item, item_name, subject_name, decision, arrival; by
    # provider, arrival and id.
    dialect = session.get_bind().dialect.name
    decision = _decision(dialect)
    late_days = or_(
        *(
            and_(Record.received_at >= since, Record.received_at < until, decision <= latest)
            for since, until, latest in windows
        )
    )
    inner = (
        _acts_received(
            start,
            end,
            Record.id.label("id"),
            Record.provider_id.label("provider_id"),
            Record.item_code.label("item"),
            CatalogItem.name.label("item_name"),
            Subject.name.label("subject_name"),
            decision.label("decision"),
            _local_day(Record.received_at, dialect).label("arrival"),
        )
        .join(Subject, Subject.id == Record.subject_id)
        .where(late_days)
        .subquery()
    )
    query = (
        select(inner)
        .order_by(inner.c.provider_id, inner.c.arrival, inner.c.id)
        .offset(offset)
        .limit(limit)
    )
    return list(session.execute(query).all())


DUAL_INDEXED = ("administrative_licensing", "administrative_penalty")


_DUAL_INDEX_TERM = "records.item_code IN ('administrative_licensing', 'administrative_penalty')"


def _json_text(dialect: str, name: str) -> ColumnElement[str]:
    """A field of records.fields as text, written as the 双公示 index is (migration 0007).
    Field names are the catalog's (``^[a-z][a-z0-9_]*$``), never the visitor's."""
    if not (name.isascii() and name.replace("_", "").isalnum()):
        raise ValueError(f"not a field name: {name!r}")
    if dialect == "postgresql":
        return literal_column(f"(records.fields ->> '{name}')", String)
    return literal_column(f"json_extract(records.fields, '$.{name}')", String)


def public_act_records(
    session: Session,
    item_codes: list[str],
    *,
    decision_field: str,
    today: date,
    provider_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    category_field: str | None = None,
    category: str | None = None,
    offset: int,
    limit: int,
) -> list[Row[Record, str, str | None, str | None, SubjectKind]]:
    """Public records of the items active today, with their subjects: the 双公示 columns."""
    # Newest decision first, with the subject's name, credit code, masked ID number and kind
    # (docs/portal.md); by provider, decision dates and a category field's value if given. The
    # item codes are the catalog's, checked by the caller.
    dialect = session.get_bind().dialect.name
    decided = _json_text(dialect, decision_field)
    # Written out, not bound: the planner matches them against the partial index.
    in_codes = text(f"records.item_code IN ({', '.join(repr(c) for c in item_codes)})")
    query = (
        select(Record, Subject.name, Subject.credit_code, Subject.id_masked, Subject.kind)
        .join(Subject, Subject.id == Record.subject_id)
        .where(
            in_codes,
            Record.disclosure == Disclosure.public,
            # Active, and not past its validity even if the daily job has not run yet
            # (subjects/rules.effective_standing, which the caller applies again).
            Record.standing == Standing.active,
            or_(Record.expires_on.is_(None), Record.expires_on > today),
        )
        .order_by(decided.desc(), Record.id.desc())
    )
    if set(item_codes) <= set(DUAL_INDEXED):
        query = query.where(text(_DUAL_INDEX_TERM))
    if provider_id is not None:
        query = query.where(Record.provider_id == provider_id)
    if date_from is not None:
        query = query.where(decided >= date_from.isoformat())
    if date_to is not None:
        query = query.where(decided <= date_to.isoformat())
    if category_field and category:
        query = query.where(_json_text(dialect, category_field) == category)
    return list(session.execute(query.offset(offset).limit(limit)).all())


def batches_received_between(
    session: Session,
    provider_id: int,
    start: datetime,
    end: datetime,
    *,
    limit: int,
    before: int | None = None,
) -> list[Batch]:
    """A provider's batches received in [start, end), newest first (the dashboard's counts
    by department and month, batch by batch)."""
    query = select(Batch).where(
        Batch.provider_id == provider_id, Batch.received_at >= start, Batch.received_at < end
    )
    if before is not None:
        query = query.where(Batch.id < before)
    return list(session.execute(query.order_by(Batch.id.desc()).limit(limit)).scalars())


def batches_received_since(session: Session, since: datetime) -> list[tuple[int, datetime]]:
    """(id, time received) of every batch received after ``since`` (the incremental
    evaluation pass: batches are few, one per push of up to 10,000 records)."""
    rows = session.execute(
        select(Batch.id, Batch.received_at).where(Batch.received_at > since)
    ).all()
    return [(batch_id, at) for batch_id, at in rows]


def subjects_in_batches(session: Session, batch_ids: Collection[int]) -> set[int]:
    """The subjects of the records collected in these batches (index on batch_id)."""
    if not batch_ids:
        return set()
    return set(
        session.execute(
            select(Record.subject_id).where(Record.batch_id.in_(list(batch_ids))).distinct()
        ).scalars()
    )
