"""Credit reports (issue 17 part 1): each figure beside a raw baseline measured in the same run.

1. One signed PDF report of a subject with 50 records — issue (content, digest, register, query
   log), render, sign — p50/p95 of --single runs; beside it WeasyPrint rendering a minimal page
   in the same fonts.
2. --batch reports for a procurement review (信用审查 of a list of organisations): issued in
   one transaction, then rendered and signed on --workers processes into a zip, as `xinyong
   report issue --subjects FILE` does; beside it the minimal page rendered as many times on the
   same workers.
3. Verification, per PDF of the report of 1., in CPU time and wall time: offline as
   `xinyong report verify` does it (the signature over its byte range, the digest of the
   content inside the PDF) on one process and on --workers; the same with pyHanko's full
   validation (``verify_pdf(full=True)``, what it was before); online (the register's answer
   to /verify/{number}, as the service reads it); beside a bare SHA-256 of the PDF's bytes.

    .venv/bin/python benchmarks/reports.py                 # SQLite
    .venv/bin/python benchmarks/reports.py --backend postgresql --batch 1000
    .venv/bin/python benchmarks/reports.py --verification-only   # 1. once, then 3.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from common import OUT, catalog_items, fresh_settings, machine, percentile
from fastapi.testclient import TestClient

from xinyong.app import create_app
from xinyong.core.clock import SHANGHAI, FixedClock
from xinyong.core.identifiers import credit_code_check_char
from xinyong.credit_reports import documents, service, signing
from xinyong.credit_reports.schemas import VerificationOut
from xinyong.credit_reports.verify import verify_pdf
from xinyong.db import Database
from xinyong.demo.loader import load_demo
from xinyong.departments.service import create_department, create_token
from xinyong.models import Role, Subject, SubjectKind

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=SHANGHAI)
SAMPLE = {
    "string": "基准测试",
    "text": "基准测试内容，用于衡量信用报告的生成时间。",
    "date": "2026-05-10",
    "decimal": "1.00",
    "integer": 1,
    "credit_code": "11320100MB1234567" + credit_code_check_char("11320100MB1234567"),
    "id_number": "320102198001010014",
}
MINIMAL = """<html><body style="font-family: 'Noto Serif CJK SC'">
<h1 style="font-family: 'Noto Sans CJK SC'">公共信用信息报告</h1><p>基准页</p></body></html>"""


def _record(item: dict, source_id: str, code: str) -> dict:
    fields = {
        f["name"]: (f["values"][0] if f["type"] == "enum" else SAMPLE[f["type"]])
        for f in item["fields"]
        if f.get("required")
    }
    record = {
        "item": item["code"],
        "source_id": source_id,
        "subject": {"credit_code": code, "name": "南京基准测试科技有限公司"},
        "fields": fields,
    }
    if item["category"] == "negative":
        record["severity"] = "general"
        record["determined_on"] = "2026-05-10"
    return record


def subject_with_50_records(db: Database, clock: FixedClock) -> str:
    """An organisation with 50 records — 30 penalties, 20 licences — pushed through the API."""
    code = "91320100MA1BENCH1"
    code += credit_code_check_char(code)
    with db.transaction() as session:
        dept = create_department(
            session,
            code="bench-market",
            name="南京市市场监督管理局",
            region_code="320100",
            kind="market_regulation",
            actor="bench",
            now=clock.now(),
        )
        _, token = create_token(
            session, role=Role.provider, name="bench", department=dept, actor="bench",
            now=clock.now(),
        )  # fmt: skip
    items = {i["code"]: i for i in catalog_items()}
    records = [_record(items["administrative_penalty"], f"p-{i}", code) for i in range(30)]
    records += [_record(items["administrative_licensing"], f"l-{i}", code) for i in range(20)]
    with TestClient(create_app(db.settings, clock=clock, db=db)) as client:
        answer = client.post(
            "/api/v1/records/batches",
            json={"channel": "same_level", "records": records},
            headers={"Authorization": f"Bearer {token}"},
        )
        answer.raise_for_status()
        assert not answer.json()["rejected"], answer.json()["rejected"]
    return code


def reviewer(db: Database, clock: FixedClock) -> Any:
    from xinyong.core.auth import Principal

    with db.transaction() as session:
        dept = create_department(
            session,
            code="bench-procurement",
            name="江苏省公共资源交易中心",
            region_code="320000",
            kind="other",
            actor="bench",
            now=clock.now(),
        )
        return Principal(
            role=Role.user_department,
            department_id=dept.id,
            department_code=dept.code,
            department_kind=dept.kind,
            department_name=dept.name,
            name=f"user_department:{dept.code}#bench",
        )


def minimal_page() -> bytes:
    from weasyprint import HTML

    from xinyong.credit_reports.render import _fonts

    return HTML(string=MINIMAL).write_pdf(font_config=_fonts())


def _minimal_many(count: int) -> float:
    """Seconds ``count`` minimal pages take in this process (its start not counted)."""
    minimal_page()
    started = time.perf_counter()
    for _ in range(count):
        minimal_page()
    return time.perf_counter() - started


def _verify_many(args: tuple[bytes, bytes, int, bool]) -> tuple[float, float]:
    """Wall and CPU seconds ``count`` offline verifications take in this process (its start
    not counted); ``full``: pyHanko's full validation."""
    from cryptography import x509

    pdf, cert_pem, count, full = args
    cert = x509.load_pem_x509_certificate(cert_pem)
    assert verify_pdf(pdf, cert, full=full).genuine  # imports and caches warm
    started, used = time.perf_counter(), time.process_time()
    for _ in range(count):
        assert verify_pdf(pdf, cert, full=full).genuine
    return time.perf_counter() - started, time.process_time() - used


def _per_pdf(wall: float, cpu: float, count: int) -> str:
    return (
        f"{cpu / count * 1000:.2f} ms CPU, {wall / count * 1000:.2f} ms wall, {count / wall:.0f}/s"
    )


def one_report(
    db: Database, principal: Any, code: str, issuer: Any, clock: FixedClock, keys: signing.Keys
) -> tuple[documents.Copy, bytes]:
    """The subject's report issued (content, digest, register, query log), rendered, signed."""
    with db.transaction() as session:
        [report] = service.issue(
            session, principal, [code], issuer=issuer, purpose="基准", as_of=None,
            now=clock.now(),
        )  # fmt: skip
        copy = documents.Copy.of(report)
    return copy, documents.pdf_document(copy, keys)


def on_workers(function: Any, jobs: list[Any], workers: int) -> list[Any]:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(function, jobs))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--single", type=int, default=30, help="single reports timed")
    parser.add_argument("--batch", type=int, default=1000, help="reports of the review")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--verifications", type=int, default=400)
    parser.add_argument(
        "--verification-only", action="store_true", help="one report made, then 3. alone"
    )
    args = parser.parse_args()
    print(f"machine: {machine()}; load average before: {os.getloadavg()}")

    settings = fresh_settings(args.backend, "bench_reports")
    db = Database(settings)
    clock = FixedClock(NOW)
    keys = signing.generate(
        settings.report_keys, settings.master_key, issuer="基准测试中心", now=NOW, force=True
    )
    issuer = service.issuer_of(db)
    code = subject_with_50_records(db, clock)
    principal = reviewer(db, clock)

    if args.verification_only:
        copy, pdf = one_report(db, principal, code, issuer, clock, keys)
        verification(args, db, keys, pdf, copy.number)
        db.dispose()
        return

    # 1. One signed report of a subject with 50 records.
    minimal_page()  # fonts loaded, as in a server that has rendered once
    baseline = []
    for _ in range(args.single):
        started = time.perf_counter()
        minimal_page()
        baseline.append(time.perf_counter() - started)
    single, cpu = [], []
    for _ in range(args.single):
        started, used = time.perf_counter(), time.process_time()
        copy, pdf = one_report(db, principal, code, issuer, clock, keys)
        single.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    records = sum(copy.content["cover"]["counts"].values())
    print(
        f"single report ({records} entries, {len(pdf) // 1024} KB): "
        f"p50 {percentile(single, 0.5) * 1000:.0f} ms, p95 {percentile(single, 0.95) * 1000:.0f}"
        f" ms (CPU of this process p50 {percentile(cpu, 0.5) * 1000:.0f} ms, p95 "
        f"{percentile(cpu, 0.95) * 1000:.0f} ms); baseline minimal page p50 "
        f"{percentile(baseline, 0.5) * 1000:.0f} ms"
    )

    # 2. A procurement review of --batch organisations.
    started = time.perf_counter()
    load_demo(db, catalog_items(), subjects=int(args.batch * 1.4), seed=7, clock=clock)
    print(f"demo loaded for the review in {time.perf_counter() - started:.0f} s")
    with db.transaction() as session:
        from sqlalchemy import select

        keys_list = list(
            session.execute(
                select(Subject.credit_code)
                .where(Subject.kind != SubjectKind.natural_person)
                .limit(args.batch)
            ).scalars()
        )
    started = time.perf_counter()
    with db.transaction() as session:
        reports = service.issue(
            session, principal, keys_list, issuer=issuer, purpose="招标 基准", as_of=None,
            now=clock.now(),
        )  # fmt: skip
        copies = [documents.Copy.of(r) for r in reports]
    issued = time.perf_counter() - started
    started = time.perf_counter()
    out = OUT / "bench_reports.zip"
    made = documents.render_many(
        copies, "pdf", key_dir=settings.report_keys, master_key=settings.master_key,
        workers=args.workers,
    )  # fmt: skip
    with out.open("wb") as handle:
        for piece in documents.zip_stream(made, "pdf"):
            handle.write(piece)
    rendered = time.perf_counter() - started
    per = -(-len(copies) // args.workers)
    raw = max(on_workers(_minimal_many, [per] * args.workers, args.workers))
    print(
        f"review of {len(copies)} reports: issued in {issued:.1f} s (one transaction), "
        f"rendered and signed on {args.workers} processes in {rendered:.1f} s (their start "
        "included) "
        f"({len(copies) / rendered:.1f}/s), zip {out.stat().st_size // (1024 * 1024)} MB; "
        f"baseline minimal page ×{per * args.workers} on {args.workers} processes {raw:.1f} s "
        "(their start not included)"
    )

    verification(args, db, keys, pdf, copies[0].number)
    db.dispose()
    Path(out).unlink(missing_ok=True)


def verification(args: Any, db: Database, keys: signing.Keys, pdf: bytes, number: str) -> None:
    """3. Offline (fast, and pyHanko's full validation) and online, beside a bare SHA-256."""
    cert_pem = keys.certificate_pem().encode()
    n = args.verifications
    print(f"verification of one PDF ({len(pdf) // 1024} KB), {n} times; load average before: "
          f"{os.getloadavg()}")  # fmt: skip
    started, used = time.perf_counter(), time.process_time()
    for _ in range(n):
        hashlib.sha256(pdf).digest()
    bare = (time.perf_counter() - started, time.process_time() - used)
    print(f"  baseline bare SHA-256 of the PDF: {_per_pdf(*bare, n)}")
    wall, cpu = _verify_many((pdf, cert_pem, n, False))
    print(f"  offline (xinyong report verify) on one process: {_per_pdf(wall, cpu, n)}")
    share = n // args.workers
    spread = on_workers(_verify_many, [(pdf, cert_pem, share, False)] * args.workers, args.workers)
    slowest = max(w for w, _ in spread)
    print(
        f"  offline on {args.workers} processes: {share * args.workers / slowest:.0f}/s "
        f"(CPU {sum(c for _, c in spread) / (share * args.workers) * 1000:.2f} ms a PDF)"
    )
    few = max(n // 10, 10)
    wall, cpu = _verify_many((pdf, cert_pem, few, True))
    print(f"  offline, pyHanko's full validation (as before): {_per_pdf(wall, cpu, few)}")
    started, used = time.perf_counter(), time.process_time()
    for _ in range(n * 5):
        with db.sessions() as session:
            VerificationOut.of(service.verification(session, number), keys.fingerprint)
    online = (time.perf_counter() - started, time.process_time() - used)
    print(f"  online (register) on one thread: {_per_pdf(*online, n * 5)}")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
