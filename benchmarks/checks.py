"""The check (POST /api/v1/checks) at province scale, through HTTP.

Data: ``--subjects`` subjects (9 organisations to 1 person, each person the legal
representative of one organisation) and ``--entries`` list entries in force spread over the
shipped lists, written straight into the tables (the check reads them; how they got there is
measured elsewhere). Server: uvicorn with ``--workers`` processes. Load: wrk (Debian package
``wrk``) on the same machine, keys drawn from the whole population, one in five of them listed.

Prints, per backend: single-subject checks/s at saturation (32 connections), latency
percentiles with 8 connections, the bare liveness endpoint of the same server in the same run
and the ratio, and a 10,000-subject batch check's time."""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from common import (
    OUT,
    existing_settings,
    fresh_settings,
    machine,
    percentile,
    provider_with_token,
    server,
)
from sqlalchemy import insert, select

from xinyong.core.identifiers import credit_code_check_char, id_number_check_char, mask_id_number
from xinyong.db import Database
from xinyong.measures.schemas import SCENARIOS
from xinyong.models import CreditList, ListEntry, Role, Subject, SubjectLink
from xinyong.settings import Settings

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)


def credit_code(n: int) -> str:
    body = "91320100" + "".join(ALPHABET[(n // 31**i) % 31] for i in range(9))
    return body + credit_code_check_char(body)


def id_number(n: int) -> str:
    born = date(1950, 1, 1) + timedelta(days=n // 1000 % 20_000)
    body = f"320102{born:%Y%m%d}{n % 1000:03d}"  # distinct for n < 20,000,000
    return body + id_number_check_char(body)


def plan(subjects: int, entries: int, seed: int) -> dict:
    """Who is who: the same for the same arguments, so ``--reuse`` needs no reload."""
    orgs = subjects - subjects // 10
    listed = random.Random(seed).sample(range(orgs), entries)
    return {"orgs": orgs, "persons": subjects - orgs, "listed": listed, "load_seconds": 0.0}


def load(settings: Settings, subjects: int, entries: int, seed: int) -> dict:
    """Subjects, links and entries in force, in chunks of one transaction each."""
    db = Database(settings)
    planned = plan(subjects, entries, seed)
    orgs = planned["orgs"]
    started = time.perf_counter()
    chunk = 50_000
    with db.transaction() as session:
        lists = {row.code: row for row in session.execute(select(CreditList)).scalars()}
    for start in range(0, subjects, chunk):
        rows = []
        for n in range(start, min(subjects, start + chunk)):
            if n < orgs:
                rows.append(
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
                )
            else:
                number = id_number(n)
                rows.append(
                    {
                        "id": n + 1,
                        "kind": "natural_person",
                        "id_hash": db.cipher.lookup_hash(number),
                        "id_cipher": db.cipher.encrypt(number),
                        "id_masked": mask_id_number(number),
                        "name": f"基准{n}",
                        "region_code": "320102",
                        "is_government_agency": False,
                        "created_at": NOW,
                    }
                )
        with db.transaction() as session:
            session.execute(insert(Subject), rows)
            links = [
                {
                    "subject_id": (n - orgs) + 1,
                    "id": n + 1,
                    "person_id": n + 1,
                    "role": "legal_representative",
                    "source_record_id": 0,
                    "started_at": NOW,
                }
                for n in range(max(start, orgs), min(subjects, start + chunk))
            ]
            if links:
                session.execute(insert(SubjectLink), links)
    # Entries: black lists mostly, then red and watch; a subject at most once per list, never
    # red and black together.
    black = [c for c, r in lists.items() if r.kind.value == "black"]
    red = [c for c, r in lists.items() if r.kind.value == "red"]
    watch = [c for c, r in lists.items() if r.kind.value == "watch"]
    chosen = planned["listed"]
    rows = []
    for i, n in enumerate(chosen):  # black 60 %, red 30 %, watch 10 %
        group = black if i % 10 < 6 else red if i % 10 < 9 else watch
        code = group[i % len(group)]
        row = lists[code]
        rows.append(
            {
                "subject_id": n + 1,
                "id": 10_000_000 + i,
                "list_id": row.id,
                "list_code": code,
                "kind": row.kind.value,
                "department_id": 0,
                "state": "listed",
                "reason": "基准测试",
                "basis_records": ["0"],
                "responsible_persons": [],
                "created_at": NOW,
                "confirmed_at": NOW,
                "listed_until": date(2028, 1, 1),
                "benefits_recall": False,
            }
        )
    with db.transaction() as session:
        for part in range(0, len(rows), chunk):
            session.execute(insert(ListEntry), rows[part : part + chunk])
    db.analyze()
    seconds = time.perf_counter() - started
    db.dispose()
    return {**planned, "load_seconds": seconds}


def wrk_script(path: Path, token: str, keys: list[str]) -> None:
    bodies = [
        json.dumps(
            {"scenario": list(SCENARIOS)[i % len(SCENARIOS)], "subjects": [k], "purpose": "基准"},
            ensure_ascii=False,
        )
        for i, k in enumerate(keys)
    ]
    path.write_text(
        "local bodies = {\n" + ",\n".join("[[" + b + "]]" for b in bodies) + "\n}\nlocal i = 0\n"
        "wrk.method = 'POST'\n"
        f"wrk.headers['Authorization'] = 'Bearer {token}'\n"
        "wrk.headers['Content-Type'] = 'application/json'\n"
        "request = function()\n  i = i % #bodies + 1\n"
        "  return wrk.format(nil, '/api/v1/checks', nil, bodies[i])\nend\n"
        "done = function(summary, latency, requests)\n"
        "  for _, p in ipairs({50, 90, 99, 99.9}) do\n"
        "    io.write(string.format('P%g %f\\n', p, latency:percentile(p) / 1000))\n"
        "  end\n"
        "  local e = summary.errors\n"
        "  io.write(string.format('ERRORS %d %d\\n', e.status, e.timeout))\n"
        "end\n",
        encoding="utf-8",
    )


def wrk(url: str, *, connections: int, seconds: int, script: Path | None = None) -> dict:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s"]
    if script is not None:
        args += ["-s", str(script)]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for p, ms in re.findall(r"^P([\d.]+) ([\d.]+)$", out, re.M):
        result[f"p{p}"] = float(ms)
    errors = re.search(r"^ERRORS (\d+) (\d+)$", out, re.M)
    result["errors"] = sum(map(int, errors.groups())) if errors else 0
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["errors"] += int(non2xx.group(1)) if non2xx else 0
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="measure the databases loaded before")
    parser.add_argument("--load-only", action="store_true", help="load, do not measure")
    args = parser.parse_args()
    print(f"machine: {machine()}; {args.subjects:,} subjects, {args.entries:,} entries in force")
    rows = []
    for backend in args.backends.split(","):
        if args.reuse:
            settings = existing_settings(backend, "bench_checks")
            data = plan(args.subjects, args.entries, args.seed)
        else:
            settings = fresh_settings(backend, "bench_checks")
            data = load(settings, args.subjects, args.entries, args.seed)
            print(f"{backend}: loaded in {data['load_seconds']:.0f} s")
        if args.load_only:
            continue
        _, token = provider_with_token(settings, "finance", Role.user_department)
        rnd = random.Random(args.seed)
        listed = set(data["listed"])
        keys = []
        for i in range(20_000):
            n = rnd.choice(data["listed"]) if i % 5 == 0 else rnd.randrange(args.subjects)
            keys.append(credit_code(n) if n < data["orgs"] else id_number(n))
        script = OUT / "checks.lua"
        wrk_script(script, token, keys)
        batch_keys = [
            credit_code(n) if n < data["orgs"] else id_number(n)
            for n in rnd.sample(range(args.subjects), 10_000)
        ]
        with server(settings, workers=args.workers) as base:
            headers = {"Authorization": f"Bearer {token}"}
            # Warm both workers' snapshots.
            for _ in range(20):
                httpx.post(
                    f"{base}/api/v1/checks",
                    headers=headers,
                    timeout=60,
                    json={"scenario": "bidding", "subjects": keys[:1], "purpose": "warm"},
                )
            bare = wrk(f"{base}/api/v1/live", connections=32, seconds=args.seconds)
            saturated = wrk(base, connections=32, seconds=args.seconds, script=script)
            eight = wrk(base, connections=8, seconds=args.seconds, script=script)
            batch = []
            for _ in range(5):
                t0 = time.perf_counter()
                answer = httpx.post(
                    f"{base}/api/v1/checks",
                    headers=headers,
                    json={"scenario": "bidding", "subjects": batch_keys, "purpose": "基准批量"},
                    timeout=120,
                )
                batch.append(time.perf_counter() - t0)
                assert answer.status_code == 200, answer.text[:300]
            hits = sum(1 for r in answer.json()["results"] if r["decision"] != "clear")
        rows.append(
            {
                "backend": backend,
                "bare_rps": bare["rps"],
                "checks_rps": saturated["rps"],
                "ratio": saturated["rps"] / bare["rps"],
                "errors": saturated["errors"] + eight["errors"],
                "c8": eight,
                "batch_s": percentile(batch, 0.5),
                "batch_hits": hits,
                "listed_share": len(listed) / args.subjects,
            }
        )
        print(json.dumps(rows[-1], ensure_ascii=False))
    print()
    print(
        "| backend | bare /live req/s | checks/s (32 conn.) | ratio | 8 conn.: checks/s "
        "| p50 ms | p99 ms | 10,000-subject batch s |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        c8 = r["c8"]
        print(
            f"| {r['backend']} | {r['bare_rps']:,.0f} | {r['checks_rps']:,.0f} | {r['ratio']:.2f} "
            f"| {c8['rps']:,.0f} | {c8.get('p50', 0):.1f} | {c8.get('p99', 0):.1f} "
            f"| {r['batch_s']:.2f} |"
        )


if __name__ == "__main__":
    main()
