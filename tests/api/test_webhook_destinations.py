"""Where a webhook may point (finding 12 of the security probe): a department could make the
platform POST to any address, e.g. a service on the platform's own network. Without
XINYONG_WEBHOOK_ALLOWED_NETWORKS only public addresses are accepted, checked when subscribing
(here) and at every delivery (test_webhook_delivery.py).

None of these tests sends anything to the addresses they name: a refused address is never
connected to, and names are only ones the hosts file resolves (``localhost``)."""

from __future__ import annotations

from ipaddress import ip_address, ip_network

import pytest

from fixtures.lists import World, make_world
from xinyong.feeds.service import refused_address


@pytest.fixture
def w(client, db, clock) -> World:  # type: ignore[no-untyped-def]
    return make_world(client, db, clock)


def subscribe(w: World, url: str):  # type: ignore[no-untyped-def]
    return w.client.post(
        "/api/v1/subscriptions",
        json={"lists": ["court_judgment_defaulters"], "webhook_url": url},
        headers=w.user.headers,
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://127.1.2.3/hook",
        "http://10.1.2.3/hook",
        "http://172.16.0.1/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/hook",
        "http://0.0.0.0:8000/hook",
        "http://224.0.0.1/hook",
        "http://255.255.255.255/hook",
        "http://2130706433/hook",  # 127.0.0.1 written as one number
        "http://[::1]:8080/hook",
        "http://[::]/hook",
        "http://[::ffff:10.0.0.1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[fe80::1]/hook",
        "http://[fc00::1]/hook",
        "http://[ff02::1]/hook",
        "http://[2002:a00:1::]/hook",  # 6to4 of 10.0.0.1
        "http://[64:ff9b::a9fe:a9fe]/hook",  # NAT64 of 169.254.169.254
        "https://localhost:8443/hook",
    ],
)
def test_a_webhook_into_a_private_or_special_network_is_refused(w: World, url: str) -> None:
    answer = subscribe(w, url)
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert (error["code"], error["field"]) == ("webhook_destination_refused", "webhook_url")
    assert error["message"] and error["message_en"] and error["detail"]["address"]
    assert w.client.get("/api/v1/subscriptions", headers=w.user.headers).json() == []


def test_a_webhook_url_must_be_http_and_fit_its_column(w: World) -> None:
    for url in ("ftp://8.8.8.8/hook", "file:///etc/passwd", "gopher://8.8.8.8/"):
        answer = subscribe(w, url)
        assert answer.status_code == 422 and answer.json()["error"]["code"] == "invalid_request"
    answer = subscribe(w, "http://8.8.8.8/" + "a" * 500)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "invalid_webhook_url"


def test_a_host_that_cannot_be_resolved_is_refused(w: World) -> None:
    # A label over 63 characters fails before any name server is asked.
    answer = subscribe(w, "http://" + "a" * 64 + ".example/hook")
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "webhook_unresolvable"


def test_a_subscription_without_a_webhook_needs_no_check(w: World) -> None:
    answer = w.client.post(
        "/api/v1/subscriptions",
        json={"lists": ["court_judgment_defaulters"]},
        headers=w.user.headers,
    )
    assert answer.status_code == 201, answer.text


def test_the_codes_are_in_the_document(api_document: dict) -> None:
    operation = api_document["paths"]["/api/v1/subscriptions"]
    described = operation["post"]["responses"]["422"]["description"]
    for code in ("webhook_destination_refused", "webhook_unresolvable", "invalid_webhook_url"):
        assert f"`{code}`" in described


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("8.8.8.8", False),
        ("114.114.114.114", False),
        ("2400:3200::1", False),
        ("::ffff:8.8.8.8", False),
        ("2002:808:808::", False),  # 6to4 of a public address
        ("127.0.0.1", True),
        ("::ffff:192.168.0.1", True),
        ("2002:c0a8:1::", True),  # 6to4 of 192.168.0.1
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", True),  # Teredo: 192.0.2.45 behind it
        ("64:ff9b::7f00:1", True),  # NAT64 of 127.0.0.1
        ("192.0.0.8", True),
        ("198.18.0.1", True),
        ("240.0.0.1", True),
    ],
)
def test_which_addresses_are_public(address: str, refused: bool) -> None:
    assert refused_address(ip_address(address)) is refused


def test_allowed_networks_open_exactly_themselves() -> None:
    allowed = [ip_network("10.20.0.0/16"), ip_network("::1/128")]
    assert not refused_address(ip_address("10.20.3.4"), allowed)
    assert not refused_address(ip_address("::ffff:10.20.3.4"), allowed)
    assert not refused_address(ip_address("::1"), allowed)
    assert refused_address(ip_address("10.21.0.1"), allowed)
    assert refused_address(ip_address("127.0.0.1"), allowed)
