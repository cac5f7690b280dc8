"""The ``xinyong`` command."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.markup import escape
from rich.table import Table

# typer 0.29 (pinned) carries its own click and does not re-export its usage errors.
from typer._click.core import Context
from typer.core import TyperGroup

from xinyong.cli.commitments import commitments_app
from xinyong.cli.common import (
    ACTOR,
    JsonOption,
    _clock,
    _database,
    _department_and_subject,
    _one_line_errors,
    _print_json,
    _progress,
    _say_error,
    console,
    parse_as_of,
    upgrade_database,
)
from xinyong.cli.credit_reports import keys_app as report_keys_app
from xinyong.cli.evaluation import evaluate_app
from xinyong.cli.government import government_app
from xinyong.cli.inspections import inspections_app
from xinyong.cli.oversight import oversight_app
from xinyong.cli.quality import quality_app
from xinyong.cli.reference import (
    calendar_app,
    catalog_app,
    lists_app,
    measures_app,
    report_app,
    validity_app,
)
from xinyong.cli.relations import relations_app
from xinyong.cli.risk import risk_app
from xinyong.core.annotations import resolve
from xinyong.core.clock import SHANGHAI
from xinyong.core.labels import GRADE_NAMES
from xinyong.models import Channel, Role
from xinyong.settings import Settings


class _Commands(TyperGroup):
    """The ``xinyong`` command and every command under it run inside ``_one_line_errors``:
    one error path for all of them, never a traceback for a refusal."""

    def invoke(self, ctx: Context) -> Any:
        with _one_line_errors():
            return super().invoke(ctx)


app = typer.Typer(
    help="xinyong 公共信用信息平台 — public credit information platform",
    no_args_is_help=True,
    cls=_Commands,
)
db_app = typer.Typer(help="数据库结构（database schema）", no_args_is_help=True)
department_app = typer.Typer(help="部门（departments）", no_args_is_help=True)
token_app = typer.Typer(help="系统接口令牌（API tokens）", no_args_is_help=True)
audit_app = typer.Typer(help="审计日志（audit log）", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(department_app, name="department")
app.add_typer(token_app, name="token")
app.add_typer(audit_app, name="audit")
app.add_typer(catalog_app, name="catalog")
app.add_typer(lists_app, name="lists")
app.add_typer(measures_app, name="measures")
app.add_typer(commitments_app, name="commitments")
app.add_typer(inspections_app, name="inspections")
app.add_typer(government_app, name="government")
app.add_typer(calendar_app, name="calendar")
user_app = typer.Typer(help="登录页面的人员账号（accounts）", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(validity_app, name="validity")
app.add_typer(report_app, name="report")
app.add_typer(evaluate_app, name="evaluate")
app.add_typer(relations_app, name="relations")
app.add_typer(risk_app, name="risk")
app.add_typer(oversight_app, name="oversight")
app.add_typer(quality_app, name="quality")
report_app.add_typer(report_keys_app, name="keys")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """升级数据库结构；新数据库同时发布默认目录。

    Apply the migrations (the only source of the schema) and publish the default catalog on a
    new database."""
    settings = Settings()
    upgrade_database(settings)
    console.print(
        f"[green]数据库结构已是最新版本[/green]（{escape(_safe_url(settings.database_url))}）",
        soft_wrap=True,
    )


def _safe_url(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':')[0]}@{host}"
    return url


@app.command()
def serve(
    host: Annotated[
        str,
        typer.Option(
            help="监听地址",
            envvar="XINYONG_HOST",  # as Settings.host reads it (docs/settings.md)
            show_envvar=True,
        ),
    ] = Settings.model_fields["host"].default,
    port: Annotated[
        int,
        typer.Option(
            help="监听端口",
            envvar="XINYONG_PORT",  # as Settings.port reads it (docs/settings.md)
            show_envvar=True,
        ),
    ] = Settings.model_fields["port"].default,
    demo: Annotated[int, typer.Option(help="空数据库时载入的演示主体个数", min=0)] = 0,
) -> None:
    """升级数据库结构后启动接口和页面服务。

    Serve the API and the pages, after bringing the schema up to date."""
    import uvicorn

    from xinyong.app import create_app
    from xinyong.core.ratelimit import trusted_proxies

    settings = Settings()
    proxies = trusted_proxies(settings.trusted_proxies)
    upgrade_database(settings)
    if demo:
        _load_demo(settings, subjects=demo, seed=1, only_if_empty=True)
    console.print(
        f"[bold green]平台已启动：http://{host}:{port}/[/bold green]"
        f"（接口文档：http://{host}:{port}/api/v1/docs）",
        soft_wrap=True,
    )
    if settings.fixed_today:
        console.print(
            f"[yellow]培训演示模式：日期固定为 {settings.fixed_today}[/yellow]"
            "（由 XINYONG_FIXED_TODAY 设定）",
            soft_wrap=True,
        )
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="warning",
        # X-Forwarded-For names the client only when the connection comes from a proxy of
        # XINYONG_TRUSTED_PROXIES; uvicorn's own default would trust 127.0.0.1, and anyone on
        # the host could then pick the address the log-in throttle and look-up limit count.
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
    )


@app.command()
def demo(
    subjects: Annotated[int, typer.Option(help="演示主体个数", min=1)] = 1000,
    seed: Annotated[int, typer.Option(help="随机种子：种子相同，数据相同")] = 1,
) -> None:
    """载入可重复的演示数据：部门及其令牌、主体、各信息项的记录。

    Load deterministic demo data: departments with tokens, subjects, records of every item."""
    settings = Settings()
    upgrade_database(settings)
    _load_demo(settings, subjects=subjects, seed=seed, only_if_empty=False)


def _write_secret(path: Path, content: dict) -> Path:
    """A file of secrets for the demo's operator: created readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(content, handle, ensure_ascii=False, indent=2)
    return path


def _load_demo(settings: Settings, *, subjects: int, seed: int, only_if_empty: bool) -> None:
    from xinyong.catalog.service import get_version
    from xinyong.demo.loader import load_demo
    from xinyong.records.repository import has_records

    db = _database(settings)
    with db.transaction() as session:
        if only_if_empty and has_records(session):
            console.print("数据库中已有信用信息，不再载入演示数据")
            _demo_report_keys(settings)
            return
        _, items = get_version(session, None)
    catalog_items = [
        {c.key: getattr(i, c.key) for c in i.__table__.columns if c.key not in ("id", "version_id")}
        for i in items
    ]
    for entry in catalog_items:
        entry["category"] = entry["category"].value
        entry["disclosure"] = entry["disclosure"].value
    with _progress() as progress:
        task = progress.add_task("载入演示数据", total=None)
        result = load_demo(
            db,
            catalog_items,
            subjects=subjects,
            seed=seed,
            clock=_clock(settings),
            on_progress=lambda n: progress.update(task, advance=n),
        )
    tokens_path = _write_secret(settings.var_dir / "demo-tokens.json", result.tokens)
    users_path = _write_secret(settings.var_dir / "demo-users.json", result.accounts)
    console.print(
        f"演示数据已载入：主体 {subjects} 个，信用信息接收 {result.accepted} 条、重复 "
        f"{result.duplicates} 条、拒收 {result.rejected} 条，名单条目 {result.listed} 条，"
        f"信用承诺 {result.commitments} 项，自主申报 {result.declarations} 项",
        soft_wrap=True,
    )
    if result.grades:
        shown = "、".join(f"{GRADE_NAMES[g]} {result.grades.get(g, 0)}" for g in GRADE_NAMES)
        console.print(f"公共信用综合评价（默认模型）：{shown}", soft_wrap=True)
    console.print(f"演示用系统接口令牌：{escape(str(tokens_path))}", soft_wrap=True)
    console.print(f"演示登录账号：{escape(str(users_path))}", soft_wrap=True)
    _demo_report_keys(settings)
    db.dispose()


def _demo_report_keys(settings: Settings) -> None:
    """A demo issues credit reports out of the box: a signing key of its own, if it has none
    (production generates or installs one deliberately: docs/reports.md § Keys)."""
    from xinyong.credit_reports import signing

    if (settings.report_keys / signing.CERT_FILE).exists():
        return
    keys = signing.generate(
        settings.report_keys,
        settings.master_key,
        issuer=settings.report_issuer,
        now=_clock(settings).now(),
    )
    console.print(
        f"信用报告签名证书（演示自签名）：{escape(str(settings.report_keys / signing.CERT_FILE))}"
        f"，指纹 {keys.fingerprint}",
        soft_wrap=True,
    )


@app.command("import")
def import_file(
    path: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help=".csv、.jsonl 或 .xlsx 文件")
    ],
    provider: Annotated[str, typer.Option(help="信息提供单位的部门代码")],
    item: Annotated[
        str | None, typer.Option(help="每行的目录信息项代码（不给则读各行的 item 列）")
    ] = None,
    channel: Annotated[
        Channel,
        typer.Option(help="报送渠道：same_level（同级推送）或 province_unified（省统一推送）"),
    ] = Channel.same_level,
    errors: Annotated[
        Path | None, typer.Option(help="逐行错误文件的路径（默认 文件名.errors.csv）")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """导入信用信息文件（校验同接口）。

    合格的行一次入库，不合格的行写入错误文件。

    Import a file of records through the same validation as the API: good rows land in one
    transaction, bad rows go to the error file (default: FILE.errors.csv)."""
    from xinyong.records.importer import import_path

    db = _database()
    errors = errors or path.with_name(path.name + ".errors.csv")
    # A file refused whole (records/files.py: beyond a limit, not readable as its type) or an
    # unknown provider: one line (_one_line_errors), nothing stored.
    with _progress() as progress:
        task = progress.add_task(f"导入 {escape(path.name)}", total=None)
        result = import_path(
            db,
            path,
            provider=provider,
            item=item,
            channel=channel,
            actor=ACTOR,
            now=_clock(db.settings).now(),
            errors_path=errors,
            on_progress=lambda n: progress.update(task, advance=n),
        )
    rejected = len(result["rejected"])
    if as_json:
        _print_json(
            {
                "batch_id": result["batch_id"],
                "accepted": result["accepted"],
                "duplicates": result["duplicates"],
                "rejected": rejected,
                "errors_file": str(errors) if rejected else None,
            }
        )
    else:
        console.print(
            f"批次 {result['batch_id']}：接收 {result['accepted']} 条，重复 "
            f"{result['duplicates']} 条，拒收 {rejected} 条",
            highlight=False,
        )
        if rejected:
            console.print(f"[yellow]逐行错误已写入 {escape(str(errors))}[/yellow]", soft_wrap=True)
    if rejected:
        raise typer.Exit(code=1)


@department_app.command("create")
def department_create(
    code: Annotated[str, typer.Option(help="部门代码（登记后用于命令和接口）")],
    name: Annotated[str, typer.Option(help="部门名称")],
    region: Annotated[str, typer.Option(help="行政区划代码（GB/T 2260）")],
    kind: Annotated[str, typer.Option(help="行业代码，见 docs/catalog-format.md")],
) -> None:
    """登记部门。Register a department."""
    from xinyong.core.labels import SECTOR_NAMES
    from xinyong.departments.service import create_department

    db = _database()
    with db.transaction() as session:
        create_department(
            session,
            code=code,
            name=name,
            region_code=region,
            kind=kind,
            actor=ACTOR,
            now=_clock(db.settings).now(),
        )
    console.print(
        f"已登记部门 {escape(code)}：{escape(name)}（{SECTOR_NAMES.get(kind, kind)}）",
        soft_wrap=True,
    )


@department_app.command("list")
def department_list(as_json: JsonOption = False) -> None:
    """已登记的部门。The registered departments."""
    from xinyong.core.labels import SECTOR_NAMES
    from xinyong.departments.service import list_departments

    db = _database()
    with db.transaction() as session:
        rows = [(d.code, d.name, d.region_code, d.kind) for d in list_departments(session)]
    if as_json:
        keys = ("code", "name", "region_code", "kind")
        _print_json([dict(zip(keys, row, strict=True)) for row in rows])
        return
    table = Table(title="部门")
    table.add_column("部门代码", no_wrap=True)
    table.add_column("名称", overflow="fold")
    table.add_column("行政区划代码", no_wrap=True)
    table.add_column("行业", no_wrap=True)
    for code, name, region, kind in rows:
        table.add_row(escape(code), escape(name), region, SECTOR_NAMES.get(kind, kind))
    console.print(table)


# Who may hold a token or an account: every role but the public, which needs neither
# (departments/service.py), so it is not offered.
HolderRole = Annotated[
    Literal["authority", "provider", "user_department", "subject"],
    typer.Option(
        help="角色：authority（信用管理部门）、provider（信息提供单位）、"
        "user_department（信息使用单位）、subject（信息主体）"
    ),
]


@token_app.command("create")
def token_create(
    role: HolderRole,
    name: Annotated[str, typer.Option(help="令牌用途")],
    department: Annotated[str | None, typer.Option(help="部门代码")] = None,
    subject: Annotated[
        str | None, typer.Option(help="信息主体的统一社会信用代码或身份证号码（主体的令牌）")
    ] = None,
) -> None:
    """签发系统接口令牌：只显示这一次，平台只保存其哈希值。

    Issue a token. It is printed once; only its hash is kept."""
    from xinyong.departments.service import create_token

    db = _database()
    with db.transaction() as session:
        dept, subject_id = _department_and_subject(session, db, department, subject)
        _, token = create_token(
            session,
            role=Role(role),
            name=name,
            department=dept,
            subject_id=subject_id,
            actor=ACTOR,
            now=_clock(db.settings).now(),
        )
    console.print(token, soft_wrap=True)


StaffRoleOption = Annotated[
    Literal["handler", "reviewer", "admin"] | None,
    typer.Option(
        "--staff-role",
        help="部门人员的岗位：handler（经办）、reviewer（审核）或 admin（管理员）",
    ),
]


@token_app.command("list")
def token_list(as_json: JsonOption = False) -> None:
    """系统接口令牌（系统之间的接口，不是人员的登录账号）。

    The API tokens: system-to-system interfaces, never a person's log-in."""
    from xinyong.core.labels import API_TOKEN, ROLE_NAMES
    from xinyong.departments.repository import tokens_with_departments

    db = _database()
    with db.transaction() as session:
        tokens = list(tokens_with_departments(session, limit=10_000))
    if as_json:
        _print_json(
            [
                {
                    "id": tok.id,
                    "name": tok.name,
                    "role": tok.role.value,
                    "department": code,
                    "prefix": tok.prefix,
                    "created_at": tok.created_at.astimezone(SHANGHAI).isoformat(),
                    "revoked_at": (
                        tok.revoked_at.astimezone(SHANGHAI).isoformat() if tok.revoked_at else None
                    ),
                }
                for tok, code, _name in tokens
            ]
        )
        return
    table = Table(title=API_TOKEN)
    for name in ("编号", "用途", "角色", "部门代码", "前缀", "签发时间", "状态"):
        table.add_column(name, no_wrap=name in ("编号", "角色", "签发时间", "状态"))
    for tok, code, _name in tokens:
        table.add_row(
            str(tok.id),
            escape(tok.name),
            ROLE_NAMES.get(tok.role.value, tok.role.value),
            escape(code or ""),
            f"{tok.prefix}…",
            tok.created_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
            "已吊销" if tok.revoked_at else "有效",
        )
    console.print(table)


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Option(help="登录名")],
    name: Annotated[str, typer.Option(help="姓名（页面上显示）")],
    role: HolderRole,
    department: Annotated[str | None, typer.Option(help="部门代码")] = None,
    subject: Annotated[
        str | None, typer.Option(help="信息主体的统一社会信用代码或身份证号码（主体的账号）")
    ] = None,
    staff_role: StaffRoleOption = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="从标准输入读取密码")
    ] = False,
    setup_link: Annotated[
        bool,
        typer.Option("--setup-link", help="不设密码：给出一次性链接，由本人设置密码"),
    ] = False,
) -> None:
    """开立页面登录账号：密码不作为参数，而是不回显地输入两次，或从标准输入读取，或由本人通过
    一次性链接设置；平台只保存其 argon2 哈希值。

    Open an account for the pages. The password is never an argument (it would stay in
    the shell's history and the process list): it is asked for, without echo and twice; or
    read from standard input (--password-stdin); or the person sets it by a one-time link
    (--setup-link). It is kept only as its argon2 hash."""
    import sys

    from xinyong.accounts.rules import SETUP_LINK_HOURS
    from xinyong.accounts.service import create_user, issue_setup_link
    from xinyong.core.labels import ROLE_NAMES, STAFF_ROLES
    from xinyong.models import StaffRole

    if password_stdin and setup_link:
        raise typer.BadParameter("--password-stdin 与 --setup-link 只能选一个 (choose one)")
    password: str | None = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif not setup_link:
        password = _ask_password()
    db = _database()
    now = _clock(db.settings).now()
    token = None
    with db.transaction() as session:
        dept, subject_id = _department_and_subject(session, db, department, subject)
        user = create_user(
            session,
            username=username,
            display_name=name,
            password=password,
            role=Role(role),
            department=dept,
            subject_id=subject_id,
            staff_role=StaffRole(staff_role) if staff_role else None,
            actor=ACTOR,
            now=now,
        )
        if setup_link:
            token = issue_setup_link(session, user, actor=ACTOR, now=now)
        where = "·".join(
            x for x in (dept.name if dept else None, STAFF_ROLES.get(staff_role or "")) if x
        )
    console.print(
        f"已开立账号 {escape(user.username)}：{escape(user.display_name)}，{ROLE_NAMES[role]}"
        + (f"（{escape(where)}）" if where else ""),
        soft_wrap=True,
    )
    if token:
        base = f"http://{db.settings.host}:{db.settings.port}"
        console.print(
            f"一次性设置密码链接（{SETUP_LINK_HOURS} 小时内有效，只能使用一次）：\n"
            f"{base}/setup/{token}",
            soft_wrap=True,
        )


def _ask_password() -> str:
    """The password, typed twice without echo; asked again until both agree."""
    while True:
        first = typer.prompt("密码", hide_input=True)
        if typer.prompt("再次输入密码", hide_input=True) == first:
            return first
        console.print("[yellow]两次输入的密码不一致，请重新输入[/yellow]")


@audit_app.command("verify")
def audit_verify() -> None:
    """用审计密钥核验审计日志链及每个检查点。

    Recompute the audit chain with the audit key and check every checkpoint against it;
    exit 1, with one line per finding, if any entry was edited, removed or reordered, or the
    log was cut or rewritten since a checkpoint (docs/adr/0013)."""
    from xinyong.core.audit import verify

    db = _database()
    with db.transaction() as session:
        result = verify(session)
    directory = db.settings.audit_checkpoints
    for finding in result.findings:
        where = f"第 {finding.entry_id} 条" if finding.entry_id is not None else ""
        if finding.checkpoint is None:
            console.print(
                f"[red]审计日志被篡改[/red]：{where}{escape(finding.message)}", soft_wrap=True
            )
        else:
            console.print(
                f"[red]检查点不符[/red]：{escape(finding.checkpoint)}：{where}"
                f"{escape(finding.message)}",
                soft_wrap=True,
            )
    if not result.ok:
        raise typer.Exit(code=1)
    unkeyed = f"，其中 {result.unkeyed} 条为启用审计密钥前的链" if result.unkeyed else ""
    console.print(
        f"[green]审计日志完整[/green]：共 {result.checked} 条{unkeyed}；"
        f"{result.checkpoints} 个检查点相符",
        soft_wrap=True,
        highlight=False,
    )
    if result.checkpoints == 0:
        console.print(
            f"[yellow]{escape(str(directory))} 中没有检查点[/yellow]：日志若被清空或截掉末尾将"
            "无法发现；请运行 xinyong audit checkpoint",
            soft_wrap=True,
        )
    elif result.anchored < result.head_id:
        console.print(
            f"最新检查点之后的 {result.head_id - result.anchored} 条尚未锚定",
            soft_wrap=True,
            highlight=False,
        )


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """对审计日志链的最新位置签名，写入新的检查点文件。

    Sign the audit chain's head (last id and hash, entry count, time) and write it as a new
    file in XINYONG_AUDIT_CHECKPOINT_DIR; existing files are never touched. The scheduled jobs
    do it every XINYONG_AUDIT_CHECKPOINT_HOURS."""
    from xinyong.core.audit import write_checkpoint

    db = _database()
    directory = db.settings.audit_checkpoints
    try:
        checkpoint = write_checkpoint(db, actor=ACTOR, now=_clock(db.settings).now())
    except OSError as exc:
        _say_error(
            "checkpoint_not_written",
            f"无法写入检查点目录 {directory}：{exc.strerror}",
            f"cannot write the checkpoint directory {directory}: {exc.strerror}",
        )
        raise typer.Exit(code=1) from None
    console.print(
        f"检查点已写入：{escape(str(checkpoint.path))}，至第 {checkpoint.last_id} 条",
        soft_wrap=True,
    )
    console.print(f"验证公钥（Ed25519）：{db.audit_keys.public_key_text()}", soft_wrap=True)


@app.command()
def tick(
    at: Annotated[
        str | None,
        typer.Option(
            help="按过去某日或某时（北京时间）运行规则类任务：YYYY-MM-DD（当日零时）或 "
            "YYYY-MM-DDTHH:MM[:SS][+08:00]，不得晚于现在。停机后按日期从早到晚逐日补跑，"
            "最后不带 --at 再运行一次，使每项失效、生效和提醒记在其应有的日期",
            metavar="DATE",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """运行一次定时任务。

    失效、名单期满退出、修复生效、逾期提醒、推送通知、审计检查点。

    Run the scheduled jobs once: records past their validity expire, list entries past
    their period leave with an exit notice, repairs whose notice ended take effect, overdue
    steps are alerted, a calendar year that deadlines will soon reach and nobody loaded is
    warned of, due webhook deliveries are sent, the audit chain's head is checkpointed when
    due. Idempotent; safe to run twice or after days of downtime. With --at, webhook
    deliveries and the checkpoint are still done at the time it runs, never backdated."""
    from xinyong.jobs import describe_jobs, run_jobs
    from xinyong.records.service import CollectionContext

    db = _database()
    clock = _clock(db.settings)
    as_of = parse_as_of(at, clock.now()) if at is not None else None
    result = run_jobs(db, clock, CollectionContext(db), as_of=as_of)
    local = as_of.astimezone(SHANGHAI) if as_of is not None else None
    if as_json:
        out = {"as_of": local.isoformat() if local else None, **result}
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    if local is not None:
        console.print(f"按 {local:%Y-%m-%d %H:%M:%S}（北京时间）的规则运行", highlight=False)
    for line in describe_jobs(result):
        console.print(escape(line), highlight=False)
    if result["calendar_years_missing"]:
        console.print(
            "[yellow]今后两个月内的法定期限可能落入上述年度：请在国务院办公厅公布该年度"
            "节假日安排后载入工作日历（xinyong calendar load 文件）。[/yellow]",
            soft_wrap=True,
        )


def _resolve_commands(typer_app: typer.Typer) -> None:
    """Every command's annotations evaluated once, here, not again each time the command line
    is built (core/annotations.py)."""
    callbacks = [command.callback for command in typer_app.registered_commands]
    if typer_app.registered_callback is not None:
        callbacks.append(typer_app.registered_callback.callback)
    for group in typer_app.registered_groups:
        callbacks.append(group.callback)
        if group.typer_instance is not None:
            _resolve_commands(group.typer_instance)
    for callback in callbacks:
        if callback is not None:
            resolve(callback)


_resolve_commands(app)
