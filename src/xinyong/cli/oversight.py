"""`xinyong report collection|use` (the monthly reports, beside the 双公示 notice in
cli/reference.py's `xinyong report`) and `xinyong oversight assess|model|load|notices` (the
annual assessment, its scoring model, the monthly notices): the oversight of departments from
the shell (docs/oversight.md)."""

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
    _print_json,
    _read_json,
    console,
)
from xinyong.cli.reference import report_app

oversight_app = typer.Typer(
    help="监督考核：年度考核、评分模型和月度通报（oversight of departments）",
    no_args_is_help=True,
)

CsvOption = Annotated[
    Path | None, typer.Option("--csv", help="另写出 CSV 文件（UTF-8，带 BOM）", dir_okay=False)
]


def _report(kind: str, month: str, csv: Path | None, as_json: bool) -> None:
    from xinyong.core.auth import SYSTEM
    from xinyong.core.labels import OVERSIGHT_FIELDS, OVERSIGHT_REPORTS
    from xinyong.oversight.documents import SHORT_COLUMNS, cell, report_csv
    from xinyong.oversight.service import report_for
    from xinyong.reports.dual_publicity import Month

    db = _database()
    parsed = Month.parse(month)
    with db.transaction() as session:
        report = report_for(
            session,
            SYSTEM,
            kind,
            parsed,
            now=_clock(db.settings).now(),
            feedback_days=db.settings.feedback_working_days,
        )
    if as_json:
        _print_json(report.model_dump(mode="json"))
        return
    state = "" if report.final else "，本月尚未结束"
    table = Table(title=f"{parsed.title}{OVERSIGHT_REPORTS[kind]}（截至 {report.as_of}{state}）")
    table.add_column("部门", overflow="fold")
    for key in SHORT_COLUMNS[kind]:
        table.add_column(OVERSIGHT_FIELDS[key], justify="right")
    for row in report.departments:
        table.add_row(
            escape(row.department_name), *(escape(cell(row, key)) for key in SHORT_COLUMNS[kind])
        )
    console.print(table)
    console.print("各项数字的全部栏目见 --csv 或 --json。", highlight=False)
    if csv is not None:
        csv.write_text(report_csv(report), encoding="utf-8-sig", newline="")
        console.print(f"已写出：{escape(str(csv))}", soft_wrap=True)


@report_app.command("collection")
def report_collection(
    month: Annotated[str, typer.Option(help="月份，YYYY-MM")],
    csv: CsvOption = None,
    as_json: JsonOption = False,
) -> None:
    """某月各信息提供单位公共信用信息归集情况。

    The month's collection report (Measures art. 16, 40; 004 §25): per providing department the
    items it owes against what arrived, overdue items, rejections and their top errors,
    timeliness, 双公示, upheld objections (docs/oversight.md)."""
    _report("collection", month, csv, as_json)


@report_app.command("use")
def report_use(
    month: Annotated[str, typer.Option(help="月份，YYYY-MM")],
    csv: CsvOption = None,
    as_json: JsonOption = False,
) -> None:
    """某月各部门公共信用信息应用情况。

    The month's use report: per department its checks, hits, measures applied, feedback due,
    on time and overdue, credit reports requested (docs/oversight.md)."""
    _report("use", month, csv, as_json)


@oversight_app.command("assess")
def oversight_assess(
    year: Annotated[int, typer.Option(help="考核年度；年度未结束时为截至目前")],
    department: Annotated[
        str | None, typer.Option(help="另列出该部门各项指标得分（部门代码）")
    ] = None,
    csv: CsvOption = None,
    as_json: JsonOption = False,
) -> None:
    """年度考核：各部门总分和排名，及一个部门的各项指标得分。

    The year's assessment by the scoring model in force (Measures art. 40): the ranking by
    total, a department's points indicator by indicator (``--department``), every indicator's
    points in the CSV; year to date while the year runs."""
    from xinyong.core.auth import SYSTEM
    from xinyong.errors import NotFound
    from xinyong.oversight.documents import assessment_csv
    from xinyong.oversight.service import assessment_for

    db = _database()
    with db.transaction() as session:
        result = assessment_for(
            session,
            SYSTEM,
            year,
            now=_clock(db.settings).now(),
            feedback_days=db.settings.feedback_working_days,
        )
    if as_json:
        _print_json(result.model_dump(mode="json"))
        return
    span = "全年" if result.final else f"截至 {result.months[-1] if result.months else '—'}"
    table = Table(title=f"{year} 年度考核（{span}，第 {result.model_version} 版评分模型）")
    table.add_column("名次", justify="right", no_wrap=True)
    table.add_column("部门", overflow="fold")
    table.add_column("代码", no_wrap=True)
    table.add_column("总分", justify="right", no_wrap=True)
    for d in result.departments:
        total = "—" if d.total is None else f"{d.total:.2f}"
        table.add_row(str(d.rank or "—"), escape(d.department_name), escape(d.department), total)
    console.print(table)
    if department is not None:
        chosen = next((d for d in result.departments if d.department == department), None)
        if chosen is None:
            raise NotFound(
                f"{year} 年度考核中没有部门 {department}",
                f"no department {department} in the assessment of {year}",
                field="department",
                code="department_not_found",
            )
        detail = Table(title=f"{chosen.department_name}：第 {chosen.rank or '—'} 名")
        for name in ("指标", "权重", "指标值", "得分"):
            detail.add_column(name, justify="left" if name == "指标" else "right")
        for i in chosen.indicators:
            value = (
                "不适用"
                if i.value is None
                else (f"{i.value * 100:.2f}%" if i.kind == "share" else f"{i.value:g}")
            )
            score = "—" if i.score is None else f"{i.score:.2f}"
            detail.add_row(escape(i.name), f"{i.weight:g}", value, score)
        console.print(detail)
    if csv is not None:
        csv.write_text(assessment_csv(result), encoding="utf-8-sig", newline="")
        console.print(f"已写出：{escape(str(csv))}", soft_wrap=True)


@oversight_app.command("model")
def oversight_model(as_json: JsonOption = False) -> None:
    """施行中的年度考核评分模型。The scoring model in force."""
    from xinyong.core.labels import INDICATOR_KINDS
    from xinyong.oversight.service import scoring_model

    db = _database()
    with db.transaction() as session:
        model = scoring_model(session)
    if as_json:
        _print_json(model.model_dump(mode="json"))
        return
    console.print(f"{escape(model.title)}（第 {model.version} 版）", highlight=False)
    for i in model.indicators:
        console.print(
            f"  {escape(i.name)}：{INDICATOR_KINDS[i.kind]}，权重 {i.weight:g}；"
            f"依据{escape(i.basis.text)}",
            highlight=False,
            soft_wrap=True,
        )


@oversight_app.command("load")
def oversight_load(path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """从 JSON 文件载入年度考核评分模型（新版本，自即日起施行）。

    Load a scoring model (JSON, as oversight/default_scoring.json) as its next version."""
    from xinyong.oversight.schemas import ScoringModelIn
    from xinyong.oversight.service import load_scoring_model

    data = _read_json(ScoringModelIn.model_validate_json, path)
    db = _database()
    with db.transaction() as session:
        model = load_scoring_model(session, data, actor=ACTOR, now=_clock(db.settings).now())
    console.print(
        f"已载入评分模型第 {model.version} 版：{escape(model.title)}，"
        f"指标 {len(model.indicators)} 项",
        highlight=False,
    )


@oversight_app.command("notices")
def oversight_notices(
    month: Annotated[str, typer.Option(help="已结束的月份，YYYY-MM")],
) -> None:
    """发出某月的归集、“双公示”和应用情况通报（已发出的不重复发出）。

    Send the month's three notices to the departments each names as late, as the monthly job
    does on its first run after the month (004 §25)."""
    from xinyong.notices.repository import recipients_of
    from xinyong.oversight.service import notices_of_month
    from xinyong.reports.dual_publicity import Month

    db = _database()
    with db.transaction() as session:
        notices = notices_of_month(
            session,
            Month.parse(month),
            actor=ACTOR,
            now=_clock(db.settings).now(),
            feedback_days=db.settings.feedback_working_days,
        )
        shown = [(n.id, n.title, len(recipients_of(session, [n.id])[n.id])) for n in notices]
    for number, title, count in shown:
        console.print(f"通报 {number}：{escape(title)}，点名部门 {count} 个", highlight=False)
