"""Subscriptions, the list-change feed and signed webhooks (发起 → 响应, 003 联合奖惩
§（二十一））."""

from __future__ import annotations

import hashlib
import hmac
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from sqlalchemy import select

from fixtures.lists import ACME, BETA, World, make_world, org
from xinyong.core.auth import SYSTEM
from xinyong.feeds.changes import LIST_ENTRY, record_change
from xinyong.feeds.service import read_feed
from xinyong.feeds.webhooks import BACKOFF, deliver_due
from xinyong.models import Change


@pytest.fixture
def w(client, db, clock) -> World:
    return make_world(client, db, clock)


def subscribe(w: World, **body) -> dict:  # type: ignore[no-untyped-def]
    answer = w.client.post("/api/v1/subscriptions", json=body, headers=w.user.headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


def feed(w: World, since: int = 0, limit: int = 500) -> dict:
    answer = w.client.get(
        "/api/v1/feeds/list-changes",
        params={"since": since, "limit": limit},
        headers=w.user.headers,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_department_receives_the_changes_of_what_it_subscribes_to(w: World) -> None:
    subscribe(w, lists=["court_judgment_defaulters"])
    entry = w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "1")
    w.list_entry(w.tax, "tax_a_grade", org(BETA, "南京乙公司"), "r")  # not subscribed
    first = feed(w)
    assert [(c["event"], c["list"], c["entry_id"]) for c in first["changes"]] == [
        ("listed", "court_judgment_defaulters", entry)
    ]
    assert first["changes"][0]["subject"] == {
        "credit_code": ACME,
        "id_number": None,
        "name": "南京测试科技有限公司",
    }
    # Nothing new: the cursor stays, nothing is repeated.
    assert feed(w, first["next"])["changes"] == []
    w.step(w.court, entry, "exit", {"reason": "repair", "explanation": "已履行"})
    later = feed(w, first["next"])
    assert [(c["event"], c["detail"]["reason"]) for c in later["changes"]] == [("exited", "repair")]


def test_subscribing_by_field_takes_every_list_of_the_field(w: World) -> None:
    subscribe(w, fields=["tax"])
    w.list_entry(w.tax, "tax_a_grade", org(ACME), "r")
    w.list_entry(w.tax, "major_tax_violators", org(BETA, "南京乙公司"), "v")
    events = [(c["list"], c["event"]) for c in feed(w)["changes"]]
    # The red candidate's public notice is a change too; black prior notice is not published.
    assert events == [
        ("tax_a_grade", "noticed"),
        ("tax_a_grade", "listed"),
        ("major_tax_violators", "listed"),
    ]


def test_paging_by_cursor_neither_loses_nor_repeats(w: World) -> None:
    subscribe(w, fields=["tax", "court_enforcement"])
    w.list_entry(w.tax, "tax_a_grade", org(ACME), "r")
    w.list_entry(w.court, "court_judgment_defaulters", org(BETA, "南京乙公司"), "c")
    everything = [c["seq"] for c in feed(w)["changes"]]
    pages, since = [], 0
    while True:
        page = feed(w, since, limit=1)
        if not page["changes"]:
            break
        pages.extend(c["seq"] for c in page["changes"])
        since = page["next"]
    assert pages == everything and len(everything) == 3


def test_no_change_is_lost_or_repeated_under_concurrent_writers(db, clock) -> None:  # type: ignore[no-untyped-def]
    """Writers hold their numbered change for a while before committing, in random order; a
    reader polling meanwhile must still see every change once, in order."""
    writers, per_writer = 4, 12
    errors: list[BaseException] = []
    stop = threading.Event()
    seen: list[int] = []

    def write(n: int) -> None:
        rnd = random.Random(n)
        try:
            for i in range(per_writer):
                with db.transaction() as session:
                    record_change(
                        session,
                        at=clock.now(),
                        topic=LIST_ENTRY,
                        event="listed",
                        list_code="court_judgment_defaulters",
                        field="court_enforcement",
                        detail={"writer": n, "i": i},
                    )
                    time.sleep(rnd.random() * 0.01)
        except BaseException as exc:
            errors.append(exc)

    def read() -> None:
        since = 0
        while True:
            done = stop.is_set()
            with db.transaction() as session:
                page = read_feed(session, SYSTEM, since=since, limit=5)
            seen.extend(c["seq"] for c in page["changes"])
            since = page["next"]
            if done and not page["changes"]:
                return

    reader = threading.Thread(target=read)
    reader.start()
    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    reader.join()
    assert not errors
    with db.transaction() as session:
        written = list(
            session.execute(
                select(Change.seq).where(Change.topic == LIST_ENTRY).order_by(Change.seq)
            ).scalars()
        )
    assert len(written) == writers * per_writer
    assert seen == written


class _Receiver(BaseHTTPRequestHandler):
    answers: ClassVar[list[int]] = []
    received: ClassVar[list[tuple[dict, bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(type(self).answers.pop(0) if type(self).answers else 200)
        self.end_headers()

    def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
        return


@pytest.fixture
def receiver():  # type: ignore[no-untyped-def]
    _Receiver.answers, _Receiver.received = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


def test_webhooks_are_signed_and_retried_until_delivered(w: World, receiver) -> None:  # type: ignore[no-untyped-def]
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    sub = subscribe(w, lists=["court_judgment_defaulters"], webhook_url=url)
    secret = sub["secret"]
    assert secret and secret.startswith("whsec_")
    listed = w.client.get("/api/v1/subscriptions", headers=w.user.headers).json()
    assert listed[0]["secret"] is None  # shown once

    _Receiver.answers = [503]
    w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "1")
    assert deliver_due(w.db, w.clock) == {"delivered": 0, "retried": 1, "failed": 0}
    # Not due again before its back-off …
    assert deliver_due(w.db, w.clock) == {"delivered": 0, "retried": 0, "failed": 0}
    w.clock.advance(seconds=BACKOFF[0].total_seconds())
    # … then delivered.
    assert deliver_due(w.db, w.clock) == {"delivered": 1, "retried": 0, "failed": 0}
    assert deliver_due(w.db, w.clock) == {"delivered": 0, "retried": 0, "failed": 0}

    assert len(_Receiver.received) == 2
    headers, body = _Receiver.received[-1]
    expected = hmac.new(
        secret.encode(), f"{headers['x-xinyong-timestamp']}.".encode() + body, hashlib.sha256
    ).hexdigest()
    assert headers["x-xinyong-signature"] == f"v1={expected}"
    assert b'"event":"listed"' in body


def test_a_webhook_that_never_answers_is_given_up_and_the_feed_still_has_it(
    w: World, receiver
) -> None:  # type: ignore[no-untyped-def]
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    subscribe(w, lists=["court_judgment_defaulters"], webhook_url=url)
    _Receiver.answers = [500] * 20
    w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "1")
    outcomes = []
    for wait in (None, *BACKOFF):
        if wait is not None:
            w.clock.advance(seconds=wait.total_seconds())
        outcomes.append(deliver_due(w.db, w.clock))
    assert outcomes[-1] == {"delivered": 0, "retried": 0, "failed": 1}
    assert [c["event"] for c in feed(w)["changes"]] == ["listed"]


def test_bad_subscriptions(w: World) -> None:
    for body, code in (
        ({"lists": ["no_such_list"]}, "unknown_list"),
        ({"fields": ["astrology"]}, "unknown_field"),
        ({}, "empty_subscription"),
    ):
        answer = w.client.post("/api/v1/subscriptions", json=body, headers=w.user.headers)
        assert answer.status_code == 422 and answer.json()["error"]["code"] == code
    assert w.client.get("/api/v1/feeds/list-changes").status_code == 401


def test_an_unsubscribed_department_gets_nothing_and_the_authority_everything(w: World) -> None:
    w.list_entry(w.court, "court_judgment_defaulters", org(ACME), "1")
    assert feed(w)["changes"] == [] and feed(w)["subscribed"] is False
    everything = w.client.get("/api/v1/feeds/list-changes", headers=w.authority.headers).json()
    assert [c["event"] for c in everything["changes"]] == ["listed"]
