"""`xinyong government sync|cases|quarterly|debt|regional|policy`: government integrity from the
shell (docs/government.md), as the credit authority."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from xinyong.cli.common import (
    ACTOR,
    JsonOption,
    _clock,
    _database,
    _one_line_errors,
    _print_json,
    _read_json,
    console,
)

if TYPE_CHECKING:
    from xinyong.db import Database
    from xinyong.rights.step import Step

government_app = typer.Typer(help="政务诚信（government integrity）", no_args_is_help=True)
debt_app = typer.Typer(help="地方政府债务风险预警（debt warnings）", no_args_is_help=True)
government_app.add_typer(debt_app, name="debt")


def _step() -> tuple[Database, Step]:
    """The authority's step, by the operator, now; and the database."""
    from xinyong.core.auth import Principal
    from xinyong.models import Role
    from xinyong.records.service import CollectionContext
    from xinyong.rights.step import Step

    db = _database()
    principal = Principal(role=Role.authority, name=ACTOR)
    return db, Step(CollectionContext(db), principal, _clock(db.settings).now())


@government_app.command("sync")
def government_sync() -> None:
    """为新的政务失信记录立案（每日任务亦会执行）。

    Open a case for every 政务失信 record without one, as the daily jobs do."""
    from xinyong.core.locks import advisory_xact_lock
    from xinyong.government.service import sync_cases

    with _one_line_errors():
        db, step = _step()
        with db.transaction() as session:
            advisory_xact_lock(session, "job:government_cases")
            opened = sync_cases(session, step)
    console.print(f"新立案政务失信记录 {opened} 件", highlight=False)


@government_app.command("cases")
def government_cases(
    state: Annotated[str | None, typer.Option(help="open | explained | cleared | excluded")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只列已逾期的")] = False,
    as_json: JsonOption = False,
) -> None:
    """政务失信案件。The 政务失信 cases, newest decision first."""
    from xinyong.government.service import case_out, find_cases
    from xinyong.models import CaseState

    with _one_line_errors():
        db, step = _step()
        chosen = CaseState(state) if state else None
        with db.transaction() as session:
            rows, total = find_cases(
                session,
                step.principal,
                state=chosen,
                region=None,
                overdue=True if overdue else None,
                today=step.today,
                limit=1000,
                offset=0,
            )
            cases = [case_out(session, c, step.today) for c in rows]
    if as_json:
        _print_json({"total": total, "cases": [c.model_dump(mode="json") for c in cases]})
        return
    table = Table("案件", "失信主体", "失信情形", "认定日期", "办理状态", "拖欠/已清偿（万元）")
    for c in cases:
        money = f"{c.amount_owed} / {c.amount_paid}" if c.amount_owed is not None else "—"
        state_name = c.state_name + ("（已逾期）" if c.overdue else "")
        table.add_row(
            c.id,
            escape(c.subject["name"] or ""),
            c.failure_kind,
            str(c.decided_on),
            state_name,
            money,
        )
    console.print(table)
    console.print(f"共 {total} 件", highlight=False)


@government_app.command("quarterly")
def government_quarterly(
    quarter: Annotated[str, typer.Option(help="季度，如 2026-Q4", metavar="YYYY-Qn")],
    send: Annotated[bool, typer.Option("--send", help="季度结束后，作为通报发给通报对象")] = False,
    as_json: JsonOption = False,
) -> None:
    """政务失信季度查询：存在政务失信记录的机构、公务员及未清理的案件。

    The quarterly list of failing bodies (004 §5) and whom it goes to; with --send, sent to
    them as a notice (once per quarter, once it is over)."""
    from xinyong.government.quarterly import parse_quarter, quarterly_list, send_notice

    with _one_line_errors(with_field=True):
        year, number = parse_quarter(quarter)
        db, step = _step()
        with db.transaction() as session:
            listed = quarterly_list(session, year, number, today=step.today)
            if send:
                notice = send_notice(session, step, year, number)
                console.print(f"已发出通报：{notice.title}", highlight=False)
    if as_json:
        _print_json(listed.model_dump(mode="json"))
        return
    table = Table("机构", "类型", "地区", "本季度新增", "累计", "未清理")
    for b in listed.bodies + listed.persons:
        table.add_row(
            escape(b.name),
            b.kind,
            b.region_name,
            str(b.records_in_quarter),
            str(b.records_total),
            str(len(b.uncleared)),
        )
    console.print(f"{listed.quarter}（{listed.first_day} 至 {listed.last_day}）", highlight=False)
    console.print(table)
    recipients = "、".join(f"{r.department_name}（{r.why}）" for r in listed.recipients) or "无"
    console.print(f"抄送：{escape(recipients)}", highlight=False, soft_wrap=True)


@debt_app.command("load")
def debt_load(path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """从 JSON 文件载入债务风险指标（{"rows": [{region_code, year, indicator, value}]}）。

    Load debt-risk indicators, all or none: an unknown region or indicator names its row."""
    from xinyong.government import debt
    from xinyong.government.schemas import DebtRowsIn

    with _one_line_errors(with_field=True):
        body = _read_json(DebtRowsIn.model_validate_json, path)
        db, step = _step()
        with db.transaction() as session:
            loaded = debt.load(session, step, body)
    console.print(f"已载入债务风险指标 {loaded} 条", highlight=False)


@debt_app.command("warnings")
def debt_warnings(
    year: Annotated[int, typer.Option(help="年度")],
    as_json: JsonOption = False,
) -> None:
    """各地区债务风险预警（红色、黄色）。The debt warnings of a year, red first."""
    from xinyong.government import debt

    with _one_line_errors():
        db, step = _step()
        with db.transaction() as session:
            out = debt.warnings(session, step, year)
    if as_json:
        _print_json(out.model_dump(mode="json"))
        return
    table = Table("地区", "代码", "预警等级", "指标")
    for r in out.regions:
        values = "；".join(f"{v.name} {v.value}{v.unit}" for v in r.values)
        table.add_row(r.region_name, r.region_code, r.level_name, values)
    console.print(table)


@government_app.command("regional")
def government_regional(
    year: Annotated[int, typer.Option(help="评价年度")],
    as_json: JsonOption = False,
) -> None:
    """开展区域政务诚信状况评价并公布（最新一次即公布的排名）。

    Score every city and county for the year; the newest run is the published ranking."""
    from xinyong.government import regional

    with _one_line_errors():
        db, step = _step()
        with db.transaction() as session:
            row = regional.run(session, step, year)
            out = regional.evaluation_out(session, row)
    if as_json:
        _print_json(out.model_dump(mode="json"))
        return
    for title, rows in (("设区市", out.cities), ("县（市、区）", out.counties)):
        table = Table("名次", "地区", "得分", title=f"{year} 年{title}排名")
        for r in rows:
            table.add_row(str(r.rank), r.region_name, str(r.score))
        console.print(table)


@government_app.command("policy")
def government_policy(
    path: Annotated[Path | None, typer.Argument(exists=True, dir_okay=False)] = None,
    as_json: JsonOption = False,
) -> None:
    """查看施行中的政务诚信规则；给出 JSON 文件则发布新版本。

    Show the policy in force (periods, debt lines, the regional model); with a JSON file (as
    government/default_policy.json), publish it as a new version."""
    from xinyong.government.schemas import PolicyIn
    from xinyong.government.service import policy_in_force, publish_policy

    with _one_line_errors(with_field=True):
        db, step = _step()
        if path is not None:
            body = _read_json(PolicyIn.model_validate_json, path)
            with db.transaction() as session:
                out = publish_policy(session, step, body)
            console.print(
                f"已发布第 {out.version} 版，{out.effective_from} 起施行", highlight=False
            )
            return
        with db.transaction() as session:
            policy = policy_in_force(session, step.today)
    if as_json:
        _print_json({"version": policy.version, **policy.spec.model_dump(mode="json")})
        return
    spec = policy.spec
    periods = spec.periods
    console.print(
        f"第 {policy.version} 版（0 为内置默认）：书面说明 {periods.explanation_working_days} "
        f"个工作日，整改 {periods.rectification_working_days} 个工作日",
        highlight=False,
    )
    for t in spec.debt.indicators:
        console.print(
            f"  {t.name}（{t.code}）：黄色预警 ≥ {t.yellow}{t.unit}，红色预警 ≥ {t.red}{t.unit}",
            highlight=False,
        )
    for i in spec.regional.indicators:
        console.print(f"  评价指标 {i.name}：{i.weight} 分", highlight=False)
