"""The daily data-quality checks (quality/run.py, docs/quality.md) at a province's size, beside
a raw baseline over the same rows, measured in the same run (issue 18 part 3 § 5: 5,000,000
records, target ≤ 60 s on PostgreSQL and on SQLite).

The archive is made by the database itself (generate_series on PostgreSQL, a recursive CTE on
SQLite; deterministic, the same rows on both) in a bench database: ``--orgs`` organisations,
each with its registration, and ``--records`` records in all of the ten acts' items and market
bans, pushed by three providers (the province's market regulator, a city's, the tax bureau) in
batches of 1,000 over the two years before today, with a few faults of every kind the rules
find — a name other than the registered one (1 in 1,000), the same decision number under
another ``source_id`` (1 in 2,000), a decision after its arrival (1 in 3,000), no legal
representative (1 in 499), a registration out of the city's region (1 in 50 of the city's).

Measured, in this order, each in its own transaction as the job runs it:

1. raw: ``SELECT provider_id, item_code, count(*) FROM records GROUP BY 1, 2`` — a bare pass over
   every record (the floor of any set-based check of them all);
2. the daily run over one day's arrivals (the cursor set a day back), and the raw group-by of
   the same batches' records;
3. the full run: every rule over every record, then the update-cycle monitor — each rule's
   time, the findings;
4. the last pushes read from every record, as only the very first run does;
5. raw again (the cache as warm as the checks left it).

    .venv/bin/python benchmarks/quality.py --backend postgresql                # 5,000,000
    .venv/bin/python benchmarks/quality.py --backend sqlite --records 1000000
    .venv/bin/python benchmarks/quality.py --backend postgresql --reuse       # no new load
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import UTC, datetime, timedelta

from common import existing_settings, fresh_settings, machine, published_item_ids
from sqlalchemy import text

from xinyong.core.auth import SYSTEM
from xinyong.core.bulk import timestamp_value
from xinyong.core.clock import SHANGHAI
from xinyong.core.locks import advisory_xact_lock
from xinyong.db import Database
from xinyong.defaults import ensure_defaults
from xinyong.departments.service import create_department, create_token
from xinyong.models import QualityRun, Role
from xinyong.quality.checks import Window, update_last_pushes
from xinyong.quality.run import RunResult, check
from xinyong.records.service import CollectionContext
from xinyong.rights.step import Step

NAME = "bench_quality"
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=SHANGHAI)
START = NOW - timedelta(days=730)
SUBJECT0 = 1_000_000_000
RECORD0 = 5_000_000_000
BATCH = 1_000  # records a batch: about seven batches a day at 5,000,000 over two years
# The items of the records besides the registrations, by position (g % 5).
ITEMS = (
    "administrative_penalty",
    "administrative_licensing",
    "administrative_inspection",
    "administrative_compulsion",
    "market_ban",
)
CHUNK = 1_000_000
# 1 in 499 records has no legal representative (499: prime to the five items).
NO_REPRESENTATIVE = "g % 499 = 3"


def departments(db: Database) -> tuple[int, int, int]:
    """The province's market regulator, Nanjing's, the tax bureau: providers with tokens."""
    ids = []
    with db.transaction() as session:
        for code, region, kind in (
            ("bench-js-amr", "320000", "market_regulation"),
            ("bench-nj-amr", "320100", "market_regulation"),
            ("bench-js-tax", "320000", "tax"),
        ):
            dept = create_department(
                session, code=code, name=f"基准{code}", region_code=region, kind=kind,
                actor="bench", now=START,
            )  # fmt: skip
            create_token(
                session, role=Role.provider, name="bench", department=dept, actor="bench",
                now=START,
            )  # fmt: skip
            ids.append(dept.id)
    return ids[0], ids[1], ids[2]


def generate(db: Database, orgs: int, records: int) -> float:
    """The archive, by the database; returns the seconds it took."""
    sql = Sql(db.dialect == "postgresql", -(-records // BATCH))
    item_ids = published_item_ids(db)
    province, city, tax = departments(db)
    started = time.perf_counter()
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO batches (id, provider_id, channel, via, received_at, total, accepted, "
                f"duplicates, rejected) SELECT g, {province}, 'same_level', 'api', {sql.at('g')}, "
                f"{BATCH}, {BATCH}, 0, 0 FROM {sql.series(0, sql.batches - 1)}"
            )
        )
        # Nanjing's organisations; one in fifty of those the city registers has a Suzhou code
        # (a region fault).
        digits = "lpad(CAST(g AS text), 10, '0')" if sql.pg else "substr('0000000000' || g, -10)"
        code = f"'9132' || CASE WHEN g % 500 = 0 THEN '0500' ELSE '0100' END || {digits}"
        conn.execute(
            text(
                "INSERT INTO subjects (id, kind, credit_code, name, region_code, "
                "is_government_agency, created_at) "
                f"SELECT {SUBJECT0} + g, 'legal_person', {code}, '基准测试企业' || g, '320100', "
                f"false, :start FROM {sql.series(1, orgs)}"
            ),
            {"start": timestamp_value(db.dialect, START)},
        )
        batch = f"((g - 1) / {BATCH})"
        registration = sql.json(
            "'name', '基准测试企业' || g, 'entity_form', '有限责任公司', "
            "'established_on', '2015-06-01', 'address', '江苏省南京市玄武区测试路1号', "
            "'registration_authority', '南京市市场监督管理局', 'status', '存续'"
        )
        conn.execute(
            text(
                "INSERT INTO records (subject_id, id, item_code, catalog_item_id, "
                "catalog_version, category, disclosure, provider_id, batch_id, channel, "
                "source_id, fields, standing, received_at, subject_name) "
                f"SELECT {SUBJECT0} + g, {RECORD0} + g, 'org_registration', "
                f"{item_ids['org_registration']}, 1, 'basic', 'public', "
                f"CASE WHEN g % 10 = 0 THEN {city} ELSE {province} END, {batch}, "
                f"'same_level', 'reg-' || g, {registration}, 'active', {sql.at(batch)}, "
                f"'基准测试企业' || g FROM {sql.series(1, orgs)}"
            )
        )
        print(f"  {orgs:,} organisations registered", flush=True)
        for first in range(orgs + 1, records + 1, CHUNK):
            last = min(records, first + CHUNK - 1)
            conn.execute(text(sql.others(item_ids, province, tax, orgs, first, last)))
            print(f"  records {last:,}", flush=True)
    db.analyze()
    if sql.pg:  # what autovacuum does soon after a load: the visibility map, the statistics
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE) records")
    return time.perf_counter() - started


class Sql:
    """The generating statements' pieces, per database."""

    def __init__(self, pg: bool, batches: int) -> None:
        self.pg, self.batches = pg, batches
        self.step = ((NOW - START).total_seconds() - 3600) / batches

    def series(self, first: int, last: int) -> str:
        if self.pg:
            return f"generate_series({first}, {last}) AS s(g)"
        return (
            f"(WITH RECURSIVE s(g) AS (SELECT {first} UNION ALL SELECT g + 1 FROM s "
            f"WHERE g < {last}) SELECT g FROM s) s"
        )

    def json(self, pairs: str) -> str:
        """A JSON object of the pairs, without the keys whose value is null (as collected)."""
        if self.pg:
            return f"jsonb_strip_nulls(jsonb_build_object({pairs}))"
        # SQLite keeps a null value: the one nullable pair of the records is taken out.
        whole = f"json_object({pairs})"
        if "legal_representative_name" not in pairs:
            return whole
        drop = f"json_remove({whole}, '$.legal_representative_name')"
        return f"CASE WHEN {NO_REPRESENTATIVE} THEN {drop} ELSE {whole} END"

    def at(self, batch: str) -> str:
        """The arrival of batch number ``batch``, the batches spread evenly over two years."""
        seconds = f"CAST({batch} AS bigint) * {self.step:.6f}"
        if self.pg:
            return f"(TIMESTAMPTZ '{START.isoformat()}' + ({seconds}) * INTERVAL '1 second')"
        base = START.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        # SQLite's %f is seconds with milliseconds; the stored form has microseconds.
        return f"strftime('%Y-%m-%d %H:%M:%f000', '{base}', '+' || ({seconds}) || ' seconds')"

    def local_day(self, arrival: str, days: str = "0") -> str:
        """The arrival's day in Asia/Shanghai, moved by ``days`` (an SQL integer), as text."""
        if self.pg:
            return f"CAST(CAST(timezone('Asia/Shanghai', {arrival}) AS date) + ({days}) AS text)"
        return f"date({arrival}, '+8 hours', ({days}) || ' days')"

    def day(self, arrival: str) -> str:
        """The day before the arrival, as the determination day (a date column)."""
        before = self.local_day(arrival, "-1")
        return f"CAST({before} AS date)" if self.pg else before

    def others(self, item_ids, province, tax, orgs, first, last) -> str:  # type: ignore[no-untyped-def]
        """Records ``first`` … ``last``: of the five items by g % 5, with their faults."""
        item = "CASE g % 5 " + " ".join(f"WHEN {n} THEN '{c}'" for n, c in enumerate(ITEMS))
        item_id = "CASE g % 5 " + " ".join(
            f"WHEN {n} THEN {item_ids[c]}" for n, c in enumerate(ITEMS)
        )
        negative = "g % 5 IN (0, 3, 4)"
        arrival = self.at(f"((g - 1) / {BATCH})")
        # A decision 1 to 5 days before its arrival; 1 in 3,000 ten days after it.
        decided = self.local_day(arrival, "CASE WHEN g % 3000 = 7 THEN 10 ELSE -1 - g % 5 END")
        # 1 in 2,000 takes the number of the record 15 before it: the same item (g % 5) and
        # provider (g % 3), another source_id.
        number = "'基准〔2026〕' || CASE WHEN g % 2000 = 0 THEN g - 15 ELSE g END || '号'"
        authority = "'基准机关'"
        code = "'11320100MB1234567X'"
        common = (
            f"'decision_number', {number}, 'decided_on', {decided}, "
            f"'current_status', '正常', 'data_source', {authority}, 'data_source_code', {code}"
        )
        # Each item's own fields (about the demo's sizes: 500 to 800 bytes of JSON).
        own = {
            "administrative_penalty": "'violation_type', '虚假宣传', 'violation_facts', "
            "'经查，该企业在商品宣传中使用虚假内容，违反了相关法律的规定。', 'penalty_basis', "
            "'依据《中华人民共和国反不正当竞争法》第二十条', 'penalty_category', '罚款', "
            f"'penalty_content', '罚款人民币一万元', 'fine_amount', '1.00', "
            f"'penalty_authority', {authority}, 'penalty_authority_code', {code}",
            "administrative_licensing": "'decision_name', '准予许可决定书', "
            "'licence_category', '普通', 'licence_content', '食品经营许可', "
            "'valid_from', '2026-01-01', 'valid_to', '2029-01-01', "
            f"'licensing_authority', {authority}, 'licensing_authority_code', {code}",
            "administrative_inspection": "'inspection_type', '日常检查', 'inspection_item', "
            "'食品安全日常监督检查', 'inspection_result', '未发现问题', "
            f"'inspecting_authority', {authority}, 'inspecting_authority_code', {code}",
            "administrative_compulsion": "'compulsion_type', '查封', 'compulsion_manner', "
            "'查封场所', 'compulsion_reason', '涉嫌违法经营', 'compulsion_basis', "
            "'《中华人民共和国行政强制法》第九条', 'compulsion_content', '查封经营场所', "
            f"'implementing_authority', {authority}, 'implementing_authority_code', {code}",
            "market_ban": "'ban_type', '市场禁入', 'ban_scope', '食品生产经营', 'ban_reason', "
            "'严重违法', 'ban_basis', '《中华人民共和国食品安全法》第一百三十五条', "
            f"'ban_from', '2026-01-01', 'deciding_authority', {authority}",
        }
        unnamed = f"CASE WHEN {NO_REPRESENTATIVE} THEN NULL ELSE '张测试' END"
        representative = f"'legal_representative_name', {unnamed}"
        fields = (
            "CASE g % 5 "
            + " ".join(
                f"WHEN {n} THEN "
                + self.json(
                    f"{common}, {own[c]}"
                    + (
                        f", {representative}"
                        if c in ("administrative_penalty", "administrative_licensing")
                        else ""
                    )
                )
                for n, c in enumerate(ITEMS)
            )
            + " END"
        )
        org = f"(1 + g % {orgs})"
        return (
            "INSERT INTO records (subject_id, id, item_code, catalog_item_id, catalog_version, "
            "category, disclosure, provider_id, batch_id, channel, source_id, severity, "
            "determined_on, fields, standing, received_at, subject_name) "
            f"SELECT {SUBJECT0} + {org}, {RECORD0} + g, {item} END, {item_id} END, 1, "
            f"CASE WHEN {negative} THEN 'negative' ELSE 'other' END, 'public', "
            f"CASE WHEN g % 3 = 0 THEN {tax} ELSE {province} END, ((g - 1) / {BATCH}), "
            f"'same_level', 'r-' || g, CASE WHEN {negative} THEN 'general' END, "
            f"CASE WHEN {negative} THEN {self.day(arrival)} END, {fields}, "
            f"'active', {arrival}, "
            f"'基准测试企业' || {org} || CASE WHEN g % 1000 = 5 THEN '（分）' ELSE '' END "
            f"FROM {self.series(first, last)}"
        )


def raw_count(db: Database, since: datetime | None = None) -> tuple[float, int]:
    """The bare pass: records counted by provider and item (of the batches after ``since``)."""
    where = ""
    params: dict[str, str] = {}
    if since is not None:
        where = "WHERE batch_id IN (SELECT id FROM batches WHERE received_at > :since)"
        params["since"] = timestamp_value(db.dialect, since)
    started = time.perf_counter()
    with db.transaction() as session:
        rows = session.execute(
            text(f"SELECT provider_id, item_code, count(*) FROM records {where} GROUP BY 1, 2"),
            params,
        ).all()
    return time.perf_counter() - started, sum(n for _, _, n in rows)


def timed_run(db: Database, kind: str) -> tuple[float, dict[str, float], RunResult]:
    """One run as the job runs it: its total (commit included) and each phase's seconds."""
    ctx = CollectionContext(db)
    marks: list[tuple[str, float]] = []
    started = time.perf_counter()
    with db.transaction() as session:
        advisory_xact_lock(session, "job:quality")
        result = check(
            session,
            Step(ctx, SYSTEM, NOW),
            kind=kind,
            on_phase=lambda phase: marks.append((phase, time.perf_counter())),
        )
    total = time.perf_counter() - started
    phases = {"last pushes": marks[0][1] - started}
    ends = [at for _, at in marks[1:]] + [started + total]
    for (phase, at), end in zip(marks, ends, strict=True):
        phases[phase] = end - at
    return total, phases, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", default="postgresql", choices=("sqlite", "postgresql"))
    parser.add_argument("--records", type=int, default=5_000_000)
    parser.add_argument("--orgs", type=int, default=0, help="default: a tenth of the records")
    parser.add_argument("--reuse", action="store_true", help="measure the last run's database")
    args = parser.parse_args()
    orgs = args.orgs or args.records // 10
    print(f"machine: {machine()}; load average before: {os.getloadavg()}")
    if args.reuse:
        db = Database(existing_settings(args.backend, NAME))
    else:
        db = Database(fresh_settings(args.backend, NAME))
        with db.transaction() as session:
            ensure_defaults(session, now=START)
        took = generate(db, orgs, args.records)
        print(f"{args.backend}: {args.records:,} records ({orgs:,} organisations) in {took:.0f} s")
    with db.transaction() as session:
        for table in ("tasks", "quality_overdue_duties", "quality_findings", "quality_runs"):
            session.execute(text(f"DELETE FROM {table}"))
        session.execute(text("DELETE FROM quality_last_pushes"))
    raw, counted = raw_count(db)
    print(f"  raw group-by of every record:        {raw:8.1f} s ({counted:,} records)")
    # The daily run: the cursor a day back, where the day before's run left it.
    day_ago = NOW - timedelta(days=1)
    with db.transaction() as session:
        session.add(
            QualityRun(
                kind="daily",
                day=day_ago.date(),
                since=None,
                until=day_ago,
                rule_set_version=1,
                started_by="bench",
                started_at=day_ago,
                finished_at=day_ago,
            )
        )
    raw_day, day_records = raw_count(db, day_ago - timedelta(minutes=10))
    daily, daily_phases, found = timed_run(db, "daily")
    print(f"  raw group-by of a day's batches:     {raw_day:8.2f} s ({day_records:,} records)")
    print(f"  daily run over that day:             {daily:8.2f} s, found {found.found}")
    for phase, seconds in daily_phases.items():
        print(f"    {phase:38} {seconds:8.2f} s")
    full, phases, result = timed_run(db, "full")
    print(f"  full run (every rule, every record): {full:8.1f} s — {full / raw:.1f}× the raw pass")
    for phase, seconds in phases.items():
        print(f"    {phase:38} {seconds:8.1f} s")
    print(f"    found {result.found}; duties opened {result.duties_opened}")
    # What only the very first run does: every record's last push (later runs: the window's).
    started = time.perf_counter()
    with db.transaction() as session:
        update_last_pushes(session, Window(since=None, until=NOW))
    first_pushes = time.perf_counter() - started
    print(f"  last pushes from every record (the first run only): {first_pushes:6.1f} s")
    again, _ = raw_count(db)
    print(f"  raw group-by again:                  {again:8.1f} s")
    db.dispose()


if __name__ == "__main__":
    main()
