"""The commands of the reference data: catalog, lists, measures list, calendar, validity rules,
and the 双公示 report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.cells import cell_len
from rich.markup import escape
from rich.table import Table

# typer 0.29 (pinned) carries its own click and does not re-export its usage errors.
from xinyong.catalog.schemas import CatalogIn
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
)
from xinyong.core.clock import local_date

catalog_app = typer.Typer(help="公共信用信息目录（catalog）", no_args_is_help=True)
lists_app = typer.Typer(
    help="信用名单：红名单、黑名单、重点关注对象名单（lists）", no_args_is_help=True
)
measures_app = typer.Typer(help="联合奖惩措施清单（measures list）", no_args_is_help=True)
calendar_app = typer.Typer(help="工作日历（working-day calendar）", no_args_is_help=True)
validity_app = typer.Typer(help="有效期规则（validity rules）", no_args_is_help=True)
report_app = typer.Typer(help="通报（reports and notices）", no_args_is_help=True)


@catalog_app.command("load")
def catalog_load(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    publish: Annotated[bool, typer.Option(help="载入后立即发布")] = False,
) -> None:
    """从 JSON 文件起草新版目录（docs/catalog-format.md）。

    Draft a new catalog version from a JSON file."""
    from xinyong.catalog.service import draft_version, publish_version

    data = _read_json(CatalogIn.model_validate_json, path)
    db = _database()
    with db.transaction() as session:
        version = draft_version(session, data, actor=ACTOR, now=_clock(db.settings).now())
        if publish:
            publish_version(session, version.number, actor=ACTOR, now=_clock(db.settings).now())
    if publish:
        console.print(f"目录第 {version.number} 版已发布")
    else:
        console.print(
            f"目录第 {version.number} 版已存为草稿；发布请运行 xinyong catalog publish "
            f"{version.number}",
            soft_wrap=True,
        )


@catalog_app.command("publish")
def catalog_publish(number: int) -> None:
    """发布已起草的目录版本。Publish a drafted catalog version."""
    from xinyong.catalog.service import publish_version

    db = _database()
    with db.transaction() as session:
        publish_version(session, number, actor=ACTOR, now=_clock(db.settings).now())
    console.print(f"目录第 {number} 版已发布")


@catalog_app.command("show")
def catalog_show(
    version: Annotated[int | None, typer.Option(help="版本号（默认为已发布的版本）")] = None,
    as_json: JsonOption = False,
) -> None:
    """已发布（或指定）版本目录的信息项。

    List the items of the published (or a given) catalog version."""
    from xinyong.catalog.service import get_version
    from xinyong.core.labels import CATALOG_STATUSES, CATEGORY_NAMES, DISCLOSURE_NAMES, SECTOR_NAMES

    db = _database()
    with db.transaction() as session:
        v, items = get_version(session, version)
    if as_json:
        _print_json(
            {
                "version": v.number,
                "status": v.status.value,
                "title": v.title,
                "items": [
                    {
                        "code": i.code,
                        "name": i.name,
                        "category": i.category.value,
                        "disclosure": i.disclosure.value,
                        "sources": list(i.sources),
                    }
                    for i in items
                ],
            }
        )
        return
    status = CATALOG_STATUSES.get(v.status.value, v.status.value)
    table = Table(title=f"{escape(v.title)} — 第 {v.number} 版（{status}）")
    # Codes are what operators copy into commands: never wrapped or cut, even in a narrow
    # terminal or a pipe; the long columns give way instead.
    table.add_column("信息项代码", no_wrap=True, min_width=max(len(i.code) for i in items))
    table.add_column("名称", ratio=2, overflow="fold")
    table.add_column("类别", no_wrap=True)
    table.add_column("公开方式", no_wrap=True)
    table.add_column("来源", ratio=3, overflow="fold")
    for i in items:
        table.add_row(
            i.code,
            escape(i.name),
            CATEGORY_NAMES.get(i.category.value, i.category.value),
            DISCLOSURE_NAMES.get(i.disclosure.value, i.disclosure.value),
            "、".join(SECTOR_NAMES.get(s, s) for s in i.sources),
        )
    console.print(table)


@lists_app.command("show")
def lists_show(as_json: JsonOption = False) -> None:
    """各名单的类别、领域、认定部门所属行业和期限。

    The lists with their kind, field, identifying sector and periods."""
    from xinyong.core.labels import LIST_KINDS, SECTOR_NAMES
    from xinyong.lists.repository import all_lists

    db = _database()
    with db.transaction() as session:
        rows = all_lists(session)
    if as_json:
        _print_json(
            [
                {
                    "code": r.code,
                    "name": r.spec["name"],
                    "kind": r.kind.value,
                    "field": r.field,
                    "identifying_sector": r.identifying_sector,
                    "validity_years": r.spec["validity_years"],
                    "notice_days": r.spec["notice_days"],
                }
                for r in rows
            ]
        )
        return
    table = Table(title="信用名单")
    table.add_column("名单代码", no_wrap=True, min_width=max(len(r.code) for r in rows))
    table.add_column("名称", ratio=2, overflow="fold", min_width=8)
    table.add_column("类别", overflow="fold", min_width=6)  # 红名单, 黑名单 whole
    for name in ("领域", "认定行业"):
        table.add_column(name, overflow="fold", min_width=4)
    # The notice days are working days (lists/rules.notice_end): 公示 for a red list, 事前告知
    # for a black one.
    for name in ("年限", "公示告知"):
        table.add_column(name, no_wrap=True)
    for r in rows:
        table.add_row(
            r.code,
            escape(r.spec["name"]),
            LIST_KINDS.get(r.kind.value, r.kind.value),
            escape(r.spec.get("field_name") or r.field),
            SECTOR_NAMES.get(r.identifying_sector, r.identifying_sector),
            f"{r.spec['validity_years']} 年",
            f"{r.spec['notice_days']} 工作日",
        )
    console.print(table)


@lists_app.command("load")
def lists_load(path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """从 JSON 文件发布新增或修订的名单（{"lists": [...]}，格式同 GET /lists）。

    Publish new or revised lists from a JSON file."""
    from xinyong.lists.schemas import ListsIn
    from xinyong.lists.service import publish_lists

    data = _read_json(ListsIn.model_validate_json, path)
    db = _database()
    with db.transaction() as session:
        changed = publish_lists(session, data, actor=ACTOR, now=_clock(db.settings).now())
    names = {spec.code: spec.name for spec in data.lists}
    if changed:
        shown = "、".join(f"{code}（{names.get(code, code)}）" for code in changed)
        console.print(f"已发布新增或修订的名单：{escape(shown)}", soft_wrap=True)
    else:
        console.print("名单没有变化")


@measures_app.command("load")
def measures_load(path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """从 JSON 文件发布完整的联合奖惩措施清单（{"measures": [...]}）；文件中没有的措施停用。

    Publish the whole measures list from a JSON file; measures left out are retired."""
    from xinyong.core.labels import MEASURE_CHANGES
    from xinyong.measures.schemas import MeasuresIn
    from xinyong.measures.service import publish_measures

    data = _read_json(MeasuresIn.model_validate_json, path)
    db = _database()
    with db.transaction() as session:
        result = publish_measures(session, data, actor=ACTOR, now=_clock(db.settings).now())
    for change, codes in result.items():
        label = MEASURE_CHANGES.get(change, change)
        console.print(f"{label}的措施：{'、'.join(codes) or '无'}", soft_wrap=True)


@calendar_app.command("load")
def calendar_load(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    replace: Annotated[bool, typer.Option(help="替换工作日历中已有的年度")] = False,
) -> None:
    """从 JSON 文件载入一个年度的节假日安排（docs/calendar-format.md）。

    Load a year's holiday arrangement from a JSON file."""
    from xinyong.calendar.schemas import CalendarYearIn
    from xinyong.calendar.service import load_year

    data = _read_json(CalendarYearIn.model_validate_json, path)
    db = _database()
    with db.transaction() as session:
        year = load_year(session, data, replace=replace, actor=ACTOR, now=_clock(db.settings).now())
    console.print(
        f"{year.year} 年工作日历已载入：法定节假日 {len(year.holidays)} 天，调休上班 "
        f"{len(year.working_weekends)} 天，全年工作日 {year.working_days} 天",
        soft_wrap=True,
    )


@calendar_app.command("show")
def calendar_show(
    year: Annotated[int | None, typer.Option(help="年度（不给则列出已知的各年度）")] = None,
    as_json: JsonOption = False,
) -> None:
    """工作日历已知的年度，或某一年度的法定节假日和调休上班日。

    The years the calendar knows, or one year's holidays and working weekends."""
    from xinyong.accounts.service import actor_labels
    from xinyong.calendar.service import all_years, year_view
    from xinyong.core.labels import CALENDAR_DAYS, CALENDAR_SOURCES, WEEKDAY_NAMES

    db = _database()
    if year is None:
        with db.transaction() as session:
            years = all_years(session)
            by = actor_labels(session, [y.loaded_by for y in years])
        if as_json:
            # One row a year, as the table: the days themselves are in `--year Y --json`.
            _print_json(
                [
                    y.model_dump(mode="json", exclude={"holidays", "working_weekends"})
                    | {"holidays": len(y.holidays), "working_weekends": len(y.working_weekends)}
                    for y in years
                ]
            )
            return
        table = Table(title="工作日历")
        for name in ("年度", "来源", "法定节假日", "调休上班", "全年工作日"):
            table.add_column(name, no_wrap=True)
        table.add_column("载入", overflow="fold", min_width=10)
        for y in years:
            table.add_row(
                str(y.year),
                CALENDAR_SOURCES.get(y.source, y.source),
                f"{len(y.holidays)} 天",
                f"{len(y.working_weekends)} 天",
                f"{y.working_days} 天",
                f"{local_date(y.loaded_at)} {escape(by.get(y.loaded_by or '', ''))}"
                if y.loaded_at
                else "",
            )
        console.print(table)
        return
    with db.transaction() as session:
        view = year_view(session, year)
    if as_json:
        _print_json(view.model_dump(mode="json"))
        return
    source = CALENDAR_SOURCES.get(view.source, view.source)
    table = Table(title=f"{view.year} 年（{source}：{escape(view.basis)}）")
    for name in ("日期", "星期", "类别"):
        table.add_column(name, no_wrap=True)
    table.add_column("名称", overflow="fold")
    days = [(d, "holiday") for d in view.holidays] + [
        (d, "working_weekend") for d in view.working_weekends
    ]
    for d, kind in sorted(days, key=lambda x: x[0].date):
        table.add_row(
            d.date.isoformat(), WEEKDAY_NAMES[d.date.weekday()], CALENDAR_DAYS[kind], d.name
        )
    console.print(table)
    console.print(f"全年工作日 {view.working_days} 天")


@report_app.command("dual-publicity")
def report_dual_publicity(
    month: Annotated[str, typer.Option(help="信息报送到平台的月份，YYYY-MM")],
    out: Annotated[Path, typer.Option(help="写出两个 CSV 文件和可打印页面的文件夹")] = Path("."),
) -> None:
    """某月双公示信息报送及时性通报：各部门按时率和迟报记录。

    双公示 timeliness of a month (000 §（十五）: 7 working days from the decision): per
    department the share on time, and the late records. Writes the notice as CSV (departments;
    late records) and a printable HTML page (docs/dual-publicity.md)."""
    from xinyong.reports.dual_publicity import Month, dual_publicity, percent, write_notice

    db = _database()
    parsed = Month.parse(month)
    with _progress() as progress, db.transaction() as session:
        task = progress.add_task("双公示及时性", total=4)

        def step(text: str) -> None:
            progress.update(task, description=text, advance=1)

        report = dual_publicity(session, parsed, now=_clock(db.settings).now(), progress=step)
        progress.update(task, description="写出通报文件")
        paths = write_notice(report, out)
        progress.update(task, completed=4)
    limit = report.limit_working_days
    table = Table(title=f"{parsed.title}双公示信息报送及时性（{limit} 个工作日内为按时）")
    table.add_column("部门", overflow="fold")
    table.add_column("代码", no_wrap=True)
    for name in ("总数", "按时", "迟报", "无决定日期", "按时率"):
        table.add_column(name, justify="right", no_wrap=True)
    for r in report.departments:
        table.add_row(
            r.department_name,
            r.department,
            str(r.total),
            str(r.on_time),
            str(r.late),
            str(r.undated),
            percent(r.share) or "—",
        )
    table.add_section()
    table.add_row(
        "合计",
        "",
        str(report.total),
        str(report.on_time),
        str(report.late),
        str(report.undated),
        percent(report.share) or "—",
    )
    console.print(table)
    for path in paths:
        console.print(f"已写出：{escape(str(path))}", soft_wrap=True)


@validity_app.command("show")
def validity_show(as_json: JsonOption = False) -> None:
    """有效期规则及其施行日期，从早到晚。

    The validity rules with their effective dates, oldest first (Measures art. 30)."""
    from xinyong.records.rules import SEVERITY_NAMES
    from xinyong.validity.service import all_rules

    db = _database()
    with db.transaction() as session:
        rules = all_rules(session)
    if as_json:
        _print_json(
            [
                {
                    "id": r.id,
                    "effective_from": r.effective_from.isoformat(),
                    "item_code": r.item_code,
                    "months": r.months,
                    "basis": r.basis,
                }
                for r in rules
            ]
        )
        return
    table = Table(title="有效期规则（自认定之日起的月数）")
    table.add_column("编号", no_wrap=True)
    table.add_column("施行日期", no_wrap=True, min_width=10)
    widest = max((cell_len(r.item_code or ALL_ITEMS) for r in rules), default=10)
    table.add_column("信息项", no_wrap=True, min_width=min(widest, 40))
    table.add_column("有效期", overflow="fold", min_width=26)
    table.add_column("依据", overflow="fold", ratio=1)
    for r in rules:
        table.add_row(
            str(r.id),
            r.effective_from.isoformat(),
            r.item_code or ALL_ITEMS,
            "\n".join(
                f"{name}（{s}）{r.months[s]} 个月"
                for s, name in SEVERITY_NAMES.items()
                if s in r.months
            ),
            escape(r.basis),
        )
    console.print(table)


ALL_ITEMS = "全部信息项"


@validity_app.command("load")
def validity_load(path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """从 JSON 文件添加有效期规则，全部添加或全部不添加（docs/workflows/validity.md）。

    Add the rules of a JSON file (a list of {"effective_from", "item_code"?, "months",
    "basis"}, as POST /validity-rules), all or none (docs/workflows/validity.md)."""
    from xinyong.validity.service import RULE_FILE, load_rules

    data = _read_json(RULE_FILE.validate_json, path)
    db = _database()
    with _one_line_errors(with_field=True), db.transaction() as session:
        added = load_rules(session, data, actor=ACTOR, now=_clock(db.settings).now())
        shown = [(r.id, r.effective_from, r.item_code) for r in added]
    for rule_id, effective_from, item_code in shown:
        console.print(
            f"已添加有效期规则 {rule_id}：自 {effective_from} 起适用于"
            + (f"信息项 {item_code}" if item_code else ALL_ITEMS),
            soft_wrap=True,
        )
