"""The message outbox against a real local SMTP server (aiosmtpd), never mocked (issue 17 part
2 § 3): a warning e-mail arrives exactly once while two server processes run their jobs on the
same database; a failing server is retried with back-off and the failure kept; SMS goes to the
logging sender."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from risk_world import RiskWorld
from sqlalchemy import func, select

from fixtures.lists import ACME
from fixtures.server import _free_port
from xinyong.models import OutboxMessage
from xinyong.risk.outbox import BACKOFF, MAX_ATTEMPTS, drain_outbox, senders_for

LICENCES = 12


class Inbox:
    """What the SMTP server received; each message is taken slowly, so that two draining
    processes are both at work while it lasts."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        self.messages.append(message_from_bytes(envelope.content))
        await asyncio.sleep(0.05)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _warnings_for_acme(rw: RiskWorld, count: int) -> None:
    for n in range(count):
        body_fields = {"valid_to": f"2026-07-{n + 1:02d}", "licence_number": f"苏许{n}"}
        rw.record(rw.market, "administrative_licensing", {"credit_code": ACME,
                  "name": "南京测试科技有限公司"}, f"lic-{n}", **body_fields)  # fmt: skip
    rw.add_contact(ACME, "email", "acme@example.org")


def _server(rw: RiskWorld, tmp_path: Path, smtp_port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XINYONG_", "FORWARDED_"))}
    env.update(
        XINYONG_DATABASE_URL=rw.db.settings.database_url,
        XINYONG_SECRET_KEY=rw.db.settings.secret_key,
        XINYONG_VAR_DIR=str(tmp_path / "var"),
        XINYONG_FIXED_TODAY="2026-06-15",
        XINYONG_RUN_JOBS="true",
        XINYONG_JOB_INTERVAL_SECONDS="0.2",
        XINYONG_PORT=str(_free_port()),
        XINYONG_SMTP_HOST="127.0.0.1",
        XINYONG_SMTP_PORT=str(smtp_port),
        XINYONG_SMTP_SECURITY="none",
        XINYONG_SMTP_FROM="yujing@credit.example.gov.cn",
    )
    command = Path(sys.executable).with_name("xinyong")
    return subprocess.Popen(
        [str(command), "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def _outbox(rw: RiskWorld) -> dict[str, int]:
    with rw.db.transaction() as session:
        rows = session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        ).all()
    return {status: count for status, count in rows}


def test_a_warning_email_arrives_exactly_once_while_two_server_processes_run(
    rw: RiskWorld, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, port = smtp
    _warnings_for_acme(rw, LICENCES)
    servers = [_server(rw, tmp_path, port) for _ in range(2)]
    try:
        deadline = time.monotonic() + 120
        while _outbox(rw).get("sent", 0) < LICENCES:
            for server in servers:
                assert server.poll() is None, server.stderr.read().decode()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, f"outbox not drained: {_outbox(rw)}"
            time.sleep(0.2)
        time.sleep(1.0)  # more job runs of both: nothing is sent again
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
    assert _outbox(rw) == {"sent": LICENCES}
    ids = sorted(int(m["X-Xinyong-Message"]) for m in inbox.messages)
    assert len(ids) == LICENCES and len(set(ids)) == LICENCES, ids
    first = inbox.messages[0]
    assert first["To"] == "acme@example.org"
    assert str(make_header(decode_header(first["Subject"]))) == "【风险预警】行政许可将在30日内到期"
    body = first.get_payload(decode=True).decode("utf-8")
    assert "南京测试科技有限公司" in body and "/me/warnings" in body


def test_an_unreachable_server_is_retried_with_back_off_and_the_failure_kept(
    rw: RiskWorld,
) -> None:
    _warnings_for_acme(rw, 1)
    rw.sweep()
    settings = rw.db.settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": _free_port(), "smtp_security": "none"}
    )
    senders = senders_for(settings)
    assert drain_outbox(rw.db, rw.clock, senders=senders) == {"sent": 0, "retried": 1, "failed": 0}
    # Not due again before its back-off has passed.
    assert drain_outbox(rw.db, rw.clock, senders=senders)["retried"] == 0
    for wait in BACKOFF[:-1]:
        rw.clock.advance(seconds=wait.total_seconds())
        assert drain_outbox(rw.db, rw.clock, senders=senders)["retried"] == 1
    rw.clock.advance(seconds=BACKOFF[-1].total_seconds())
    assert drain_outbox(rw.db, rw.clock, senders=senders)["failed"] == 1
    with rw.db.transaction() as session:
        [message] = session.execute(select(OutboxMessage)).scalars().all()
        assert message.status == "failed" and message.attempts == MAX_ATTEMPTS
        assert message.last_error and "ConnectionRefusedError" in message.last_error


def test_sms_goes_to_the_logging_sender(rw: RiskWorld, caplog: pytest.LogCaptureFixture) -> None:
    _warnings_for_acme(rw, 1)  # and its e-mail address
    rw.add_contact(ACME, "sms", "13800000000")
    rw.sweep()
    with caplog.at_level(logging.INFO, logger="xinyong.risk.outbox"):
        counts = drain_outbox(rw.db, rw.clock)
    # No SMTP host in the tests' settings: the e-mail waits, the SMS is logged and sent.
    assert counts == {"sent": 1, "retried": 0, "failed": 0}
    assert "13800000000" in caplog.text and "行政许可将在30日内到期" in caplog.text
    assert _outbox(rw) == {"pending": 1, "sent": 1}
