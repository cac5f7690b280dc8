"""A warning addressed to a department goes out on its webhooks (issue 17 part 2 § 3), signed
as every delivery. The receiver runs on this machine's loopback, which these tests allow as an
operator would (XINYONG_WEBHOOK_ALLOWED_NETWORKS)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_network

import pytest
from risk_world import RiskWorld

from fixtures.lists import ACME, BETA, org
from xinyong.feeds.webhooks import deliver_due
from xinyong.settings import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"webhook_allowed_networks": [ip_network("127.0.0.0/8")]})


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.bodies.append(json.loads(body))  # type: ignore[attr-defined]
        self.server.paths.append(self.path)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
        return


@pytest.fixture
def receiver() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.bodies = []  # type: ignore[attr-defined]
    server.paths = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def subscribe(rw: RiskWorld, receiver: ThreadingHTTPServer, hooks: tuple) -> None:
    """Each (caller, path): a subscription whose webhook is the receiver at that path."""
    port = receiver.server_address[1]
    for caller, path in hooks:
        answer = rw.client.post(
            "/api/v1/subscriptions",
            json={
                "lists": ["court_judgment_defaulters"],
                "webhook_url": f"http://127.0.0.1:{port}{path}",
            },
            headers=caller.headers,
        )
        assert answer.status_code == 201, answer.text


def test_the_supervising_departments_webhook_gets_its_warning(
    rw: RiskWorld, receiver: ThreadingHTTPServer
) -> None:
    # The supervising department, and another.
    subscribe(rw, receiver, ((rw.market, "/"), (rw.tax, "/")))
    for n, day in enumerate(("2026-01-10", "2026-03-10", "2026-06-10")):
        rw.record(rw.market, "administrative_penalty", org(ACME), f"p-{n}",
                  _over={"determined_on": day}, decided_on=day)  # fmt: skip
    rw.sweep()
    counts = deliver_due(rw.db, rw.clock)
    # The warning to amr's hook only; the subject's warnings (none here) go to no department.
    assert counts == {"delivered": 1, "retried": 0, "failed": 0}
    [body] = receiver.bodies  # type: ignore[attr-defined]
    assert body["event"] == "risk_warning"
    assert body["subject"]["credit_code"] == ACME
    assert body["detail"]["rule"] == "third_penalty"
    one = rw.client.get(
        f"/api/v1/warnings/{body['detail']['warning_id']}", headers=rw.market.headers
    )
    assert one.status_code == 200 and one.json()["rule"] == "third_penalty"


def test_each_department_gets_its_own_warnings_of_a_sweep(
    rw: RiskWorld, receiver: ThreadingHTTPServer
) -> None:
    """A sweep's warnings are delivered together (their changes numbered in one statement):
    each department's hook gets the change of its own warning, never another's."""
    subscribe(rw, receiver, ((rw.market, "/amr"), (rw.tax, "/tax")))
    for caller, code, tag in ((rw.tax, BETA, "t"), (rw.market, ACME, "m")):
        for n, day in enumerate(("2026-01-10", "2026-03-10", "2026-06-10")):
            rw.record(caller, "administrative_penalty", org(code), f"{tag}-{n}",
                      _over={"determined_on": day}, decided_on=day)  # fmt: skip
    rw.sweep()
    assert deliver_due(rw.db, rw.clock)["delivered"] == 2
    got = {
        path: (body["subject"]["credit_code"], body["detail"]["rule"])
        for path, body in zip(receiver.paths, receiver.bodies, strict=True)  # type: ignore[attr-defined]
    }
    assert got == {"/amr": (ACME, "third_penalty"), "/tax": (BETA, "third_penalty")}
