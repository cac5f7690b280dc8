"""Who is asking, by network address, and how often the anonymous may look subjects up.

Anonymous look-ups — the API's subject and archive reads without a token, the portal's search
and subject pages for a visitor not logged in — are limited per client address, so that
nobody can walk the ID-number space or copy the archive wholesale (Measures art. 36; 000
§（十八）: personal information protected, access safe by default). Callers with a token or a
log-in are not limited here: they are known and every read of theirs that matters is audited.

The address is the one the server gives (``request.client``), never a header the client
sends: ``X-Forwarded-For`` is honoured only by the server itself, and only from the proxies
named in ``XINYONG_TRUSTED_PROXIES`` (cli.py ``serve``; docs/settings.md). The log-in throttle
(web/accounts.py) counts its failures by the same address.

The limiter is a token bucket per address, kept in this process's memory: N server processes
allow N times the rate. That is accepted: the limit is a brake on bulk harvesting, not a
quota, and N is small and known; counting each anonymous read in the database would make
every read a write (on SQLite, one writer at a time)."""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from fastapi import Depends, Request

from xinyong.core.api import current_principal
from xinyong.core.auth import Principal
from xinyong.errors import InvalidRequest, XinyongError
from xinyong.models import Role


class RateLimited(XinyongError):
    """429 with ``Retry-After`` (seconds; app.py sends ``headers`` with the answer)."""

    status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"查询过于频繁，请 {retry_after} 秒后再试",
            f"too many look-ups; try again in {retry_after} seconds",
            retry_after=retry_after,
        )
        self.headers = {"Retry-After": str(retry_after)}


def client_address(request: Request) -> str:
    """The address the server gives for the connection (after its own, configured handling of
    forwarded headers), never a header read here."""
    return request.client.host if request.client else "unknown"


def client_key(address: str) -> str:
    """What one client is counted by: its IPv4 address, or the /64 of an IPv6 address (one
    subscriber's line gets a whole /64 to pick addresses from)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class RateLimiter:
    """A token bucket per client: ``burst`` look-ups at once, refilled at ``per_minute``.

    At most ``max_clients`` buckets are kept; past that the least recently seen client is
    forgotten (it starts again with a full bucket). A bucket refills in ``burst / per_minute``
    minutes, so only the clients seen in that time need keeping. Wall time (``now``: a
    monotonic clock; tests pass their own), not the platform's clock: a rate is about seconds
    really passing, not about the day the rules are applied to."""

    def __init__(
        self,
        *,
        per_minute: float,
        burst: int,
        max_clients: int,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.max_clients = max_clients
        self._now = now
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._buckets)

    def wait(self, address: str) -> float:
        """Take one look-up for this client: 0 if it may go ahead, else the seconds until it
        may (and nothing is taken)."""
        key = client_key(address)
        with self._lock:
            now = self._now()
            tokens, since = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - since) * self.rate)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / self.rate
            self._buckets[key] = (tokens, now)  # now the most recently seen
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        return wait

    def check(self, address: str) -> None:
        """Raises :class:`RateLimited` when this client must wait."""
        wait = self.wait(address)
        if wait > 0:
            raise RateLimited(max(1, math.ceil(wait)))


def check_anonymous(request: Request, principal: Principal) -> None:
    """Count an anonymous look-up against the caller's address (app.state.lookups, made by
    create_app from the settings); a caller with a token is not counted."""
    if principal.role is Role.public:
        request.app.state.lookups.check(client_address(request))


async def _anonymous_lookup(request: Request, principal: Principal = current_principal) -> None:
    # async: it only counts, and a sync dependency costs a hop to the thread pool.
    check_anonymous(request, principal)


# An endpoint parameter (before its session, so a refused look-up reads nothing).
anonymous_lookup = Depends(_anonymous_lookup)
# The error an endpoint that takes ``anonymous_lookup`` declares (core/api.endpoint errors=).
RATE_LIMITED = {429: ["rate_limited"]}


def trusted_proxies(value: str) -> list[str]:
    """``XINYONG_TRUSTED_PROXIES`` as a list of addresses and networks (CIDR), each checked:
    the server honours ``X-Forwarded-For`` from these alone. Empty: from nobody."""
    out = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            out.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise InvalidRequest(
                f"XINYONG_TRUSTED_PROXIES 中的 {item!r} 不是 IP 地址或网段",
                f"{item!r} in XINYONG_TRUSTED_PROXIES is not an IP address or network",
                field="XINYONG_TRUSTED_PROXIES",
                code="invalid_setting",
            ) from None
    return out
