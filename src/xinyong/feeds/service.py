"""Subscriptions of implementing departments and the pull feed of list changes
(响应 in 发起 → 响应 → 实施 → 反馈, 003 联合奖惩 §（十八）, （二十一））."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Mapping, Sequence
from datetime import datetime
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from xinyong.core import audit
from xinyong.core.auth import Principal
from xinyong.core.crypto import IdCipher
from xinyong.errors import InvalidRequest, NotFound
from xinyong.feeds.changes import FEED_TOPICS, RECORD, head
from xinyong.lists.repository import all_lists
from xinyong.models import Change, Role, Subscription
from xinyong.subjects.repository import keys_and_names

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network

MAX_URL = 500  # subscriptions.webhook_url
# IPv6 addresses that carry an IPv4 host the packet ends up at: NAT64 (RFC 6052); 6to4 and
# Teredo are read by the ipaddress module itself.
NAT64 = ip_network("64:ff9b::/96")
# IETF protocol assignments (RFC 6890), which Python 3.11 takes for global.
NOT_PUBLIC = (ip_network("192.0.0.0/24"),)


def _not_public(address: Address) -> bool:
    return (
        not address.is_global
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or any(address in network for network in NOT_PUBLIC)
    )


def refused_address(address: Address, allowed: Sequence[Network] = ()) -> bool:
    """Whether a webhook may not be sent to this address: anything but a public unicast host
    (private, loopback, link-local, multicast, reserved, unspecified), unless a network of
    ``allowed`` (XINYONG_WEBHOOK_ALLOWED_NETWORKS) holds it. A department's URL must not
    reach the platform's own network (GB/T 22239 访问控制)."""
    if isinstance(address, IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped  # ::ffff:a.b.c.d is the IPv4 host a.b.c.d
    if any(address in network for network in allowed):
        return False
    hosts: list[Address] = [address]
    if isinstance(address, IPv6Address):
        if address.sixtofour:
            hosts.append(address.sixtofour)
        if address.teredo:
            hosts.extend(address.teredo)
        if address in NAT64:
            hosts.append(IPv4Address(int(address) & 0xFFFFFFFF))
    return any(_not_public(host) for host in hosts)


def webhook_addresses(url: str, allowed: Sequence[Network] = ()) -> list[Address]:
    """The addresses ``url``'s host resolves to, each one checked: a webhook is sent only to
    one of these, so that a name cannot resolve to another host between the check and the
    connection. 422 ``invalid_webhook_url``, ``webhook_unresolvable`` or
    ``webhook_destination_refused`` otherwise."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = 0
    if (
        len(url) > MAX_URL
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or not port
    ):
        raise InvalidRequest(
            f"webhook_url 应为不超过 {MAX_URL} 个字符的 http 或 https 地址",
            f"webhook_url must be an http or https URL of at most {MAX_URL} characters",
            field="webhook_url",
            code="invalid_webhook_url",
        )
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise InvalidRequest(
            f"无法解析 webhook 地址的主机名 {parts.hostname}",
            f"the webhook host {parts.hostname} does not resolve",
            field="webhook_url",
            code="webhook_unresolvable",
        ) from None
    addresses = list(dict.fromkeys(ip_address(str(info[4][0]).partition("%")[0]) for info in found))
    for address in addresses:
        if refused_address(address, allowed):
            raise InvalidRequest(
                f"webhook 地址指向内部或保留网络地址 {address}，不予接受",
                f"the webhook host resolves to {address}, which is not a public address",
                field="webhook_url",
                code="webhook_destination_refused",
                address=str(address),
            )
    return addresses


def create_subscription(
    session: Session,
    principal: Principal,
    *,
    lists: list[str],
    fields: list[str],
    webhook_url: str | None,
    cipher: IdCipher,
    now: datetime,
    allowed_networks: Sequence[Network] = (),
) -> tuple[Subscription, str | None]:
    """Returns the subscription and, with a webhook, its signing secret (shown once). The
    webhook's host is checked now and again at every delivery (feeds/webhooks.py)."""
    known = {(row.code, row.field) for row in all_lists(session)}
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
    if webhook_url is not None:
        webhook_addresses(webhook_url, allowed_networks)
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


def change_out(change: Change, subjects: Mapping[int, tuple[str | None, str | None, str]]) -> dict:
    """A change as the feed and the webhooks show it; ``subjects``: its subject's credit code,
    masked ID number and name by id (subjects.repository.keys_and_names)."""
    shown = subjects.get(change.subject_id) if change.subject_id is not None else None
    code, masked, name = shown or (None, None, "")
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
    subjects = keys_and_names(session, {c.subject_id for c in changes if c.subject_id is not None})
    nxt = changes[-1].seq if len(changes) == limit else max(since, top)
    return {
        "changes": [change_out(c, subjects) for c in changes],
        "next": nxt,
        "subscribed": True,
    }
