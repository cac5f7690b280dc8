"""Bounds on request bodies (finding M4 of the security probe, GB/T 22239 资源控制): a body
over its route's limit is answered 413 ``body_too_large`` before it is read.

A pure ASGI middleware rather than Starlette's BaseHTTPMiddleware, which would run every
request through a second task and a buffered body: the check (``POST /api/v1/checks``) is the
hot path, and a request that declares a small enough Content-Length passes through untouched
(the server itself stops its body at that length). A body without Content-Length (chunked) is
counted as the application reads it, and reading stops at the first chunk past the limit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when a streamed body passes its limit. An HTTPException, so
    that FastAPI's own body reading hands it on unchanged to the app's handler (app.py)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")
        self.limit = limit


class BodyLimit:
    """``limits`` maps path prefixes to their largest body in bytes; the longest matching
    prefix wins, and ``default`` covers every other path. ``refuse(scope, limit)`` makes the
    413 answer of a body refused before the application saw it."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        default: int,
        limits: Mapping[str, int],
        refuse: Callable[[Scope, int], Response],
    ) -> None:
        self.app = app
        self.default = default
        self.limits = sorted(limits.items(), key=lambda item: len(item[0]), reverse=True)
        self.refuse = refuse

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.limits:
            if path.startswith(prefix):
                return limit
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        chunked = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                if value.isdigit():
                    if len(value) > 18 or int(value) > limit:
                        await self.refuse(scope, limit)(scope, receive, send)
                        return
                    await self.app(scope, receive, send)
                    return
                chunked = True  # not a number: count what comes
            elif name == b"transfer-encoding":
                chunked = True
        if not chunked and scope.get("http_version", "1.1") in ("1.0", "1.1"):
            # Neither header: an HTTP/1 request without a body (RFC 9112 § 6.3).
            await self.app(scope, receive, send)
            return

        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            # The app's handler answers it as a rule; this is for a reader outside its reach.
            if started:
                raise
            await self.refuse(scope, limit)(scope, receive, send)
