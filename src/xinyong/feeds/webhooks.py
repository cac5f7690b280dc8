"""Signed webhooks with retries: the push half of the list-change feed.

Each list change is queued for every subscribed webhook in the transaction that makes it
(feeds/changes.py), so none is lost; :func:`deliver_due` sends what is due, one delivery per
transaction, and any number of processes may run it at once (rows are claimed with
SKIP LOCKED on PostgreSQL; SQLite has a single writer). A receiver verifies

    X-Xinyong-Signature: v1=hex(HMAC-SHA256(secret, f"{X-Xinyong-Timestamp}.{body}"))

and deduplicates by ``X-Xinyong-Delivery`` / the change's ``seq``: a delivery whose answer was
lost is sent again (at-least-once)."""

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
from xinyong.feeds.service import change_out, subjects_of
from xinyong.models import Change, Delivery, Subscription

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


def deliver_due(
    db: Database, clock: Clock, *, client: httpx.Client | None = None, limit: int = 1000
) -> dict[str, int]:
    """Send the deliveries that are due. Returns counts of delivered, retried and failed."""
    counts = {"delivered": 0, "retried": 0, "failed": 0}
    own = client is None
    client = client or httpx.Client(timeout=TIMEOUT)
    try:
        for _ in range(limit):
            now = clock.now()
            with db.transaction() as session:
                delivery = _claim(session, now)
                if delivery is None:
                    break
                outcome = _attempt(session, client, delivery, now, db.cipher)
            counts[outcome] += 1
    finally:
        if own:
            client.close()
    return counts


def _attempt(
    session: Session, client: httpx.Client, delivery: Delivery, now: datetime, cipher: IdCipher
) -> str:
    sub = session.get_one(Subscription, delivery.subscription_id)
    change = session.get_one(Change, delivery.seq)
    if sub.ended_at is not None or not sub.webhook_url or not sub.secret_cipher:
        delivery.status, delivery.last_error = "failed", "subscription ended"
        return "failed"
    secret = cipher.decrypt(sub.secret_cipher)
    subjects = subjects_of(session, {change.subject_id} if change.subject_id else set())
    body = orjson.dumps(change_out(change, subjects.get(change.subject_id)))
    timestamp = str(int(now.timestamp()))
    delivery.attempts += 1
    try:
        response = client.post(
            sub.webhook_url,
            content=body,
            headers={
                "Content-Type": "application/json",
                "X-Xinyong-Delivery": str(delivery.id),
                "X-Xinyong-Timestamp": timestamp,
                "X-Xinyong-Signature": signature(secret, timestamp, body),
            },
        )
        error = None if response.is_success else f"HTTP {response.status_code}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
    if error is None:
        delivery.status, delivery.delivered_at, delivery.last_error = "delivered", now, None
        return "delivered"
    delivery.last_error = error
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = "failed"
        return "failed"
    delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
    return "retried"
