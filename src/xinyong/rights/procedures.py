"""What the rights procedures — objections and appeals (Measures art. 31–33), repairs
(art. 34–35) — do alike with the row of a procedure: find it by its id, decide who may see it,
and find the subject's own record or list entry it is about."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core.auth import Principal
from xinyong.errors import Forbidden, NotFound
from xinyong.lists.repository import get_entry
from xinyong.models import Commitment, Declaration, ListEntry, Record, Role, Subject, Task
from xinyong.records.standing import get_record


class TargetRef(Protocol):
    """Exactly one of a record and a list entry, by id (the bodies' ``TargetIn``)."""

    record: str | None
    list_entry: str | None


P = TypeVar("P")


def get_procedure(
    session: Session,
    model: type[P],
    row_id: int,
    missing: Callable[[], NotFound],
    *,
    for_update: bool = False,
) -> P:
    """The procedure's row by its id, locked if asked; else the procedure's own 404."""
    query = select(model).where(model.id == row_id)  # type: ignore[attr-defined]  # every model has id
    if for_update:
        query = query.with_for_update()
    row = session.execute(query).scalar_one_or_none()
    if row is None:
        raise missing()
    return row


# Procedures with a department of their own, which reads their files without a task.
_OWNED_BY_DEPARTMENT: dict[str, type[Commitment] | type[Declaration]] = {
    "commitment": Commitment,
    "declaration": Declaration,
}


def may_see(
    session: Session,
    principal: Principal,
    subject_id: int,
    procedure_id: int | None,
    procedure: str | None = None,
) -> bool:
    """The subject itself, the authority, a department that has (or had) a step of the
    procedure; for a commitment, the department that accepts it (its scan, its evidence); for
    a self-declaration, its competent department (谁主管、谁核验: it verifies it, and may later
    find it false, even when the platform verified it without a task)."""
    if principal.role is Role.authority:
        return True
    if principal.role is Role.subject:
        return principal.subject_id == subject_id
    if procedure_id is None or principal.department_id is None:
        return False
    owned = _OWNED_BY_DEPARTMENT.get(procedure or "")
    if owned is not None and principal.role in (Role.provider, Role.user_department):
        return (
            session.execute(
                select(owned.id).where(
                    owned.subject_id == subject_id,
                    owned.id == procedure_id,
                    owned.department_id == principal.department_id,
                )
            ).first()
            is not None
        )
    if principal.role is Role.provider:
        return (
            session.execute(
                select(Task.id).where(
                    Task.subject_id == subject_id,
                    Task.procedure_id == procedure_id,
                    Task.department_id == principal.department_id,
                )
            ).first()
            is not None
        )
    return False


def own_target(
    session: Session,
    subject_id: int,
    target: TargetRef,
    not_yours: Callable[[str], Forbidden],
) -> Record | ListEntry:
    """The subject's record or list entry a procedure is about, locked: one procedure per
    target at a time. A record not among the subject's own is ``not_yours`` (given the field
    named), whether it is another's or no record at all: records are found by id only within
    a subject, and nothing tells a caller which ids exist elsewhere. An unknown list entry is
    ``unknown_entry``; another subject's, ``not_yours``."""
    if target.record is not None:
        try:
            return get_record(session, subject_id, int(target.record), for_update=True)
        except NotFound:
            raise not_yours("target.record") from None
    entry_id = int(target.list_entry)  # type: ignore[arg-type]  # TargetIn gives one: this one
    entry = get_entry(session, entry_id, for_update=True)
    if entry.subject_id != subject_id:
        raise not_yours("target.list_entry")
    return entry


def subject_key(subject: Subject) -> str:
    """How a procedure names its subject: the credit code, or the masked ID number."""
    return subject.credit_code or subject.id_masked or ""
