"""Named reads of the quality tables (quality_rule_sets, quality_runs, quality_findings,
quality_nil_returns, quality_last_pushes, quality_overdue_duties); the checks' set-based
statements over the records are quality/checks.py."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from xinyong.models import (
    Batch,
    LastPush,
    NilReturn,
    OverdueDuty,
    QualityFinding,
    QualityRuleSet,
    QualityRun,
    Record,
    Standing,
)

# ---- rule sets and runs


def latest_rule_set(session: Session) -> QualityRuleSet | None:
    return session.execute(
        select(QualityRuleSet).order_by(QualityRuleSet.version.desc()).limit(1)
    ).scalar_one_or_none()


def any_rule_set(session: Session) -> bool:
    return session.execute(select(QualityRuleSet.id).limit(1)).first() is not None


def ran_daily_on(session: Session, day: date) -> bool:
    query = select(QualityRun.id).where(QualityRun.kind == "daily", QualityRun.day == day)
    return session.execute(query.limit(1)).first() is not None


def last_read_until(session: Session) -> datetime | None:
    """How far the runs have read the batches: the latest end of a finished run's window."""
    query = select(func.max(QualityRun.until)).where(QualityRun.finished_at.is_not(None))
    return session.execute(query).scalar_one_or_none()


def get_run(session: Session, run_id: int) -> QualityRun | None:
    return session.get(QualityRun, run_id)


# ---- findings


@dataclass(frozen=True)
class FindingFilter:
    provider_id: int | None = None
    rule: str | None = None
    state: str | None = None
    run_id: int | None = None
    limit: int = 100
    offset: int = 0


def find_findings(session: Session, flt: FindingFilter) -> tuple[list[QualityFinding], int]:
    """Newest first, with the total."""
    conditions: list[ColumnElement[bool]] = []
    if flt.provider_id is not None:
        conditions.append(QualityFinding.provider_id == flt.provider_id)
    if flt.rule:
        conditions.append(QualityFinding.rule_code == flt.rule)
    if flt.state:
        conditions.append(QualityFinding.state == flt.state)
    if flt.run_id is not None:
        conditions.append(QualityFinding.run_id == flt.run_id)
    total = session.execute(
        select(func.count()).select_from(QualityFinding).where(*conditions)
    ).scalar_one()
    rows = session.execute(
        select(QualityFinding)
        .where(*conditions)
        .order_by(QualityFinding.id.desc())
        .limit(flt.limit)
        .offset(flt.offset)
    ).scalars()
    return list(rows), total


def get_finding(
    session: Session, finding_id: int, *, for_update: bool = False
) -> QualityFinding | None:
    query = select(QualityFinding).where(QualityFinding.id == finding_id)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def open_findings_of_record(
    session: Session, subject_id: int, record_id: int
) -> list[QualityFinding]:
    query = select(QualityFinding).where(
        QualityFinding.subject_id == subject_id,
        QualityFinding.record_id == record_id,
        QualityFinding.state == "open",
    )
    return list(session.execute(query.with_for_update()).scalars())


def new_findings_by_provider(session: Session, run_id: int) -> dict[int, int]:
    """Provider id → findings the run made (still open)."""
    rows = session.execute(
        select(QualityFinding.provider_id, func.count())
        .where(QualityFinding.run_id == run_id, QualityFinding.state == "open")
        .group_by(QualityFinding.provider_id)
    ).all()
    return {provider: int(n) for provider, n in rows}


def open_run_providers(session: Session, runs: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """Of these (run, provider) pairs, those with a finding still open."""
    wanted = list(set(runs))
    if not wanted:
        return set()
    rows = session.execute(
        select(QualityFinding.run_id, QualityFinding.provider_id)
        .where(
            QualityFinding.state == "open",
            or_(
                *(
                    and_(QualityFinding.run_id == run, QualityFinding.provider_id == provider)
                    for run, provider in wanted
                )
            ),
        )
        .distinct()
    ).all()
    return {(run, provider) for run, provider in rows}


def findings_of_inactive_records(session: Session) -> list[QualityFinding]:
    """Open findings whose record is no longer active (an objection's correction or a repair
    took it out of force first): one statement, the findings are few."""
    query = (
        select(QualityFinding)
        .join(
            Record,
            and_(
                Record.subject_id == QualityFinding.subject_id,
                Record.id == QualityFinding.record_id,
            ),
        )
        .where(
            QualityFinding.state == "open",
            Record.standing.in_([Standing.corrected, Standing.revoked, Standing.repaired]),
        )
    )
    return list(session.execute(query.with_for_update(of=QualityFinding)).scalars())


# ---- pushes and duties


def nil_returns_before(
    session: Session, provider_ids: Iterable[int], item_codes: Iterable[str], before: datetime
) -> dict[tuple[int, str], datetime]:
    """Each provider's latest 零报送 of each item filed before ``before``."""
    providers, codes = list(provider_ids), list(item_codes)
    if not providers or not codes:
        return {}
    rows = session.execute(
        select(NilReturn.provider_id, NilReturn.item_code, func.max(NilReturn.filed_at))
        .where(
            NilReturn.provider_id.in_(providers),
            NilReturn.item_code.in_(codes),
            NilReturn.filed_at < before,
        )
        .group_by(NilReturn.provider_id, NilReturn.item_code)
    )
    return {(provider, item): at for provider, item, at in rows}


def last_pushes(session: Session) -> dict[tuple[int, str], datetime]:
    rows = session.execute(select(LastPush.provider_id, LastPush.item_code, LastPush.pushed_at))
    return {(provider, item): at for provider, item, at in rows}


def open_duties(session: Session, *, for_update: bool = False) -> list[OverdueDuty]:
    query = select(OverdueDuty).where(OverdueDuty.closed_at.is_(None)).order_by(OverdueDuty.id)
    if for_update:
        query = query.with_for_update()
    return list(session.execute(query).scalars())


def open_duty(session: Session, provider_id: int, item_code: str) -> OverdueDuty | None:
    query = select(OverdueDuty).where(
        OverdueDuty.provider_id == provider_id,
        OverdueDuty.item_code == item_code,
        OverdueDuty.closed_at.is_(None),
    )
    return session.execute(query.with_for_update()).scalar_one_or_none()


def get_duty(session: Session, duty_id: int) -> OverdueDuty | None:
    return session.get(OverdueDuty, duty_id)


def duties_of(
    session: Session, provider_id: int | None, *, open_only: bool, limit: int, offset: int
) -> tuple[list[OverdueDuty], int]:
    conditions: list[ColumnElement[bool]] = []
    if provider_id is not None:
        conditions.append(OverdueDuty.provider_id == provider_id)
    if open_only:
        conditions.append(OverdueDuty.closed_at.is_(None))
    total = session.execute(
        select(func.count()).select_from(OverdueDuty).where(*conditions)
    ).scalar_one()
    rows = session.execute(
        select(OverdueDuty)
        .where(*conditions)
        .order_by(OverdueDuty.closed_at.is_not(None), OverdueDuty.due_by, OverdueDuty.id)
        .limit(limit)
        .offset(offset)
    ).scalars()
    return list(rows), total


# ---- the month's figures (quality/scores.py)


def open_findings_at(session: Session, at: datetime) -> dict[int, dict[str, int]]:
    """Provider → severity → findings open at ``at`` (found before, not closed by then)."""
    rows = session.execute(
        select(QualityFinding.provider_id, QualityFinding.severity, func.count())
        .where(
            QualityFinding.found_at < at,
            or_(QualityFinding.closed_at.is_(None), QualityFinding.closed_at >= at),
        )
        .group_by(QualityFinding.provider_id, QualityFinding.severity)
    ).all()
    out: dict[int, dict[str, int]] = {}
    for provider, severity, n in rows:
        out.setdefault(provider, {})[severity] = int(n)
    return out


def findings_found_between(
    session: Session, start: datetime, end: datetime
) -> dict[int, dict[str, int]]:
    """Provider → rule → findings found in [start, end)."""
    rows = session.execute(
        select(QualityFinding.provider_id, QualityFinding.rule_code, func.count())
        .where(QualityFinding.found_at >= start, QualityFinding.found_at < end)
        .group_by(QualityFinding.provider_id, QualityFinding.rule_code)
    ).all()
    out: dict[int, dict[str, int]] = {}
    for provider, rule, n in rows:
        out.setdefault(provider, {})[rule] = int(n)
    return out


def overdue_duties_at(session: Session, at: datetime) -> dict[int, int]:
    """Provider → duties overdue at ``at``."""
    rows = session.execute(
        select(OverdueDuty.provider_id, func.count())
        .where(
            OverdueDuty.opened_at < at,
            or_(OverdueDuty.closed_at.is_(None), OverdueDuty.closed_at >= at),
        )
        .group_by(OverdueDuty.provider_id)
    ).all()
    return {provider: int(n) for provider, n in rows}


def records_pushed_before(session: Session, at: datetime) -> dict[int, int]:
    """Provider → records its batches stored before ``at`` (the batches' counts: a small
    table, never the records')."""
    rows = session.execute(
        select(Batch.provider_id, func.sum(Batch.accepted))
        .where(Batch.received_at < at)
        .group_by(Batch.provider_id)
    ).all()
    return {provider: int(n or 0) for provider, n in rows}
