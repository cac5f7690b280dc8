"""`xinyong serve` honours X-Forwarded-For only from the proxies of XINYONG_TRUSTED_PROXIES
(issue 12, L4): by default nobody may pick the address the log-in throttle and the look-up
limit count by. A real server process, on the test's database."""

from __future__ import annotations

import re
import socket

import httpx
import pytest
from typer.testing import CliRunner

from fixtures.helpers import credit_code
from fixtures.server import serving
from xinyong.cli import app
from xinyong.web.accounts import MAX_FAILURES_PER_ADDRESS


def failed_log_ins(client: httpx.Client, attempts: int) -> list[int]:
    """Wrong passwords, each under another name and claiming another address."""
    form = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert csrf, form.text
    answers = []
    for n in range(attempts):
        answer = client.post(
            "/login",
            data={"username": f"nobody{n}", "password": "wrong password", "csrf_token": csrf[1]},
            headers={"X-Forwarded-For": f"198.51.100.{n + 1}"},
        )
        answers.append(answer.status_code)
    return answers


def anonymous_look_ups(client: httpx.Client, attempts: int) -> list[int]:
    return [
        client.get(
            f"/api/v1/subjects/{credit_code('91320100MA1P2R3A4')}",
            headers={"X-Forwarded-For": f"203.0.113.{n + 1}"},
        ).status_code
        for n in range(attempts)
    ]


@pytest.mark.slow
def test_forwarded_for_is_honoured_only_from_a_trusted_proxy(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    limit = {"XINYONG_ANONYMOUS_LOOKUP_BURST": "2", "XINYONG_ANONYMOUS_LOOKUPS_PER_MINUTE": "1"}
    throttled = [401] * MAX_FAILURES_PER_ADDRESS + [429]
    # No trusted proxy (the default): every request is the connection's, 127.0.0.1.
    with serving(db, tmp_path, **limit) as client:
        assert failed_log_ins(client, MAX_FAILURES_PER_ADDRESS + 1) == throttled
        assert anonymous_look_ups(client, 3)[2] == 429
    # 127.0.0.1 named as the proxy: the header names the client, each one new.
    with serving(db, tmp_path, XINYONG_TRUSTED_PROXIES="127.0.0.1", **limit) as client:
        assert failed_log_ins(client, MAX_FAILURES_PER_ADDRESS + 1) == [401] * len(throttled)
        assert 429 not in anonymous_look_ups(client, 3)


def test_a_malformed_proxy_setting_stops_serve_with_one_line(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as taken:
        # A port in use: were the setting not checked first, serve would fail there, not hang.
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        env = {
            "XINYONG_DATABASE_URL": db.settings.database_url,
            "XINYONG_SECRET_KEY": db.settings.secret_key,
            "XINYONG_VAR_DIR": str(tmp_path / "var"),
            "XINYONG_PORT": str(taken.getsockname()[1]),
            # "*" would trust everyone: not a proxy's address.
            "XINYONG_TRUSTED_PROXIES": "10.0.0.1,*",
        }
        done = CliRunner().invoke(app, ["serve"], env=env)
    assert done.exit_code == 1
    assert done.exception is None or isinstance(done.exception, SystemExit)
    said = " ".join(done.output.split())  # one message (the console wraps it at 80 columns)
    assert said.startswith("invalid_setting")
    assert "'*' 不是 IP 地址或网段" in said and "is not an IP address or network" in said
    assert "Traceback" not in done.output
