"""The draw of 双随机、一公开 at province scale (issue 16): 50,000 subjects drawn from
1,000,000 with two inspectors assigned to each, target ≤ 1 s for the draw and the assignment.

    .venv/bin/python benchmarks/inspections.py                      # the algorithm, in memory
    .venv/bin/python benchmarks/inspections.py --backend postgresql # and end to end, on a DB

Printed beside each other, from the same run:

- raw: NumPy's ``Generator.choice`` of 50,000 of the same 1,000,000 ids without replacement,
  and ``integers`` for two inspectors each (no strata, no exclusions, no reproducibility);
- draw: inspections/draw.py — the stratified draw (one key per subject from PCG64, the smallest
  keys of each class) and the assignment (two distinct inspectors each, the subjects with
  exclusions one by one), as ``drawing.draw_plan`` runs them;
- snapshot: the canonical bytes, their SHA-256 and their compression (kept with the draw).

With ``--backend``: 1,000,000 organisations and their grades loaded straight into the tables
(COPY on PostgreSQL, executemany on SQLite), a pool of ``--inspectors``; then, timed apart, the
population read (``drawing.classed_population``), and ``drawing.draw_plan`` whole — population
read, pool check, draw, assignment, the draw's rows written — and its commit.
"""

from __future__ import annotations

import argparse
import time
import zlib
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import polars as pl
from common import fresh_settings, machine

from checks import credit_code
from xinyong.core.auth import Principal
from xinyong.core.bulk import insert_rows
from xinyong.core.clock import SHANGHAI
from xinyong.db import Database
from xinyong.departments.service import create_department
from xinyong.inspections import draw, drawing, rules
from xinyong.inspections.schemas import PlanIn
from xinyong.inspections.service import create_plan, publish_plan
from xinyong.models import Department, Role

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
# Grades of the population (A–D, and the ungraded), and each class's ratio (percent).
GRADE_SHARES = {"A": 0.50, "B": 0.30, "C": 0.10, "D": 0.05, None: 0.05}
CLASS_OF = {"A": "low", "B": "ordinary", "C": "elevated", "D": "high", None: "ordinary"}
RATIOS = {"low": "3", "ordinary": "5", "elevated": "10", "high": "20"}


def population_arrays(subjects: int, seed: int) -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    grades = list(GRADE_SHARES)
    picked = rng.choice(len(grades), size=subjects, p=list(GRADE_SHARES.values()))
    return [credit_code(n) for n in range(subjects)], np.asarray(grades, dtype=object)[picked]


def timed(fn, *args, repeat: int = 3):  # type: ignore[no-untyped-def]
    """The best of ``repeat`` runs (the machine is shared), and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn(*args)
        best = min(best, time.perf_counter() - started)
    return best, result


def in_memory(subjects: int, inspectors: int, excluded_share: float, seed: int) -> None:
    codes, grades = population_arrays(subjects, seed)
    classes = [CLASS_OF[g] for g in grades]
    ratios = {c: rules.ratio_bp(Decimal(p), field=c) for c, p in RATIOS.items()}
    ids = np.arange(1, subjects + 1, dtype=np.int64)
    t_pop, pop = timed(draw.population, codes, classes, ids, repeat=1)
    pool_ids = np.arange(10_000, 10_000 + inspectors, dtype=np.int64)

    def raw() -> np.ndarray:
        rng = np.random.default_rng(seed)
        chosen = rng.choice(ids, 50_000, replace=False)
        first = rng.integers(0, inspectors, size=len(chosen))
        second = (first + 1 + rng.integers(0, inspectors - 1, size=len(chosen))) % inspectors
        return np.stack([chosen, pool_ids[first], pool_ids[second]])

    # Exclusions as the service reads them, (subject, inspector) pairs: for a share of the
    # population (declared conflicts, assignments of the last year).
    rng = np.random.default_rng(seed + 1)
    with_conflicts = rng.choice(ids, int(subjects * excluded_share), replace=False)
    pairs = pl.DataFrame(
        {"subject_id": with_conflicts, "inspector_id": rng.choice(pool_ids, len(with_conflicts))}
    )
    pool = drawing.DepartmentPool(Department(code="bench"), pool_ids, pairs)

    def stratified_and_assigned() -> tuple[draw.Drawn, dict]:
        """What drawing.draw_plan runs between the pool check and the writes."""
        bitgen = np.random.PCG64(seed)
        drawn = draw.draw_subjects(pop, ratios, bitgen)
        chosen = pop.frame[drawn.positions]
        assign_pool = drawing.assignment_pool(pool, chosen)
        return drawn, draw.assign(len(chosen), [assign_pool], bitgen, 2)

    t_raw, _ = timed(raw)
    t_draw, (drawn, assigned) = timed(stratified_and_assigned)
    t_bytes, data = timed(draw.snapshot_bytes, pop)
    t_hash, _ = timed(draw.sha256, data)
    t_zip, packed = timed(zlib.compress, data, 1, repeat=1)
    print(f"machine: {machine()}")
    print(
        f"population {subjects:,}, drawn {len(drawn.positions):,} "
        f"({', '.join(f'{c} {n:,}/{s:,}' for c, (s, n) in drawn.strata.items())}), "
        f"pool {inspectors:,}, subjects with exclusions {excluded_share:.0%}"
    )
    print(f"  population arrays (codes sorted, classes indexed): {t_pop:.3f} s")
    print(f"  raw: numpy choice of 50,000 ids + two inspectors each: {t_raw:.3f} s")
    print(f"  draw: stratified draw + assignment:                   {t_draw:.3f} s")
    print(
        f"  snapshot: bytes {t_bytes:.3f} s, SHA-256 {t_hash:.3f} s, zlib {t_zip:.3f} s "
        f"({len(data) / 1e6:.1f} MB → {len(packed) / 1e6:.1f} MB)"
    )
    assert assigned["bench"].shape == (len(drawn.positions), 2)


def load(db: Database, subjects: int, inspectors: int, seed: int) -> int:
    """Organisations, their public grades, a market regulator with its pool. Returns its id."""
    codes, grades = population_arrays(subjects, seed)
    created = datetime(2026, 1, 1, tzinfo=UTC)
    with db.transaction() as session:
        dept = create_department(
            session,
            code="bench-amr",
            name="基准测试市场监管局",
            region_code="320100",
            kind="market_regulation",
            actor="bench",
            now=NOW,
        )
        dept_id = dept.id
    chunk = 100_000
    for start in range(0, subjects, chunk):
        part = range(start, min(subjects, start + chunk))
        with db.transaction() as session:
            insert_rows(
                session,
                "subjects",
                ("id", "kind", "credit_code", "name", "region_code", "registering_authority",
                 "entity_type", "is_government_agency", "created_at"),
                [
                    (n + 1, "legal_person", codes[n], f"基准测试企业{n}", "320100", "9", "1",
                     False, created)
                    for n in part
                ],
            )  # fmt: skip
            insert_rows(
                session,
                "evaluation_grades",
                ("subject_id", "model_id", "run_id", "score", "grade", "capped_by", "points",
                 "as_of", "evaluated_at"),
                [
                    (n + 1, 1, 1, "900.00", grades[n], None, "{}", "2026-11-01", created)
                    for n in part if grades[n] is not None
                ],
            )  # fmt: skip
    with db.transaction() as session:
        insert_rows(
            session,
            "inspectors",
            ("id", "department_id", "badge_number", "name", "fields", "active", "updated_by",
             "updated_at"),
            [
                (10_000 + i, dept_id, f"32010{i:05d}", f"检查员{i}", '["market_regulation"]',
                 True, "bench", created)
                for i in range(inspectors)
            ],
        )  # fmt: skip
    return dept_id


def on_database(backend: str, subjects: int, inspectors: int, seed: int) -> None:
    settings = fresh_settings(backend, f"bench_inspections_{backend}")
    db = Database(settings)
    started = time.perf_counter()
    dept_id = load(db, subjects, inspectors, seed)
    if backend == "postgresql":
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    loaded = time.perf_counter() - started
    lead = Principal(role=Role.provider, department_id=dept_id, department_code="bench-amr",
                     department_kind="market_regulation", name="bench")  # fmt: skip
    body = PlanIn(
        title="基准测试抽查计划",
        items=[{"code": "B-1", "name": "企业公示信息抽查", "basis": "《企业信息公示暂行条例》"}],
        population={"regions": ["3201"]},
        ratios={c: Decimal(p) for c, p in RATIOS.items()},
        inspect_from=NOW.date(),
        inspect_until=NOW.date().replace(month=12, day=31),
    )
    with db.transaction() as session:
        plan = create_plan(session, lead, body, ids=db.ids, now=NOW)
        publish_plan(session, lead, plan.id, now=NOW)
        plan_id = plan.id
    with db.transaction() as session:
        plan = drawing.repository.plan(session, plan_id)
        t_read, pop = timed(drawing.classed_population, session, plan)
        session.rollback()
    started = time.perf_counter()
    with db.transaction() as session:
        row = drawing.draw_plan(session, lead, plan_id, now=NOW)
        drawn = row.drawn
        before_commit = time.perf_counter() - started
    whole = time.perf_counter() - started
    with db.transaction() as session:
        verified = drawing.verify(session, plan_id)
    print(
        f"{backend}: loaded {subjects:,} subjects and grades in {loaded:.1f} s; "
        f"population read {t_read:.2f} s ({len(pop):,} rows); draw_plan {before_commit:.2f} s "
        f"+ commit = {whole:.2f} s, {drawn:,} drawn; reproduced: "
        f"{verified.subjects_match and verified.inspectors_match}"
    )
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--inspectors", type=int, default=2_000)
    parser.add_argument("--excluded", type=float, default=0.02, help="share with exclusions")
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), action="append")
    args = parser.parse_args()
    in_memory(args.subjects, args.inspectors, args.excluded, args.seed)
    for backend in args.backend or ():
        on_database(backend, args.subjects, args.inspectors, args.seed)


if __name__ == "__main__":
    main()
