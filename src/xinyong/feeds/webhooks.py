"""Signed webhooks with retries: the push half of the list-change feed.

Each list change is queued for every subscribed webhook in the transaction that makes it
(feeds/changes.py), so none is lost; :func:`deliver_due` sends what is due, one delivery per
transaction, and any number of processes may run it at once (rows are claimed with
SKIP LOCKED on PostgreSQL; SQLite has a single writer). A receiver verifies

    X-Xinyong-Signature: v1=hex(HMAC-SHA256(secret, f"{X-Xinyong-Timestamp}.{body}"))

and deduplicates by ``X-Xinyong-Delivery`` / the change's ``seq``: a delivery whose answer was
lost is sent again (at-least-once).

A receiver is reached only at a public address (feeds/service.refused_address; finding 12 of
the security probe): the host is resolved once per delivery, every address it resolves to is
checked, and the connection goes to that checked address with the original Host header and
TLS server name, so that a name re-resolved by the HTTP client cannot lead elsewhere. No
redirect is followed: a 3xx answer is a failed delivery."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

import httpx
import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core.clock import Clock
from xinyong.core.crypto import IdCipher
from xinyong.db import Database
from xinyong.errors import XinyongError
from xinyong.feeds.service import (
    Address,
    Network,
    change_out,
    webhook_addresses,
)
from xinyong.models import Change, Delivery, Subscription
from xinyong.subjects.repository import keys_and_names

# Waits after the 1st, 2nd, … failed attempt; after the last the delivery is given up and
# the department reads the pull feed (which never loses a change) instead.
BACKOFF = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
TIMEOUT = 10.0


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


def _claim(session: Session, now: datetime) -> Delivery | None:
    query = (
        select(Delivery)
        .where(Delivery.status == "pending", Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.execute(query).scalar_one_or_none()


class _Senders:
    """One HTTP client per receiving host: a kept-alive connection, made to an address pinned
    for that host (and, over TLS, verified for its name), is never reused for another host
    that happens to resolve to the same address."""

    def __init__(self) -> None:
        self._clients: dict[bytes, httpx.Client] = {}

    def __call__(self, host: bytes) -> httpx.Client:
        client = self._clients.get(host)
        if client is None:
            # trust_env=False: no proxy from the environment stands between check and receiver.
            client = httpx.Client(timeout=TIMEOUT, follow_redirects=False, trust_env=False)
            self._clients[host] = client
        return client

    def close(self) -> None:
        for client in self._clients.values():
            client.close()


def deliver_due(db: Database, clock: Clock, *, limit: int = 1000) -> dict[str, int]:
    """Send the deliveries that are due. Returns counts of delivered, retried and failed."""
    counts = {"delivered": 0, "retried": 0, "failed": 0}
    senders = _Senders()
    allowed = db.settings.webhook_allowed_networks
    try:
        for _ in range(limit):
            now = clock.now()
            with db.transaction() as session:
                delivery = _claim(session, now)
                if delivery is None:
                    break
                outcome = _attempt(session, senders, delivery, now, db.cipher, allowed)
            counts[outcome] += 1
    finally:
        senders.close()
    return counts


def _post(senders: _Senders, url: str, body: bytes, headers: dict, allowed: list[Network]) -> str:
    """One POST to the receiver at a checked address (the next one if it cannot be reached);
    an error message, or "" on success."""
    try:
        addresses = webhook_addresses(url, allowed)
    except XinyongError as exc:
        return exc.message_en
    target = httpx.URL(url)
    headers = {**headers, "Host": target.netloc.decode("ascii")}
    # Over TLS, the name sent to the receiver and its certificate is checked against.
    https = target.scheme == "https"
    extensions = {"sni_hostname": target.raw_host.decode("ascii")} if https else {}
    client = senders(target.raw_host)

    def send(address: Address) -> str:
        with client.stream(
            "POST",
            target.copy_with(host=str(address)),
            content=body,
            headers=headers,
            extensions=extensions,
        ) as response:  # the answer's body is never read: only its status counts
            if response.is_success:
                return ""
            if response.is_redirect:
                return f"HTTP {response.status_code}: redirects are not followed"
            return f"HTTP {response.status_code}"

    for address in addresses[:-1]:
        try:
            return send(address)
        except httpx.ConnectError:
            continue  # the host's next address
    return send(addresses[-1])


def _attempt(
    session: Session,
    senders: _Senders,
    delivery: Delivery,
    now: datetime,
    cipher: IdCipher,
    allowed: list[Network],
) -> str:
    sub = session.get_one(Subscription, delivery.subscription_id)
    change = session.get_one(Change, delivery.seq)
    if sub.ended_at is not None or not sub.webhook_url or not sub.secret_cipher:
        delivery.status, delivery.last_error = "failed", "subscription ended"
        return "failed"
    secret = cipher.decrypt(sub.secret_cipher)
    subjects = keys_and_names(session, {change.subject_id} if change.subject_id else set())
    body = orjson.dumps(change_out(change, subjects))
    timestamp = str(int(now.timestamp()))
    delivery.attempts += 1
    headers = {
        "Content-Type": "application/json",
        "X-Xinyong-Delivery": str(delivery.id),
        "X-Xinyong-Timestamp": timestamp,
        "X-Xinyong-Signature": signature(secret, timestamp, body),
    }
    try:
        error = _post(senders, sub.webhook_url, body, headers, allowed)
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"
    if not error:
        delivery.status, delivery.delivered_at, delivery.last_error = "delivered", now, None
        return "delivered"
    delivery.last_error = error[:500]
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = "failed"
        return "failed"
    delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
    return "retried"
