"""The message outbox (docs/risk.md): warnings by e-mail and SMS, each message sent once
however many processes drain the outbox.

A message is written in the transaction that delivers its warning (risk/sweep.py), so none is
lost. :func:`drain_outbox` takes one due message per transaction, claimed with ``FOR UPDATE
SKIP LOCKED`` on PostgreSQL (another process takes the next one) — SQLite's transactions
begin IMMEDIATE, one writer at a time —, sends it while holding the claim, and commits it
``sent``: a second process never sees it pending. A failure is retried with back-off and,
after the last attempt, kept as ``failed`` with its error. (A process killed between the
send and the commit leaves the message pending; it is sent again: at least once, never twice
in a run that completes.)

Senders are pluggable by channel: SMTP (stdlib smtplib; ``XINYONG_SMTP_*``) for e-mail, and
SMS as an interface whose only sender here writes the message to the log."""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

from xinyong.core.clock import Clock
from xinyong.db import Database
from xinyong.risk.repository import claim_message
from xinyong.settings import Settings

log = logging.getLogger("xinyong.risk.outbox")

# Waits after the 1st, 2nd, … failed attempt; after the last the message is kept as failed.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1


class Sender(Protocol):
    """Sends one message; raises on failure (the error is kept on the message)."""

    def send(self, *, recipient: str, title: str, body: str, message_id: int) -> None: ...


class SmtpSender:
    """E-mail over SMTP (stdlib smtplib): STARTTLS or implicit TLS and a log-in when set."""

    def __init__(self, settings: Settings) -> None:
        assert settings.smtp_host is not None
        self.host = settings.smtp_host
        self.port = settings.smtp_port
        self.security = settings.smtp_security
        self.username = settings.smtp_username
        self.password = settings.smtp_password
        self.sender = settings.smtp_from
        self.timeout = settings.smtp_timeout_seconds

    def send(self, *, recipient: str, title: str, body: str, message_id: int) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = recipient
        message["Subject"] = title
        message["Message-ID"] = make_msgid(f"warning-{message_id}")
        # The outbox row: a receiver that somehow got a message twice can tell.
        message["X-Xinyong-Message"] = str(message_id)
        message.set_content(body)
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.security == "tls":
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with smtp:
            if self.security == "starttls":
                smtp.starttls(context=context)
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


class LoggingSmsSender:
    """SMS, until a gateway is wired in: the message is written to the log (``xinyong.risk.
    outbox``) and counts as sent. A gateway is another class with the same ``send``."""

    def send(self, *, recipient: str, title: str, body: str, message_id: int) -> None:
        log.info("短信 %s 发往 %s：%s %s", message_id, recipient, title, body)


def senders_for(settings: Settings) -> dict[str, Sender]:
    """The channels this process can send on: e-mail when an SMTP host is set, SMS unless
    turned off. A message on another channel waits for a process that can send it."""
    senders: dict[str, Sender] = {}
    if settings.smtp_host:
        senders["email"] = SmtpSender(settings)
    if settings.sms_sender == "log":
        senders["sms"] = LoggingSmsSender()
    return senders


def drain_outbox(
    db: Database,
    clock: Clock,
    *,
    senders: Mapping[str, Sender] | None = None,
    limit: int = 1000,
) -> dict[str, int]:
    """Send the messages that are due, one per transaction. Returns counts of sent, retried
    and failed."""
    counts = {"sent": 0, "retried": 0, "failed": 0}
    senders = senders_for(db.settings) if senders is None else senders
    if not senders:
        return counts
    for _ in range(limit):
        now = clock.now()
        with db.transaction() as session:
            message = claim_message(session, now, senders)
            if message is None:
                break
            message.attempts += 1
            try:
                senders[message.channel].send(
                    recipient=message.recipient,
                    title=message.title,
                    body=message.body,
                    message_id=message.id,
                )
            except Exception as exc:  # any sender's failure is the message's, kept on it
                message.last_error = f"{type(exc).__name__}: {exc}"[:500]
                if message.attempts >= MAX_ATTEMPTS:
                    message.status = "failed"
                    counts["failed"] += 1
                else:
                    message.next_attempt_at = now + BACKOFF[message.attempts - 1]
                    counts["retried"] += 1
                continue
            message.status, message.sent_at, message.last_error = "sent", now, None
            counts["sent"] += 1
    return counts
