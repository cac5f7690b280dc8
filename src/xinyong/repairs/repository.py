"""Named reads of the repairs domain's tables for the pages."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.models import RepairObjection


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
