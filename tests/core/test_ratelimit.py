"""The per-address token bucket of anonymous look-ups (core/ratelimit.py): its arithmetic on a
clock the test moves, its bounded memory, and how clients are told apart. The endpoints'
use of it is tested through the API and the pages (tests/subjects/test_person_disclosure.py,
tests/portal/test_page_rate_limit.py)."""

from __future__ import annotations

import pytest

from xinyong.core.ratelimit import RateLimited, RateLimiter, client_key, trusted_proxies
from xinyong.errors import XinyongError


class Ticking:
    """Monotonic seconds that only the test advances."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limiter(clock: Ticking, *, per_minute: float = 6, burst: int = 3, max_clients: int = 100):
    return RateLimiter(per_minute=per_minute, burst=burst, max_clients=max_clients, now=clock)


def test_a_burst_then_the_rate() -> None:
    clock = Ticking()
    bucket = limiter(clock)  # 3 at once, then one every 10 s
    assert [bucket.wait("192.0.2.1") for _ in range(3)] == [0, 0, 0]
    assert bucket.wait("192.0.2.1") == pytest.approx(10)
    clock.now += 4
    assert bucket.wait("192.0.2.1") == pytest.approx(6)  # refused: nothing taken
    clock.now += 6
    assert bucket.wait("192.0.2.1") == 0
    assert bucket.wait("192.0.2.1") == pytest.approx(10)
    clock.now += 3600  # a long pause refills the burst, no more
    assert [bucket.wait("192.0.2.1") for _ in range(4)][-1] == pytest.approx(10)


def test_a_refusal_says_when_to_come_back_in_whole_seconds() -> None:
    clock = Ticking()
    bucket = limiter(clock, per_minute=7, burst=1)
    bucket.check("192.0.2.1")
    with pytest.raises(RateLimited) as refused:
        bucket.check("192.0.2.1")
    assert refused.value.status == 429 and refused.value.code == "rate_limited"
    assert refused.value.headers == {"Retry-After": "9"}  # 60/7 = 8.57 s, rounded up
    assert refused.value.detail == {"retry_after": 9}


def test_addresses_are_counted_apart() -> None:
    clock = Ticking()
    bucket = limiter(clock, burst=1)
    assert bucket.wait("192.0.2.1") == 0
    assert bucket.wait("192.0.2.1") > 0
    assert bucket.wait("192.0.2.2") == 0


def test_an_ipv6_client_is_counted_by_its_64() -> None:
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:ffff::9")
    assert client_key("2001:db8:1:2::1") != client_key("2001:db8:1:3::1")
    assert client_key("::ffff:192.0.2.1") == client_key("192.0.2.1")
    clock = Ticking()
    bucket = limiter(clock, burst=1)
    assert bucket.wait("2001:db8:1:2::1") == 0
    assert bucket.wait("2001:db8:1:2::dead:beef") > 0


def test_memory_is_bounded_and_the_least_recently_seen_is_forgotten() -> None:
    clock = Ticking()
    bucket = limiter(clock, burst=1, max_clients=3)
    for n in range(3):
        bucket.wait(f"192.0.2.{n}")
    bucket.wait("192.0.2.0")  # seen again: now the most recent
    bucket.wait("192.0.2.9")  # a fourth: 192.0.2.1 is forgotten
    assert len(bucket) == 3
    assert bucket.wait("192.0.2.0") > 0  # still remembered, still empty
    assert bucket.wait("192.0.2.1") == 0  # forgotten: a full bucket again
    for n in range(10_000):
        bucket.wait(f"10.0.{n // 256}.{n % 256}")
    assert len(bucket) == 3


def test_trusted_proxies_are_addresses_or_networks() -> None:
    assert trusted_proxies("") == []
    given = " 127.0.0.1 , 10.0.0.0/8,::1,"
    assert trusted_proxies(given) == ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]
    for wrong in ("*", "proxy.example", "10.0.0.0/33"):
        with pytest.raises(XinyongError) as refused:
            trusted_proxies(wrong)
        assert refused.value.code == "invalid_setting"
