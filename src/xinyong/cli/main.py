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

from xinyong.cli.common import (
    ACTOR,
    _clock,
    _database,
    _department_and_subject,
    _one_line_errors,
    _progress,
    _say_error,
    console,
    parse_as_of,
    upgrade_database,
)
from xinyong.cli.reference import (
    calendar_app,
    catalog_app,
    lists_app,
    measures_app,
    report_app,
    validity_app,
)
from xinyong.core.clock import SHANGHAI
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
db_app = typer.Typer(help="Database schema", no_args_is_help=True)
department_app = typer.Typer(help="Departments", no_args_is_help=True)
token_app = typer.Typer(help="API tokens", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(department_app, name="department")
app.add_typer(token_app, name="token")
app.add_typer(audit_app, name="audit")
app.add_typer(catalog_app, name="catalog")
app.add_typer(lists_app, name="lists")
app.add_typer(measures_app, name="measures")
app.add_typer(calendar_app, name="calendar")
user_app = typer.Typer(help="People who log in to the pages", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(validity_app, name="validity")
app.add_typer(report_app, name="report")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the migrations (the only source of the schema) and publish the default catalog
    on a new database."""
    settings = Settings()
    upgrade_database(settings)
    console.print(f"[green]database is up to date[/green] ({_safe_url(settings.database_url)})")


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
            help="address to listen on",
            envvar="XINYONG_HOST",  # as Settings.host reads it (docs/settings.md)
            show_envvar=True,
        ),
    ] = Settings.model_fields["host"].default,
    port: Annotated[
        int,
        typer.Option(
            help="port to listen on",
            envvar="XINYONG_PORT",  # as Settings.port reads it (docs/settings.md)
            show_envvar=True,
        ),
    ] = Settings.model_fields["port"].default,
    demo: Annotated[
        int, typer.Option(help="load this many demo subjects into an empty database", min=0)
    ] = 0,
) -> None:
    """Serve the API and the pages, after bringing the schema up to date."""
    import uvicorn

    from xinyong.app import create_app
    from xinyong.core.ratelimit import trusted_proxies

    settings = Settings()
    proxies = trusted_proxies(settings.trusted_proxies)
    upgrade_database(settings)
    if demo:
        _load_demo(settings, subjects=demo, seed=1, only_if_empty=True)
    console.print(
        f"[bold green]xinyong is serving at http://{host}:{port}/[/bold green]  "
        f"(API: http://{host}:{port}/api/v1/docs)"
    )
    if settings.fixed_today:
        console.print(
            f"[yellow]培训演示模式：日期固定为 {settings.fixed_today}[/yellow]（training mode: "
            f"the date stands at {settings.fixed_today}, XINYONG_FIXED_TODAY）",
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
    subjects: Annotated[int, typer.Option(help="how many subjects", min=1)] = 1000,
    seed: Annotated[int, typer.Option(help="same seed, same data")] = 1,
) -> None:
    """Load deterministic demo data: departments with tokens, subjects, records of every item."""
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
            console.print("demo data already loaded")
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
        task = progress.add_task("demo records", total=None)
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
        f"loaded {result.accepted} records ({result.duplicates} duplicates, "
        f"{result.rejected} rejected) about {subjects} subjects, {result.listed} list "
        f"entries; demo tokens in {tokens_path}, log-in accounts in {users_path}"
    )
    db.dispose()


@app.command("import")
def import_file(
    path: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help=".csv, .jsonl or .xlsx")
    ],
    provider: Annotated[str, typer.Option(help="the providing department's code")],
    item: Annotated[
        str | None, typer.Option(help="catalog item of every row (else an item column)")
    ] = None,
    channel: Annotated[
        Channel, typer.Option(help="same_level or province_unified")
    ] = Channel.same_level,
    errors: Annotated[
        Path | None, typer.Option(help="where to write the per-row error file")
    ] = None,
) -> None:
    """Import a file of records through the same validation as the API: good rows land in one
    transaction, bad rows go to the error file (default: FILE.errors.csv)."""
    from xinyong.records.importer import import_path

    db = _database()
    errors = errors or path.with_name(path.name + ".errors.csv")
    # A file refused whole (records/files.py: beyond a limit, not readable as its type) or an
    # unknown provider: one line (_one_line_errors), nothing stored.
    with _progress() as progress:
        task = progress.add_task(f"importing {escape(path.name)}", total=None)
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
    console.print(
        f"batch {result['batch_id']}: accepted {result['accepted']}, duplicates "
        f"{result['duplicates']}, rejected {len(result['rejected'])}"
    )
    if result["rejected"]:
        console.print(f"[yellow]row errors written to {escape(str(errors))}[/yellow]")
        raise typer.Exit(code=1)


@department_app.command("create")
def department_create(
    code: Annotated[str, typer.Option()],
    name: Annotated[str, typer.Option()],
    region: Annotated[str, typer.Option(help="GB/T 2260 region code")],
    kind: Annotated[str, typer.Option(help="sector code, docs/catalog-format.md")],
) -> None:
    """Register a department."""
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
    console.print(f"department {code} created")


@department_app.command("list")
def department_list() -> None:
    from xinyong.departments.service import list_departments

    db = _database()
    table = Table("code", "name", "region", "kind")
    with db.transaction() as session:
        for d in list_departments(session):
            table.add_row(d.code, d.name, d.region_code, d.kind)
    console.print(table)


# Who may hold a token or an account: every role but the public, which needs neither
# (departments/service.py), so it is not offered.
HolderRole = Annotated[
    Literal["authority", "provider", "user_department", "subject"],
    typer.Option(help="who acts with it"),
]


@token_app.command("create")
def token_create(
    role: HolderRole,
    name: Annotated[str, typer.Option(help="what the token is for")],
    department: Annotated[str | None, typer.Option(help="department code")] = None,
    subject: Annotated[
        str | None, typer.Option(help="credit code or ID number (subject tokens)")
    ] = None,
) -> None:
    """Issue a token. It is printed once; only its hash is kept."""
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
        help="a department's person: handler (经办), reviewer (审核) or admin (管理员)",
    ),
]


@token_app.command("list")
def token_list() -> None:
    """The API tokens: system-to-system interfaces (系统接口令牌), never a person's log-in."""
    from xinyong.core.labels import API_TOKEN, ROLE_NAMES
    from xinyong.departments.repository import tokens_with_departments

    db = _database()
    columns = ("#", "用途 name", "角色 role", "部门 department", "前缀", "签发 created", "状态")
    table = Table(*columns, title=f"{API_TOKEN}（system-to-system API tokens）")
    with db.transaction() as session:
        for tok, code, _name in tokens_with_departments(session, limit=10_000):
            table.add_row(
                str(tok.id),
                escape(tok.name),
                ROLE_NAMES.get(tok.role.value, tok.role.value),
                code or "",
                f"{tok.prefix}…",
                tok.created_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
                "已吊销 revoked" if tok.revoked_at else "有效 live",
            )
    console.print(table)


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Option(help="log-in name")],
    name: Annotated[str, typer.Option(help="the person's name, as shown")],
    role: HolderRole,
    department: Annotated[str | None, typer.Option(help="department code")] = None,
    subject: Annotated[
        str | None, typer.Option(help="credit code or ID number (a subject's account)")
    ] = None,
    staff_role: StaffRoleOption = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from standard input")
    ] = False,
    setup_link: Annotated[
        bool,
        typer.Option(
            "--setup-link", help="no password: print a one-time link for the person to set it"
        ),
    ] = False,
) -> None:
    """Open an account for the pages. The password is never an argument (it would stay in
    the shell's history and the process list): it is asked for, without echo and twice; or
    read from standard input (--password-stdin); or the person sets it by a one-time link
    (--setup-link). It is kept only as its argon2 hash."""
    import sys

    from xinyong.accounts.rules import SETUP_LINK_HOURS
    from xinyong.accounts.service import create_user, issue_setup_link
    from xinyong.models import StaffRole

    if password_stdin and setup_link:
        raise typer.BadParameter("--password-stdin 与 --setup-link 只能选一个 (choose one)")
    password: str | None = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif not setup_link:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
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
    console.print(f"user {user.username} ({role}) created")
    if token:
        base = f"http://{db.settings.host}:{db.settings.port}"
        console.print(
            f"一次性设置密码链接（{SETUP_LINK_HOURS} 小时内有效，只能使用一次）"
            f" / one-time set-up link:\n"
            f"{base}/setup/{token}",
            soft_wrap=True,
        )


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the audit chain with the audit key and check every checkpoint against it;
    exit 1, with one line per finding, if any entry was edited, removed or reordered, or the
    log was cut or rewritten since a checkpoint (docs/adr/0013)."""
    from xinyong.core.audit import verify

    db = _database()
    with db.transaction() as session:
        result = verify(session)
    directory = db.settings.audit_checkpoints
    for finding in result.findings:
        where, where_en = (
            (f"第 {finding.entry_id} 条", f" at entry {finding.entry_id}")
            if finding.entry_id is not None
            else ("", "")
        )
        if finding.checkpoint is None:
            console.print(
                f"[red]审计日志被篡改[/red]：{where}{finding.message}"
                f"（audit log tampered{where_en}: {finding.problem}）",
                soft_wrap=True,
            )
        else:
            console.print(
                f"[red]检查点不符[/red]：{finding.checkpoint}：{where}{finding.message}"
                f"（checkpoint {finding.checkpoint}: {finding.problem}）",
                soft_wrap=True,
            )
    if not result.ok:
        raise typer.Exit(code=1)
    unkeyed = (
        (f"，其中 {result.unkeyed} 条为加密钥前的链", f", {result.unkeyed} from before the key")
        if result.unkeyed
        else ("", "")
    )
    console.print(
        f"[green]审计日志完整[/green]：{result.checked} 条{unkeyed[0]}；{result.checkpoints} 个"
        f"检查点相符（audit log intact: {result.checked} entries{unkeyed[1]}; "
        f"{result.checkpoints} checkpoints match）",
        soft_wrap=True,
    )
    if result.checkpoints == 0:
        console.print(
            f"[yellow]{directory} 中没有检查点[/yellow]：日志若被清空或截掉末尾将无法发现；"
            f"请运行 xinyong audit checkpoint（no checkpoint in {directory}: a log emptied or "
            "cut at its end would go unnoticed; run xinyong audit checkpoint）",
            soft_wrap=True,
        )
    elif result.anchored < result.head_id:
        console.print(
            f"最新检查点之后的 {result.head_id - result.anchored} 条尚未锚定（the "
            f"{result.head_id - result.anchored} entries after the newest checkpoint are not "
            "yet anchored）",
            soft_wrap=True,
        )


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """Sign the audit chain's head (last id and hash, entry count, time) and write it as a new
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
        f"检查点已写入（checkpoint written）：{checkpoint.path}，至第 {checkpoint.last_id} 条"
        f"（up to entry {checkpoint.last_id}）",
        soft_wrap=True,
    )
    console.print(
        f"验证公钥（verifying key, Ed25519）：{db.audit_keys.public_key_text()}", soft_wrap=True
    )


@app.command()
def tick(
    at: Annotated[
        str | None,
        typer.Option(
            help="run the jobs of the rules as of this past day or time, Asia/Shanghai: "
            "YYYY-MM-DD (the start of that day) or YYYY-MM-DDTHH:MM[:SS][+08:00]; not later "
            "than now. After downtime, run it for each day missed, oldest first, then without "
            "--at, so that each expiry, effect and alert is dated on its own day",
            metavar="DATE",
        ),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="print the figures as one JSON object, for scripts"),
    ] = False,
) -> None:
    """Run the scheduled jobs once: records past their validity expire, list entries past
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
