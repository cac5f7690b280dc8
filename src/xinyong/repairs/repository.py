"""Named reads of the tables credit repair owns (``repairs``, ``repair_objections``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from xinyong.core.auth import Principal
from xinyong.models import (
    CreditList,
    ListEntry,
    Repair,
    RepairObjection,
    RepairState,
    Role,
    TargetType,
)
from xinyong.records.repository import public_record_exists
from xinyong.repairs.rules import OPEN_STATES


def open_repair(
    session: Session, subject_id: int, target_type: TargetType, target_id: int
) -> int | None:
    """The open repair of a target, if any (at most one: uq_repairs_open)."""
    return session.execute(
        select(Repair.id).where(
            Repair.subject_id == subject_id,
            Repair.target_type == target_type,
            Repair.target_id == target_id,
            Repair.state.in_(OPEN_STATES),
        )
    ).scalar_one_or_none()


def objections_of(
    session: Session, repair: Repair, *, pending: bool = False
) -> list[RepairObjection]:
    """The objections in the repair's notice; ``pending``: those not yet decided."""
    query = select(RepairObjection).where(
        RepairObjection.subject_id == repair.subject_id, RepairObjection.repair_id == repair.id
    )
    if pending:
        query = query.where(RepairObjection.decided_at.is_(None))
    return list(session.execute(query.order_by(RepairObjection.id)).scalars())


def repair_objection_for_update(
    session: Session, repair: Repair, objection_id: int
) -> RepairObjection | None:
    """One objection in the repair's notice, locked to be decided."""
    return session.execute(
        select(RepairObjection)
        .where(
            RepairObjection.subject_id == repair.subject_id,
            RepairObjection.id == objection_id,
            RepairObjection.repair_id == repair.id,
        )
        .with_for_update()
    ).scalar_one_or_none()


def notices_over_for_update(session: Session, today: date) -> list[Repair]:
    """The repairs still in notice whose notice is over today (rules.notice_over: the day
    after its last day), oldest notice first, locked."""
    return list(
        session.execute(
            select(Repair)
            .where(Repair.state == RepairState.notice, Repair.notice_ends_on < today)
            .order_by(Repair.notice_ends_on, Repair.id)
            .with_for_update()
        ).scalars()
    )


def find_repairs(
    session: Session, principal: Principal, *, state: str | None, after: int | None, limit: int
) -> list[Repair]:
    """A page of the repairs the caller may see, by id: a subject its own, a provider those it
    gives the opinion on, the authority all."""
    query = select(Repair)
    if principal.role is Role.subject:
        query = query.where(Repair.subject_id == principal.subject_id)
    elif principal.role is Role.provider:
        query = query.where(Repair.department_id == principal.department_id)
    if state is not None:
        query = query.where(Repair.state == RepairState(state))
    if after is not None:
        query = query.where(Repair.id > after)
    return list(session.execute(query.order_by(Repair.id).limit(limit)).scalars())


def in_notice(
    session: Session, *, public_only: bool, after: int | None, limit: int
) -> list[Repair]:
    """Repairs in public notice. The public sees the notices of repairs of public information
    only: noticing the repair of a shared or authorised-only record would publish the failure
    itself (Measures art. 19–21 decide what is public; art. 35's notice adds nothing to them)."""
    query = select(Repair).where(Repair.state == RepairState.notice)
    if public_only:
        public_lists = [
            row.id
            for row in session.execute(select(CreditList)).scalars()
            if row.spec["disclosure"] == "public"
        ]
        entry = and_(
            ListEntry.subject_id == Repair.subject_id,
            ListEntry.id == Repair.target_id,
            ListEntry.list_id.in_(public_lists),
        )
        query = query.where(
            or_(
                and_(
                    Repair.target_type == TargetType.record,
                    public_record_exists(Repair.subject_id, Repair.target_id),
                ),
                and_(Repair.target_type == TargetType.list_entry, exists().where(entry)),
            )
        )
    if after is not None:
        query = query.where(Repair.id > after)
    return list(session.execute(query.order_by(Repair.id).limit(limit)).scalars())


def repairs_of_notice_objections(
    session: Session, objections: Iterable[tuple[int, int]]
) -> dict[int, int]:
    """The repair of each objection raised in a repair's notice, given as (subject id,
    objection id) pairs."""
    pairs = list(objections)
    if not pairs:
        return {}
    rows = session.execute(
        select(RepairObjection.id, RepairObjection.repair_id).where(
            RepairObjection.subject_id.in_({s for s, _ in pairs}),
            RepairObjection.id.in_({o for _, o in pairs}),
        )
    ).all()
    return {objection: repair for objection, repair in rows}


def open_repairs_by_target(session: Session, subject_id: int) -> dict[tuple[str, int], int]:
    """The ids of the subject's open repairs by (target type, target id)."""
    rows = session.execute(
        select(Repair.target_type, Repair.target_id, Repair.id).where(
            Repair.subject_id == subject_id, Repair.state.in_(OPEN_STATES)
        )
    ).all()
    return {(kind.value, target_id): repair_id for kind, target_id, repair_id in rows}
