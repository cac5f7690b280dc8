"""Request bodies are bounded before they are read (finding M4 of the security probe): a body
whose Content-Length is over its route's limit is answered 413 ``body_too_large`` unread; one
sent without Content-Length is refused as soon as the bytes read pass the limit; and a real
server's memory stays flat whatever size of body it is sent."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import anyio
import orjson
import pytest
from fastapi.testclient import TestClient

from fixtures.helpers import make_caller, penalty
from fixtures.lists import ACME
from xinyong.app import create_app
from xinyong.core.api import MAX_BIGINT
from xinyong.models import Role

MiB = 1024 * 1024
BATCHES = "/api/v1/records/batches"


@pytest.fixture
def small(db, clock) -> TestClient:  # type: ignore[no-untyped-def]
    """The app with a 1 MiB API body limit, so that tests send little."""
    settings = db.settings.model_copy(update={"max_body_bytes": MiB})
    with TestClient(create_app(settings, clock=clock, db=db)) as client:
        yield client


@pytest.fixture
def provider(db, clock):  # type: ignore[no-untyped-def]
    return make_caller(db, clock, role=Role.provider)


def asgi_post(app, path: str, headers: list[tuple[bytes, bytes]], chunks: Iterator[bytes]):  # type: ignore[no-untyped-def]
    """POST straight into the ASGI app; returns the status, the body and how many chunks of
    the request body the application took."""
    taken = 0

    async def receive() -> dict:
        nonlocal taken
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        taken += 1
        return {"type": "http.request", "body": chunk, "more_body": True}

    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    # On a thread of its own: a test before it in this worker (the browser tests' Playwright)
    # may keep an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(anyio.run, app, scope, receive, send).result()
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body, taken


def endless(size: int = 64 * 1024) -> Iterator[bytes]:
    while True:
        yield b" " * size


def test_a_declared_length_over_the_limit_is_refused_unread(small: TestClient, provider) -> None:  # type: ignore[no-untyped-def]
    headers = [
        (b"content-length", str(MiB + 1).encode()),
        (b"authorization", f"Bearer {provider.token}".encode()),
    ]
    status, body, taken = asgi_post(small.app, BATCHES, headers, endless())
    assert (status, taken) == (413, 0)
    error = orjson.loads(body)["error"]
    assert error["code"] == "body_too_large" and error["detail"] == {"limit": MiB}
    assert error["message"] and error["message_en"]


def test_a_length_larger_than_any_number_is_refused_too(small: TestClient) -> None:
    headers = [(b"content-length", str(MAX_BIGINT * 10).encode())]
    status, _, taken = asgi_post(small.app, BATCHES, headers, endless())
    assert (status, taken) == (413, 0)


def test_a_streamed_body_is_refused_once_past_the_limit(small: TestClient, provider) -> None:  # type: ignore[no-untyped-def]
    headers = [
        (b"transfer-encoding", b"chunked"),
        (b"authorization", f"Bearer {provider.token}".encode()),
    ]
    status, body, taken = asgi_post(small.app, BATCHES, headers, endless(64 * 1024))
    assert status == 413
    assert orjson.loads(body)["error"]["code"] == "body_too_large"
    # 16 chunks of 64 KiB make the limit; the 17th passes it and is the last one read.
    assert taken == 17


def test_a_chunked_body_over_the_limit_is_413_through_http(small: TestClient, provider) -> None:  # type: ignore[no-untyped-def]
    def body() -> Iterator[bytes]:
        yield b'{"channel": "same_level", "records": ['
        for _ in range(40):
            yield b'"' + b"x" * 32 * 1024 + b'",'
        yield b"1]}"

    answer = small.post(BATCHES, content=body(), headers=provider.headers)
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "body_too_large"


def test_bodies_within_the_limit_are_served(small: TestClient, provider) -> None:  # type: ignore[no-untyped-def]
    records = [penalty(str(i), ACME) for i in range(3)]
    body = orjson.dumps({"channel": "same_level", "records": records})

    def chunked() -> Iterator[bytes]:
        yield from (body[i : i + 100] for i in range(0, len(body), 100))

    for content in (body, chunked()):
        answer = small.post(
            BATCHES,
            content=content,
            headers={**provider.headers, "Content-Type": "application/json"},
        )
        assert answer.status_code == 200, answer.text
    assert small.get("/api/v1/live").status_code == 200


def test_each_route_has_its_own_limit(client: TestClient, settings) -> None:  # type: ignore[no-untyped-def]
    # Evidence files: 20 MiB and the form around them; the API's JSON: XINYONG_MAX_BODY_BYTES;
    # a page's form of text fields: 2 MiB, answered with the page.
    for path, limit in (
        ("/api/v1/evidence", 20 * MiB + 64 * 1024),
        ("/api/v1/checks", settings.max_body_bytes),
        ("/login", 2 * MiB),
    ):
        status, body, taken = asgi_post(
            client.app, path, [(b"content-length", str(limit + 1).encode())], endless()
        )
        assert (status, taken) == (413, 0), path
        if path.startswith("/api/"):
            assert orjson.loads(body)["error"]["detail"]["limit"] == limit
        else:
            assert "提交的内容过大".encode() in body and b"<html" in body


def test_the_document_lists_body_too_large_wherever_a_body_is_taken(api_document: dict) -> None:
    doc = api_document
    taking = [
        (path, method, op)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if "requestBody" in op
    ]
    assert len(taking) >= 25
    for path, method, op in taking:
        assert "`body_too_large`" in op["responses"]["413"]["description"], f"{method} {path}"


# --- a real server --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _memory(pid: int) -> dict[str, int]:
    """The process's resident set now and at its peak, in bytes (Linux /proc)."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) * 1024
    return found


@pytest.fixture
def server(db, settings) -> Iterator[tuple[str, int, int]]:  # type: ignore[no-untyped-def]
    """uvicorn in a process of its own on the test's database: (host, port, pid)."""
    if not Path("/proc/self/status").exists():
        pytest.skip("reads memory from Linux /proc")
    port = _free_port()
    env = {
        **os.environ,
        "XINYONG_DATABASE_URL": settings.database_url,
        "XINYONG_SECRET_KEY": settings.secret_key,
        "XINYONG_VAR_DIR": str(settings.var_dir),
        "XINYONG_RUN_JOBS": "false",
    }
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "xinyong.asgi:app"),
            *("--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"),
        ],
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)
        yield "127.0.0.1", port, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def _send_and_answer(address: tuple[str, int], head: bytes, chunks: Iterator[bytes]) -> bytes:
    """Send the head, then the body from another thread until the server stops taking it;
    returns the status line the server answered with."""
    with socket.create_connection(address, timeout=60) as sock:
        sock.sendall(head)

        def pour() -> None:
            try:
                for chunk in chunks:
                    sock.sendall(chunk)
            except OSError:
                return  # the server answered and closed: the rest is never sent

        sender = threading.Thread(target=pour, daemon=True)
        sender.start()
        answer = b""
        while b"\r\n" not in answer:
            data = sock.recv(4096)
            if not data:
                break
            answer += data
        with contextlib.suppress(OSError):  # the server may have closed first
            sock.shutdown(socket.SHUT_RDWR)
        sender.join(timeout=60)
    return answer.split(b"\r\n", 1)[0]


def _body(total: int, chunk: int, *, chunked: bool) -> Iterator[bytes]:
    piece = b" " * chunk
    for _ in range(total // chunk):
        yield b"%x\r\n%s\r\n" % (chunk, piece) if chunked else piece
    if chunked:
        yield b"0\r\n\r\n"


def test_a_server_sent_200_mb_keeps_its_memory(server, provider) -> None:  # type: ignore[no-untyped-def]
    host, port, pid = server
    auth = f"Authorization: Bearer {provider.token}\r\n".encode()
    small = orjson.dumps({"channel": "same_level", "records": [penalty("warm", ACME)]})
    warm = (
        (
            f"POST {BATCHES} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(small)}\r\n"
        ).encode()
        + auth
        + b"\r\n"
    )
    assert _send_and_answer((host, port), warm, iter([small])).startswith(b"HTTP/1.1 200")
    before = _memory(pid)["VmRSS"]
    total = 200 * MiB
    declared = (
        (
            f"POST {BATCHES} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {total}\r\n"
        ).encode()
        + auth
        + b"\r\n"
    )
    streamed = (
        (
            f"POST {BATCHES} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\n"
        ).encode()
        + auth
        + b"\r\n"
    )
    for head, chunked in ((declared, False), (streamed, True)):
        status = _send_and_answer((host, port), head, _body(total, MiB, chunked=chunked))
        assert status.startswith(b"HTTP/1.1 413"), status
    grown = _memory(pid)["VmHWM"] - before
    assert grown < 100 * MiB, f"the server's peak memory grew by {grown / MiB:.0f} MiB"
