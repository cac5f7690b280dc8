"""The daily warning sweep (risk/sweep.py, docs/risk.md) at a province's size (issue 17 part 2:
5,000,000 records, target ≤ 60 s), beside a raw baseline over the same records, measured in
the same run.

The archive is made by the database itself (generate_series on PostgreSQL, a recursive CTE on
SQLite; the same rows on both, benchmarks/quality.py's pieces) in a bench database: ``--records``
records of ``--records / 10`` organisations, arrived evenly over the two years before today —
each organisation's registration, then 5 % 行政处罚 (1 in 50 fined over 50 万元; one in ten
to one of 4,999 repeat offenders), 25 % 行政许可 (valid one, three or five years), 15 % 日常监督
检查 (one in ten with a rectification deadline up to 60 days on, two in three of those not
rectified), 10 % 行政强制 and the rest other inspections — the organisations' legal
representatives and actual controllers (one in ten a person serving four organisations), 1 in
100 organisations on a black list (a tenth of them with such a representative), and a grade
change for each in the last year (1 in 50 by two bands).

Measured, in this order, each in its own transaction:

1. raw: ``SELECT count(*) FROM records``, and the records of the rules' items grouped by item
   (a bare pass over them: the floor of any set-based pass that reads them all);
2. each default rule's candidates counted alone (what the sweep's ``INSERT … SELECT`` reads);
3. the first sweep: every fact in every window is new — the back-log of a first day;
4. the sweep again the same day (every fact already warned: the reads alone);
5. the next day's sweep (the facts that came into the windows overnight): the daily job.

    .venv/bin/python benchmarks/risk.py --backend postgresql                   # 5,000,000
    .venv/bin/python benchmarks/risk.py --backend sqlite --records 500000
    .venv/bin/python benchmarks/risk.py --backend postgresql --reuse          # no new load
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import datetime, timedelta

from common import (
    OUT,
    a_black_list,
    drop_postgresql_database,
    existing_settings,
    fresh_settings,
    machine,
    published_item_ids,
)
from sqlalchemy import func, select, text

from quality import NOW, Sql, departments
from xinyong.cli.common import upgrade_database
from xinyong.core.auth import SYSTEM
from xinyong.core.calendar import calendar_for
from xinyong.core.clock import local_date
from xinyong.core.locks import advisory_xact_lock
from xinyong.db import Database
from xinyong.defaults import ensure_defaults
from xinyong.records.service import CollectionContext
from xinyong.rights.step import Step
from xinyong.risk import repository
from xinyong.risk.sweep import candidates_of, sweep

NAME = "bench_risk"
START = NOW - timedelta(days=730)
SUBJECT0 = 1_000_000_000
PERSON0 = 3_000_000_000
RECORD0 = 5_000_000_000
CHUNK = 1_000_000
BATCH = 1_000  # records a batch (quality.Sql spreads the batches' arrivals over two years)
ITEMS = ("administrative_licensing", "inspection_result", "administrative_penalty")
# g % 20 → item: the mix of the records besides the registrations.
MIX = (
    [("administrative_penalty", "negative")]
    + [("administrative_licensing", "basic")] * 5
    + [("inspection_result", "other")] * 3
    + [("administrative_compulsion", "negative")] * 2
    + [("administrative_inspection", "other")] * 9
)
GRADES = ("A", "B", "C", "D")


def generate(db: Database, orgs: int, records: int) -> float:
    """The archive, links, black-list entries and grade changes, by the database."""
    sql = Sql(db.dialect == "postgresql", -(-records // BATCH))
    item_ids = published_item_ids(db)
    black = a_black_list(db)
    province, city, tax = departments(db)
    started = time.perf_counter()
    stamp = sql.at("0")
    with db.engine.begin() as conn:

        def run(statement: str) -> None:
            conn.execute(text(statement))

        run(
            "INSERT INTO subjects (id, kind, credit_code, name, region_code, "
            "is_government_agency, created_at) SELECT "
            f"{SUBJECT0} + g, 'legal_person', '9132' || {digits(sql, 'g', 14)}, "
            f"'基准测试企业' || g, '320100', false, {stamp} FROM {sql.series(1, orgs)}"
        )
        registration = sql.json(
            "'name', '基准测试企业' || g, 'entity_form', '有限责任公司', "
            "'established_on', '2015-06-01', 'status', '存续'"
        )
        run(
            "INSERT INTO records (subject_id, id, item_code, catalog_item_id, catalog_version, "
            "category, disclosure, provider_id, batch_id, channel, source_id, fields, standing, "
            f"received_at) SELECT {SUBJECT0} + g, {RECORD0} + g, 'org_registration', "
            f"{item_ids['org_registration']}, 1, 'basic', 'public', {province}, 0, "
            f"'same_level', 'reg-' || g, {registration}, 'active', {stamp} "
            f"FROM {sql.series(1, orgs)}"
        )
        print(f"  {orgs:,} organisations registered", flush=True)
        for first in range(orgs + 1, records + 1, CHUNK):
            last = min(records, first + CHUNK - 1)
            run(others(sql, item_ids, province, tax, orgs, first, last))
            print(f"  records {last:,}", flush=True)
        # Two links an organisation; one organisation in ten is represented by one of a pool
        # of persons serving four organisations each.
        pool = max(1, orgs // 40)
        serial = f"{PERSON0} + 2 * {orgs} + (g * 7) % {pool}"
        representative = f"CASE WHEN g % 10 = 3 THEN {serial} ELSE {PERSON0} + g END"
        for role, person, n in (
            ("legal_representative", representative, 0),
            ("actual_controller", f"{PERSON0} + {orgs} + g", orgs),
        ):
            run(
                "INSERT INTO subject_links (subject_id, id, person_id, role, source_record_id, "
                f"started_at) SELECT {SUBJECT0} + g, {n} + g, {person}, '{role}', "
                f"{RECORD0} + g, {stamp} FROM {sql.series(1, orgs)}"
            )
        run(
            "INSERT INTO list_entries (subject_id, id, list_id, list_code, kind, department_id, "
            "state, reason, basis_records, responsible_persons, created_at, confirmed_at, "
            "benefits_recall) "
            f"SELECT {SUBJECT0} + g, g, {black[0]}, '{black[1]}', 'black', {city}, 'listed', "
            f"'基准', '[]', '[]', {stamp}, {stamp}, false FROM {sql.series(1, orgs)} "
            "WHERE g % 100 = 13"
        )
        # One grade change each in the last year; 1 in 50 two bands down (A → C, B → D).
        at = sql.at(f"({sql.batches} - 1 - (g % 365) * {sql.batches} / 730)")
        previous = (
            "CASE WHEN g % 50 = 0 THEN (CASE WHEN g % 2 = 0 THEN 'A' ELSE 'B' END) ELSE 'B' END"
        )
        grade = "CASE WHEN g % 50 = 0 THEN (CASE WHEN g % 2 = 0 THEN 'C' ELSE 'D' END) ELSE 'A' END"
        run(
            "INSERT INTO evaluation_grade_changes (subject_id, id, run_id, previous_grade, grade, "
            f"score, at) SELECT {SUBJECT0} + g, g, 1, {previous}, {grade}, 700, {at} "
            f"FROM {sql.series(1, orgs)}"
        )
    db.analyze()
    if sql.pg:  # what autovacuum does soon after a load: the visibility map, the statistics
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in ("records", "subject_links", "list_entries", "evaluation_grade_changes"):
                conn.exec_driver_sql(f"VACUUM (ANALYZE) {table}")
    return time.perf_counter() - started


def digits(sql: Sql, value: str, width: int) -> str:
    if sql.pg:
        return f"lpad(CAST({value} AS text), {width}, '0')"
    return f"substr('{'0' * width}' || {value}, -{width})"


def others(sql: Sql, item_ids, province, tax, orgs, first, last) -> str:  # type: ignore[no-untyped-def]
    """Records ``first`` … ``last`` by MIX (g % 20), scattered over the organisations."""
    arrival = sql.at(f"((g - 1) / {BATCH})")
    day = sql.local_day(arrival, "-1")

    def after(days: str) -> str:
        return sql.local_day(arrival, days)

    common = "'decision_number', '基准〔2026〕' || g || '号', 'data_source', '基准机关'"
    own = {
        "administrative_penalty": f"'decided_on', {day}, 'penalty_category', '罚款', "
        "'fine_amount', CASE WHEN g % 1000 = 0 THEN '80.00' ELSE '1.00' END, "
        "'violation_facts', '经查，该企业在商品宣传中使用虚假内容，违反了相关法律的规定。'",
        "administrative_licensing": f"'decided_on', {day}, 'licence_content', '食品经营许可', "
        f"'valid_from', {day}, 'valid_to', {after('365 * (1 + 2 * (g % 3))')}",
        "inspection_result": f"'inspected_on', {day}, 'result', '发现问题', "
        f"'rectification_deadline_on', CASE WHEN g % 10 = 7 THEN {after('g % 60')} END, "
        "'rectification_status', CASE WHEN g % 10 = 7 THEN (CASE WHEN g % 3 = 0 THEN '已整改' "
        "WHEN g % 3 = 1 THEN '整改中' END) END",
        "administrative_compulsion": f"'decided_on', {day}, 'compulsion_type', '查封'",
        "administrative_inspection": f"'inspected_on', {day}, 'inspection_result', '未发现问题'",
    }
    codes = [code for code, _ in MIX]
    item = "CASE g % 20 " + " ".join(f"WHEN {n} THEN '{c}'" for n, c in enumerate(codes)) + " END"
    item_id = (
        "CASE g % 20 "
        + " ".join(f"WHEN {n} THEN {item_ids[c]}" for n, c in enumerate(codes))
        + " END"
    )
    category = (
        "CASE g % 20 " + " ".join(f"WHEN {n} THEN '{k}'" for n, (_, k) in enumerate(MIX)) + " END"
    )
    fields = (
        "CASE g % 20 "
        + " ".join(f"WHEN {n} THEN {sql.json(f'{common}, {own[c]}')}" for n, c in enumerate(codes))
        + " END"
    )
    negative = "g % 20 IN (0, 9, 10)"
    # Scattered: an organisation's records are of every item, not one; but one penalty in
    # ten goes to one of 4,999 repeat offenders (about five each in two years).
    pool = min(4999, orgs)
    org = (
        f"(CASE WHEN g % 200 = 0 THEN 1 + ((CAST(g AS bigint) / 200) * 7919) % {pool} "
        f"ELSE 1 + ((CAST(g AS bigint) / 20) * 7919 + (g % 20) * 104729) % {orgs} END)"
    )
    return (
        "INSERT INTO records (subject_id, id, item_code, catalog_item_id, catalog_version, "
        "category, disclosure, provider_id, batch_id, channel, source_id, severity, "
        "determined_on, expires_on, fields, standing, received_at) "
        f"SELECT {SUBJECT0} + {org}, {RECORD0} + g, {item}, {item_id}, 1, {category}, 'public', "
        f"CASE WHEN g % 3 = 0 THEN {tax} ELSE {province} END, ((g - 1) / {BATCH}), "
        f"'same_level', 'r-' || g, CASE WHEN {negative} THEN 'general' END, "
        f"CASE WHEN {negative} THEN {sql.day(arrival)} END, "
        f"CASE WHEN {negative} THEN {expiry(sql, sql.day(arrival))} END, {fields}, "
        f"'active', {arrival} FROM {sql.series(first, last)}"
    )


def expiry(sql: Sql, day: str) -> str:
    """A general negative record counts for a year (Measures art. 30)."""
    if sql.pg:
        return f"({day} + 365)"
    return f"date({day}, '+365 days')"


def timed(db: Database, now: datetime) -> tuple[float, float, int, dict[str, int]]:
    """One sweep as the daily job runs it, forced: wall and this process's CPU seconds."""
    ctx = CollectionContext(db)
    started, cpu = time.perf_counter(), time.process_time()
    with db.transaction() as session:
        advisory_xact_lock(session, "job:risk_sweep")
        result = sweep(session, Step(ctx, SYSTEM, now), force=True)
    assert result is not None
    return (
        time.perf_counter() - started,
        time.process_time() - cpu,
        result.delivered,
        result.by_rule,
    )


def each_rule(db: Database, now: datetime) -> None:
    """Each rule's candidates counted alone: what its INSERT … SELECT reads."""
    today = local_date(now)
    with db.transaction() as session:
        calendar = calendar_for(session)
        rules = repository.rules_in_force(session)
    for rule in rules:
        with db.transaction() as session:
            query = candidates_of(rule, db.dialect, today, calendar).subquery()
            started = time.perf_counter()
            n = session.execute(select(func.count()).select_from(query)).scalar_one()
        took = time.perf_counter() - started
        print(f"    {rule.code:22} {took:7.2f} s ({n:,} candidates)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", default="postgresql", choices=("sqlite", "postgresql"))
    parser.add_argument("--records", type=int, default=5_000_000)
    parser.add_argument("--reuse", action="store_true", help="measure the last run's database")
    parser.add_argument("--drop", action="store_true", help="drop the database afterwards")
    args = parser.parse_args()
    orgs = args.records // 10
    print(f"machine: {machine()}; load average before: {os.getloadavg()}", flush=True)
    if args.reuse:  # brought up to the head first: an index added since is built
        settings = existing_settings(args.backend, NAME)
        started = time.perf_counter()
        upgrade_database(settings)
        print(f"migrated to the head in {time.perf_counter() - started:.1f} s", flush=True)
        db = Database(settings)
    else:
        db = Database(fresh_settings(args.backend, NAME))
        with db.transaction() as session:
            ensure_defaults(session, now=START)
        took = generate(db, orgs, args.records)
        print(f"{args.backend}: {args.records:,} records ({orgs:,} organisations) in {took:.0f} s")
    with db.transaction() as session:
        for table in ("outbox_messages", "tasks", "warnings", "risk_sweeps"):
            session.execute(text(f"DELETE FROM {table}"))

    started = time.perf_counter()
    with db.transaction() as session:
        records = session.execute(text("SELECT count(*) FROM records")).scalar_one()
    raw_all = time.perf_counter() - started
    started = time.perf_counter()
    with db.transaction() as session:
        rows = session.execute(
            text(
                "SELECT item_code, count(*) FROM records WHERE item_code IN "
                f"({', '.join(repr(i) for i in ITEMS)}) GROUP BY item_code"
            )
        ).all()
    raw_items = time.perf_counter() - started
    print(f"{args.backend}: {records:,} records; load average {os.getloadavg()}")
    print(f"  raw count(*) of all records:              {raw_all:7.2f} s")
    print(
        f"  raw group-by of the rules' items:         {raw_items:7.2f} s "
        f"({sum(n for _, n in rows):,} records)",
        flush=True,
    )
    print("  each rule's candidates counted alone:")
    each_rule(db, NOW)
    for label, now in (
        ("first sweep (every fact new)", NOW),
        ("the same day again (nothing new)", NOW),
        ("the next day (the daily job)", NOW + timedelta(days=1)),
    ):
        wall, cpu, delivered, by_rule = timed(db, now)
        print(
            f"  {label:34} {wall:7.2f} s (CPU here {cpu:.2f} s), {delivered:,} warnings "
            f"delivered; load average {os.getloadavg()}"
        )
        print(f"    {by_rule}", flush=True)
    db.dispose()
    if args.drop:
        if args.backend == "postgresql":
            drop_postgresql_database(NAME)
        else:
            for suffix in ("", "-wal", "-shm"):
                (OUT / f"{NAME}.db{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
