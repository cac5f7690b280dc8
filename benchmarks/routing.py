"""What routing costs every request: ``GET /api/v1/live`` of the platform against the same
endpoint of a plain FastAPI app, measured in the same run, and deeper routes of the platform.

In-process: an ASGI call loop (no server, no client, no socket), µs per request, the median of
``--repeats`` rounds of ``--requests`` requests each, the two apps in turn.
Through uvicorn: one process per app (httptools, uvloop, no access log, no scheduled jobs),
loaded by wrk (Debian package ``wrk``) with 32 connections for ``--seconds`` s, the two servers
in turn, median of ``--repeats`` runs; wrk shares the machine with the server.
Deeper routes, in-process: ``GET /api/v1/scenarios`` (the public, no database), the log-in
page ``GET /login`` (no database) and, on SQLite with ``--subjects`` subjects, one in ten
listed, written straight into the tables as benchmarks/checks.py does, ``POST /api/v1/checks``
with one subject (a user department's cached token) and ``GET /api/v1/subjects/{key}`` (the
public).

The ratio is the plain app's time over the platform's (its throughput as a share of the plain
app's): 1.0 would mean the platform's routing, middleware and dependencies cost nothing more.

    .venv/bin/python benchmarks/routing.py
    .venv/bin/python benchmarks/routing.py --no-server --repeats 3   # in-process only
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from common import fresh_settings, machine, provider_with_token, server_process

from checks import credit_code, load, wrk
from xinyong.app import create_app
from xinyong.models import Role
from xinyong.settings import Settings

LIVE = "/api/v1/live"


def plain_app() -> Any:
    """A bare FastAPI app with the platform's liveness endpoint and nothing else (uvicorn
    serves it with ``--factory``)."""
    from fastapi import FastAPI

    app = FastAPI()

    @app.get(LIVE)
    async def live() -> dict:
        return {"status": "ok"}

    @app.get("/api/v1/health")  # what common.server_process waits for
    async def health() -> dict:
        return {"status": "ok"}

    return app


def request(method: str, path: str, headers: dict[str, str], body: bytes = b"") -> Callable:
    """One request as an ASGI call: a fresh scope each time (the app writes into it)."""
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    if body:
        raw.append((b"content-length", str(len(body)).encode()))

    async def call(app: Any) -> int:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": list(raw),
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
        }
        status = 0

        async def receive() -> dict:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await app(scope, receive, send)
        return status

    return call


async def per_request(app: Any, call: Callable, n: int) -> float:
    """µs per request over ``n`` requests, after a warm-up."""
    for _ in range(50):
        status = await call(app)
        assert status == 200, status
    started = time.perf_counter()
    for _ in range(n):
        await call(app)
    return (time.perf_counter() - started) / n * 1e6


async def in_process(settings: Settings, token: str, key: str, args: argparse.Namespace) -> dict:
    platform = create_app(settings)
    plain = plain_app()
    live = request("GET", LIVE, {})
    check_body = json.dumps(
        {"scenario": "bidding", "subjects": [key], "purpose": "基准"}, ensure_ascii=False
    ).encode()
    check = request(
        "POST",
        "/api/v1/checks",
        {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        check_body,
    )
    subject = request("GET", f"/api/v1/subjects/{key}", {})
    scenarios = request("GET", "/api/v1/scenarios", {})
    login = request("GET", "/login", {})
    rounds: dict[str, list[float]] = {
        "plain": [],
        "platform": [],
        "scenarios": [],
        "login": [],
        "check": [],
        "subject": [],
    }
    async with platform.router.lifespan_context(platform), plain.router.lifespan_context(plain):
        for _ in range(args.repeats):
            rounds["plain"].append(await per_request(plain, live, args.requests))
            rounds["platform"].append(await per_request(platform, live, args.requests))
            rounds["scenarios"].append(await per_request(platform, scenarios, args.requests))
            rounds["login"].append(await per_request(platform, login, args.requests // 4))
            rounds["check"].append(await per_request(platform, check, args.requests // 4))
            rounds["subject"].append(await per_request(platform, subject, args.requests // 4))
    return {name: statistics.median(values) for name, values in rounds.items()} | {"rounds": rounds}


def through_uvicorn(settings: Settings, args: argparse.Namespace) -> dict:
    os.environ["XINYONG_RUN_JOBS"] = "false"  # the servers inherit it: nothing but requests
    runs: dict[str, list[float]] = {"plain": [], "platform": []}
    targets = {
        "plain": dict(app="routing:plain_app", extra=("--factory", "--app-dir", "benchmarks")),
        "platform": dict(app="xinyong.asgi:app", extra=()),
    }
    for _ in range(args.repeats):
        for name, target in targets.items():
            with server_process(settings, **target) as (base, _):
                wrk(f"{base}{LIVE}", connections=32, seconds=2)  # warm
                runs[name].append(wrk(f"{base}{LIVE}", connections=32, seconds=args.seconds)["rps"])
    return {name: statistics.median(values) for name, values in runs.items()} | {"runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=4000, help="per in-process round")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run")
    parser.add_argument("--subjects", type=int, default=20_000)
    parser.add_argument("--no-server", action="store_true", help="in-process only")
    args = parser.parse_args()
    load_avg = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine: {machine()}; load average before: {load_avg}")
    settings = fresh_settings("sqlite", "bench_routing")
    planned = load(settings, args.subjects, args.subjects // 10, seed=7)
    # The public reads thousands of subjects from one address: never limited here.
    settings = settings.model_copy(update={"anonymous_lookup_burst": 1_000_000_000})
    _, token = provider_with_token(settings, "finance", Role.user_department)
    key = credit_code(planned["listed"][0])  # a listed organisation: measures apply
    result = asyncio.run(in_process(settings, token, key, args))
    print(json.dumps(result["rounds"]))
    print()
    print("| in-process, µs per request (median) | plain FastAPI | platform | ratio |")
    print("| --- | ---: | ---: | ---: |")
    print(
        f"| `GET {LIVE}` | {result['plain']:.0f} | {result['platform']:.0f} "
        f"| {result['plain'] / result['platform']:.2f} |"
    )
    print(f"| `GET /api/v1/scenarios` (no database) | | {result['scenarios']:.0f} | |")
    print(f"| `GET /login` (a page, no database) | | {result['login']:.0f} | |")
    print(f"| `POST /api/v1/checks` (1 subject, SQLite) | | {result['check']:.0f} | |")
    print(f"| `GET /api/v1/subjects/{{key}}` (SQLite) | | {result['subject']:.0f} | |")
    if args.no_server:
        return
    served = through_uvicorn(settings, args)
    print(json.dumps(served["runs"]))
    print()
    print("| uvicorn, 1 process, wrk 32 conn., req/s (median) | plain FastAPI | platform | ratio |")
    print("| --- | ---: | ---: | ---: |")
    print(
        f"| `GET {LIVE}` | {served['plain']:,.0f} | {served['platform']:,.0f} "
        f"| {served['platform'] / served['plain']:.2f} |"
    )
    load_avg = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average after: {load_avg}")


if __name__ == "__main__":
    main()
