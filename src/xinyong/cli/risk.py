"""`xinyong risk sweep|rules|load`: risk warnings from the shell (docs/risk.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from xinyong.cli.common import (
    ACTOR,
    JsonOption,
    _clock,
    _database,
    _one_line_errors,
    _print_json,
    _read_json,
    console,
    parse_as_of,
)

risk_app = typer.Typer(help="风险预警（risk warnings）", no_args_is_help=True)


@risk_app.command("sweep")
def risk_sweep(
    at: Annotated[
        str | None,
        typer.Option(
            help="按过去某日运行：YYYY-MM-DD（北京时间当日零时），不得晚于现在", metavar="DATE"
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """运行一次风险预警扫描，并发出新预警。

    Run the warning sweep now (the scheduled job runs it once a day): every rule in force
    over the archive, each new warning delivered to its audience. A fact already warned of is
    never warned again."""
    from xinyong.core.auth import SYSTEM
    from xinyong.core.locks import advisory_xact_lock
    from xinyong.records.service import CollectionContext
    from xinyong.rights.step import Step
    from xinyong.risk.sweep import sweep

    with _one_line_errors():
        db = _database()
        clock = _clock(db.settings)
        now = parse_as_of(at, clock.now()) if at is not None else clock.now()
        ctx = CollectionContext(db)
        with db.transaction() as session:
            advisory_xact_lock(session, "job:risk_sweep")
            result = sweep(session, Step(ctx, SYSTEM, now), force=True)
    assert result is not None
    if as_json:
        _print_json(
            {
                "day": result.day.isoformat(),
                "found": result.found,
                "delivered": result.delivered,
                "by_rule": result.by_rule,
            }
        )
        return
    console.print(f"{result.day} 风险预警扫描：新预警 {result.found} 条", highlight=False)
    for code, count in result.by_rule.items():
        console.print(f"  {escape(code)}：{count} 条", highlight=False)


@risk_app.command("rules")
def risk_rules(as_json: JsonOption = False) -> None:
    """施行中的预警规则。The warning rules in force."""
    from xinyong.core.labels import WARNING_AUDIENCES, WARNING_CONDITIONS, WARNING_SEVERITIES
    from xinyong.risk.repository import rules_in_force
    from xinyong.risk.service import basis_text, rule_out

    db = _database()
    with db.transaction() as session:
        rules = [rule_out(r) for r in rules_in_force(session)]
    if as_json:
        _print_json([r.model_dump(mode="json") for r in rules])
        return
    for r in rules:
        console.print(
            f"{escape(r.code)}（第 {r.version} 版）{escape(r.title)}\n"
            f"  条件：{WARNING_CONDITIONS[r.condition.kind]}；"
            f"预警对象：{WARNING_AUDIENCES[r.audience.value]}；"
            f"级别：{WARNING_SEVERITIES[r.severity.value]}\n"
            f"  依据：{escape(basis_text(r.basis.title, r.basis.number, r.basis.article))}",
            highlight=False,
            soft_wrap=True,
        )


@risk_app.command("load")
def risk_load(path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """从 JSON 文件载入预警规则（同一代码即为新版本）。

    Add the warning rules of a JSON file (a list, as risk/default_rules.json), all or none."""
    from pydantic import TypeAdapter

    from xinyong.risk.schemas import WarningRuleIn
    from xinyong.risk.service import load_rules

    adapter = TypeAdapter(list[WarningRuleIn])
    with _one_line_errors(with_field=True):
        data = _read_json(adapter.validate_json, path)
        db = _database()
        with db.transaction() as session:
            added = load_rules(session, data, actor=ACTOR, now=_clock(db.settings).now())
            shown = [f"{r.code}（第 {r.version} 版）" for r in added]
    console.print(f"已载入预警规则 {len(shown)} 条：{'、'.join(shown)}", highlight=False)
