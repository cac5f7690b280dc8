"""A department's inspector pool (执法检查人员名录库, 国办发〔2015〕58号): its inspectors by
enforcement certificate number, the fields each may inspect, and the conflicts each declared
(回避, 《行政处罚法》第四十三条). A pool is imported whole: inspectors left out leave it but stay
named on their past assignments. Every change is an audit entry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from xinyong.core import audit
from xinyong.core.audit import Act
from xinyong.core.auth import Principal
from xinyong.core.identifiers import IdentifierError, validate_credit_code
from xinyong.core.ids import IdGenerator
from xinyong.errors import Forbidden, InvalidRequest
from xinyong.inspections import repository
from xinyong.inspections.schemas import ConflictOut, InspectorOut, PoolIn
from xinyong.models import Department, Inspector, InspectorConflict, Subject
from xinyong.subjects.repository import existing_subjects, keys_and_names


def require_department(principal: Principal) -> int:
    """Pools, plans and results are a department's."""
    if principal.department_id is None:
        raise Forbidden(
            "只有部门可以管理执法检查人员和抽查计划",
            "only a department keeps an inspector pool and inspection plans",
            code="not_a_department",
        )
    return principal.department_id


def _conflict_subjects(session: Session, body: PoolIn) -> dict[str, int]:
    """Credit code → subject id of every conflict declared; a code that is not valid, or not
    of a subject in the platform, is refused with where it is."""
    where: dict[str, str] = {}
    for i, inspector in enumerate(body.inspectors):
        for j, conflict in enumerate(inspector.conflicts):
            field = f"inspectors[{i}].conflicts[{j}].subject"
            try:
                code = validate_credit_code(conflict.subject)
            except IdentifierError as exc:
                raise InvalidRequest(
                    exc.message, exc.message_en, field=field, code=exc.code
                ) from None
            conflict.subject = code
            where.setdefault(code, field)
    found = existing_subjects(session, Subject.credit_code, sorted(where))
    for code, field in where.items():
        if code not in found:
            raise InvalidRequest(
                f"回避对象 {code} 不在平台中",
                f"no subject {code} in the platform",
                field=field,
                code="subject_not_found",
            )
    return found


def import_pool(
    session: Session, principal: Principal, body: PoolIn, *, ids: IdGenerator, now: datetime
) -> dict[str, int]:
    """The department's whole pool: added, changed, left, and conflicts declared or withdrawn
    (counts). Nothing is deleted."""
    department_id = require_department(principal)
    subjects = _conflict_subjects(session, body)
    current = {i.badge_number: i for i in repository.inspectors_of(session, department_id)}
    declared: dict[int, dict[int, InspectorConflict]] = {}
    for c in repository.conflicts_of(session, [i.id for i in current.values()]):
        declared.setdefault(c.inspector_id, {})[c.subject_id] = c
    counts = dict.fromkeys(("added", "changed", "left", "declared", "withdrawn"), 0)
    acts: list[Act] = []

    def act(action: str, inspector: Inspector, **detail: Any) -> None:
        acts.append(
            Act(
                principal.actor,
                f"inspections.{action}",
                now,
                subject_id=detail.pop("subject_id", None),
                target_type="inspector",
                target_id=inspector.id,
                detail={"badge_number": inspector.badge_number, **detail},
            )
        )

    for spec in body.inspectors:
        row = current.pop(spec.badge_number, None)
        if row is None:
            row = Inspector(
                id=ids.next_id(),
                department_id=department_id,
                badge_number=spec.badge_number,
                name=spec.name,
                fields=sorted(set(spec.fields)),
                active=True,
                updated_by=principal.actor,
                updated_at=now,
            )
            session.add(row)
            counts["added"] += 1
            act("inspector_added", row, name=spec.name, fields=row.fields)
        elif (row.name, sorted(row.fields), row.active) != (
            spec.name,
            sorted(set(spec.fields)),
            True,
        ):
            before = {"name": row.name, "fields": row.fields, "active": row.active}
            row.name, row.fields, row.active = spec.name, sorted(set(spec.fields)), True
            row.updated_by, row.updated_at = principal.actor, now
            counts["changed"] += 1
            act("inspector_changed", row, before=before, name=row.name, fields=row.fields)
        had = declared.get(row.id, {})
        wanted = {subjects[c.subject]: c.reason for c in spec.conflicts}
        for subject_id, reason in wanted.items():
            if subject_id not in had:
                session.add(
                    InspectorConflict(
                        inspector_id=row.id, subject_id=subject_id, reason=reason, declared_at=now
                    )
                )
                counts["declared"] += 1
                act("conflict_declared", row, subject_id=subject_id, reason=reason)
        for subject_id, conflict in had.items():
            if subject_id not in wanted:
                session.delete(conflict)
                counts["withdrawn"] += 1
                act("conflict_withdrawn", row, subject_id=subject_id, reason=conflict.reason)
    for row in current.values():
        if row.active:
            row.active, row.updated_by, row.updated_at = False, principal.actor, now
            counts["left"] += 1
            act("inspector_left", row)
    session.flush()
    audit.log_many(session, acts)
    return counts


def pool_out(session: Session, department: Department) -> list[InspectorOut]:
    """A department's pool with each inspector's conflicts (departments and the authority
    only: the names are officials' personal data; docs/inspections.md)."""
    inspectors = repository.inspectors_of(session, department.id)
    conflicts = repository.conflicts_of(session, [i.id for i in inspectors])
    names = keys_and_names(session, {c.subject_id for c in conflicts})
    by_inspector: dict[int, list[ConflictOut]] = {}
    for c in conflicts:
        code, _, name = names.get(c.subject_id, (None, None, ""))
        by_inspector.setdefault(c.inspector_id, []).append(
            ConflictOut(
                subject=code or "", subject_name=name, reason=c.reason, declared_at=c.declared_at
            )
        )
    return [
        InspectorOut(
            id=str(i.id),
            department=department.code,
            badge_number=i.badge_number,
            name=i.name,
            fields=list(i.fields),
            active=i.active,
            conflicts=by_inspector.get(i.id, []),
        )
        for i in inspectors
    ]
