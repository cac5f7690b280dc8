"""Ingestion rate: `xinyong import` and the batch API (batches of 1,000), on SQLite and
PostgreSQL, against raw COPY (PostgreSQL) / raw executemany (SQLite) of the same rows into
the same table in the same run.

    .venv/bin/python benchmarks/ingest.py --records 1000000
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import httpx
import orjson
import psycopg
from common import (
    OUT,
    TODAY,
    catalog_items,
    fresh_settings,
    machine,
    provider_with_token,
    server,
)

from xinyong.core.clock import Clock
from xinyong.db import Database
from xinyong.demo.generator import DemoGenerator
from xinyong.models import Channel
from xinyong.records.importer import import_path
from xinyong.records.writers import COLUMNS

KIND = "market_regulation"


def make_data(n: int, seed: int) -> Path:
    """n records of the items a market-regulation department provides, as JSON Lines."""
    path = OUT / f"ingest-{n}-{seed}.jsonl"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    items = catalog_items()
    allowed = {i["code"] for i in items if KIND in i["sources"]}
    generator = DemoGenerator(items, seed=seed, today=TODAY)
    written = 0
    with path.open("wb") as out:
        for record in generator.records(n):  # more subjects than needed; we stop at n records
            if record["item"] not in allowed:
                continue
            record.pop("provider")
            out.write(orjson.dumps(record) + b"\n")
            written += 1
            if written == n:
                break
    return path


def bench_import(backend: str, data: Path) -> dict:
    settings = fresh_settings(backend, f"bench_import_{backend}")
    provider, _ = provider_with_token(settings, KIND)
    db = Database(settings)
    started = time.perf_counter()
    answer = import_path(
        db,
        data,
        provider=provider,
        item=None,
        channel=Channel.same_level,
        actor="bench",
        now=Clock().now(),
    )
    seconds = time.perf_counter() - started
    raw = raw_copy(db) if backend == "postgresql" else raw_sqlite(db)
    db.dispose()
    return {
        "accepted": answer["accepted"],
        "rejected": len(answer["rejected"]),
        "seconds": seconds,
        "rate": answer["accepted"] / seconds,
        **raw,
    }


def raw_copy(db: Database) -> dict:
    """COPY the very rows just imported into an empty table shaped and indexed like records."""
    url = db.settings.database_url.replace("postgresql+psycopg://", "postgresql://")
    cols = ", ".join(COLUMNS)
    with psycopg.connect(url) as conn:
        conn.execute("DROP TABLE IF EXISTS records_raw")
        conn.execute("CREATE TABLE records_raw (LIKE records INCLUDING ALL)")
        conn.commit()
        buffer = bytearray()
        with conn.cursor().copy(f"COPY (SELECT {cols} FROM records) TO STDOUT") as copy:
            for chunk in copy:
                buffer += chunk
        rows = conn.execute("SELECT count(*) FROM records").fetchone()[0]
        started = time.perf_counter()
        with conn.cursor().copy(f"COPY records_raw ({cols}) FROM STDIN") as copy:
            view = memoryview(buffer)
            for offset in range(0, len(view), 1 << 20):
                copy.write(view[offset : offset + (1 << 20)])
        conn.commit()
        seconds = time.perf_counter() - started
        conn.execute("DROP TABLE records_raw")
        conn.commit()
    return {"raw_rows": rows, "raw_seconds": seconds, "raw_rate": rows / seconds}


def raw_sqlite(db: Database) -> dict:
    """executemany of the very rows just imported into an empty table like records."""
    path = db.settings.database_url.split("///", 1)[1]
    cols = ", ".join(COLUMNS)
    conn = sqlite3.connect(path, isolation_level=None)
    ddl = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'records'").fetchone()[0]
    indexes = [
        r[0]
        for r in conn.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'records' AND type = 'index' "
            "AND sql IS NOT NULL"
        )
    ]
    conn.execute("DROP TABLE IF EXISTS records_raw")
    conn.execute(
        ddl.replace("CREATE TABLE records", "CREATE TABLE records_raw", 1)
        .replace("CONSTRAINT pk_records", "CONSTRAINT pk_records_raw")
        .replace("CONSTRAINT uq_records", "CONSTRAINT uq_records_raw")
        .replace("CONSTRAINT fk_records", "CONSTRAINT fk_records_raw")
    )
    for sql in indexes:
        conn.execute(
            sql.replace("ON records ", "ON records_raw ").replace(" ix_records", " ix_raw")
        )
    rows = conn.execute(f"SELECT {cols} FROM records").fetchall()
    marks = ", ".join("?" * len(COLUMNS))
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO records_raw ({cols}) VALUES ({marks})", rows)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    conn.execute("DROP TABLE records_raw")
    conn.close()
    return {"raw_rows": len(rows), "raw_seconds": seconds, "raw_rate": len(rows) / seconds}


def bench_api(backend: str, data: Path, *, clients: int, workers: int) -> dict:
    settings = fresh_settings(backend, f"bench_api_{backend}")
    _, token = provider_with_token(settings, KIND)
    lines = data.read_bytes().splitlines()
    bodies = [
        b'{"channel":"same_level","records":[' + b",".join(lines[i : i + 1000]) + b"]}"
        for i in range(0, len(lines), 1000)
    ]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    accepted = 0
    with server(settings, workers=workers) as base:

        def send(chunk: list[bytes]) -> int:
            total = 0
            with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
                for body in chunk:
                    response = client.post("/api/v1/records/batches", content=body)
                    response.raise_for_status()
                    total += response.json()["accepted"]
            return total

        shares = [bodies[i::clients] for i in range(clients)]
        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            accepted = sum(pool.map(send, shares))
        seconds = time.perf_counter() - started
    return {
        "accepted": accepted,
        "seconds": seconds,
        "rate": accepted / seconds,
        "clients": clients,
        "workers": workers,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--skip-api", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    data = make_data(args.records, args.seed)
    print(f"# ingestion benchmark, {datetime.now():%Y-%m-%d}, {machine()}")
    print(
        f"data: {args.records:,} records (JSON Lines, {data.stat().st_size / 1e6:.0f} MB), "
        f"made in {time.perf_counter() - started:.0f} s"
    )
    print(
        "| backend | path | records | seconds | records/s | raw insert of the same rows | ratio |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for backend in args.backends.split(","):
        result = bench_import(backend, data)
        raw_name = "COPY" if backend == "postgresql" else "executemany"
        print(
            f"| {backend} | `xinyong import` | {result['accepted']:,} | {result['seconds']:.1f} "
            f"| {result['rate']:,.0f} | {raw_name} {result['raw_rate']:,.0f}/s "
            f"| {result['rate'] / result['raw_rate']:.2f} |",
            flush=True,
        )
        if args.skip_api:
            continue
        for clients, workers in ((1, 1), (2, 2)) if backend == "postgresql" else ((1, 1),):
            api = bench_api(backend, data, clients=clients, workers=workers)
            print(
                f"| {backend} | API, batches of 1,000, {clients} client(s), {workers} worker(s) "
                f"| {api['accepted']:,} | {api['seconds']:.1f} | {api['rate']:,.0f} | | |",
                flush=True,
            )


if __name__ == "__main__":
    main()
