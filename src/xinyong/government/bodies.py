"""The government bodies the platform holds (docs/government.md § who is a government body):
机关 and 事业单位 by their credit codes, each with its region, superior, counted 政务失信
records, cases not cleared and staff on the register — one page of them at a time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.core.identifiers import division_name
from xinyong.core.labels import BODY_KINDS
from xinyong.government import rules
from xinyong.government.quarterly import profiles_of
from xinyong.models import GovernmentFailureCase, Subject


@dataclass(frozen=True)
class BodyRow:
    credit_code: str
    name: str
    kind: str
    region_code: str
    region_name: str
    level: str | None
    superior: str | None
    failures: int
    uncleared: int


def bodies(
    session: Session, *, region: str | None, name: str | None, limit: int, offset: int
) -> tuple[list[BodyRow], int]:
    """Bodies by region code prefix and a part of their name, by credit code; the total."""
    query = select(Subject.id, Subject.credit_code, Subject.name, Subject.region_code).where(
        func.substr(Subject.credit_code, 1, 2).in_(list(rules.BODY_PREFIXES))
    )
    if region:
        query = query.where(Subject.region_code.startswith(region))
    if name:
        query = query.where(Subject.name.contains(name))
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    page = session.execute(query.order_by(Subject.credit_code).limit(limit).offset(offset)).all()
    ids = [row.id for row in page]
    counted: dict[int, int] = {}
    open_: dict[int, int] = {}
    profiles: dict[int, dict] = {}
    if ids:
        for sid, state, n in session.execute(
            select(GovernmentFailureCase.subject_id, GovernmentFailureCase.state, func.count())
            .where(GovernmentFailureCase.subject_id.in_(ids))
            .group_by(GovernmentFailureCase.subject_id, GovernmentFailureCase.state)
        ):
            if state in rules.COUNTED:
                counted[sid] = counted.get(sid, 0) + n
            if state in rules.UNCLEARED:
                open_[sid] = open_.get(sid, 0) + n
        profiles = profiles_of(session, ids)
    rows = [
        BodyRow(
            credit_code=row.credit_code,
            name=row.name,
            kind=BODY_KINDS[rules.body_kind(row.credit_code) or "organ"],
            region_code=row.region_code or "",
            region_name=division_name(row.region_code or "") or (row.region_code or ""),
            level=profiles.get(row.id, {}).get("level"),
            superior=profiles.get(row.id, {}).get("superior_name"),
            failures=counted.get(row.id, 0),
            uncleared=open_.get(row.id, 0),
        )
        for row in page
    ]
    return rows, total
