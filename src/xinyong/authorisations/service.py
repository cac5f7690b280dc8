"""Authorised queries (授权查询, Measures art. 22): a subject authorises a named department or
institution — a bank under 信易贷, say — to read a scope of its authorised-query items, for a
purpose and a period. The grantee reads those items only within a live grant, and every such
read is logged; without a grant the items are simply absent (subjects/archive.py), never an
error that would tell they exist.

And the other side of it: every read of a subject's non-public information is in the audit
log with its purpose (004 §14), and the subject sees them all (:func:`queries_of`)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import ColumnElement, func, not_, or_, select
from sqlalchemy.orm import Session

from xinyong.catalog.service import published_catalog
from xinyong.core import audit
from xinyong.errors import Conflict, InvalidRequest, NotFound
from xinyong.models import AuditEntry, Authorisation, Department, Disclosure, Role, User
from xinyong.rights.step import Step

# A grant runs at most this long; a longer need is a new grant (the subject decides again).
MAX_GRANT = timedelta(days=3 * 366)
# The audit actions that read a subject's non-public information.
READ_ACTIONS = (
    "archive.read",
    "subject.read",
    "evidence.read",
    "report.issued",
    "subject.related_read",
    "evaluation.read",
    "warning.read",  # a department's or the authority's read of a risk warning (risk/)
)


def is_live(grant: Authorisation, today: date) -> bool:
    return grant.revoked_at is None and grant.starts_on <= today <= grant.ends_on


def grant(
    session: Session,
    step: Step,
    *,
    subject_id: int,
    grantee_code: str,
    items: list[str],
    purpose: str,
    starts_on: date | None,
    ends_on: date,
) -> Authorisation:
    grantee = session.execute(
        select(Department).where(Department.code == grantee_code)
    ).scalar_one_or_none()
    if grantee is None:
        raise NotFound(
            "被授权单位不存在",
            "no such department or institution",
            field="grantee",
            code="department_not_found",
        )
    published = published_catalog(session)
    catalog = published.items if published else {}
    for index, code in enumerate(items):
        item = catalog.get(code)
        if item is None or item.spec.disclosure is not Disclosure.authorised:
            raise InvalidRequest(
                f"{code} 不是授权查询类信息项",
                f"{code} is not an item of the authorised-query class",
                field=f"items[{index}]",
                code="not_authorised_item",
            )
    start = starts_on or step.today
    if start < step.today or ends_on < start or ends_on - start > MAX_GRANT:
        raise InvalidRequest(
            "授权期限无效：自今日或以后开始，结束不早于开始，最长三年",
            "invalid period: it starts today or later, ends on or after its start, and lasts "
            "at most three years",
            field="ends_on",
            code="invalid_period",
        )
    row = Authorisation(
        subject_id=subject_id,
        id=step.ctx.ids.next_id(),
        grantee_id=grantee.id,
        items=sorted(set(items)),
        purpose=purpose.strip(),
        starts_on=start,
        ends_on=ends_on,
        granted_by=step.principal.actor,
        granted_at=step.now,
    )
    session.add(row)
    audit.log(
        session,
        actor=step.principal.actor,
        action="authorisation.granted",
        at=step.now,
        subject_id=subject_id,
        target_type="authorisation",
        target_id=row.id,
        purpose=row.purpose,
        detail={"grantee": grantee.code, "items": row.items, "ends_on": ends_on.isoformat()},
    )
    return row


def get_grant(session: Session, grant_id: int) -> Authorisation:
    row = session.execute(
        select(Authorisation).where(Authorisation.id == grant_id)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("授权不存在", "no such authorisation", field="id", code="unknown_grant")
    return row


def revoke(session: Session, step: Step, row: Authorisation) -> Authorisation:
    if row.revoked_at is not None:
        raise Conflict("授权已撤销", "the authorisation is revoked already", code="already_revoked")
    row.revoked_at = step.now
    row.revoked_by = step.principal.actor
    audit.log(
        session,
        actor=step.principal.actor,
        action="authorisation.revoked",
        at=step.now,
        subject_id=row.subject_id,
        target_type="authorisation",
        target_id=row.id,
    )
    return row


def grants_of_subject(session: Session, subject_id: int) -> list[Authorisation]:
    return list(
        session.execute(
            select(Authorisation)
            .where(Authorisation.subject_id == subject_id)
            .order_by(Authorisation.granted_at.desc())
        ).scalars()
    )


def grants_to(session: Session, grantee_id: int) -> list[Authorisation]:
    return list(
        session.execute(
            select(Authorisation)
            .where(Authorisation.grantee_id == grantee_id)
            .order_by(Authorisation.granted_at.desc())
        ).scalars()
    )


def granted_items(session: Session, grantee_id: int, subject_id: int, today: date) -> set[str]:
    """The items the grantee may read of this subject today: those of its live grants."""
    rows = session.execute(
        select(Authorisation).where(
            Authorisation.grantee_id == grantee_id,
            Authorisation.subject_id == subject_id,
            Authorisation.revoked_at.is_(None),
            Authorisation.starts_on <= today,
            Authorisation.ends_on >= today,
        )
    ).scalars()
    return {code for row in rows for code in row.items}


def queries_of(
    session: Session,
    subject_id: int,
    *,
    limit: int = 200,
    others_only: bool = False,
    before: int | None = None,
) -> list[dict]:
    """Reads of the subject's non-public information, newest first: who (the department
    behind a token or a person's account), when, for what purpose. The subject's own reads
    are in it too, as "本人", unless ``others_only``; ``before`` (an entry's ``id``) pages
    back."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.subject_id == subject_id, AuditEntry.action.in_(READ_ACTIONS))
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    if others_only:
        query = query.where(not_(_own_actor(session, subject_id)))
    if before is not None:
        query = query.where(AuditEntry.id < before)
    rows = session.execute(query).scalars()
    departments = {d.code: d for d in session.execute(select(Department)).scalars()}
    out = []
    for row in rows:
        code = _department_code(session, row.actor)
        dept = departments.get(code) if code else None
        out.append(
            {
                "id": row.id,
                "at": row.at,
                "who": dept.name
                if dept
                else ("本人" if _is_subject(session, row.actor) else row.actor),
                "department": dept.code if dept else None,
                "department_name": dept.name if dept else None,
                "action": row.action,
                "purpose": row.purpose,
                "detail": row.detail,
            }
        )
    return out


def own_reads(session: Session, subject_id: int) -> int:
    """How many of the reads of the subject's information were its own."""
    return session.execute(
        select(func.count()).where(
            AuditEntry.subject_id == subject_id,
            AuditEntry.action.in_(READ_ACTIONS),
            _own_actor(session, subject_id),
        )
    ).scalar_one()


def _own_actor(session: Session, subject_id: int) -> ColumnElement[bool]:
    """The subject's own reads: through a subject token ("subject#tN" — a subject token reads
    only its own subject's non-public data) or one of the subject's accounts ("user:NAME")."""
    accounts = session.execute(
        select(User.username).where(User.role == Role.subject, User.subject_id == subject_id)
    ).scalars()
    return or_(
        AuditEntry.actor.startswith(f"{Role.subject.value}#", autoescape=True),
        AuditEntry.actor.in_([f"user:{name}" for name in accounts]),
    )


def _user(session: Session, actor: str) -> User | None:
    if not actor.startswith("user:"):
        return None
    return session.execute(select(User).where(User.username == actor[5:])).scalar_one_or_none()


def _department_code(session: Session, actor: str) -> str | None:
    """Actors are "role:DEPT#tN" for department tokens, "subject#tN" for a subject's token and
    "user:NAME" for people (core/auth.py)."""
    if actor.startswith("user:"):
        user = _user(session, actor)
        dept = session.get(Department, user.department_id) if user and user.department_id else None
        return dept.code if dept else None
    if ":" in actor:
        return actor.split(":", 1)[1].split("#", 1)[0]
    return None


def _is_subject(session: Session, actor: str) -> bool:
    if actor.startswith(f"{Role.subject.value}#"):
        return True
    user = _user(session, actor)
    return user is not None and user.role is Role.subject
