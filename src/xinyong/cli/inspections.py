"""`xinyong inspections`: graded supervision rules, inspector pools, plans, the draw of
双随机、一公开 and its reproduction (docs/inspections.md)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from xinyong.cli.common import (
    ACTOR,
    JsonOption,
    _clock,
    _database,
    _print_json,
    _read_json,
    console,
)
from xinyong.core.auth import Principal
from xinyong.core.clock import SHANGHAI
from xinyong.core.labels import SECTOR_NAMES
from xinyong.errors import InvalidRequest

inspections_app = typer.Typer(
    help="分级分类监管与“双随机、一公开”（graded supervision, random inspections）",
    no_args_is_help=True,
)
supervision_app = typer.Typer(
    help="分级分类监管规则（graded supervision rules）", no_args_is_help=True
)
pool_app = typer.Typer(help="执法检查人员名录库（inspector pools）", no_args_is_help=True)
plan_app = typer.Typer(help="抽查计划（inspection plans）", no_args_is_help=True)
inspections_app.add_typer(supervision_app, name="supervision")
inspections_app.add_typer(pool_app, name="pool")
inspections_app.add_typer(plan_app, name="plan")

DepartmentOption = Annotated[str, typer.Option("--department", help="部门代码")]
PlanArgument = Annotated[int, typer.Argument(help="抽查计划编号", min=1, max=2**63 - 1)]


def _acting(session: Any, code: str) -> Principal:
    """The operator acting for a department (the audit log names the operator)."""
    from xinyong.departments.service import get_department
    from xinyong.models import Role

    dept = get_department(session, code)
    return Principal(
        role=Role.provider,
        department_id=dept.id,
        department_code=dept.code,
        department_kind=dept.kind,
        department_name=dept.name,
        name=ACTOR,
    )


# --- graded supervision ---------------------------------------------------------------------


@supervision_app.command("show")
def supervision_show(as_json: JsonOption = False) -> None:
    """现行的分级分类监管规则：各行业领域信用等级对应的监管类别、抽查比例和频次及依据。

    The graded supervision rules in force: per field, each grade's class, its inspection
    ratio and frequency, and the basis."""
    from xinyong.inspections.supervision import current

    db = _database()
    with db.transaction() as session:
        version = current(session, _clock(db.settings).today())
    if as_json:
        _print_json(version.out().model_dump(mode="json"))
        return
    from xinyong.core.labels import SUPERVISION_FREQUENCY

    origin = "平台内置" if version.version == 0 else f"第 {version.version} 版"
    for rule in version.rules.fields:
        field = (
            "其他行业领域（默认）"
            if rule.field == "*"
            else SECTOR_NAMES.get(rule.field, rule.field)
        )
        table = Table(title=f"{field}（{origin}）")
        for name in ("监管类别", "信用等级", "抽查比例", "抽查频次"):
            table.add_column(name, no_wrap=True)
        for cls in rule.classes:
            grades: list[str] = [g for g, c in rule.grades.items() if c == cls.code]
            if rule.ungraded == cls.code:
                grades.append("未评价")
            table.add_row(
                escape(cls.name),
                "、".join(grades) or "—",
                f"{cls.ratio_percent}%",
                SUPERVISION_FREQUENCY[cls.frequency.bound].format(n=cls.frequency.times_per_year),
            )
        console.print(table)
        console.print("依据：" + escape("；".join(rule.basis)), soft_wrap=True)


@supervision_app.command("load")
def supervision_load(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    effective_from: Annotated[
        str | None, typer.Option(help="生效日期 YYYY-MM-DD（默认今天，不得早于今天）")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """从 JSON 文件载入新版本的分级分类监管规则（同 POST /api/v1/inspections/supervision）。

    Load a new version of the graded supervision rules from a JSON file."""
    from xinyong.inspections.schemas import SupervisionLoadIn
    from xinyong.inspections.supervision import load

    body = _read_json(SupervisionLoadIn.model_validate_json, path)
    if effective_from is not None:
        body.effective_from = _date(effective_from, "effective_from")
    db = _database()
    with db.transaction() as session:
        version = load(session, body, actor=ACTOR, now=_clock(db.settings).now())
    if as_json:
        _print_json(version.out().model_dump(mode="json"))
        return
    console.print(
        f"已载入分级分类监管规则第 {version.version} 版，自 {version.effective_from} 起施行"
    )


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidRequest(
            f"{text} 应为日期 YYYY-MM-DD",
            f"{text} must be a date YYYY-MM-DD",
            field=field,
            code="invalid_date",
        ) from None


# --- pools ----------------------------------------------------------------------------------


@pool_app.command("import")
def pool_import(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    department: DepartmentOption,
    as_json: JsonOption = False,
) -> None:
    """以 JSON 文件（{"inspectors": [...]}，同 PUT /api/v1/inspections/pool）替换部门的执法检查
    人员名录库；文件中没有的人员退出名录库（已有的抽查记录保留）。

    Replace a department's inspector pool from a JSON file: inspectors left out leave it."""
    from xinyong.inspections.pool import import_pool
    from xinyong.inspections.schemas import PoolIn

    body = _read_json(PoolIn.model_validate_json, path)
    db = _database()
    with db.transaction() as session:
        counts = import_pool(
            session, _acting(session, department), body, ids=db.ids, now=_clock(db.settings).now()
        )
    if as_json:
        _print_json(counts)
        return
    console.print(
        f"新增 {counts['added']} 人，变更 {counts['changed']} 人，退出 {counts['left']} 人；"
        f"申报回避 {counts['declared']} 项，撤回 {counts['withdrawn']} 项"
    )


@pool_app.command("show")
def pool_show(department: DepartmentOption, as_json: JsonOption = False) -> None:
    """部门的执法检查人员名录库。A department's inspector pool."""
    from xinyong.departments.service import get_department
    from xinyong.inspections.pool import pool_out

    db = _database()
    with db.transaction() as session:
        inspectors = pool_out(session, get_department(session, department))
    if as_json:
        _print_json([i.model_dump(mode="json") for i in inspectors])
        return
    table = Table(title=f"执法检查人员名录库（{len(inspectors)} 人）")
    for name in ("执法证号", "姓名", "检查领域", "状态", "回避对象"):
        table.add_column(name, overflow="fold")
    for i in inspectors:
        table.add_row(
            escape(i.badge_number),
            escape(i.name),
            "、".join(SECTOR_NAMES.get(f, f) for f in i.fields),
            "在库" if i.active else "已退出",
            escape("、".join(c.subject for c in i.conflicts)) or "—",
        )
    console.print(table)


# --- plans ----------------------------------------------------------------------------------


@plan_app.command("create")
def plan_create(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    department: DepartmentOption,
    as_json: JsonOption = False,
) -> None:
    """以 JSON 文件（同 POST /api/v1/inspections/plans）为牵头部门制订抽查计划（草稿）。

    Make a draft plan of the lead department from a JSON file."""
    from xinyong.inspections.schemas import PlanIn
    from xinyong.inspections.service import create_plan, plan_out

    body = _read_json(PlanIn.model_validate_json, path)
    db = _database()
    with db.transaction() as session:
        plan = create_plan(
            session, _acting(session, department), body, ids=db.ids, now=_clock(db.settings).now()
        )
        out = plan_out(session, plan)
    if as_json:
        _print_json(out.model_dump(mode="json"))
        return
    console.print(f"已制订抽查计划 {out.id}：{escape(out.title)}（草稿）", soft_wrap=True)


@plan_app.command("publish")
def plan_publish(plan_id: PlanArgument, department: DepartmentOption) -> None:
    """牵头部门公开抽查计划。The lead department publishes its plan."""
    from xinyong.inspections.service import publish_plan

    db = _database()
    with db.transaction() as session:
        publish_plan(session, _acting(session, department), plan_id, now=_clock(db.settings).now())
    console.print(f"抽查计划 {plan_id} 已公开")


@plan_app.command("show")
def plan_show(plan_id: PlanArgument, as_json: JsonOption = False) -> None:
    """抽查计划及其抽取结果。A plan, and its draw once drawn."""
    from xinyong.inspections import repository
    from xinyong.inspections.service import plan_out

    db = _database()
    with db.transaction() as session:
        out = plan_out(session, repository.plan(session, plan_id))
        row = repository.draw_of(session, plan_id)
        draw = (
            {
                "algorithm": row.algorithm,
                "seed": row.seed,
                "snapshot_sha256": row.snapshot_sha256,
                "pool_sha256": row.pool_sha256,
                "population": row.population,
                "drawn": row.drawn,
                "strata": row.strata,
                "drawn_at": row.drawn_at.astimezone(SHANGHAI).isoformat(),
            }
            if row
            else None
        )
    if as_json:
        _print_json({**out.model_dump(mode="json"), "draw": draw})
        return
    from xinyong.core.labels import PLAN_STATES

    table = Table(title=f"抽查计划 {out.id}", show_header=False)
    table.add_column("项目", no_wrap=True, style="bold")
    table.add_column("内容", overflow="fold")
    rows: list[tuple[str, object]] = [
        ("名称", out.title),
        ("状态", PLAN_STATES.get(out.state, out.state)),
        ("实施部门", "、".join(out.department_names)),
        ("抽查事项", "、".join(i["name"] for i in out.items)),
        ("监管领域", SECTOR_NAMES.get(out.field, out.field)),
        ("抽查比例", "；".join(f"{c.name} {c.ratio_percent}%" for c in out.classes)),
        ("检查期间", f"{out.inspect_from} 至 {out.inspect_until}"),
        ("结果公示截止", str(out.results_due_on or "—")),
    ]
    if draw:
        rows += [
            ("抽取算法", draw["algorithm"]),
            ("随机种子", draw["seed"]),
            ("对象名录 SHA-256", draw["snapshot_sha256"]),
            ("抽取", f"{draw['population']} 户中抽取 {draw['drawn']} 户"),
        ]
    for name, value in rows:
        table.add_row(name, escape(str(value)))
    console.print(table)


# --- the draw -------------------------------------------------------------------------------


@inspections_app.command("draw")
def inspections_draw(
    plan_id: PlanArgument, department: DepartmentOption, as_json: JsonOption = False
) -> None:
    """牵头部门对已公开的抽查计划随机抽取检查对象和执法检查人员（每个计划一次），结果即时公开。

    The lead department draws its published plan: subjects by class at their ratios and two
    inspectors of each department per subject, with a fresh seed; once."""
    from xinyong.inspections.drawing import draw_plan

    db = _database()
    with db.transaction() as session:
        row = draw_plan(
            session, _acting(session, department), plan_id, now=_clock(db.settings).now()
        )
        result = {
            "plan_id": str(plan_id),
            "algorithm": row.algorithm,
            "seed": row.seed,
            "snapshot_sha256": row.snapshot_sha256,
            "population": row.population,
            "drawn": row.drawn,
            "strata": row.strata,
        }
    if as_json:
        _print_json(result)
        return
    console.print(
        f"抽查计划 {plan_id}：从 {row.population} 户中抽取 {row.drawn} 户，"
        f"随机种子 {row.seed}，对象名录 SHA-256 {row.snapshot_sha256}",
        soft_wrap=True,
    )


@inspections_app.command("population")
def inspections_population(
    plan_id: PlanArgument,
    out: Annotated[Path, typer.Option("--out", help="对象名录（CSV）写到此文件")],
    pool_out: Annotated[
        Path | None, typer.Option("--pool-out", help="检查人员名录（JSON）写到此文件")
    ] = None,
) -> None:
    """导出抽查计划的对象名录快照（及抽取时的检查人员名录），供复核抽取结果。

    Write a drawn plan's population snapshot (and the pool it assigned from) to files, to
    reproduce the draw elsewhere."""
    from xinyong.inspections.drawing import snapshot_of

    db = _database()
    with db.transaction() as session:
        row, data = snapshot_of(session, plan_id)
        pool = row.pool
    out.write_bytes(data)
    if pool_out is not None:
        pool_out.write_text(json.dumps(pool, ensure_ascii=False, sort_keys=True), "utf-8")
    console.print(f"已写出对象名录 {out}（SHA-256 {row.snapshot_sha256}）", soft_wrap=True)


@inspections_app.command("reproduce")
def inspections_reproduce(
    plan_id: Annotated[
        int | None, typer.Argument(help="抽查计划编号（从数据库复核）", min=1, max=2**63 - 1)
    ] = None,
    population: Annotated[
        Path | None, typer.Option(help="对象名录快照文件（离线复核）", exists=True, dir_okay=False)
    ] = None,
    seed: Annotated[str | None, typer.Option(help="随机种子（离线复核）")] = None,
    ratio: Annotated[
        list[str] | None, typer.Option(help="类别=比例（百分数），如 low=3；每个类别一项")
    ] = None,
    pool: Annotated[
        Path | None, typer.Option(help="检查人员名录（JSON，离线复核时分配检查人员）")
    ] = None,
    sha256: Annotated[str | None, typer.Option(help="公布的对象名录 SHA-256（离线复核）")] = None,
    as_json: JsonOption = False,
) -> None:
    """复核抽取：给出计划编号，用保存的快照、种子、比例和检查人员名录重新抽取并与保存的结果比对；
    或离线：给出快照文件、种子和各类别比例，重新抽取并列出抽中的主体（和检查人员）。

    Reproduce a draw: from the database for a plan, or offline from a snapshot file, the seed
    and the ratios (and the pool file, for the inspectors)."""
    if plan_id is not None:
        _reproduce_plan(plan_id, as_json=as_json)
        return
    if population is None or seed is None or not ratio:
        raise InvalidRequest(
            "请给出计划编号，或快照文件、种子和各类别比例",
            "give a plan id, or --population, --seed and --ratio",
            code="invalid_usage",
        )
    _reproduce_offline(population, seed, ratio, pool, sha256, as_json=as_json)


def _reproduce_plan(plan_id: int, *, as_json: bool) -> None:
    from xinyong.inspections.drawing import verify

    db = _database()
    with db.transaction() as session:
        result = verify(session, plan_id)
    if as_json:
        _print_json(result.model_dump(mode="json"))
    else:
        yes = {True: "一致", False: "不一致"}
        console.print(
            f"抽查计划 {plan_id}：对象名录 {yes[result.snapshot_matches]}，抽中主体 "
            f"{yes[result.subjects_match]}，检查人员 {yes[result.inspectors_match]}"
        )
    if not (result.snapshot_matches and result.subjects_match and result.inspectors_match):
        raise typer.Exit(code=1)


def _reproduce_offline(
    population: Path,
    seed: str,
    ratios: list[str],
    pool: Path | None,
    expected: str | None,
    *,
    as_json: bool,
) -> None:
    from decimal import Decimal, InvalidOperation

    from xinyong.inspections import draw, rules
    from xinyong.inspections.supervision import publication_rules

    data = population.read_bytes()
    digest = draw.sha256(data)
    if expected is not None and digest != expected.strip().lower():
        raise InvalidRequest(
            f"对象名录的 SHA-256 为 {digest}，与公布的不一致",
            f"the snapshot's SHA-256 is {digest}, not the one published",
            field="sha256",
            code="snapshot_mismatch",
        )
    bp: dict[str, int] = {}
    for text in ratios:
        code, _, value = text.partition("=")
        try:
            bp[code.strip()] = rules.ratio_bp(Decimal(value), field=f"ratio.{code}")
        except InvalidOperation:
            raise InvalidRequest(
                f"比例 {text} 应为 类别=百分数", f"{text}: class=percent", code="invalid_ratio"
            ) from None
    if not seed.isdigit():
        raise InvalidRequest("随机种子应为整数", "the seed is an integer", code="invalid_seed")
    try:
        pop = draw.parse_snapshot(data)
    except draw.SnapshotError as exc:
        raise InvalidRequest(
            "对象名录不是规范的快照文件", str(exc), field="population", code="invalid_snapshot"
        ) from None
    missing = set(pop.class_codes) - set(bp)
    if missing:
        raise InvalidRequest(
            f"缺少类别 {'、'.join(sorted(missing))} 的比例",
            f"no ratio for classes {sorted(missing)}",
            field="ratio",
            code="unknown_class",
        )
    pool_doc = json.loads(pool.read_text("utf-8")) if pool else {"inspectors": {}, "excluded": {}}
    outcome = draw.run(pop, bp, int(seed), pool_doc, publication_rules().inspectors_per_subject)
    assigned = {
        code: {d: [int(i) for i in table[row]] for d, table in outcome.assignments.items()}
        for row, code in enumerate(outcome.codes)
    }
    if as_json:
        _print_json(
            {
                "snapshot_sha256": digest,
                "strata": {
                    c: {"size": s, "drawn": n} for c, (s, n) in outcome.drawn.strata.items()
                },
                "subjects": [{"credit_code": c, "inspectors": assigned[c]} for c in outcome.codes],
            }
        )
        return
    console.print(f"对象名录 SHA-256 {digest}：抽中 {len(outcome.codes)} 户")
    for code in outcome.codes:
        inspectors = "；".join(
            f"{d}: {', '.join(map(str, ids))}" for d, ids in assigned[code].items()
        )
        console.print(f"{code}{'  ' + inspectors if inspectors else ''}", soft_wrap=True)


@inspections_app.command("overdue")
def inspections_overdue(
    department: Annotated[str | None, typer.Option(help="部门代码（不给则为全部部门）")] = None,
    as_json: JsonOption = False,
) -> None:
    """逾期未公示和超期公示的检查结果。Results overdue or published late."""
    from xinyong.departments.service import get_department
    from xinyong.inspections.service import overdue

    db = _database()
    with db.transaction() as session:
        dept_id = get_department(session, department).id if department else None
        rows = overdue(session, dept_id, _clock(db.settings).today())
    if as_json:
        _print_json([r.model_dump(mode="json") for r in rows])
        return
    table = Table(title=f"逾期的检查结果（{len(rows)} 项）")
    for name in ("计划", "部门", "统一社会信用代码", "主体名称", "公示截止", "情况"):
        table.add_column(name, overflow="fold")
    for r in rows:
        state = "逾期未公示" if r.state == "missing" else "超期公示"
        table.add_row(r.plan_id, r.department, r.credit_code, escape(r.name), str(r.due_on), state)
    console.print(table)
