"""The commands of the reference data: catalog, lists, measures list, calendar, validity rules,
and the 双公示 report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

# typer 0.29 (pinned) carries its own click and does not re-export its usage errors.
from xinyong.catalog.schemas import CatalogIn
from xinyong.cli.common import (
    ACTOR,
    _clock,
    _database,
    _one_line_errors,
    _progress,
    _read_json,
    console,
)
from xinyong.core.clock import local_date

catalog_app = typer.Typer(help="The catalog (公共信用信息目录)", no_args_is_help=True)
lists_app = typer.Typer(help="Red, black and watch lists (信用名单)", no_args_is_help=True)
measures_app = typer.Typer(help="The measures list (联合奖惩措施清单)", no_args_is_help=True)
calendar_app = typer.Typer(help="The working-day calendar (工作日历)", no_args_is_help=True)
validity_app = typer.Typer(help="Validity rules (有效期规则)", no_args_is_help=True)
report_app = typer.Typer(help="Reports and notices (通报)", no_args_is_help=True)


@catalog_app.command("load")
def catalog_load(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    publish: Annotated[bool, typer.Option(help="publish it at once")] = False,
) -> None:
    """Draft a new catalog version from a JSON file (docs/catalog-format.md)."""
    from xinyong.catalog.service import draft_version, publish_version

    data = _read_json(CatalogIn.model_validate_json, path)
    db = _database()
    with db.transaction() as session:
        version = draft_version(session, data, actor=ACTOR, now=_clock(db.settings).now())
        if publish:
            publish_version(session, version.number, actor=ACTOR, now=_clock(db.settings).now())
    console.print(f"catalog version {version.number} {'published' if publish else 'drafted'}")


@catalog_app.command("publish")
def catalog_publish(number: int) -> None:
    """Publish a drafted catalog version."""
    from xinyong.catalog.service import publish_version

    db = _database()
    with db.transaction() as session:
        publish_version(session, number, actor=ACTOR, now=_clock(db.settings).now())
    console.print(f"catalog version {number} published")


@catalog_app.command("show")
def catalog_show(version: Annotated[int | None, typer.Option()] = None) -> None:
    """List the items of the published (or a given) catalog version."""
    from xinyong.catalog.service import get_version

    db = _database()
    with db.transaction() as session:
        v, items = get_version(session, version)
    table = Table(title=f"{v.title} — v{v.number} ({v.status.value})")
    # Codes are what operators copy into commands: never wrapped or cut, even in a narrow
    # terminal or a pipe; the long columns give way instead.
    table.add_column("code", no_wrap=True, min_width=max(len(i.code) for i in items))
    table.add_column("name", ratio=2, overflow="fold")
    table.add_column("category", no_wrap=True)
    table.add_column("disclosure", no_wrap=True)
    table.add_column("sources", ratio=3, overflow="fold")
    for i in items:
        table.add_row(i.code, i.name, i.category.value, i.disclosure.value, ", ".join(i.sources))
    console.print(table)


@lists_app.command("show")
def lists_show() -> None:
    """The lists with their kind, field, identifying sector and periods."""
    from xinyong.lists.repository import all_lists

    db = _database()
    with db.transaction() as session:
        rows = all_lists(session)
    table = Table(title="名单 lists")
    table.add_column("code", no_wrap=True, min_width=max(len(r.code) for r in rows))
    table.add_column("name", ratio=2, overflow="fold")
    for name in ("kind", "field", "sector", "years", "notice days"):
        table.add_column(name, no_wrap=True)
    for r in rows:
        table.add_row(
            r.code,
            r.spec["name"],
            r.kind.value,
            r.field,
            r.identifying_sector,
            str(r.spec["validity_years"]),
            str(r.spec["notice_days"]),
        )
    console.print(table)


@lists_app.command("load")
def lists_load(path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """Publish new or revised lists from a JSON file ({"lists": [...]}, as GET /lists)."""
    from xinyong.lists.schemas import ListsIn
    from xinyong.lists.service import publish_lists

    data = _read_json(ListsIn.model_validate_json, path)
    db = _database()
    with db.transaction() as session:
        changed = publish_lists(session, data, actor=ACTOR, now=_clock(db.settings).now())
    console.print(f"lists changed: {', '.join(changed) or 'none'}")


@measures_app.command("load")
def measures_load(path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """Publish the whole measures list from a JSON file ({"measures": [...]})."""
    from xinyong.measures.schemas import MeasuresIn
    from xinyong.measures.service import publish_measures

    data = _read_json(MeasuresIn.model_validate_json, path)
    db = _database()
    with db.transaction() as session:
        result = publish_measures(session, data, actor=ACTOR, now=_clock(db.settings).now())
    for name, codes in result.items():
        console.print(f"{name}: {', '.join(codes) or '-'}")


@calendar_app.command("load")
def calendar_load(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    replace: Annotated[
        bool, typer.Option(help="replace a year the calendar already knows")
    ] = False,
) -> None:
    """Load a year's holiday arrangement from a JSON file (docs/calendar-format.md)."""
    from xinyong.calendar.schemas import CalendarYearIn
    from xinyong.calendar.service import load_year

    data = _read_json(CalendarYearIn.model_validate_json, path)
    db = _database()
    with db.transaction() as session:
        year = load_year(session, data, replace=replace, actor=ACTOR, now=_clock(db.settings).now())
    console.print(
        f"calendar {year.year} loaded: {len(year.holidays)} holidays, "
        f"{len(year.working_weekends)} working weekends, {year.working_days} working days"
    )


@calendar_app.command("show")
def calendar_show(year: Annotated[int | None, typer.Option()] = None) -> None:
    """The years the calendar knows, or one year's holidays and working weekends."""
    from xinyong.calendar.schemas import WEEKDAYS
    from xinyong.calendar.service import all_years, year_view

    db = _database()
    if year is None:
        with db.transaction() as session:
            years = all_years(session)
        table = Table(title="工作日历 working-day calendar")
        for name in ("year", "source", "holidays", "make-up", "workdays"):
            table.add_column(name, no_wrap=True)
        table.add_column("loaded", overflow="fold", min_width=10)
        for y in years:
            table.add_row(
                str(y.year),
                y.source,
                str(len(y.holidays)),
                str(len(y.working_weekends)),
                str(y.working_days),
                f"{local_date(y.loaded_at)} {y.loaded_by}" if y.loaded_at else "",
            )
        console.print(table)
        return
    with db.transaction() as session:
        view = year_view(session, year)
    table = Table(title=f"{view.year} ({view.source}: {view.basis})")
    for name in ("date", "weekday", "kind"):
        table.add_column(name, no_wrap=True)
    table.add_column("name", overflow="fold")
    days = [(d, "holiday") for d in view.holidays] + [
        (d, "working weekend") for d in view.working_weekends
    ]
    for d, kind in sorted(days, key=lambda x: x[0].date):
        table.add_row(d.date.isoformat(), WEEKDAYS[d.date.weekday()], kind, d.name)
    console.print(table)
    console.print(f"{view.working_days} working days")


@report_app.command("dual-publicity")
def report_dual_publicity(
    month: Annotated[str, typer.Option(help="YYYY-MM: the month the records arrived in")],
    out: Annotated[
        Path, typer.Option(help="folder for the two CSVs and the printable page")
    ] = Path("."),
) -> None:
    """双公示 timeliness of a month (000 §（十五）: 7 working days from the decision): per
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
        progress.update(task, description="writing the notice")
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
        console.print(f"written: {path}", soft_wrap=True)


@validity_app.command("show")
def validity_show() -> None:
    """The validity rules with their effective dates, oldest first (Measures art. 30)."""
    from xinyong.records.rules import SEVERITY_NAMES
    from xinyong.validity.service import all_rules

    db = _database()
    with db.transaction() as session:
        rules = all_rules(session)
    table = Table(title="有效期规则 validity rules (months from determination)")
    table.add_column("id", no_wrap=True)
    table.add_column("from", no_wrap=True, min_width=10)
    widest = max((len(r.item_code or "(all)") for r in rules), default=5)
    table.add_column("item", no_wrap=True, min_width=widest)
    table.add_column("months", overflow="fold", min_width=15)
    table.add_column("basis", overflow="fold", ratio=1)
    for r in rules:
        table.add_row(
            str(r.id),
            r.effective_from.isoformat(),
            r.item_code or "(all)",
            "\n".join(
                f"{s} {name} {r.months[s]}" for s, name in SEVERITY_NAMES.items() if s in r.months
            ),
            r.basis,
        )
    console.print(table)


@validity_app.command("load")
def validity_load(path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """Add the rules of a JSON file (a list of {"effective_from", "item_code"?, "months",
    "basis"}, as POST /validity-rules), all or none (docs/workflows/validity.md)."""
    from xinyong.validity.service import RULE_FILE, load_rules

    data = _read_json(RULE_FILE.validate_json, path)
    db = _database()
    with _one_line_errors(with_field=True), db.transaction() as session:
        added = load_rules(session, data, actor=ACTOR, now=_clock(db.settings).now())
        shown = [(r.id, r.effective_from, r.item_code) for r in added]
    for rule_id, effective_from, item_code in shown:
        console.print(f"rule {rule_id} added: from {effective_from} for {item_code or 'all items'}")
