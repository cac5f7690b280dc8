"""Commitments as society and the archive see them (002 §（一）: 承诺 … 向社会公开, 履约情况记入
信用记录; 004 §9: 信用承诺信息的全过程闭环管理): the public commitments of a subject with the
national portal's fields, and its fulfilled commitments, the positive facts (守信) that the
archive, the portal, reports and evaluation count. Reads only; nothing here changes state.

- ``public_commitments``: of items whose commitments are published, accepted, not withdrawn.
- ``fulfilled_commitments``: those whose fulfilment was determined (履约), public ones only
  unless ``public_only=False`` (for the authority's reports and evaluation).
- ``archive_commitments``: the archive's section, as one reader may see it, now or as of the
  end of a past day."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from xinyong.commitments import repository, rules
from xinyong.commitments.schemas import ArchiveCommitmentsOut, CommitmentFactOut
from xinyong.commitments.service import may_see
from xinyong.core.auth import Principal
from xinyong.core.clock import local_date
from xinyong.core.labels import COMMITMENT_STATES, COMMITMENT_TYPES
from xinyong.models import Commitment, CommitmentItem, CommitmentState
from xinyong.validity.rules import end_of_day


def _fact(
    c: Commitment,
    item: CommitmentItem,
    dept_code: str,
    dept_name: str,
    state: CommitmentState,
    accepted: bool,
) -> CommitmentFactOut:
    fulfilled = state is CommitmentState.fulfilled and c.closed_at is not None
    return CommitmentFactOut(
        id=str(c.id),
        item=c.item_code,
        item_name=item.spec["name"],
        type=c.type.value,
        type_name=COMMITMENT_TYPES[c.type.value],
        matter=item.spec["procedure"],
        signed_on=local_date(c.signed_at),
        department=dept_code,
        department_name=dept_name,
        state=state.value,
        state_name=COMMITMENT_STATES[state.value],
        fulfilled_on=local_date(c.closed_at) if fulfilled and c.closed_at else None,
        public=rules.is_public(bool(item.spec["published"]), state, accepted=accepted),
    )


def _facts(session: Session, subject_id: int) -> list[CommitmentFactOut]:
    items = repository.all_items(session)
    return [
        _fact(c, items[c.item_code], code, name, c.state, c.accepted_at is not None)
        for c, code, name in repository.commitments_of_subject(session, subject_id)
    ]


def public_commitments(session: Session, subject_id: int) -> list[CommitmentFactOut]:
    """The subject's commitments society sees, oldest first (the portal's 信用承诺专栏)."""
    return [f for f in _facts(session, subject_id) if f.public]


def fulfilled_commitments(
    session: Session, subject_id: int, *, public_only: bool = True
) -> list[CommitmentFactOut]:
    """The subject's fulfilled commitments, oldest first: positive facts (守信, 履约)."""
    return [
        f
        for f in _facts(session, subject_id)
        if f.state == CommitmentState.fulfilled.value and (f.public or not public_only)
    ]


def archive_commitments(
    session: Session, subject_id: int, principal: Principal, *, as_of: date | None = None
) -> ArchiveCommitmentsOut:
    """The archive's commitments as ``principal`` reads them: public ones for everyone, the
    others for those who see the commitment itself (the subject, the accepting department,
    the authority); ``as_of``: those signed by the end of that day, in their state then."""
    end = end_of_day(as_of) if as_of is not None else None
    items = repository.all_items(session)
    signed: list[CommitmentFactOut] = []
    for c, code, name in repository.commitments_of_subject(session, subject_id, signed_before=end):
        item = items[c.item_code]
        state = c.state
        accepted = c.accepted_at is not None
        if end is not None:
            state = rules.state_on(c.state, c.closed_at is not None and c.closed_at < end)
            accepted = c.accepted_at is not None and c.accepted_at < end
        published = bool(item.spec["published"])
        if rules.shown_in_archive(
            published, state, accepted=accepted, sees_own=may_see(principal, c)
        ):
            signed.append(_fact(c, item, code, name, state, accepted))
    return ArchiveCommitmentsOut(
        signed=signed,
        fulfilled=[f for f in signed if f.state == CommitmentState.fulfilled.value],
    )
