"""Webhook deliveries go only to an address checked at delivery time, pinned for the
connection (finding 12 of the security probe), and follow no redirect. The receivers run on
this machine's loopback, which these tests allow as an operator would
(XINYONG_WEBHOOK_ALLOWED_NETWORKS)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_network

import pytest
from sqlalchemy import select

from fixtures.lists import ACME, World, make_world, org
from xinyong.db import Database
from xinyong.feeds.webhooks import deliver_due
from xinyong.models import Delivery
from xinyong.settings import Settings

LOOPBACK = [ip_network("127.0.0.0/8"), ip_network("::1/128")]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"webhook_allowed_networks": LOOPBACK})


@pytest.fixture
def w(client, db, clock) -> World:  # type: ignore[no-untyped-def]
    return make_world(client, db, clock)


class Receiver(ThreadingHTTPServer):
    """Records each request (path, headers) and answers with ``status`` and ``headers``."""

    def __init__(self, status: int = 200, headers: dict[str, str] | None = None) -> None:
        self.status, self.extra = status, headers or {}
        self.received: list[tuple[str, dict[str, str]]] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def port(self) -> int:
        return self.server_address[1]


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        self.send_response(self.server.status)
        for name, value in self.server.extra.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
        return


def serving(receiver: Receiver) -> Iterator[Receiver]:
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    yield receiver
    receiver.shutdown()
    receiver.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from serving(Receiver())


@pytest.fixture
def redirector(receiver: Receiver) -> Iterator[Receiver]:
    target = f"http://127.0.0.1:{receiver.port}/landed"
    yield from serving(Receiver(302, {"Location": target}))


def subscribe(w: World, url: str) -> None:
    answer = w.client.post(
        "/api/v1/subscriptions",
        json={"lists": ["court_judgment_defaulters"], "webhook_url": url},
        headers=w.user.headers,
    )
    assert answer.status_code == 201, answer.text


def last_error(db: Database) -> str | None:
    with db.transaction() as session:
        return session.execute(select(Delivery.last_error)).scalar_one()


def test_a_named_host_is_reached_at_its_checked_address_with_its_own_host_header(
    w: World, receiver: Receiver
) -> None:
    subscribe(w, f"http://localhost:{receiver.port}/hook")
    w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "1")
    assert deliver_due(w.db, w.clock) == {"delivered": 1, "retried": 0, "failed": 0}
    [(path, headers)] = receiver.received
    assert path == "/hook"
    assert headers["host"] == f"localhost:{receiver.port}"
    assert headers["x-xinyong-signature"].startswith("v1=")


def test_a_redirect_is_not_followed(w: World, redirector: Receiver, receiver: Receiver) -> None:
    subscribe(w, f"http://127.0.0.1:{redirector.port}/hook")
    w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "1")
    assert deliver_due(w.db, w.clock) == {"delivered": 0, "retried": 1, "failed": 0}
    assert len(redirector.received) == 1
    assert receiver.received == []  # where the Location pointed
    assert last_error(w.db) == "HTTP 302: redirects are not followed"


def test_every_delivery_checks_the_address_again(w: World, receiver: Receiver, settings) -> None:  # type: ignore[no-untyped-def]
    subscribe(w, f"http://127.0.0.1:{receiver.port}/hook")
    w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "1")
    # The operator takes the loopback off the allowed networks after the subscription.
    strict = Database(settings.model_copy(update={"webhook_allowed_networks": []}))
    try:
        assert deliver_due(strict, w.clock) == {"delivered": 0, "retried": 1, "failed": 0}
    finally:
        strict.dispose()
    assert receiver.received == []
    assert "127.0.0.1" in (last_error(w.db) or "")
