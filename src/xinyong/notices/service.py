"""Notices (通报、通知) to departments and their acknowledgement (Measures art. 40; 004 §25;
docs/notices.md).

Other domains send with one call::

    from xinyong.notices.service import send

    notice = send(
        session,
        kind="government_failures_quarterly",   # a code: what the notice is
        title="2026年第三季度政务失信情况通报",
        body_html=html,                          # a self-contained HTML document
        departments=[dept.id, …],                # the departments it is addressed to
        actor=principal.actor,
        now=now,
        period="2026-Q3",                        # optional: once per kind and period
        basis=cite("004 §5"),                    # the rules it rests on, as people read them
    )

``send`` renders the PDF, stores both, audits the sending and puts a ``notice`` change on the
feed — in the caller's transaction, never committing. Each department addressed acknowledges
it (:func:`acknowledge`), once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core import audit
from xinyong.core.auth import Principal
from xinyong.core.labels import NOTICE_KINDS
from xinyong.errors import Conflict, InvalidRequest, NotFound
from xinyong.feeds.changes import record_change
from xinyong.models import Department, Notice, NoticeRecipient, Role
from xinyong.notices import repository, rules
from xinyong.notices.render import pdf_of
from xinyong.notices.schemas import NoticeBodyOut, NoticeOut, NoticesOut, RecipientOut

# The change feed's topic of notices sent and acknowledged.
NOTICE = "notice"


def send(
    session: Session,
    *,
    kind: str,
    title: str,
    body_html: str,
    departments: Iterable[int],
    actor: str,
    now: datetime,
    period: str | None = None,
    basis: str = "",
) -> Notice:
    """Send a notice to ``departments`` (their ids): stored with its PDF, audited, on the feed.
    A department that does not exist is 422 ``unknown_department``; a second notice of the
    same kind and period is 409 ``notice_exists``. An empty list of departments records the
    notice without recipients (a month in which nobody was late)."""
    kind = rules.require_kind(kind)
    title = rules.require_title(title)
    period = rules.require_period(period)
    body_html = rules.require_body(body_html)
    recipients = rules.recipients_in_order(departments)
    known = {
        d.id: d
        for d in session.execute(select(Department).where(Department.id.in_(recipients))).scalars()
    }
    missing = [d for d in recipients if d not in known]
    if missing:
        raise InvalidRequest(
            f"部门不存在：{missing[0]}",
            f"no department with id {missing[0]}",
            field="departments",
            code="unknown_department",
        )
    if period is not None and repository.notice_of_period(session, kind, period) is not None:
        raise Conflict(
            f"{period} 的该类通报已经发出",
            f"the {kind} notice of {period} was already sent",
            field="period",
            code="notice_exists",
        )
    notice = Notice(
        kind=kind,
        title=title,
        period=period,
        body_html=body_html,
        pdf=pdf_of(body_html),
        basis=basis,
        created_by=actor,
        sent_at=now,
    )
    session.add(notice)
    session.flush()
    session.add_all(NoticeRecipient(notice_id=notice.id, department_id=d) for d in recipients)
    codes = [known[d].code for d in recipients]
    detail = {"kind": kind, "period": period, "title": title, "departments": codes}
    audit.log(
        session,
        actor=actor,
        action="notice.sent",
        at=now,
        target_type="notice",
        target_id=notice.id,
        after_ref=f"notice:{notice.id}",
        detail=detail,
    )
    record_change(session, at=now, topic=NOTICE, event="sent", detail={"id": notice.id, **detail})
    session.flush()
    return notice


def acknowledge(
    session: Session, principal: Principal, notice_id: int, *, now: datetime
) -> NoticeRecipient:
    """The caller's department acknowledges the notice (签收), by the person or system that
    calls: once — a second acknowledgement answers the first. A notice addressed to others is
    403 ``notice_not_addressed``; an unknown one 404 ``unknown_notice``."""
    notice = _notice(session, notice_id)
    row = (
        repository.recipient(session, notice.id, principal.department_id)
        if principal.department_id is not None
        else None
    )
    rules.require_addressed(principal, [] if row is None else [row.department_id])
    assert row is not None  # addressed
    if row.acknowledged_at is not None:
        return row
    row.acknowledged_at = now
    row.acknowledged_by = principal.actor
    detail = {"kind": notice.kind, "period": notice.period, "department": principal.department_code}
    audit.log(
        session,
        actor=principal.actor,
        action="notice.acknowledged",
        at=now,
        target_type="notice",
        target_id=notice.id,
        detail=detail,
    )
    record_change(
        session, at=now, topic=NOTICE, event="acknowledged", detail={"id": notice.id, **detail}
    )
    session.flush()
    return row


def acknowledgement(
    session: Session, principal: Principal, notice_id: int, *, now: datetime
) -> RecipientOut:
    """:func:`acknowledge`, answered as the caller reads its own row."""
    acknowledge(session, principal, notice_id, now=now)
    [out] = notices_out(session, principal, [_notice(session, notice_id)])
    [own] = out.recipients
    return own


def _notice(session: Session, notice_id: int) -> Notice:
    notice = repository.notice_by_id(session, notice_id)
    if notice is None:
        raise NotFound(
            f"没有编号为 {notice_id} 的通报",
            f"no notice {notice_id}",
            field="id",
            code="unknown_notice",
        )
    return notice


def readable_notice(session: Session, principal: Principal, notice_id: int) -> Notice:
    """A notice the caller may read: the authority any, a department one addressed to it
    (403 ``notice_not_addressed`` otherwise; 404 ``unknown_notice`` for no such notice)."""
    notice = _notice(session, notice_id)
    recipients = repository.recipients_of(session, [notice.id])[notice.id]
    rules.require_readable(principal, [r.department_id for r in recipients])
    return notice


def kind_name(kind: str) -> str:
    return NOTICE_KINDS.get(kind, "通报")


def notices_out(session: Session, principal: Principal, notices: list[Notice]) -> list[NoticeOut]:
    """The notices as the caller reads them: the authority with every recipient's state, a
    department with its own row only."""
    by_notice = repository.recipients_of(session, [n.id for n in notices])
    ids = {r.department_id for rows in by_notice.values() for r in rows}
    names = {
        d.id: (d.code, d.name)
        for d in session.execute(select(Department).where(Department.id.in_(ids))).scalars()
    }
    out = []
    for n in notices:
        rows = by_notice[n.id]
        shown = (
            rows
            if principal.role is Role.authority
            else [r for r in rows if r.department_id == principal.department_id]
        )
        out.append(
            NoticeOut(
                id=n.id,
                kind=n.kind,
                kind_name=kind_name(n.kind),
                title=n.title,
                period=n.period,
                basis=n.basis,
                created_by=n.created_by,
                sent_at=n.sent_at,
                recipients=[
                    RecipientOut(
                        department=names.get(r.department_id, (str(r.department_id), ""))[0],
                        department_name=names.get(r.department_id, ("", "（未知部门）"))[1],
                        acknowledged_at=r.acknowledged_at,
                        acknowledged_by=r.acknowledged_by,
                    )
                    for r in shown
                ],
                recipient_count=len(rows),
                acknowledged_count=sum(r.acknowledged_at is not None for r in rows),
            )
        )
    return out


def notices_for(
    session: Session,
    principal: Principal,
    *,
    kind: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> NoticesOut:
    """A page of the notices the caller reads, newest first: the authority all, a department
    those addressed to it."""
    department = None if principal.role is Role.authority else principal.department_id or 0
    rows, total = repository.find_notices(
        session, department_id=department, kind=kind, limit=limit, offset=offset
    )
    return NoticesOut(notices=notices_out(session, principal, rows), total=total)


def notice_for(session: Session, principal: Principal, notice_id: int) -> NoticeBodyOut:
    notice = readable_notice(session, principal, notice_id)
    [out] = notices_out(session, principal, [notice])
    return NoticeBodyOut(**out.model_dump(), body_html=notice.body_html)


def pdf_for(session: Session, principal: Principal, notice_id: int) -> tuple[bytes, str]:
    """The notice's PDF and a file name for it."""
    notice = readable_notice(session, principal, notice_id)
    return notice.pdf, f"notice-{notice.id}.pdf"
