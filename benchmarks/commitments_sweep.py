"""The daily sweep of 容缺受理 commitments past their deadline (commitments/sweep.py) at
province scale: ``--commitments`` open commitments (default 1,000,000) of ``--subjects``
organisations, ``--due`` of them (default 50,000) past their last day on the day the job runs.

Loaded straight into the tables (COPY on PostgreSQL, executemany on SQLite): how commitments
get there is measured elsewhere. Prints, per backend, beside each other in the same run:

- raw: one SQL ``UPDATE`` of the same rows to ``breached`` (the floor: no record, no step),
  rolled back;
- sweep: ``jobs.breach_overdue_commitments`` — the rows found by the index on (state, due_on),
  a breach record collected for each, the state, steps, audit entries and feed changes written
  in chunks of 10,000 per transaction;
- the sweep again (nothing due).

Target (issue 15): ≤ 30 s for 50,000 due among 1,000,000 open, on both databases."""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime, timedelta

from common import TODAY, fresh_settings, machine, provider_with_token
from sqlalchemy import func, insert, select, text

from checks import credit_code
from xinyong.core.bulk import copy_line, timestamp_value
from xinyong.core.clock import SHANGHAI
from xinyong.db import Database
from xinyong.jobs import breach_overdue_commitments
from xinyong.models import Commitment, Department, Record, Subject
from xinyong.records.service import CollectionContext
from xinyong.settings import Settings

ITEM = "enterprise_registration_missing"
SIGNED_AT = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
BREACH = {"item": "broken_commitment", "severity": "serious", "watch_list_eligible": True}
DOCUMENTS = ["住所使用证明", "法定代表人任职文件"]
COLUMNS = (
    "subject_id", "id", "item_code", "item_version", "type", "template_version", "text",
    "text_sha256", "obligations", "breach", "reference", "department_id", "channel",
    "signed_by", "signed_at", "evidence_file_id", "accepted_at", "due_on", "state",
    "record_id", "closed_at", "missing_documents", "documents_supplied",
)  # fmt: skip
RAW_UPDATE = """
UPDATE commitments SET state = 'breached', closed_at = :closed_at
WHERE state = 'pending' AND due_on < :today AND type = 'missing_documents'
  AND accepted_at IS NOT NULL
"""


def load(settings: Settings, dept_id: int, subjects: int, commitments: int, due: int) -> float:
    """Subjects, then the commitments: the first ``due`` past their last day (yesterday),
    the others due within the next weeks. Returns the seconds taken."""
    db = Database(settings)
    started = time.perf_counter()
    chunk = 50_000
    for start in range(0, subjects, chunk):
        rows = [
            {
                "id": n + 1,
                "kind": "legal_person",
                "credit_code": credit_code(n),
                "name": f"基准测试企业{n}有限公司",
                "region_code": "320100",
                "registering_authority": "9",
                "entity_type": "1",
                "is_government_agency": False,
                "created_at": SIGNED_AT,
            }
            for n in range(start, min(subjects, start + chunk))
        ]
        with db.transaction() as session:
            session.execute(insert(Subject), rows)
    dialect = db.dialect
    stamp = timestamp_value(dialect, SIGNED_AT)
    obligations = json.dumps(["在承诺期限内补齐所缺材料"], ensure_ascii=False)
    breach = json.dumps(BREACH)
    documents = json.dumps(DOCUMENTS, ensure_ascii=False)
    yesterday = TODAY - timedelta(days=1)
    for start in range(0, commitments, 100_000):
        rows = []
        for n in range(start, min(commitments, start + 100_000)):
            due_on = yesterday if n < due else TODAY + timedelta(days=1 + n % 20)
            row = (
                n % subjects + 1, n + 1, ITEM, 1, "missing_documents", 1,
                f"信用承诺书（基准测试）第{n}号", "0" * 64, obligations, breach, f"R{n}",
                dept_id, "paper", "bench", stamp, None, stamp, due_on.isoformat(),
                "pending", None, None, documents, "[]",
            )  # fmt: skip
            rows.append(row)
        with db.transaction() as session:
            conn = session.connection().connection.driver_connection
            assert conn is not None
            if dialect == "postgresql":
                payload = "".join(copy_line(r) + "\n" for r in rows).encode()
                statement = f"COPY commitments ({', '.join(COLUMNS)}) FROM STDIN"
                with conn.cursor() as cur, cur.copy(statement) as copy:  # type: ignore[attr-defined]
                    copy.write(payload)
            else:
                marks = ", ".join("?" * len(COLUMNS))
                conn.executemany(  # type: ignore[attr-defined]
                    f"INSERT INTO commitments ({', '.join(COLUMNS)}) VALUES ({marks})", rows
                )
    with db.transaction() as session:
        session.execute(text("ANALYZE"))
    db.dispose()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="postgresql,sqlite")
    parser.add_argument("--commitments", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=50_000)
    parser.add_argument("--subjects", type=int, default=100_000)
    args = parser.parse_args()
    now = datetime.combine(TODAY, datetime.min.time()).replace(hour=2, tzinfo=SHANGHAI)
    print(f"# 容缺受理 sweep benchmark, as of {TODAY}, {machine()}")
    print(
        "| backend | open commitments | due | load s | raw UPDATE s | sweep s | breached "
        "| records written | sweep again s |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for backend in args.backends.split(","):
        settings = fresh_settings(backend, f"bench_sweep_{backend}")
        provider_with_token(settings, "market_regulation")
        db = Database(settings)
        with db.transaction() as session:
            dept_id = session.execute(
                select(Department.id).where(Department.code == "bench-market_regulation")
            ).scalar_one()
        db.dispose()
        loaded = load(settings, dept_id, args.subjects, args.commitments, args.due)
        db = Database(settings)
        ctx = CollectionContext(db)
        # The floor, in the same run: the same rows updated by one statement, rolled back.
        session = db.sessions()
        started = time.perf_counter()
        closed_at = timestamp_value(db.dialect, now) if db.dialect == "sqlite" else now
        raw = session.execute(text(RAW_UPDATE), {"closed_at": closed_at, "today": TODAY})
        raw_rows = raw.rowcount  # type: ignore[attr-defined]
        raw_seconds = time.perf_counter() - started
        session.rollback()
        session.close()
        if db.dialect == "postgresql":
            with db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                    text("VACUUM ANALYZE commitments")
                )
        assert raw_rows == args.due, raw_rows
        started = time.perf_counter()
        breached = breach_overdue_commitments(db, ctx, now)
        sweep_seconds = time.perf_counter() - started
        started = time.perf_counter()
        again = breach_overdue_commitments(db, ctx, now)
        again_seconds = time.perf_counter() - started
        with db.transaction() as session:
            records = session.execute(
                select(func.count())
                .select_from(Record)
                .where(Record.item_code == "broken_commitment")
            ).scalar_one()
            open_left = session.execute(
                select(func.count()).select_from(Commitment).where(Commitment.state == "pending")
            ).scalar_one()
        assert breached == args.due and again == 0 and records == args.due, (breached, records)
        assert open_left == args.commitments - args.due
        print(
            f"| {backend} | {args.commitments:,} | {args.due:,} | {loaded:.1f} | "
            f"{raw_seconds:.2f} | **{sweep_seconds:.1f}** | {breached:,} | {records:,} | "
            f"{again_seconds:.2f} |",
            flush=True,
        )
        db.dispose()


if __name__ == "__main__":
    main()
