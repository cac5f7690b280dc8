"""Hostile bodies against a real server: how fast each is refused, and what it costs the
server's memory (issue 12's acceptance: an .xlsx bomb and a 200 MB body refused within 2 s,
the server's memory growing by less than 100 MB).

    .venv/bin/python benchmarks/hostile.py [--backend sqlite|postgresql]

One uvicorn process (``benchmarks/common.server_process``) on a fresh database. Each case is
sent once and timed from the first byte sent to the answer; memory is the process's peak
resident size (VmHWM of /proc/<pid>/status), before and after. The raw baseline beside them is
a good batch of 1,000 records through the same endpoint, and a good 2-row workbook through the
same page: what an honest request costs the same server in the same run.

The cases:
- 200 MB of JSON with its Content-Length, to ``POST /api/v1/records/batches``;
- the same 200 MB chunked (no Content-Length);
- an .xlsx of 3 MB whose sheet unpacks to about 940 MB (the probe's bomb);
- an .xlsx of 2,000,000 one-cell rows (the probe's second file), a plausible compression ratio;
both workbooks uploaded through the department console's batch form, logged in.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import TODAY, fresh_settings, machine, provider_with_token, server_process

from xinyong.core.clock import Clock
from xinyong.db import Database
from xinyong.departments.service import get_department
from xinyong.models import Role
from xinyong.web import accounts

MB = 1024 * 1024
PASSWORD = "hostile-bench-Passw0rd!"
SHEET = "xl/worksheets/sheet1.xml"
HEADER = ["source_id", "subject.credit_code", "subject.name", "fields.decision_number"]
ROW = '<row><c t="inlineStr"><is><t>{}</t></is></c></row>'


def peak_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def json_body(total: int) -> Iterator[bytes]:
    """``total`` bytes of a batch of tiny records, made as they are sent."""
    head, tail = b'{"channel":"same_level","records":[', b'{"item":"x"}]}'
    record = b'{"item":"x"},'
    chunk = record * (MB // len(record))
    yield head
    sent = len(head) + len(tail)
    while sent + len(chunk) <= total:
        yield chunk
        sent += len(chunk)
    yield record * ((total - sent) // len(record)) + tail


def workbook(path: Path, rows: Iterator[str]) -> Path:
    """A real workbook (openpyxl's parts) whose sheet holds ``rows``, streamed into the zip."""
    base = Workbook()
    base.active.append(HEADER)
    plain = path.with_suffix(".base.xlsx")
    base.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            if info.filename != SHEET:
                target.writestr(info, source.read(info))
                continue
            sheet = source.read(info).decode()
            start, end = (
                sheet.split("</sheetData>")[0],
                "</sheetData>" + sheet.split("</sheetData>")[1],
            )
            packed = zipfile.ZipInfo(SHEET, date_time=info.date_time)
            packed.compress_type = zipfile.ZIP_DEFLATED
            with target.open(packed, "w", force_zip64=True) as out:
                out.write(start.encode())
                buffer: list[str] = []
                for row in rows:
                    buffer.append(row)
                    if len(buffer) == 10_000:
                        out.write("".join(buffer).encode())
                        buffer.clear()
                out.write("".join(buffer).encode() + end.encode())
    for info in zipfile.ZipFile(path).infolist():
        if info.filename == SHEET:
            print(
                f"  {path.name}: {path.stat().st_size / MB:.1f} MB, its sheet "
                f"{info.file_size / MB:.0f} MB unpacked"
            )
    plain.unlink()
    return path


def bomb(folder: Path) -> Path:
    """About 940 MB of one repeated row: deflate packs it some 300 to 1."""
    row = ROW.format("违法事实" * 200)
    return workbook(folder / "bomb.xlsx", (row for _ in range(940 * MB // len(row.encode()))))


def many_rows(folder: Path) -> Path:
    """2,000,000 numbered rows: each differs, so it packs only about 10 to 1."""
    rows = (f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(2, 2_000_002))
    return workbook(folder / "rows.xlsx", rows)


def good_workbook(folder: Path) -> Path:
    book = Workbook()
    book.active.append(HEADER)
    book.active.append(["g1", "91320100MA1HXTL1A8", "南京良好科技有限公司", "宁市监罚〔2026〕1号"])
    path = folder / "good.xlsx"
    book.save(path)
    return path


def log_in(client: httpx.Client) -> None:
    form = client.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert csrf, "no log-in form"
    answer = client.post(
        "/login",
        data={"username": "hostile-provider", "password": PASSWORD, "csrf_token": csrf.group(1)},
    )
    assert answer.status_code == 303, answer.text


def upload(client: httpx.Client, path: Path) -> httpx.Response:
    page = client.get("/department/batches")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf, "no upload form"
    with path.open("rb") as handle:
        return client.post(
            "/department/batches",
            data={
                "csrf_token": csrf.group(1),
                "channel": "same_level",
                "item": "administrative_penalty",
            },
            files={"file": (path.name, handle, "application/octet-stream")},
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    settings = fresh_settings(args.backend, "bench_hostile")
    department, token = provider_with_token(settings)
    db = Database(settings)
    with db.transaction() as session:
        accounts.create_user(
            session,
            username="hostile-provider",
            display_name="基准测试经办人",
            password=PASSWORD,
            role=Role.provider,
            department=get_department(session, department),
            actor="bench",
            now=Clock().now(),
        )
    db.dispose()
    print(f"hostile bodies, {args.backend}, {machine()}, demo day {TODAY}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("building the workbooks …")
        files = {"bomb": bomb(folder), "rows": many_rows(folder), "good": good_workbook(folder)}
        with server_process(settings) as (base, proc):
            api = httpx.Client(
                base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120
            )
            console = httpx.Client(base_url=base, timeout=120)
            log_in(console)
            good_records = [
                {
                    "item": "administrative_penalty",
                    "source_id": f"h{i}",
                    "subject": {
                        "credit_code": "91320100MA1HXTL1A8",
                        "name": "南京良好科技有限公司",
                    },
                    "fields": {},
                }
                for i in range(1_000)
            ]
            total = 200 * 1000 * 1000
            cases = [
                (
                    "baseline: a batch of 1,000 records",
                    lambda: api.post(
                        "/api/v1/records/batches",
                        content=json.dumps(
                            {"channel": "same_level", "records": good_records}
                        ).encode(),
                        headers={"Content-Type": "application/json"},
                    ),
                ),
                (
                    "200 MB JSON with Content-Length",
                    lambda: api.post(
                        "/api/v1/records/batches",
                        content=json_body(total),
                        headers={"Content-Type": "application/json", "Content-Length": str(total)},
                    ),
                ),
                (
                    "200 MB JSON chunked",
                    lambda: api.post(
                        "/api/v1/records/batches",
                        content=json_body(total),
                        headers={"Content-Type": "application/json"},
                    ),
                ),
                ("baseline: a 2-row workbook", lambda: upload(console, files["good"])),
                (".xlsx bomb (940 MB unpacked)", lambda: upload(console, files["bomb"])),
                (".xlsx of 2,000,000 rows", lambda: upload(console, files["rows"])),
            ]
            print(f"{'case':<36} {'status':>6} {'seconds':>8} {'peak RSS before → after':>26}")
            for name, send in cases:
                before = peak_kb(proc.pid)
                started = time.perf_counter()
                try:
                    status = str(send().status_code)
                except httpx.HTTPError as exc:  # the server may close a refused upload early
                    status = type(exc).__name__
                seconds = time.perf_counter() - started
                after = peak_kb(proc.pid)
                grown = (after - before) / 1024
                print(
                    f"{name:<36} {status:>6} {seconds:>8.2f} "
                    f"{before / 1024:>10.0f} MB → {after / 1024:.0f} MB (+{grown:.0f})"
                )


if __name__ == "__main__":
    main()
