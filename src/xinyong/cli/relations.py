"""`xinyong relations`: related parties (关联关系, docs/relations.md) — the scan of the graph from
every black-listed subject, and one subject's related parties with the paths."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from xinyong.cli.common import ACTOR, JsonOption, _clock, _database, _print_json, _progress, console
from xinyong.core.labels import LIST_KINDS

relations_app = typer.Typer(help="关联关系（relations）", no_args_is_help=True)


@relations_app.command("scan")
def relations_scan(as_json: JsonOption = False) -> None:
    """扫描关联关系：标记与黑名单主体相距两层关联以内的组织，并记录关联路径。

    Scan the graph of organisations and persons from every black-listed subject in force and
    flag the organisations within two links, with the path (replacing the previous flags)."""
    from xinyong.relations.scan import run_scan
    from xinyong.relations.service import scan_out

    started = time.monotonic()
    db = _database()
    try:
        with _progress() as progress:
            task = progress.add_task("关联关系扫描", total=None)
            scan = run_scan(
                db,
                now=_clock(db.settings).now(),
                actor=ACTOR,
                on_phase=lambda phase: progress.update(task, description=phase),
            )
    finally:
        db.dispose()
    if as_json:
        _print_json(scan_out(scan).model_dump(mode="json"))
        return
    console.print(
        f"扫描完成：黑名单主体 {scan.sources} 个，关联关系 {scan.links} 条，"
        f"标记组织 {scan.flagged} 家；用时 {time.monotonic() - started:.1f} 秒",
        soft_wrap=True,
    )


@relations_app.command("show")
def relations_show(
    key: Annotated[str, typer.Argument(help="统一社会信用代码或身份证号码")],
    purpose: Annotated[str, typer.Option(help="查询用途（记入日志）")],
    as_json: JsonOption = False,
) -> None:
    """列出一个主体两层以内的关联主体、其名单状态和关联路径（政务共享信息，查询记入日志）。

    A subject's related parties within two links, with their list status and the paths (a
    read of government-shared data, logged with its purpose)."""
    from xinyong.checks.rules import require_purpose
    from xinyong.relations.service import related_subjects
    from xinyong.subjects.service import find_subject

    reason = require_purpose(purpose)
    db = _database()
    try:
        with db.transaction() as session:
            now = _clock(db.settings).now()
            subject = find_subject(session, key, cipher=db.cipher)
            related = related_subjects(session, subject, actor=ACTOR, now=now, purpose=reason)
    finally:
        db.dispose()
    if as_json:
        _print_json(related.model_dump(mode="json"))
        return
    table = Table(title=f"{escape(related.subject.name)} 的关联主体（两层以内）")
    for column in ("层级", "主体", "名单", "关联路径"):
        table.add_column(column)
    for r in related.related:
        lists = "、".join(LIST_KINDS[k] for k in r.lists) or "—"
        code = r.subject.credit_code or r.subject.id_masked or ""
        table.add_row(
            str(r.distance), escape(f"{r.subject.name} {code}"), lists, escape(r.path_text)
        )
    console.print(table)
