"""Online signing of credit commitments (POST /api/v1/commitments) through HTTP.

Data: ``--subjects`` legal persons written straight into the tables, each with a subject token
of its own (a subject signs for itself only), and one accepting department of market
regulation. Server: uvicorn with ``--workers`` processes (2 on PostgreSQL; SQLite, one writer,
is measured with 1). Load: wrk (Debian package ``wrk``) on the same machine, each request a
subject drawn over the whole population signing the 容缺受理 commitment of enterprise
registration (10 working days) with a reference of its own, so every request is a new
commitment: a rendered text and its digest, the step, its audit entry, the feed change.

Prints, per backend: commitments/s at saturation (32 connections) and with 8 (latency
percentiles), beside two baselines measured in the same run: the bare liveness endpoint of the
same server, and the raw INSERT of the same commitment rows and their steps (one transaction
per commitment, one connection; then all in one transaction). Every request must answer 201
and every answered commitment must be stored.

And what each signing cost in CPU, which a busy machine changes far less than the rate: the
CPU time (user + system, /proc) of the server's processes and, on PostgreSQL, of the database's
backends serving it, over each run, divided by the commitments stored; the machine's own CPU
time over the run, less all of these and wrk's own (the load generator runs on the same
machine), says how much of it the rest of the machine took (the load it was under).
On PostgreSQL also the transactions committed per signing (pg_stat_database): one per group
of signings (the callers' tokens are read with their group).

    .venv/bin/python benchmarks/commitments.py
    .venv/bin/python benchmarks/commitments.py --backends sqlite --workers 1
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg
from common import OUT, PG_ADMIN, fresh_settings, machine, provider_with_token, server_process
from sqlalchemy import func, insert, select

from checks import credit_code, wrk
from xinyong.core.crypto import new_token, token_hash
from xinyong.db import Database
from xinyong.models import ApiToken, Commitment, ProcedureStep, Role, Subject
from xinyong.settings import Settings

NOW = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
# 容缺受理 of enterprise registration: legal persons, market regulation accepts.
ITEM = "enterprise_registration_missing"
SECTOR = "market_regulation"


def load(settings: Settings, subjects: int) -> tuple[list[str], float]:
    """The subjects and a subject token each, in bulk: the tokens (shown once, as issued)."""
    db = Database(settings)
    started = time.perf_counter()
    tokens = [new_token() for _ in range(subjects)]
    chunk = 20_000
    for start in range(0, subjects, chunk):
        numbers = range(start, min(subjects, start + chunk))
        with db.transaction() as session:
            session.execute(
                insert(Subject),
                [
                    {
                        "id": n + 1,
                        "kind": "legal_person",
                        "credit_code": credit_code(n),
                        "name": f"基准测试企业{n}有限公司",
                        "region_code": "320100",
                        "registering_authority": "9",
                        "entity_type": "1",
                        "is_government_agency": False,
                        "created_at": NOW,
                    }
                    for n in numbers
                ],
            )
            session.execute(
                insert(ApiToken),
                [
                    {
                        "name": "基准测试",
                        "role": Role.subject,
                        "subject_id": n + 1,
                        "token_hash": token_hash(tokens[n]),
                        "prefix": tokens[n][:10],
                        "created_at": NOW,
                    }
                    for n in numbers
                ],
            )
    db.analyze()
    db.dispose()
    return tokens, time.perf_counter() - started


def wrk_script(path: Path, tokens: list[str], body: str, run: str) -> None:
    """Each request a subject of its own token and a reference not used before: wrk's two
    threads take the even and the odd numbers (``setup`` gives each its ``tid``)."""
    head, tail = body.split("@REF@")
    path.write_text(
        "local tokens = {\n"
        + ",\n".join(f'"{t}"' for t in tokens)
        + "\n}\nlocal n = #tokens\nlocal counter = 0\nlocal threads = 0\n"
        "function setup(thread)\n  thread:set('tid', threads)\n  threads = threads + 1\nend\n"
        "request = function()\n  counter = counter + 1\n  local k = counter * 2 + tid\n"
        "  local token = tokens[(k * 7919) % n + 1]\n"
        f"  local body = [[{head}]] .. '{run}-' .. k .. [[{tail}]]\n"
        "  return wrk.format('POST', '/api/v1/commitments', {['Authorization'] = 'Bearer ' .. "
        "token, ['Content-Type'] = 'application/json'}, body)\nend\n"
        "done = function(summary, latency, requests)\n"
        "  for _, p in ipairs({50, 90, 99, 99.9}) do\n"
        "    io.write(string.format('P%g %f\\n', p, latency:percentile(p) / 1000))\n"
        "  end\n"
        "  local e = summary.errors\n"
        "  io.write(string.format('ERRORS %d %d\\n', e.status, e.timeout))\n"
        "end\n",
        encoding="utf-8",
    )


def stored(db: Database, run: str) -> int:
    with db.transaction() as session:
        return session.execute(
            select(func.count())
            .select_from(Commitment)
            .where(Commitment.reference.like(f"{run}-%"))
        ).scalar_one()


def raw_inserts(db: Database, limit: int) -> dict:
    """The same rows as the API wrote — a commitment and its step — inserted again with new
    ids and references, without the platform: one transaction per commitment on one
    connection, then all of them in one transaction."""
    with db.transaction() as session:
        rows = [
            {c.key: getattr(r, c.key) for c in Commitment.__table__.columns}
            for r in session.execute(select(Commitment).limit(limit)).scalars()
        ]
        steps = {
            s.procedure_id: {c.key: getattr(s, c.key) for c in ProcedureStep.__table__.columns}
            for s in session.execute(
                select(ProcedureStep).where(
                    ProcedureStep.procedure == "commitment",
                    ProcedureStep.procedure_id.in_([r["id"] for r in rows]),
                )
            ).scalars()
        }
    out = {"rows": len(rows)}
    for mode, offset in (("each", 10**15), ("bulk", 2 * 10**15)):
        copies = []
        for r in rows:
            step = dict(
                steps[r["id"]], id=steps[r["id"]]["id"] + offset, procedure_id=r["id"] + offset
            )
            copies.append((dict(r, id=r["id"] + offset, reference=f"raw-{mode}-{r['id']}"), step))
        started = time.perf_counter()
        if mode == "each":
            for commitment, step in copies:
                with db.transaction() as session:
                    session.execute(insert(Commitment), [commitment])
                    session.execute(insert(ProcedureStep), [step])
        else:
            with db.transaction() as session:
                session.execute(insert(Commitment), [c for c, _ in copies])
                session.execute(insert(ProcedureStep), [s for _, s in copies])
        out[mode] = len(copies) / (time.perf_counter() - started)
    return out


TICK = os.sysconf("SC_CLK_TCK")


def cpu_of(pid: int) -> float:
    """CPU seconds (user + system) a process has used, 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def tree(root: int) -> list[int]:
    """The process and its descendants (uvicorn's workers)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])
    return found


def _children_cpu() -> float:
    """CPU seconds (user + system) of this process's children that have ended: each wrk run."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def machine_cpu() -> float:
    """CPU seconds every core of the machine spent busy (/proc/stat, all but idle and iowait)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICK


class CpuMeter:
    """CPU seconds of the server's processes and of the database's backends over a run."""

    def __init__(self, settings: Settings, server_pid: int) -> None:
        self.server_pid = server_pid
        url = settings.database_url
        self.database = None if url.startswith("sqlite") else url.rsplit("/", 1)[1]

    def _backends(self) -> tuple[list[int], int]:
        if self.database is None:
            return [], 0
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            pids = [
                r[0]
                for r in conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.database,)
                )
            ]
            commits = conn.execute(
                "SELECT xact_commit FROM pg_stat_database WHERE datname = %s", (self.database,)
            ).fetchone()
        return pids, int(commits[0]) if commits else 0

    def snapshot(self) -> dict:
        pids, commits = self._backends()
        return {
            "server": {p: cpu_of(p) for p in tree(self.server_pid)},
            "database": {p: cpu_of(p) for p in pids},
            "commits": commits,
            # The load generator's (wrk's: the children of this process that have ended).
            "wrk": _children_cpu(),
            "machine": machine_cpu(),
            "wall": time.perf_counter(),
            "load": os.getloadavg()[0],
        }

    @staticmethod
    def used(before: dict, after: dict, signed: int) -> dict:
        def spent(kind: str) -> float:
            return sum(v - before[kind].get(p, 0.0) for p, v in after[kind].items())

        server, database = spent("server"), spent("database")
        load_generator = after["wrk"] - before["wrk"]
        wall = after["wall"] - before["wall"]
        n = max(signed, 1)
        return {
            "server_cpu_ms": 1000 * server / n,
            "db_cpu_ms": 1000 * database / n,
            "wrk_cpu_ms": 1000 * load_generator / n,
            "commits_per_signing": (after["commits"] - before["commits"]) / n,
            # The cores the rest of the machine kept busy meanwhile (wrk left out).
            "other_cores": max(
                0.0, after["machine"] - before["machine"] - server - database - load_generator
            )
            / wall,
            "load": (before["load"], after["load"]),
        }


def measure(settings: Settings, tokens: list[str], workers: int, seconds: int) -> dict:
    dept, _ = provider_with_token(settings, SECTOR)
    db = Database(settings)
    with server_process(settings, workers=workers) as (base, proc):
        meter = CpuMeter(settings, proc.pid)
        items = httpx.get(f"{base}/api/v1/commitment-items", timeout=30).json()
        version = next(i["template_version"] for i in items if i["code"] == ITEM)
        body = json.dumps(
            {
                "item": ITEM,
                "template_version": version,
                "department": dept,
                "confirmed": True,
                "reference": "@REF@",
                # 容缺受理 names the documents missing at the acceptance.
                "missing_documents": ["住所使用证明"],
            },
            ensure_ascii=False,
        )
        # Warm every worker (connections, caches) with signings outside the measured runs.
        for i in range(40):
            answer = httpx.post(
                f"{base}/api/v1/commitments",
                headers={"Authorization": f"Bearer {tokens[i]}"},
                json=json.loads(body.replace("@REF@", f"warm-{i}")),
                timeout=30,
            )
            assert answer.status_code == 201, answer.text[:300]
        bare = wrk(f"{base}/api/v1/live", connections=32, seconds=seconds)
        runs = {}
        for name, connections in (("c32", 32), ("c8", 8)):
            script = OUT / f"commitments-{name}.lua"
            wrk_script(script, tokens, body, f"bench-{name}")
            before = meter.snapshot()
            result = wrk(base, connections=connections, seconds=seconds, script=script)
            time.sleep(1.0)  # the backends' statistics reach pg_stat_database within a second
            after = meter.snapshot()
            result["stored"] = stored(db, f"bench-{name}")
            result["cpu"] = CpuMeter.used(before, after, result["stored"])
            runs[name] = result
    raw = raw_inserts(db, 5_000)
    with db.transaction() as session:
        total = session.execute(select(func.count()).select_from(Commitment)).scalar_one()
    db.dispose()
    return {"bare": bare, **runs, "raw": raw, "commitments": total}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subjects", type=int, default=20_000)
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument(
        "--workers", type=int, default=None, help="server processes (default 2, SQLite 1)"
    )
    parser.add_argument("--seconds", type=int, default=15)
    args = parser.parse_args()
    print(f"machine: {machine()}; {args.subjects:,} subjects, each with its own token")
    rows = []
    for backend in args.backends.split(","):
        settings = fresh_settings(backend, "bench_commitments")
        tokens, seconds = load(settings, args.subjects)
        print(f"{backend}: subjects and tokens loaded in {seconds:.1f} s")
        workers = args.workers or (1 if backend == "sqlite" else 2)
        result = measure(settings, tokens, workers, args.seconds)
        row = {"backend": backend, "workers": workers, **result}
        print(json.dumps(row, ensure_ascii=False))
        rows.append(row)
    print()
    print(
        "| backend | processes | bare `/live` req/s | signed/s (32 conn.) | ratio | signed/s "
        "(8 conn.) | p50 ms | p99 ms | raw INSERT, one tx each /s | raw INSERT, one tx /s "
        "| errors | stored |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        c32, c8, raw = r["c32"], r["c8"], r["raw"]
        print(
            f"| {r['backend']} | {r['workers']} | {r['bare']['rps']:,.0f} | {c32['rps']:,.0f} "
            f"| {c32['rps'] / r['bare']['rps']:.2f} | {c8['rps']:,.0f} | {c8.get('p50', 0):.1f} "
            f"| {c8.get('p99', 0):.1f} | {raw['each']:,.0f} | {raw['bulk']:,.0f} "
            f"| {c32['errors'] + c8['errors']} | {c32['stored'] + c8['stored']:,} |"
        )
    print()
    print(
        "| backend | connections | signed/s | server CPU ms/signing | database CPU ms/signing "
        "| wrk CPU ms/signing | commits/signing | other work, cores | load avg (start, end) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in rows:
        for name in ("c32", "c8"):
            run, cpu = r[name], r[name]["cpu"]
            print(
                f"| {r['backend']} | {name[1:]} | {run['rps']:,.0f} | {cpu['server_cpu_ms']:.2f} "
                f"| {cpu['db_cpu_ms']:.2f} | {cpu['wrk_cpu_ms']:.2f} "
                f"| {cpu['commits_per_signing']:.2f} "
                f"| {cpu['other_cores']:.2f} | {cpu['load'][0]:.1f}, {cpu['load'][1]:.1f} |"
            )


if __name__ == "__main__":
    main()
