"""Soak (issue 12): mixed load for ``--minutes`` (default 30) on PostgreSQL with 2 server
processes, at about half of the saturation measured in the same run. Goals: no errors, latency
that does not drift, server memory flat.

Set-up: a fresh database ``bench_soak`` on the PostgreSQL of the other benchmarks
(127.0.0.1:5432); the demo population of ``--subjects`` subjects loaded through the collection
path as ``xinyong demo`` does (departments with tokens, log-in accounts, records of every item,
list entries); then what autovacuum and the scheduled jobs would do right after a load
(``common.settle_after_load``). Server: uvicorn with 2 worker processes (``common.server``, as
the checks and ingestion benchmarks), the scheduled jobs on, as deployed (each process looks for
due work every 15 s). The database is dropped at the end unless ``--keep``.

The mix, in operations (``--mix`` to change it):

- ``check`` 45 %: ``POST /api/v1/checks`` of 1–5 subjects (one in five listed, some persons)
  in a random scenario, with a user department's token;
- ``search`` 25 %: ``GET /search?q=`` — 1 to 4 characters from a name at a random place, or
  one time in ten a credit code;
- ``archive`` 20 %: ``GET /api/v1/subjects/{key}/archive?purpose=…`` with a department's token
  (each read appends an audit entry);
- ``batch`` 9.5 %: ``POST /api/v1/records/batches`` of ``--batch-size`` new records of one
  provider, with that provider's token and an ``Idempotency-Key`` — the demo generator with
  another seed, source ids marked with the run, so every record is new;
- ``login`` 0.5 %: ``GET /login``, then ``POST /login`` with its CSRF token (cookie and form
  field) and a demo account's password, expecting 303; the accounts in turn. A log-in verifies
  an argon2 hash (0.14 s measured on the 2-core machine), which is why it is rare in the mix.
  The throttle counts failed log-ins only (docs/adr/0009), so any 429 is an error.

An error is an answer other than the one expected (200; 303 for the log-in), a batch with
rejected rows, an exception (time-out, connection), an operation the client could not start
because ``8 × --connections`` were already in flight (the servers fell behind), or a server
process that changed (restarted) during the soak.

Phases, all against the same servers:

1. baseline: bare ``GET /api/v1/live``, closed loop, ``--connections`` at once,
   ``--baseline-seconds``: what this client and these servers do with no work at all — the raw
   figure the others stand beside (the benchmarks' convention);
2. saturation: the mix in a closed loop, ``--connections`` at once, ``--saturation-seconds``;
3. soak: the mix in an open loop at ``--rate`` operations/s (default: half the saturation's),
   started on schedule whatever the answers do. Latency is counted from the scheduled start,
   so a client or server that falls behind shows as latency, not as a lower rate.

Every ``--interval`` seconds it prints, per kind, the operations, errors and p50/p95/p99 latency
(of every operation, failed or not) of that interval, and each server worker's resident memory
(VmRSS of ``/proc/<pid>/status``); at the end, total errors, latency of the first interval
against the last, memory first against last. Everything goes to ``var/soak-<time>.json`` too,
rewritten after every interval.

The client is one Python process (asyncio on uvloop, httpx, ``--connections`` keep-alive
connections) on the same 2 cores as the servers and PostgreSQL; each interval prints its share
of a core, and the baseline shows its ceiling.

    .venv/bin/python benchmarks/soak.py                                  # 100,000 subjects, 30 min
    .venv/bin/python benchmarks/soak.py --subjects 20000 --minutes 2 --interval 20   # a trial
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import multiprocessing
import random
import re
import resource
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path

import httpx
import orjson
import uvloop
from common import (
    ROOT,
    catalog_items,
    drop_postgresql_database,
    existing_settings,
    fresh_settings,
    machine,
    percentile,
    server,
    settle_after_load,
)
from rich.console import Console
from rich.table import Table
from sqlalchemy import text

from xinyong.db import Database
from xinyong.demo.generator import DemoGenerator
from xinyong.demo.loader import load_demo
from xinyong.measures.schemas import SCENARIOS as SCENARIO_NAMES
from xinyong.web.accounts import ANON_CSRF_COOKIE, SESSION_COOKIE

try:
    import sniffio  # noqa: F401
except ImportError:
    # httpcore 1.0.9 imports sniffio each time it sets up a lock (several times a request), and
    # Python does not remember a failed import: without sniffio (anyio no longer brings it)
    # the client spent 1.2–1.3 ms of CPU a bare request here instead of 0.75 ms (encode/httpcore
    # PR 1103). A None entry makes the import fail at once; httpcore then takes asyncio, as it
    # would anyway.
    sys.modules["sniffio"] = None  # type: ignore[assignment]

NAME = "bench_soak"
MIX = "check=45,search=25,archive=20,batch=9.5,login=0.5"
KINDS = ("check", "search", "archive", "batch", "login")
SCENARIOS = list(SCENARIO_NAMES)
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
# Wide enough for the tables when the output goes to a file (rich assumes 80 columns).
console = Console(width=None if sys.stdout.isatty() else 110)


@dataclass
class Fixture:
    """What the load needs from the set-up: tokens, accounts, keys and names to ask for."""

    users: list[str]  # tokens of user departments (checks)
    readers: list[str]  # tokens of every department but the authority (archive reads)
    providers: dict[str, str]  # department code → token (batches)
    accounts: list[tuple[str, str]]  # log-in name, password
    orgs: list[tuple[str, str]]  # credit code, name
    persons: list[str]  # ID numbers
    listed: list[str]  # keys of subjects with list entries
    counts: dict[str, int] = field(default_factory=dict)


def set_up(subjects: int, seed: int) -> tuple[Fixture, dict[str, float]]:
    """Run in a process of its own: the load leaves hundreds of MB behind in the process that
    ran it, and the client's own memory is measured too."""
    settings = fresh_settings("postgresql", NAME)
    db = Database(settings)
    started = time.perf_counter()
    demo = load_demo(db, catalog_items(), subjects=subjects, seed=seed)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    settle_after_load(db)
    settle_s = time.perf_counter() - started
    with db.transaction() as session:
        orgs = [
            (code, name)
            for code, name in session.execute(
                text("SELECT credit_code, name FROM subjects WHERE kind <> 'natural_person'")
            )
        ]
        persons = [
            db.cipher.decrypt(cipher)
            for (cipher,) in session.execute(
                text(
                    "SELECT id_cipher FROM subjects WHERE kind = 'natural_person' "
                    "ORDER BY id LIMIT 5000"
                )
            )
        ]
        listed = [
            code or db.cipher.decrypt(cipher)
            for code, cipher in session.execute(
                text(
                    "SELECT s.credit_code, s.id_cipher FROM list_entries e "
                    "JOIN subjects s ON s.id = e.subject_id"
                )
            )
        ]
        counts = {
            table: session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("subjects", "records", "list_entries")
        }
    db.dispose()
    tokens = demo.tokens
    fixture = Fixture(
        users=[t["token"] for t in tokens.values() if t["role"] == "user_department"],
        readers=[t["token"] for t in tokens.values() if t["role"] != "authority"],
        providers={code: t["token"] for code, t in tokens.items() if t["role"] == "provider"},
        accounts=[(name, a["password"]) for name, a in sorted(demo.accounts.items())],
        orgs=orgs,
        persons=persons,
        listed=listed,
        counts=counts,
    )
    return fixture, {"load_s": load_s, "settle_s": settle_s}


def new_batches(seed: int, size: int, providers: set[str]) -> Iterator[tuple[str, list[dict]]]:
    """Batches of ``size`` records, each of one of these providers, none stored before: the
    demo generator with another seed (its own subjects, most of them new), source ids marked
    with the run and the pass (the generator numbers them from 1 whatever the seed). Passes of
    100,000 subjects (≈ 500,000 records) again and again: the generator's start costs time
    and memory in proportion to its subjects (11 s and 550 MB for 10 million). The demo loader
    also stores records of the credit authority (≈ 0.2 %), which pushes none by the API."""
    generator = DemoGenerator(catalog_items(), seed=seed, today=date.today())
    run = uuid.uuid4().hex[:8]
    buffers: dict[str, list[dict]] = defaultdict(list)
    for n in itertools.count():
        for record in generator.records(100_000):
            provider = record.pop("provider")
            if provider not in providers:
                continue
            record["source_id"] = f"soak{run}.{n}-{record['source_id']}"
            buffers[provider].append(record)
            if len(buffers[provider]) == size:
                yield provider, buffers.pop(provider)


@dataclass
class Window:
    """The operations that finished in one interval: latencies (ms) and errors, by kind."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, kind: str, ms: float | None, problem: str | None) -> None:
        if ms is not None:
            self.latencies[kind].append(ms)
        if problem:
            self.errors[kind][problem] += 1

    def stats(self, seconds: float) -> dict[str, dict]:
        out = {}
        for kind in sorted(set(self.latencies) | set(self.errors)):
            values = self.latencies.get(kind, [])
            errors = self.errors.get(kind, Counter())
            out[kind] = {
                "ops": len(values),
                "per_s": len(values) / seconds,
                "errors": sum(errors.values()),
                "error_kinds": dict(errors),
                **(
                    {
                        "p50_ms": percentile(values, 0.5),
                        "p95_ms": percentile(values, 0.95),
                        "p99_ms": percentile(values, 0.99),
                        "max_ms": max(values),
                    }
                    if values
                    else {}
                ),
            }
        return out


def expect(answer: httpx.Response, status: int) -> str | None:
    """None for the status expected; else the status and the API's error code, if any."""
    if answer.status_code == status:
        return None
    try:
        code = answer.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        code = ""
    return f"HTTP {answer.status_code} {code}".strip()


class Load:
    """The operations of the mix, on one client with a bounded pool of connections."""

    def __init__(
        self, base: str, fixture: Fixture, *, connections: int, seed: int, batch_size: int
    ) -> None:
        self.fixture = fixture
        self.rnd = random.Random(seed)
        # A jar that keeps no cookie: concurrent log-ins must not share sessions, and the other
        # requests must stay anonymous; the log-in sends its CSRF cookie itself.
        self.client = httpx.AsyncClient(
            base_url=base,
            timeout=30,
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
        )
        batches = new_batches(seed + 1, batch_size, set(fixture.providers))
        # The generator's start (≈ 0.6 s: it makes a pass's persons up front) paid now, not
        # inside the first batch's latency.
        self.batches = itertools.chain([next(batches)], batches)
        self.logins = 0
        self.pushed: Counter = Counter()
        self.window = Window()
        self.ops: dict[str, Callable[[], Awaitable[str | None]]] = {
            "check": self.check,
            "search": self.search,
            "archive": self.archive,
            "batch": self.batch,
            "login": self.login,
            "live": self.live,
        }

    def key(self) -> str:
        f, r = self.fixture, self.rnd.random()
        if r < 0.2 and f.listed:
            return self.rnd.choice(f.listed)
        if r < 0.35 and f.persons:
            return self.rnd.choice(f.persons)
        return self.rnd.choice(f.orgs)[0]

    def bearer(self, tokens: list[str]) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.rnd.choice(tokens)}"}

    async def check(self) -> str | None:
        body = {
            "scenario": self.rnd.choice(SCENARIOS),
            "subjects": [self.key() for _ in range(self.rnd.randint(1, 5))],
            "purpose": "浸泡测试",
        }
        answer = await self.client.post(
            "/api/v1/checks", json=body, headers=self.bearer(self.fixture.users)
        )
        return expect(answer, 200)

    async def search(self) -> str | None:
        code, name = self.rnd.choice(self.fixture.orgs)
        if self.rnd.random() < 0.1:
            q = code
        else:
            length = min(len(name), self.rnd.choice((1, 2, 2, 3, 4)))
            at = self.rnd.randrange(len(name) - length + 1)
            q = name[at : at + length]
        return expect(await self.client.get("/search", params={"q": q}), 200)

    async def archive(self) -> str | None:
        answer = await self.client.get(
            f"/api/v1/subjects/{self.key()}/archive",
            params={"purpose": "行政许可审查"},
            headers=self.bearer(self.fixture.readers),
        )
        return expect(answer, 200)

    async def batch(self) -> str | None:
        provider, records = next(self.batches)
        answer = await self.client.post(
            "/api/v1/records/batches",
            content=orjson.dumps({"channel": "same_level", "records": records}),
            headers={
                "Authorization": f"Bearer {self.fixture.providers[provider]}",
                "Content-Type": "application/json",
                "Idempotency-Key": uuid.uuid4().hex,
            },
        )
        if problem := expect(answer, 200):
            return problem
        body = answer.json()
        self.pushed.update(accepted=body["accepted"], duplicates=body["duplicates"])
        return "rejected rows" if body["rejected"] else None

    async def login(self) -> str | None:
        accounts = self.fixture.accounts
        username, password = accounts[self.logins % len(accounts)]
        self.logins += 1
        form = await self.client.get("/login")
        found = CSRF_FIELD.search(form.text)
        if form.status_code != 200 or not found or ANON_CSRF_COOKIE not in form.cookies:
            return f"login form: HTTP {form.status_code}"
        answer = await self.client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": found.group(1)},
            headers={"Cookie": f"{ANON_CSRF_COOKIE}={form.cookies[ANON_CSRF_COOKIE]}"},
        )
        if answer.status_code == 303 and SESSION_COOKIE not in answer.cookies:
            return "no session"
        return expect(answer, 303)

    async def live(self) -> str | None:
        return expect(await self.client.get("/api/v1/live"), 200)

    async def timed(self, kind: str, due: float) -> None:
        """Run one operation; its latency from ``due`` (``time.perf_counter``: uvloop's
        clock counts whole milliseconds, as of the loop's last turn) to the answer."""
        try:
            problem = await self.ops[kind]()
        except Exception as exc:  # any failure of an operation is an error of the soak
            problem = f"{type(exc).__name__} {exc}".strip()[:100]
        ms = (time.perf_counter() - due) * 1000
        self.window.add(kind, ms, problem)


def picker(mix: dict[str, float], rnd: random.Random) -> Callable[[], str]:
    kinds, weights = list(mix), list(mix.values())
    return lambda: rnd.choices(kinds, weights)[0]


async def closed_loop(
    load: Load, pick: Callable[[], str], *, seconds: float, concurrency: int
) -> tuple[Window, float]:
    """``concurrency`` operations at a time, each started when one ends."""
    load.window = Window()
    started = time.perf_counter()
    end = started + seconds

    async def worker() -> None:
        while (now := time.perf_counter()) < end:
            await load.timed(pick(), now)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return load.window, time.perf_counter() - started


def vm_rss_kb(pid: int | str) -> int | None:
    for line in read_proc(f"/proc/{pid}/status").splitlines():
        if line.startswith(b"VmRSS:"):
            return int(line.split()[1])
    return None


def read_proc(path: str) -> bytes:
    """A /proc file, or nothing if its process or thread has gone meanwhile."""
    try:
        return Path(path).read_bytes()
    except OSError:
        return b""


def children(pid: int | str) -> list[int]:
    return [
        int(child)
        for task in Path(f"/proc/{pid}/task").glob("*")
        for child in read_proc(f"{task}/children").split()
    ]


def server_workers() -> list[int]:
    """The uvicorn workers: children of the uvicorn process this script started, other than
    multiprocessing's resource tracker."""
    return sorted(
        pid
        for supervisor in children("self")
        for pid in children(supervisor)
        if b"spawn_main" in read_proc(f"/proc/{pid}/cmdline")
    )


class Recorder:
    """The soak's intervals: printed as they end, kept, written to the JSON file."""

    def __init__(self, path: Path, record: dict, workers: list[int]) -> None:
        self.path, self.record, self.workers = path, record, workers
        self.intervals: list[dict] = record["intervals"]

    def begin(self, load: Load, now: float) -> None:
        load.window = Window()
        self.started = self.last = now
        self.cpu = self.client_cpu()

    @staticmethod
    def client_cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    def close(self, load: Load) -> None:
        now, cpu = time.perf_counter(), self.client_cpu()
        seconds = now - self.last
        window, load.window = load.window, Window()
        workers = server_workers()
        if workers != self.workers:  # a worker died and uvicorn started another
            window.add("server", None, f"workers {self.workers} → {workers}")
            self.workers = workers
        interval = {
            "end_s": round(now - self.started, 1),
            "seconds": round(seconds, 1),
            "kinds": window.stats(seconds),
            "rss_kb": {str(pid): vm_rss_kb(pid) for pid in workers},
            "client_cpu": (cpu - self.cpu) / seconds,
            "client_rss_kb": vm_rss_kb("self") or 0,
        }
        self.last, self.cpu = now, cpu
        self.intervals.append(interval)
        print_interval(len(self.intervals), interval)
        self.save()

    def save(self) -> None:
        self.path.write_text(json.dumps(self.record, ensure_ascii=False, indent=1))


async def open_loop(
    load: Load,
    pick: Callable[[], str],
    recorder: Recorder,
    *,
    rate: float,
    seconds: float,
    interval: float,
    max_in_flight: int,
) -> None:
    """Operations started at ``rate`` a second for ``seconds``, whatever the answers do."""
    start = time.perf_counter()
    recorder.begin(load, start)
    in_flight: set[asyncio.Task] = set()

    async def every_interval() -> None:
        k = 1
        while k * interval < seconds - 1:  # the last interval closes when the tail is in
            await asyncio.sleep(start + k * interval - time.perf_counter())
            recorder.close(load)
            k += 1

    reporter = asyncio.create_task(every_interval())
    for i in range(int(rate * seconds)):
        due = start + i / rate
        if due > time.perf_counter():
            await asyncio.sleep(due - time.perf_counter())
        kind = pick()
        if len(in_flight) >= max_in_flight:
            load.window.add(kind, None, f"not started: {max_in_flight} in flight")
            continue
        task = asyncio.create_task(load.timed(kind, due))
        in_flight.add(task)
        task.add_done_callback(in_flight.discard)
    await reporter
    if in_flight:  # the client's time-outs (30 s for a connection, 30 s for the answer) bound it
        await asyncio.wait(in_flight, timeout=90)
    for _ in in_flight:
        load.window.add("server", None, "unfinished at the end")
    recorder.close(load)


def ms(stats: dict, key: str) -> str:
    return f"{stats[key]:.1f}" if key in stats else "–"


def print_interval(n: int, interval: dict) -> None:
    rss = ", ".join(
        f"{pid}: {kb / 1024:.0f} MB" if kb else f"{pid}: gone"
        for pid, kb in interval["rss_kb"].items()
    )
    start = interval["end_s"] - interval["seconds"]
    table = Table(title=f"interval {n}: {start:.0f}–{interval['end_s']:.0f} s")
    for column in ("kind", "ops", "ops/s", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms"):
        table.add_column(column, justify="left" if column == "kind" else "right")
    for kind, s in interval["kinds"].items():
        table.add_row(
            kind,
            f"{s['ops']:,}",
            f"{s['per_s']:.1f}",
            f"[red]{s['errors']}[/red]" if s["errors"] else "0",
            ms(s, "p50_ms"),
            ms(s, "p95_ms"),
            ms(s, "p99_ms"),
            ms(s, "max_ms"),
        )
    console.print(table)
    for kind, s in interval["kinds"].items():
        for problem, count in s["error_kinds"].items():
            console.print(f"[red]  {kind}: {problem} ×{count}[/red]")
    console.print(
        f"  server workers' RSS {rss}; client {interval['client_cpu']:.0%} of a core, "
        f"RSS {interval['client_rss_kb'] / 1024:.0f} MB"
    )


def print_phase(title: str, stats: dict[str, dict]) -> None:
    table = Table(title=title)
    for column in ("kind", "ops", "ops/s", "errors", "p50 ms", "p95 ms", "p99 ms"):
        table.add_column(column, justify="left" if column == "kind" else "right")
    for kind, s in stats.items():
        table.add_row(
            kind,
            f"{s['ops']:,}",
            f"{s['per_s']:.1f}",
            str(s["errors"]),
            ms(s, "p50_ms"),
            ms(s, "p95_ms"),
            ms(s, "p99_ms"),
        )
    console.print(table)


def summary(record: dict) -> None:
    intervals = record["intervals"]
    first, last = intervals[0], intervals[-1]
    errors: Counter = Counter()
    ops: Counter = Counter()
    for interval in intervals:
        for kind, s in interval["kinds"].items():
            errors[kind] += s["errors"]
            ops[kind] += s["ops"]
    soak_s = sum(i["seconds"] for i in intervals)
    table = Table(title="soak: first interval against last")
    for column in ("kind", "ops", "errors", "p50 ms", "p95 ms", "p99 ms"):
        table.add_column(column, justify="left" if column == "kind" else "right")
    for kind in sorted(set(ops) | set(errors)):
        a, b = first["kinds"].get(kind, {}), last["kinds"].get(kind, {})
        table.add_row(
            kind,
            f"{ops[kind]:,}",
            f"[red]{errors[kind]}[/red]" if errors[kind] else "0",
            *(f"{ms(a, key)} → {ms(b, key)}" for key in ("p50_ms", "p95_ms", "p99_ms")),
        )
    console.print(table)
    for pid, kb in last["rss_kb"].items():
        before = first["rss_kb"].get(pid)
        if before and kb:
            console.print(
                f"server worker {pid}: RSS {before / 1024:.0f} MB at the first interval's end "
                f"→ {kb / 1024:.0f} MB at the last ({(kb - before) / 1024:+.0f} MB)"
            )
        else:
            console.print(f"[red]server worker {pid}: started during the soak[/red]")
    base, sat = record["baseline"], record["saturation"]
    total = sum(errors.values())
    record["summary"] = {
        "errors": total,
        "errors_by_kind": dict(errors),
        "ops": sum(ops.values()),
        "ops_per_s": sum(ops.values()) / soak_s,
    }
    console.print(
        f"rate: {record['rate']:.1f} ops/s asked, {sum(ops.values()) / soak_s:.1f} done; "
        f"saturation {sat['ops_per_s']:.1f} ops/s of the mix; bare /api/v1/live "
        f"{base['per_s']:.0f} req/s (the same client, the same servers)"
    )
    pushed = record.get("pushed", {})
    console.print(
        f"batches: {pushed.get('accepted', 0):,} records accepted, "
        f"{pushed.get('duplicates', 0):,} duplicates; errors at saturation: {sat['errors']}"
    )
    colour = "green" if total == 0 else "red"
    console.print(f"[bold {colour}]errors during the soak: {total} (goal 0)[/bold {colour}]")


async def drive(
    base: str, fixture: Fixture, args: argparse.Namespace, record: dict, out: Path
) -> None:
    load = Load(
        base, fixture, connections=args.connections, seed=args.seed, batch_size=args.batch_size
    )
    pick = picker(args.mix, random.Random(args.seed))
    async with load.client:
        window, seconds = await closed_loop(
            load, lambda: "live", seconds=args.baseline_seconds, concurrency=args.connections
        )
        record["baseline"] = window.stats(seconds)["live"]  # ops, per_s, errors, percentiles
        print_phase(
            f"baseline: bare /api/v1/live, closed loop, {seconds:.0f} s", window.stats(seconds)
        )
        window, seconds = await closed_loop(
            load, pick, seconds=args.saturation_seconds, concurrency=args.connections
        )
        stats = window.stats(seconds)
        record["saturation"] = {
            "ops_per_s": sum(s["ops"] for s in stats.values()) / seconds,
            "errors": sum(s["errors"] for s in stats.values()),
            "kinds": stats,
        }
        print_phase(
            f"saturation: the mix, closed loop, {args.connections} at a time, {seconds:.0f} s: "
            f"{record['saturation']['ops_per_s']:.1f} ops/s",
            stats,
        )
        rate = args.rate or record["saturation"]["ops_per_s"] / 2
        record["rate"] = rate
        workers = server_workers()
        record["rss_start_kb"] = {str(pid): vm_rss_kb(pid) for pid in workers}
        console.print(
            f"soak: {rate:.1f} ops/s for {args.minutes:g} min, a line every {args.interval:g} s"
        )
        recorder = Recorder(out, record, workers)
        await open_loop(
            load,
            pick,
            recorder,
            rate=rate,
            seconds=args.minutes * 60,
            interval=args.interval,
            max_in_flight=8 * args.connections,
        )
        record["pushed"] = dict(load.pushed)
    summary(record)
    recorder.save()


def parse_mix(text: str) -> dict[str, float]:
    mix = {}
    for part in text.split(","):
        kind, _, weight = part.partition("=")
        if kind not in KINDS:
            raise argparse.ArgumentTypeError(f"{kind!r} is none of {', '.join(KINDS)}")
        mix[kind] = positive(weight)
    return mix


def positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text} is not above 0")
    return value


def whole(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not 1 or more")
    return value


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subjects", type=whole, default=100_000, help="demo population")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--minutes", type=positive, default=30.0, help="length of the soak")
    parser.add_argument("--rate", type=positive, help="ops/s (default: half of saturation)")
    parser.add_argument("--interval", type=positive, default=60.0, help="seconds between reports")
    parser.add_argument("--connections", type=whole, default=16)
    parser.add_argument("--saturation-seconds", type=positive, default=30.0)
    parser.add_argument("--baseline-seconds", type=positive, default=10.0)
    parser.add_argument("--batch-size", type=whole, default=10, help="records a batch")
    parser.add_argument(
        "--mix", type=parse_mix, default=MIX, help=f"kind=weight,… of {', '.join(KINDS)}"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database bench_soak")
    args = parser.parse_args()
    out = ROOT / "var" / f"soak-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(exist_ok=True)
    record: dict = {
        "date": f"{datetime.now():%Y-%m-%d %H:%M}",
        "machine": machine(),
        "args": vars(args),
        "intervals": [],
    }
    console.print(f"# soak, {record['date']}, {record['machine']}")
    try:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
            fixture, timing = pool.submit(set_up, args.subjects, args.seed).result()
        record["setup"] = {**timing, **fixture.counts}
        console.print(
            f"set-up: {fixture.counts['subjects']:,} subjects, {fixture.counts['records']:,} "
            f"records, {fixture.counts['list_entries']:,} list entries; demo load "
            f"{timing['load_s']:.0f} s, vacuum and search index {timing['settle_s']:.0f} s"
        )
        with server(existing_settings("postgresql", NAME), workers=2) as base:
            uvloop.run(drive(base, fixture, args, record, out))
    finally:
        if not args.keep:
            drop_postgresql_database(NAME)
    console.print(f"written to {out}")


if __name__ == "__main__":
    main()
