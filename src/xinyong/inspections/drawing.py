"""A plan's one draw (双随机): the population read and classed, the pools checked, the subjects
and inspectors drawn (inspections/draw.py), everything kept so that the draw can be made again
from its seed and snapshot, and the draw published at once (一公开).

The pool is checked against the whole population before the seed exists: a department whose
pool cannot give two conflict-free inspectors to some subject of the population is refused
(``pool_too_small``, naming those subjects), whatever the draw would have picked. A refusal
that depended on the draw would let a department draw again until it liked the subjects."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy.orm import Session

from xinyong.core import audit
from xinyong.core.auth import Principal
from xinyong.core.bulk import insert_rows
from xinyong.core.clock import local_date
from xinyong.errors import Conflict
from xinyong.feeds.changes import record_change
from xinyong.inspections import draw, repository, rules
from xinyong.inspections.schemas import VerificationOut
from xinyong.inspections.service import INSPECTION, empty_population
from xinyong.inspections.supervision import publication_rules
from xinyong.models import Department, InspectionDraw, InspectionPlan
from xinyong.subjects.repository import keys_and_names

# Subjects named in a pool_too_small refusal, per department (the count says how many lack).
NAMED_AT_MOST = 50


def classed_population(session: Session, plan: InspectionPlan) -> draw.Population:
    """The plan's population now, each subject in its class: its grade for the plan's field
    (the field's, else the public one), through the class map frozen in the plan."""
    frame = repository.population_with_grades(session, field=plan.field, **plan.population)
    grades: dict[str, str] = plan.classes["grades"]
    classes = (
        pl.coalesce(pl.col("field_grade"), pl.col("public_grade"))
        .replace_strict(grades, default=plan.classes["ungraded"], return_dtype=pl.String)
        .alias("class")
    )
    frame = frame.with_columns(classes)
    return draw.population(frame["credit_code"], frame["class"], frame["subject_id"])


@dataclass(frozen=True)
class DepartmentPool:
    department: Department
    # Active inspectors qualified for the department's items, ascending ids.
    inspectors: np.ndarray
    # (subject_id, inspector_id): declared conflicts and assignments within the window.
    excluded: pl.DataFrame


def department_pools(
    session: Session, plan: InspectionPlan, departments: list[Department], today: datetime
) -> list[DepartmentPool]:
    since = rules.recent_since(local_date(today), publication_rules())
    pools = []
    for dept in departments:
        fields = {i["field"] for i in plan.items if i["department"] == dept.code}
        eligible = sorted(
            i.id
            for i in repository.inspectors_of(session, dept.id)
            if i.active and fields & set(i.fields)
        )
        pairs = pl.concat(
            [
                repository.conflict_pairs(session, eligible),
                repository.recent_assignment_pairs(session, dept.id, since),
            ]
        )
        pairs = pairs.filter(pl.col("inspector_id").is_in(eligible)).unique()
        pools.append(DepartmentPool(dept, np.asarray(eligible, dtype=np.int64), pairs))
    return pools


def require_enough(session: Session, pop: draw.Population, pools: list[DepartmentPool]) -> None:
    """Every subject of the population has ``k`` conflict-free inspectors in every
    department's pool (publication.json: 《行政处罚法》第四十二条, two at least); else 409
    ``pool_too_small``, naming the subjects that lack them."""
    k = publication_rules().inspectors_per_subject
    short: list[dict[str, Any]] = []
    ids = pop.frame.select("subject_id", "credit_code")
    for pool in pools:
        counts = pool.excluded.group_by("subject_id").agg(pl.len().alias("excluded"))
        lacking = (
            ids.join(counts, on="subject_id", how="left")
            .with_columns(
                (len(pool.inspectors) - pl.col("excluded").fill_null(0)).alias("available")
            )
            .filter(pl.col("available") < k)
        )
        if lacking.height:
            named = lacking.head(NAMED_AT_MOST)
            names = keys_and_names(session, set(named["subject_id"].to_list()))
            short.append(
                {
                    "department": pool.department.code,
                    "inspectors": len(pool.inspectors),
                    "lacking": lacking.height,
                    "subjects": [
                        {
                            "credit_code": code,
                            "name": names.get(sid, (None, None, ""))[2],
                            "available": max(available, 0),
                        }
                        for sid, code, available in named.select(
                            "subject_id", "credit_code", "available"
                        ).iter_rows()
                    ],
                }
            )
    if short:
        total = sum(s["lacking"] for s in short)
        raise Conflict(
            f"执法检查人员不足：{total} 个主体没有 {k} 名无须回避的检查人员",
            f"the pool is too small: {total} subjects lack {k} conflict-free inspectors",
            field="pool",
            code="pool_too_small",
            departments=short,
        )


def draw_plan(
    session: Session, principal: Principal, plan_id: int, *, now: datetime
) -> InspectionDraw:
    """The lead draws its published plan, once."""
    plan = repository.plan(session, plan_id, for_update=True)
    rules.require_lead(plan.lead_department_id, principal.department_id)
    to = rules.require_move(plan.state, "draw")
    pop = classed_population(session, plan)
    if not len(pop):
        raise empty_population()
    departments = repository.plan_departments(session, plan.id)
    pools = department_pools(session, plan, departments, now)
    require_enough(session, pop, pools)
    ratios = {c["code"]: c["ratio_bp"] for c in plan.classes["classes"]}
    k = publication_rules().inspectors_per_subject
    seed = draw.new_seed()
    bitgen = np.random.PCG64(seed)
    drawn = draw.draw_subjects(pop, ratios, bitgen)
    chosen = pop.frame[drawn.positions]
    codes = chosen["credit_code"].to_list()
    assign_pools = [assignment_pool(pool, chosen) for pool in pools]
    assignments = draw.assign(len(codes), assign_pools, bitgen, k)
    snapshot = draw.snapshot_bytes(pop)
    pool_doc = draw.pool_document(assign_pools, codes)
    today = local_date(now)
    row = InspectionDraw(
        plan_id=plan.id,
        algorithm=draw.ALGORITHM,
        seed=str(seed),
        snapshot_sha256=draw.sha256(snapshot),
        snapshot=zlib.compress(snapshot, 1),
        population=len(pop),
        drawn=len(codes),
        strata={
            code: {"size": size, "ratio_bp": ratios[code], "drawn": n}
            for code, (size, n) in drawn.strata.items()
        },
        pool=pool_doc,
        pool_sha256=draw.pool_sha256(pool_doc),
        drawn_by=principal.actor,
        drawn_at=now,
        drawn_on=today,
    )
    session.add(row)
    plan.state = to
    session.flush()
    subject_ids = chosen["subject_id"].to_list()
    insert_rows(
        session,
        "inspection_draw_subjects",
        ("plan_id", "subject_id", "class_code"),
        list(zip([plan.id] * len(codes), subject_ids, chosen["class"].to_list(), strict=True)),
    )
    day = today.isoformat()
    insert_rows(
        session,
        "inspection_assignments",
        ("plan_id", "subject_id", "inspector_id", "department_id", "drawn_on"),
        [
            (plan.id, subject_ids[r], int(inspector), pool.department.id, day)
            for pool in pools
            for r, row_ids in enumerate(assignments[pool.department.code].tolist())
            for inspector in row_ids
        ],
    )
    audit.log(
        session,
        actor=principal.actor,
        action="inspections.plan_drawn",
        at=now,
        target_type="inspection_plan",
        target_id=plan.id,
        detail={
            "algorithm": row.algorithm,
            "seed": row.seed,
            "snapshot_sha256": row.snapshot_sha256,
            "pool_sha256": row.pool_sha256,
            "population": row.population,
            "drawn": row.drawn,
        },
    )
    record_change(
        session,
        at=now,
        topic=INSPECTION,
        event="draw_published",
        detail={"plan": str(plan.id), "drawn": row.drawn},
    )
    return row


def assignment_pool(pool: DepartmentPool, chosen: pl.DataFrame) -> draw.Pool:
    """The department's pool for the drawn subjects: their exclusions by row."""
    rows = chosen.select("subject_id").with_row_index("row")
    excluded = (
        pool.excluded.join(rows, on="subject_id")
        .group_by("row")
        .agg(pl.col("inspector_id").sort())
        .sort("row")
    )
    return draw.Pool(
        pool.department.code,
        pool.inspectors,
        {int(r): ids for r, ids in excluded.iter_rows()},
    )


def snapshot_of(session: Session, plan_id: int) -> tuple[InspectionDraw, bytes]:
    """A drawn plan's snapshot, as its canonical bytes."""
    rules.require_drawn(repository.plan(session, plan_id).state)
    row = session.get_one(InspectionDraw, plan_id)
    return row, zlib.decompress(row.snapshot)


def verify(session: Session, plan_id: int) -> VerificationOut:
    """Make the draw again from what it kept — the snapshot, the seed, the ratios, the pool —
    and compare with the subjects and inspectors stored."""
    plan = repository.plan(session, plan_id)
    row, data = snapshot_of(session, plan_id)
    pop = draw.parse_snapshot(data)
    ratios = {c["code"]: c["ratio_bp"] for c in plan.classes["classes"]}
    outcome = draw.run(
        pop, ratios, int(row.seed), row.pool, publication_rules().inspectors_per_subject
    )
    stored = repository.drawn_subjects(session, plan.id)
    by_code = {code or "": sid for sid, code, _, _ in stored}
    subjects_match = sorted(by_code) == outcome.codes
    assigned = repository.assignment_ids_of(session, plan.id)
    dept_ids = {d.code: d.id for d in repository.plan_departments(session, plan.id)}
    inspectors_match = subjects_match and all(
        assigned.get((by_code[code], dept_ids[dept])) == sorted(int(i) for i in picks)
        for dept, table in outcome.assignments.items()
        for code, picks in zip(outcome.codes, table.tolist(), strict=True)
    )
    return VerificationOut(
        plan_id=str(plan.id),
        snapshot_sha256=row.snapshot_sha256,
        snapshot_matches=draw.sha256(data) == row.snapshot_sha256,
        subjects_match=subjects_match,
        inspectors_match=inspectors_match,
    )
