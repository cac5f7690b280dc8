"""Subscriptions of implementing departments and the pull feed of list changes
(响应 in 发起 → 响应 → 实施 → 反馈, 003 联合奖惩 §（十八）, （二十一））."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from xinyong.core import audit
from xinyong.core.auth import Principal
from xinyong.core.crypto import IdCipher
from xinyong.errors import InvalidRequest, NotFound
from xinyong.feeds.changes import FEED_TOPICS, RECORD, head
from xinyong.models import Change, CreditList, Role, Subject, Subscription


def create_subscription(
    session: Session,
    principal: Principal,
    *,
    lists: list[str],
    fields: list[str],
    webhook_url: str | None,
    cipher: IdCipher,
    now: datetime,
) -> tuple[Subscription, str | None]:
    """Returns the subscription and, with a webhook, its signing secret (shown once)."""
    known = {(row.code, row.field) for row in session.execute(select(CreditList)).scalars()}
    for name, wanted, have, what in (
        ("lists", lists, {c for c, _ in known}, ("名单", "list")),
        ("fields", fields, {f for _, f in known}, ("领域", "field")),
    ):
        for index, value in enumerate(wanted):
            if value not in have:
                raise InvalidRequest(
                    f"{what[0]} {value} 不存在",
                    f"no {what[1]} {value}",
                    field=f"{name}[{index}]",
                    code=f"unknown_{what[1]}",
                )
    if not lists and not fields:
        raise InvalidRequest(
            "至少订阅一个名单或领域",
            "subscribe to at least one list or field",
            field="lists",
            code="empty_subscription",
        )
    secret = f"whsec_{secrets.token_urlsafe(24)}" if webhook_url else None
    sub = Subscription(
        department_id=principal.department_id,
        lists=sorted(set(lists)),
        fields=sorted(set(fields)),
        webhook_url=webhook_url,
        secret_cipher=cipher.encrypt(secret) if secret else None,
        created_at=now,
    )
    session.add(sub)
    session.flush()
    audit.log(
        session,
        actor=principal.actor,
        action="subscription.created",
        at=now,
        target_type="subscription",
        target_id=sub.id,
        detail={"lists": sub.lists, "fields": sub.fields, "webhook": bool(webhook_url)},
    )
    return sub, secret


def own_subscriptions(session: Session, principal: Principal) -> list[Subscription]:
    return list(
        session.execute(
            select(Subscription)
            .where(Subscription.department_id == principal.department_id)
            .order_by(Subscription.id)
        ).scalars()
    )


def end_subscription(
    session: Session, principal: Principal, subscription_id: int, *, now: datetime
) -> Subscription:
    sub = session.get(Subscription, subscription_id)
    if sub is None or sub.department_id != principal.department_id:
        raise NotFound(
            "订阅不存在",
            "no such subscription",
            field="subscription_id",
            code="unknown_subscription",
        )
    if sub.ended_at is None:
        sub.ended_at = now
        audit.log(
            session,
            actor=principal.actor,
            action="subscription.ended",
            at=now,
            target_type="subscription",
            target_id=sub.id,
        )
    return sub


def change_out(change: Change, subject: tuple[str | None, str | None, str] | None) -> dict:
    code, masked, name = subject or (None, None, "")
    return {
        "seq": change.seq,
        "at": change.at.isoformat(),
        "event": change.event,
        "list": change.list_code,
        "kind": change.kind,
        "field": change.field,
        "entry_id": str(change.entry_id) if change.entry_id is not None else None,
        "subject": {"credit_code": code, "id_number": masked, "name": name},
        "detail": change.detail,
    }


def read_feed(session: Session, principal: Principal, *, since: int, limit: int) -> dict[str, Any]:
    """Changes after ``since`` to the lists and fields the department subscribes to (every
    change, for the authority), oldest first, and the cursor to ask from next.

    The cursor is the feed's head when fewer than ``limit`` changes came back: numbers are
    given in commit order (feeds/changes.py), so everything up to the head read first is
    visible to the query after it — nothing is skipped, and a change is never sent twice."""
    top = head(session)
    query = (
        select(Change)
        .where(Change.topic.in_(FEED_TOPICS), Change.seq > since, Change.seq <= top)
        .order_by(Change.seq)
        .limit(limit)
    )
    if principal.role is not Role.authority:
        lists: set[str] = set()
        fields: set[str] = set()
        for sub in own_subscriptions(session, principal):
            if sub.ended_at is None:
                lists.update(sub.lists)
                fields.update(sub.fields)
        if not lists and not fields:
            return {"changes": [], "next": max(since, top), "subscribed": False}
        # Corrections, revocations and repairs of records reach every subscriber: they are
        # published wherever the original was (Measures art. 32).
        query = query.where(
            or_(
                Change.topic == RECORD,
                Change.list_code.in_(lists),
                Change.field.in_(fields),
            )
        )
    changes = list(session.execute(query).scalars())
    subjects = subjects_of(session, {c.subject_id for c in changes if c.subject_id is not None})
    nxt = changes[-1].seq if len(changes) == limit else max(since, top)
    return {
        "changes": [change_out(c, subjects.get(c.subject_id)) for c in changes],
        "next": nxt,
        "subscribed": True,
    }


def subjects_of(session: Session, ids: set[int]) -> dict[int, tuple[str | None, str | None, str]]:
    if not ids:
        return {}
    return {
        sid: (code, masked, name)
        for sid, code, masked, name in session.execute(
            select(Subject.id, Subject.credit_code, Subject.id_masked, Subject.name).where(
                Subject.id.in_(ids)
            )
        )
    }
