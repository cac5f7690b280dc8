"""`xinyong quality check|findings|scores|rules|load`: data quality from the shell
(docs/quality.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
    _progress,
    _read_json,
    console,
    parse_as_of,
)

quality_app = typer.Typer(help="数据质量（data quality）", no_args_is_help=True)


@quality_app.command("check")
def quality_check(
    full: Annotated[
        bool, typer.Option("--full", help="检查全部信息（默认只检查上次检查以来报送的）")
    ] = False,
    at: Annotated[
        str | None,
        typer.Option(
            help="按过去某日运行：YYYY-MM-DD（北京时间当日零时），不得晚于现在", metavar="DATE"
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """运行一次数据质量检查（一致性检查和报送周期监测）。

    Run the consistency checks over the records received since the last run (``--full``:
    every record) and the update-cycle monitor, as the daily job does once a day. A record
    already found wrong by a rule is never found again."""
    from xinyong.core.auth import SYSTEM
    from xinyong.core.labels import QUALITY_RUN_KINDS
    from xinyong.core.locks import advisory_xact_lock
    from xinyong.quality.ruleset import rule_set_in_force
    from xinyong.quality.run import PHASE_AFTER, check
    from xinyong.records.service import CollectionContext
    from xinyong.rights.step import Step

    kind = "full" if full else "incremental"
    with _one_line_errors():
        db = _database()
        clock = _clock(db.settings)
        now = parse_as_of(at, clock.now()) if at is not None else clock.now()
        ctx = CollectionContext(db)
        with db.transaction() as session:
            advisory_xact_lock(session, "job:quality")
            enabled = [r.code for r in rule_set_in_force(session).rules if r.enabled]
            with _progress() as progress:
                bar = progress.add_task("检查规则", total=len(enabled) + 1 if full else None)

                def started(phase: str) -> None:
                    shown = "报送周期监测" if phase == PHASE_AFTER else f"检查规则 {phase}"
                    progress.update(bar, description=shown)
                    progress.advance(bar)

                result = check(session, Step(ctx, SYSTEM, now), kind=kind, on_phase=started)
    if as_json:
        _print_json(
            {
                "run_id": result.run_id,
                "kind": result.kind,
                "since": result.window.since.isoformat() if result.window.since else None,
                "until": result.window.until.isoformat(),
                "found": result.found,
                "superseded": result.superseded,
                "duties_opened": result.duties_opened,
                "duties_closed": result.duties_closed,
            }
        )
        return
    since = result.window.since
    read = "全部信息" if since is None else f"{since:%Y-%m-%d %H:%M} 以来报送的信息"
    console.print(
        f"{QUALITY_RUN_KINDS[result.kind]}（第 {result.run_id} 次）：检查了{read}，"
        f"新发现数据质量问题 {sum(result.found.values())} 条",
        highlight=False,
    )
    for code, count in result.found.items():
        console.print(f"  {escape(code)}：{count} 条", highlight=False)
    console.print(
        f"逾期未报送：新增 {result.duties_opened} 项，已报送而办结 {result.duties_closed} 项",
        highlight=False,
    )


@quality_app.command("findings")
def quality_findings(
    department: Annotated[str | None, typer.Option(help="部门代码")] = None,
    rule: Annotated[str | None, typer.Option(help="规则代码")] = None,
    state: Annotated[
        str | None, typer.Option(help="open、confirmed、corrected、withdrawn 或 superseded")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 100,
    as_json: JsonOption = False,
) -> None:
    """列出数据质量问题（最新在前）。List the findings, newest first."""
    from xinyong.core.auth import Principal
    from xinyong.core.labels import FINDING_STATES
    from xinyong.models import Role
    from xinyong.quality.repository import FindingFilter
    from xinyong.quality.service import findings_for

    with _one_line_errors():
        db = _database()
        now = _clock(db.settings).now()
        reader = Principal(role=Role.authority, name=ACTOR)
        with db.transaction() as session:
            rows, total = findings_for(
                session,
                reader,
                FindingFilter(rule=rule, state=state, limit=limit),
                now=now,
                department=department,
            )
    if as_json:
        _print_json({"total": total, "findings": [r.model_dump(mode="json") for r in rows]})
        return
    table = Table("编号", "部门", "规则", "信息项", "主体", "发现", "状态", title=f"共 {total} 条")
    for r in rows:
        table.add_row(
            r.id,
            escape(r.department_name),
            escape(r.rule_title),
            escape(r.item_name),
            escape(f"{r.subject or ''} {r.subject_name or ''}"),
            escape(r.fact or ""),
            FINDING_STATES.get(r.state, r.state),
        )
    console.print(table)


@quality_app.command("scores")
def quality_scores(
    month: Annotated[str | None, typer.Option(help="YYYY-MM，默认本月")] = None,
    as_json: JsonOption = False,
) -> None:
    """各信息提供单位某月的数据质量得分（低分在前）。Each provider's quality score of a month."""
    from xinyong.core.clock import local_date
    from xinyong.quality.scores import scores_out
    from xinyong.reports.dual_publicity import Month

    with _one_line_errors(with_field=True):
        db = _database()
        today = local_date(_clock(db.settings).now())
        chosen = Month.parse(month) if month else Month.of(today)
        with db.transaction() as session:
            out = scores_out(session, chosen)
    if as_json:
        _print_json(out.model_dump(mode="json"))
        return
    table = Table(
        "部门", "得分", "报送记录", "未处理问题", "逾期未报送", title=f"{chosen.title}数据质量得分"
    )
    for s in out.scores:
        table.add_row(
            escape(s.department_name),
            f"{s.score:.1f}",
            str(s.records),
            str(sum(s.open_findings.values())),
            str(s.overdue_duties),
        )
    console.print(table)


@quality_app.command("rules")
def quality_rules(as_json: JsonOption = False) -> None:
    """施行中的数据质量规则。The quality rules in force."""
    from xinyong.core.labels import QUALITY_SEVERITIES
    from xinyong.quality.ruleset import rule_set_in_force
    from xinyong.risk.service import basis_text

    db = _database()
    with db.transaction() as session:
        rules = rule_set_in_force(session)
    if as_json:
        _print_json(rules.model_dump(mode="json"))
        return
    console.print(f"数据质量规则第 {rules.version} 版", highlight=False)
    for r in rules.rules:
        state = "" if r.enabled else "（停用）"
        console.print(
            f"{escape(r.code)} {escape(r.title)}{state}；级别："
            f"{QUALITY_SEVERITIES[r.severity]}\n"
            f"  依据：{escape(basis_text(r.basis.title, r.basis.number, r.basis.article))}",
            highlight=False,
            soft_wrap=True,
        )


@quality_app.command("load")
def quality_load(path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """从 JSON 文件发布数据质量规则（整套，作为新版本）。

    Publish the rule set of a JSON file (as quality/default_rules.json) as the next version."""
    from xinyong.quality.ruleset import publish_rules
    from xinyong.quality.schemas import RuleSetIn

    with _one_line_errors(with_field=True):
        data = _read_json(RuleSetIn.model_validate_json, path)
        db = _database()
        with db.transaction() as session:
            row = publish_rules(session, data, actor=ACTOR, now=_clock(db.settings).now())
            version = row.version
    console.print(f"已发布数据质量规则第 {version} 版（{len(data.rules)} 条）", highlight=False)
