"""`xinyong commitments`: the commitment item list (信用承诺事项清单) published from a file and
shown, as `xinyong measures` does for the measures list (docs/commitments.md)."""

from __future__ import annotations

import json
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
    _one_line_errors,
    _print_json,
    _say_error,
    console,
)
from xinyong.commitments.schemas import ITEM_PROBLEMS, CommitmentItemsIn
from xinyong.core.clock import SHANGHAI
from xinyong.core.labels import (
    COMMITMENT_ITEM_FIELDS,
    COMMITMENT_TYPES,
    MEASURE_CHANGES,
    SECTOR_NAMES,
    SEVERITY_NAMES,
    SUBJECT_KINDS,
    VERIFICATION_DAY_KINDS,
)
from xinyong.errors import InvalidRequest, NotFound

commitments_app = typer.Typer(help="信用承诺事项清单（commitment items）", no_args_is_help=True)


# --- load -----------------------------------------------------------------------------------


@commitments_app.command("load")
def commitments_load(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)],
    as_json: JsonOption = False,
) -> None:
    """从 JSON 文件发布完整的信用承诺事项清单（{"items": [...]}，同 POST /commitment-items）；
    新增和修订的事项得到新版本，格式文本有变化的得到新的文本版本，文件中没有的事项停用。

    Publish the whole commitment item list from a JSON file (the body of POST
    /api/v1/commitment-items): new and revised items get a new version, a changed standard
    text a new template version, items left out are retired. Bad input is told one line per
    item and field, and nothing is stored."""
    from xinyong.commitments.items import publish_commitment_items

    body = _read_items(path)
    db = _database()
    with _one_line_errors(with_field=True), db.transaction() as session:
        result = publish_commitment_items(session, body, actor=ACTOR, now=_clock(db.settings).now())
    if as_json:
        _print_json(result)
        return
    if not any(result.values()):
        console.print("承诺事项清单没有变化")
        return
    for change in ("added", "revised", "retired"):
        label = MEASURE_CHANGES[change]
        console.print(f"{label}的事项：{'、'.join(result[change]) or '无'}", soft_wrap=True)
    texts = [f"{code} 第 {version} 版" for code, version in _texts(result["texts"])]
    console.print(f"新的格式文本版本：{'、'.join(texts) or '无'}", soft_wrap=True)


def _texts(texts: list[str]) -> list[tuple[str, str]]:
    """The service's "code:version" of each new standard text."""
    return [tuple(t.rsplit(":", 1)) for t in texts]  # type: ignore[misc]  # two parts each


def _read_items(path: Path) -> CommitmentItemsIn:
    """The file as the list's body; else one line for each problem, by item and field, and the
    command ends (exit 1) before the database is touched."""
    from pydantic import ValidationError

    try:
        data = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidRequest(
            f"文件 {path.name} 不是有效的 JSON",
            f"{path.name} is not valid JSON: {exc}",
            code="malformed_json",
        ) from None
    try:
        return CommitmentItemsIn.model_validate(data)
    except ValidationError as exc:
        found = exc.errors()
        for error in found:
            _say_error("invalid_commitment_item", *_problem(error, data))
        _say_error(
            "invalid_request",
            f"文件 {path.name} 有 {len(found)} 处错误，承诺事项清单未发布",
            f"{path.name}: {len(found)} problem{'s' if len(found) > 1 else ''}, nothing published",
        )
        raise typer.Exit(code=1) from None


def _problem(error: Any, data: Any) -> tuple[str, str]:
    """One error of the file: where (the item by its number and code, the field by its Chinese
    name) and what, in Chinese; the path in the file and pydantic's words in English."""
    from xinyong.web.forms import pydantic_message

    loc = tuple(error.get("loc", ()))
    kind = error.get("type", "")
    message = pydantic_message(error)
    if kind in ITEM_PROBLEMS:
        field, text = ITEM_PROBLEMS[kind]
        message = text.format(**(error.get("ctx") or {}))
        if loc != ("items",) and field != "items":
            loc = (*loc, field)
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
    return f"{_where(loc, data)}：{message}", f"{path or 'file'}: {error.get('msg')}"


def _where(loc: tuple, data: Any) -> str:
    """items[2].verification.days → 第 3 项（code）的核查期限·天数."""
    if len(loc) < 2 or loc[0] != "items" or not isinstance(loc[1], int):
        names = [COMMITMENT_ITEM_FIELDS.get(str(p), str(p)) for p in loc]
        return "·".join(names) or "文件"
    items = data.get("items") if isinstance(data, dict) else None
    item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
    code = item.get("code") if isinstance(item, dict) else None
    where = f"第 {loc[1] + 1} 项" + (f"（{escape(code)}）" if isinstance(code, str) else "")
    names = []
    for part in loc[2:]:
        if isinstance(part, int):
            names[-1:] = [f"{names[-1] if names else ''}第 {part + 1} 条"]
        else:
            names.append(COMMITMENT_ITEM_FIELDS.get(part, part))
    return where + (f"的{'·'.join(names)}" if names else "")


# --- show -----------------------------------------------------------------------------------


@commitments_app.command("show")
def commitments_show(
    code: Annotated[str | None, typer.Argument(help="事项代码（不给则列出现行的全部事项）")] = None,
    as_json: JsonOption = False,
) -> None:
    """现行的信用承诺事项；给出事项代码则显示该事项全文、现行格式文本及其版本沿革。

    The items in force; with CODE, that item whole (retired ones too), its current standard
    text and the versions of its text."""
    if code is not None:
        _show_item(code, as_json=as_json)
        return
    from xinyong.catalog.service import published_catalog
    from xinyong.commitments.items import items_out

    db = _database()
    with db.transaction() as session:
        items = items_out(session)
        catalog = published_catalog(session)
        names = {c: i.spec.name for c, i in catalog.items.items()} if catalog else {}
    if as_json:
        _print_json([i.model_dump(mode="json") for i in items])
        return
    table = Table(title=f"信用承诺事项清单（{len(items)} 项）")
    table.add_column(
        "事项代码", no_wrap=True, min_width=max((len(i.code) for i in items), default=8)
    )
    table.add_column("类型", overflow="fold", min_width=5)
    table.add_column("事项", overflow="fold", ratio=2, min_width=8)
    table.add_column("受理部门", overflow="fold", min_width=4)
    table.add_column("依据", overflow="fold", ratio=3, min_width=8)
    table.add_column("是否公开", no_wrap=True)
    table.add_column("核查期限", no_wrap=True)
    table.add_column("违诺后果", overflow="fold", ratio=2, min_width=8)
    for i in items:
        table.add_row(
            i.code,
            COMMITMENT_TYPES.get(i.type, i.type),
            escape(i.name),
            SECTOR_NAMES.get(i.sector, i.sector),
            escape(_first_basis(i.legal_basis)),
            "公开" if i.published else "不公开",
            _period(i.verification),
            escape(_consequence(i.breach, names)),
        )
    console.print(table)


def _first_basis(basis: str) -> str:
    """The first document of the basis, and how many more (the whole in `show CODE`)."""
    documents = [d for d in basis.split("；") if d.strip()]
    more = f"等 {len(documents)} 件" if len(documents) > 1 else ""
    return (documents[0] if documents else basis) + more


def _period(verification: Any) -> str:
    if verification is None:
        return "—"
    kind = VERIFICATION_DAY_KINDS.get(verification.day_kind, verification.day_kind)
    return f"{verification.days} 个{kind}"


def _consequence(breach: Any, names: dict[str, str]) -> str:
    """记入失信信息项「违背信用承诺信息」（较重失信），可列入重点监管."""
    item = names.get(breach.item, breach.item)
    severity = SEVERITY_NAMES.get(breach.severity, breach.severity)
    watch = "，可列入重点监管" if breach.watch_list_eligible else ""
    return f"记入「{item}」（{severity}）{watch}"


def _show_item(code: str, *, as_json: bool) -> None:
    from xinyong.catalog.service import published_catalog
    from xinyong.commitments import repository
    from xinyong.commitments.schemas import CommitmentItemSpec

    db = _database()
    with db.transaction() as session:
        row = repository.all_items(session).get(code)
        if row is None:
            raise NotFound(
                f"承诺事项 {code} 不存在",
                f"no commitment item {code}",
                field="code",
                code="unknown_commitment_item",
            )
        spec = CommitmentItemSpec.model_validate(row.spec)
        version, active, updated_at = row.version, row.active, row.updated_at
        templates = [
            (t.version, t.published_at, t.text) for t in repository.templates_of(session, code)
        ]
        catalog = published_catalog(session)
        names = {c: i.spec.name for c, i in catalog.items.items()} if catalog else {}
    current = templates[-1]
    if as_json:
        _print_json(
            {
                **spec.model_dump(mode="json"),
                "version": version,
                "active": active,
                "updated_at": updated_at.astimezone(SHANGHAI).isoformat(),
                "template_version": current[0],
                "templates": [
                    {"version": v, "published_at": at.astimezone(SHANGHAI).isoformat(), "text": t}
                    for v, at, t in templates
                ],
            }
        )
        return
    state = "现行" if active else "已停用"
    table = Table(title=f"承诺事项 {escape(code)}（第 {version} 版，{state}）", show_header=False)
    table.add_column("项目", no_wrap=True, style="bold")
    table.add_column("内容", overflow="fold")
    verification = spec.verification
    rows = [
        ("事项", spec.name),
        ("类型", COMMITMENT_TYPES.get(spec.type, spec.type)),
        ("所属事项", spec.procedure),
        ("适用对象", "、".join(SUBJECT_KINDS.get(k, k) for k in spec.subject_kinds)),
        ("受理部门", SECTOR_NAMES.get(spec.sector, spec.sector)),
        ("依据", spec.legal_basis),
        ("是否公开", "公开" if spec.published else "不公开"),
        ("核查期限", _period(verification)),
        ("核查方式", verification.method if verification else "—"),
        ("违诺后果", _consequence(spec.breach, names)),
        ("承诺内容", "\n".join(f"{n}. {o}" for n, o in enumerate(spec.obligations, 1))),
        ("更新时间", f"{updated_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"),
    ]
    for name, value in rows:
        table.add_row(name, escape(value))
    console.print(table)
    console.print(f"\n[bold]格式文本（第 {current[0]} 版，现行）[/bold]")
    console.print(escape(current[2]), soft_wrap=True, highlight=False)
    history = Table(title="格式文本版本沿革")
    for name in ("版本", "发布时间", "字数", ""):
        history.add_column(name, no_wrap=True)
    for v, at, text in templates:
        history.add_row(
            f"第 {v} 版",
            f"{at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}",
            str(len(text)),
            "现行" if v == current[0] else "",
        )
    console.print(history)
