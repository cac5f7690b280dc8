"""Named reads of the oversight tables (oversight_reports, oversight_scoring_models), and the
monthly reports' set-based reads of the tables other domains own — batches, records,
catalog items, objections, checks, check hits and feedback, the credit reports' register.

Each report read is one statement over a month for every department at once, grouped in the
database, so that no record, check or feedback passes through Python (docs/oversight.md §
scale). They are read-only and live here, in one place, as risk/repository's sweep reads and
inspections/repository's reads of the evaluation tables do."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    true,
    type_coerce,
)
from sqlalchemy.orm import Session

from xinyong.models import (
    ApiToken,
    Batch,
    CatalogItem,
    CatalogStatus,
    CatalogVersion,
    Check,
    CheckFeedback,
    CheckHit,
    CreditReport,
    Department,
    ListEntry,
    Objection,
    ObjectionOutcome,
    OversightReport,
    Record,
    ReportBasis,
    Role,
    ScoringModel,
    TargetType,
    User,
)
from xinyong.quality.repository import nil_returns_before
from xinyong.records.repository import decision_text

# ---- local days: Asia/Shanghai has kept UTC+8 without daylight saving since 1991


def _local_day(column: Any, dialect: str) -> ColumnElement[str]:
    """A timestamp's day in Asia/Shanghai as ISO text (YYYY-MM-DD)."""
    if dialect == "postgresql":
        return func.to_char(
            func.timezone(literal_column("'Asia/Shanghai'"), column),
            literal_column("'YYYY-MM-DD'"),
        )
    return func.date(column, "+8 hours")


def _lookup(key: Any, table: Mapping[str, Any]) -> ColumnElement[Any]:
    """``CASE key WHEN k THEN v … END`` (null for a key not in the table)."""
    if not table:
        return literal(None, String)
    return case({k: v for k, v in table.items()}, value=key)


# ---- who is reported on


def provider_departments(session: Session, before: datetime) -> list[Department]:
    """Departments created before ``before`` that provide: a provider token or account, or a
    batch ever sent (a provider whose tokens were revoked still answers for its month)."""
    provider = or_(
        exists().where(ApiToken.department_id == Department.id, ApiToken.role == Role.provider),
        exists().where(User.department_id == Department.id, User.role == Role.provider),
        exists().where(Batch.provider_id == Department.id),
    )
    return list(
        session.execute(
            select(Department)
            .where(Department.created_at < before, provider)
            .order_by(Department.code)
        ).scalars()
    )


def using_departments(session: Session, before: datetime) -> list[Department]:
    """Departments created before ``before``, the credit authority's own left out: every
    department may check (逢办必查), feed back and have credit reports issued."""
    return list(
        session.execute(
            select(Department)
            .where(Department.created_at < before, Department.kind != "credit_authority")
            .order_by(Department.code)
        ).scalars()
    )


def departments_by_id(session: Session, ids: Collection[int]) -> dict[int, Department]:
    if not ids:
        return {}
    rows = session.execute(select(Department).where(Department.id.in_(list(ids)))).scalars()
    return {d.id: d for d in rows}


# ---- collection


def items_in_force(session: Session, at: datetime) -> list[CatalogItem]:
    """The items of the catalog version in force at ``at``: the last published by then — or,
    for a time before any was published, the first published (what records that arrived
    before it, loaded from an earlier system, were collected under)."""
    published = select(CatalogVersion.id).where(
        CatalogVersion.status.in_([CatalogStatus.published, CatalogStatus.superseded])
    )
    version = session.execute(
        published.where(CatalogVersion.published_at <= at)
        .order_by(CatalogVersion.published_at.desc(), CatalogVersion.number.desc())
        .limit(1)
    ).scalar_one_or_none()
    if version is None:
        version = session.execute(
            published.order_by(CatalogVersion.published_at, CatalogVersion.number).limit(1)
        ).scalar_one_or_none()
    if version is None:
        return []
    return list(
        session.execute(
            select(CatalogItem).where(CatalogItem.version_id == version).order_by(CatalogItem.id)
        ).scalars()
    )


def last_pushes(
    session: Session, provider_ids: Collection[int], item_codes: Collection[str], before: datetime
) -> dict[tuple[int, str], datetime]:
    """Each provider's last arrival of each item before ``before``: one probe of the index
    (provider_id, item_code, received_at) per pair, in one statement."""
    if not provider_ids or not item_codes:
        return {}
    codes = (
        select(CatalogItem.code.label("code"))
        .where(CatalogItem.code.in_(list(item_codes)))
        .distinct()
        .subquery()
    )
    last = (
        select(func.max(Record.received_at))
        .where(
            Record.provider_id == Department.id,
            Record.item_code == codes.c.code,
            Record.received_at < before,
        )
        .scalar_subquery()
    )
    rows = session.execute(
        select(Department.id, codes.c.code, type_coerce(last, Record.received_at.type))
        .select_from(Department)
        .join(codes, true())
        .where(Department.id.in_(list(provider_ids)))
    ).all()
    found = {(pid, code): at for pid, code, at in rows if at is not None}
    # A 零报送 (quality/: nothing to report this period) is a push of the item too.
    for key, at in nil_returns_before(session, provider_ids, item_codes, before).items():
        if key not in found or at > found[key]:
            found[key] = at
    return found


def month_collection(
    session: Session,
    start: datetime,
    end: datetime,
    thresholds: Mapping[str, Mapping[date, date]],
) -> list[Any]:
    """Per provider and item, the records that arrived in [start, end) (through their
    batches, as the 双公示 report reaches them): how many, how many with a decision date, how
    many of those on time — decided on or after the threshold of the item's update cycle and
    the arrival day (oversight/rules.on_time_threshold)."""
    dialect = session.get_bind().dialect.name
    arrival = _local_day(Record.received_at, dialect)
    threshold = _lookup(
        CatalogItem.update_cycle,
        {
            cycle: _lookup(arrival, {d.isoformat(): t.isoformat() for d, t in days.items()})
            for cycle, days in thresholds.items()
        },
    )
    decision = decision_text(dialect)
    inner = (
        select(
            Record.provider_id.label("provider_id"),
            Record.item_code.label("item"),
            case((decision.is_not(None), 1), else_=0).label("dated"),
            case((and_(decision.is_not(None), decision >= threshold), 1), else_=0).label("on_time"),
        )
        .select_from(Batch)
        .join(Record, Record.batch_id == Batch.id)
        .join(CatalogItem, CatalogItem.id == Record.catalog_item_id)
        .where(
            Batch.received_at >= start,
            Batch.received_at < end,
            Record.received_at >= start,
            Record.received_at < end,
        )
        .subquery()
    )
    return list(
        session.execute(
            select(
                inner.c.provider_id,
                inner.c.item,
                func.count(),
                func.sum(inner.c.dated),
                func.sum(inner.c.on_time),
            ).group_by(inner.c.provider_id, inner.c.item)
        ).all()
    )


_REJECTED_CODES = {
    "postgresql": """
        SELECT b.provider_id, e.value ->> 'code' AS code, count(*) AS n
        FROM batches b
        CROSS JOIN LATERAL jsonb_array_elements(b.answer -> 'rejected') AS r(value)
        CROSS JOIN LATERAL jsonb_array_elements(r.value -> 'errors') AS e(value)
        WHERE b.received_at >= :start AND b.received_at < :end AND b.rejected > 0
        GROUP BY b.provider_id, e.value ->> 'code'
    """,
    "sqlite": """
        SELECT b.provider_id, json_extract(e.value, '$.code') AS code, count(*) AS n
        FROM batches b, json_each(b.answer, '$.rejected') r, json_each(r.value, '$.errors') e
        WHERE b.received_at >= :start AND b.received_at < :end AND b.rejected > 0
        GROUP BY b.provider_id, json_extract(e.value, '$.code')
    """,
}


def rejection_codes(session: Session, start: datetime, end: datetime) -> list[Any]:
    """(provider id, error code, how many) of the rejected rows of the batches received in
    [start, end): each row's errors, as its batch's answer keeps them (records/service)."""
    when = Batch.received_at.type  # aware in, as each database keeps it (models/base.py)
    statement = text(_REJECTED_CODES[session.get_bind().dialect.name]).bindparams(
        bindparam("start", start, type_=when), bindparam("end", end, type_=when)
    )
    return list(session.execute(statement).all())


def upheld_objections(session: Session, start: datetime, end: datetime) -> dict[int, int]:
    """Per department, objections decided in [start, end) that found its information wrong
    (Measures art. 32): to a record it provided, or to a list entry it identified."""
    out: dict[int, int] = {}
    for target_type, table, department in (
        (TargetType.record, Record, Record.provider_id),
        (TargetType.list_entry, ListEntry, ListEntry.department_id),
    ):
        rows = session.execute(
            select(department, func.count())
            .select_from(Objection)
            .join(
                table,
                and_(table.subject_id == Objection.subject_id, table.id == Objection.target_id),
            )
            .where(
                Objection.target_type == target_type,
                Objection.outcome == ObjectionOutcome.upheld,
                Objection.decided_at >= start,
                Objection.decided_at < end,
            )
            .group_by(department)
        ).all()
        for department_id, n in rows:
            out[department_id] = out.get(department_id, 0) + int(n)
    return out


def had_activity(session: Session, start: datetime, end: datetime) -> bool:
    """Whether anything was sent or checked in [start, end): a month the platform was not yet
    at work has no notices."""
    batch = session.execute(
        select(Batch.id).where(Batch.received_at >= start, Batch.received_at < end).limit(1)
    ).first()
    if batch is not None:
        return True
    return (
        session.execute(select(Check.id).where(Check.at >= start, Check.at < end).limit(1)).first()
        is not None
    )


# ---- use


def _checks_between(department_ids: Collection[int], start: datetime, end: datetime) -> Any:
    # The departments named, so that the index (department_id, at) serves the range.
    return and_(Check.department_id.in_(list(department_ids)), Check.at >= start, Check.at < end)


def check_counts(
    session: Session, department_ids: Collection[int], start: datetime, end: datetime
) -> list[Any]:
    """(department id, checks, subjects checked) of the checks made in [start, end)."""
    if not department_ids:
        return []
    return list(
        session.execute(
            select(Check.department_id, func.count(), func.sum(Check.subjects))
            .where(_checks_between(department_ids, start, end))
            .group_by(Check.department_id)
        ).all()
    )


def hit_counts(
    session: Session, department_ids: Collection[int], start: datetime, end: datetime
) -> list[Any]:
    """(department id, checks with a hit, measures shown) of the checks made in [start, end)."""
    if not department_ids:
        return []
    return list(
        session.execute(
            select(Check.department_id, func.count(func.distinct(CheckHit.check_id)), func.count())
            .select_from(Check)
            .join(CheckHit, CheckHit.check_id == Check.id)
            .where(_checks_between(department_ids, start, end))
            .group_by(Check.department_id)
        ).all()
    )


def feedback_counts(session: Session, start: datetime, end: datetime) -> list[Any]:
    """(department id, feedback given, measures applied) of the feedback given in [start, end)."""
    return list(
        session.execute(
            select(
                CheckFeedback.department_id,
                func.count(),
                func.sum(case((CheckFeedback.applied, 1), else_=0)),
            )
            .where(CheckFeedback.at >= start, CheckFeedback.at < end)
            .group_by(CheckFeedback.department_id)
        ).all()
    )


def _feedback_of_hit() -> Any:
    return and_(
        CheckFeedback.check_id == CheckHit.check_id,
        CheckFeedback.subject_id == CheckHit.subject_id,
        CheckFeedback.measure_code == CheckHit.measure_code,
    )


def feedback_due_counts(
    session: Session,
    department_ids: Collection[int],
    start: datetime,
    end: datetime,
    due_days: Mapping[date, date],
) -> list[Any]:
    """(department id, measures due, answered on time) of the measures shown by the checks
    made in [start, end), each due on ``due_days[its check day]``: on time when feedback was
    given on or before that day."""
    if not department_ids:
        return []
    dialect = session.get_bind().dialect.name
    due = _lookup(
        _local_day(Check.at, dialect), {d.isoformat(): t.isoformat() for d, t in due_days.items()}
    )
    answered = _local_day(CheckFeedback.at, dialect)
    on_time = case((and_(CheckFeedback.at.is_not(None), answered <= due), 1), else_=0)
    return list(
        session.execute(
            select(Check.department_id, func.count(), func.sum(on_time))
            .select_from(Check)
            .join(CheckHit, CheckHit.check_id == Check.id)
            .outerjoin(CheckFeedback, _feedback_of_hit())
            .where(_checks_between(department_ids, start, end))
            .group_by(Check.department_id)
        ).all()
    )


def feedback_overdue(
    session: Session, department_ids: Collection[int], checked_before: datetime, at: datetime
) -> dict[int, int]:
    """Per department, the measures shown by its checks made before ``checked_before`` with no
    feedback given before ``at``."""
    if not department_ids:
        return {}
    answered = exists().where(_feedback_of_hit(), CheckFeedback.at < at)
    rows = session.execute(
        select(Check.department_id, func.count())
        .select_from(Check)
        .join(CheckHit, CheckHit.check_id == Check.id)
        .where(
            Check.department_id.in_(list(department_ids)),
            Check.at < checked_before,
            ~answered,
        )
        .group_by(Check.department_id)
    ).all()
    return {department_id: int(n) for department_id, n in rows}


def reports_requested(session: Session, start: datetime, end: datetime) -> dict[int, int]:
    """Per department, the credit reports issued to it in [start, end) on a department's basis:
    its 信用审查 (Measures art. 25) or a subject's authorisation (art. 22)."""
    rows = session.execute(
        select(CreditReport.department_id, func.count())
        .where(
            CreditReport.department_id.is_not(None),
            CreditReport.basis.in_([ReportBasis.review, ReportBasis.authorised]),
            CreditReport.issued_at >= start,
            CreditReport.issued_at < end,
        )
        .group_by(CreditReport.department_id)
    ).all()
    return {department_id: int(n) for department_id, n in rows if department_id is not None}


# ---- kept reports and scoring models


def kept_report(session: Session, month: str, kind: str) -> OversightReport | None:
    return session.get(OversightReport, (month, kind))


def latest_scoring_model(session: Session) -> ScoringModel | None:
    return session.execute(
        select(ScoringModel).order_by(ScoringModel.version.desc()).limit(1)
    ).scalar_one_or_none()


def next_scoring_version(session: Session) -> int:
    latest = session.execute(select(func.max(ScoringModel.version))).scalar()
    return int(latest or 0) + 1
