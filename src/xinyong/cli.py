"""The ``xinyong`` command."""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.orm import Session

# typer 0.29 (pinned) carries its own click and does not re-export its usage errors.
from typer._click.core import Context
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperGroup

from xinyong.catalog.schemas import CatalogIn
from xinyong.core.clock import SHANGHAI, Clock, local_date, start_of_day
from xinyong.db import Database
from xinyong.errors import InvalidRequest, XinyongError
from xinyong.models import Channel, Department, Role
from xinyong.settings import Settings

T = TypeVar("T")
console = Console()
# Refusals and failures go to standard error, so that what a command prints on standard output
# (a token, a table) can be piped on its own.
errors_console = Console(stderr=True)
ACTOR = f"cli:{os.environ.get('USER', 'operator')}"


def _say_error(code: str, message: str, message_en: str) -> None:
    """One line: the stable code, the message in Chinese, in English in brackets. A message may
    quote input (a file's column names, a path): never read as markup; never wrapped."""
    errors_console.print(f"[red]{code}[/red] {escape(f'{message} ({message_en})')}", soft_wrap=True)


@contextmanager
def _one_line_errors(*, with_field: bool = False) -> Iterator[None]:
    """A refusal of a service (XinyongError) or a failure the operator can mend — a wrong
    option, a setting, a file, the database — is printed as one line in Chinese and English
    and the command exits non-zero (2 for a wrong command line, as click does; else 1). Other
    exceptions are bugs and keep their traceback."""
    from pydantic import ValidationError
    from sqlalchemy.exc import OperationalError

    try:
        yield
    except XinyongError as exc:
        where = f"{exc.field}: " if with_field and exc.field else ""
        _say_error(exc.code, f"{where}{exc.message}", exc.message_en)
        raise typer.Exit(code=1) from None
    except NoArgsIsHelpError:
        raise  # a group named alone: its help, as asked for
    except UsageError as exc:
        command = exc.ctx.command_path if exc.ctx else "xinyong"
        _say_error(
            "invalid_usage",
            f"命令参数有误，见 {command} --help",
            f"{exc.format_message().rstrip('. ')}; see {command} --help",
        )
        raise typer.Exit(code=2) from None
    except ValidationError as exc:
        if exc.title != Settings.__name__:
            raise  # a file's content is _read_json's refusal: any other is a bug
        problems = "; ".join(
            f"XINYONG_{'.'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in exc.errors()
        )
        _say_error("invalid_setting", "环境变量设置有误", problems)
        raise typer.Exit(code=1) from None
    except OperationalError as exc:
        _say_error(
            "database_unavailable",
            "数据库无法使用",
            f"the database cannot be used: {_database_error(exc)}",
        )
        raise typer.Exit(code=1) from None
    except OSError as exc:
        if exc.errno == errno.EPIPE:
            raise  # the reader of the output went away: click ends quietly
        where = f" {exc.filename}" if exc.filename else ""
        _say_error(
            "file_error",
            f"无法读写文件{where}",
            f"cannot read or write{where}: {exc.strerror or exc}",
        )
        raise typer.Exit(code=1) from None


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
catalog_app = typer.Typer(help="The catalog (公共信用信息目录)", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(department_app, name="department")
app.add_typer(token_app, name="token")
app.add_typer(audit_app, name="audit")
lists_app = typer.Typer(help="Red, black and watch lists (信用名单)", no_args_is_help=True)
measures_app = typer.Typer(help="The measures list (联合奖惩措施清单)", no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")
app.add_typer(lists_app, name="lists")
app.add_typer(measures_app, name="measures")
calendar_app = typer.Typer(help="The working-day calendar (工作日历)", no_args_is_help=True)
app.add_typer(calendar_app, name="calendar")
user_app = typer.Typer(help="People who log in to the pages", no_args_is_help=True)
app.add_typer(user_app, name="user")
validity_app = typer.Typer(help="Validity rules (有效期规则)", no_args_is_help=True)
app.add_typer(validity_app, name="validity")
report_app = typer.Typer(help="Reports and notices (通报)", no_args_is_help=True)
app.add_typer(report_app, name="report")


def _progress() -> Progress:
    """A progress bar on a terminal, gone when the work is done (a summary line follows, or the
    error's one line); nothing in a pipe or a log."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


def _database(settings: Settings | None = None) -> Database:
    from sqlalchemy.exc import DBAPIError

    db = Database(settings or Settings())
    try:
        db.ids  # noqa: B018 — lease the id node before any transaction (db.py)
    except DBAPIError as exc:
        # The first statement of nearly every command: an unreachable database, or one whose
        # tables were never made, is told here rather than as the SQL error of a later query.
        raise XinyongError(
            "数据库无法使用；新数据库须先运行 xinyong db upgrade",
            f"the database cannot be used ({_database_error(exc)}); a new database needs "
            "xinyong db upgrade first",
            code="database_unavailable",
        ) from None
    return db


def _database_error(exc: Exception) -> str:
    """The database's own words, on one line."""
    orig = getattr(exc, "orig", None)
    return " ".join(str(orig or exc).split())


def _clock(settings: Settings) -> Clock:
    """The platform's clock: on XINYONG_FIXED_TODAY's day in a training deployment."""
    return Clock(settings.fixed_today)


def _read_json(validate: Callable[[bytes], T], path: Path) -> T:
    """The file as ``validate`` reads it; else a refusal naming each problem and where it is."""
    from pydantic import ValidationError

    try:
        return validate(path.read_bytes())
    except ValidationError as exc:
        found = exc.errors()
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}" for e in found
        )
        raise InvalidRequest(
            f"文件 {path.name} 不符合格式（{len(found)} 处）：{problems}",
            f"{path.name} does not match its format "
            f"({len(found)} problem{'s' if len(found) > 1 else ''})",
        ) from None


def _department_and_subject(
    session: Session, db: Database, department: str | None, subject: str | None
) -> tuple[Department | None, int | None]:
    """The department (by code) and the subject (by credit code or ID number) an account or a
    token is for, each if named."""
    from xinyong.departments.service import get_department
    from xinyong.subjects.service import find_subject

    dept = get_department(session, department) if department else None
    subject_id = find_subject(session, subject, cipher=db.cipher).id if subject else None
    return dept, subject_id


def upgrade_database(settings: Settings) -> None:
    from xinyong.defaults import ensure_defaults
    from xinyong.migrations import upgrade

    upgrade(settings.database_url)
    db = Database(settings)
    with db.transaction() as session:
        ensure_defaults(session, now=_clock(settings).now())
    db.dispose()


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
    host: Annotated[str | None, typer.Option(help="default: XINYONG_HOST")] = None,
    port: Annotated[int | None, typer.Option(help="default: XINYONG_PORT")] = None,
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
    host, port = host or settings.host, port or settings.port
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
    from sqlalchemy import func, select

    from xinyong.catalog.service import get_version
    from xinyong.demo.loader import load_demo
    from xinyong.models import Record

    db = _database(settings)
    with db.transaction() as session:
        if only_if_empty and session.execute(select(func.count()).select_from(Record)).scalar():
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


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Option(help="log-in name")],
    name: Annotated[str, typer.Option(help="the person's name, as shown")],
    role: HolderRole,
    password: Annotated[
        str,
        typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="≥ 10 chars"),
    ],
    department: Annotated[str | None, typer.Option(help="department code")] = None,
    subject: Annotated[
        str | None, typer.Option(help="credit code or ID number (a subject's account)")
    ] = None,
) -> None:
    """Open an account for the pages. The password is kept only as its argon2 hash."""
    from xinyong.web.accounts import create_user

    db = _database()
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
            actor=ACTOR,
            now=_clock(db.settings).now(),
        )
        console.print(f"user {user.username} ({role}) created")


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


def parse_as_of(text: str, now: datetime) -> datetime:
    """The time ``tick --at`` runs the jobs as: a date is the start of that day, a date and
    time without an offset is Asia/Shanghai's; never later than ``now`` (the platform's clock):
    expiring records or ending notices ahead of their day cannot be undone."""
    value = text.strip()
    try:
        at = (
            start_of_day(date.fromisoformat(value))
            if len(value) == len("YYYY-MM-DD")
            else datetime.fromisoformat(value)
        )
    except ValueError:
        raise InvalidRequest(
            f"--at {value} 应为日期 YYYY-MM-DD 或日期时间 YYYY-MM-DDTHH:MM",
            f"--at {value} must be a date YYYY-MM-DD or a date and time YYYY-MM-DDTHH:MM",
            field="at",
            code="invalid_date",
        ) from None
    at = at if at.tzinfo else at.replace(tzinfo=SHANGHAI)
    if at > now:
        shown = f"{now.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
        raise InvalidRequest(
            f"--at {value} 晚于现在（{shown}），定时任务不能提前运行",
            f"--at {value} is later than now ({shown}): the jobs cannot run ahead of time",
            field="at",
            code="date_in_future",
        )
    return at


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
) -> None:
    """Run the scheduled jobs once: records past their validity expire, list entries past
    their period leave with an exit notice, repairs whose notice ended take effect, overdue
    steps are alerted, a calendar year that deadlines will soon reach and nobody loaded is
    warned of, due webhook deliveries are sent, the audit chain's head is checkpointed when
    due. Idempotent; safe to run twice or after days of downtime. With --at, webhook
    deliveries and the checkpoint are still done at the time it runs, never backdated."""
    from xinyong.jobs import run_jobs
    from xinyong.records.service import CollectionContext

    db = _database()
    clock = _clock(db.settings)
    as_of = parse_as_of(at, clock.now()) if at is not None else None
    result = run_jobs(db, clock, CollectionContext(db), as_of=as_of)
    if as_of is not None:
        console.print(f"as of {as_of.astimezone(SHANGHAI).isoformat()}")
    for name, count in result.items():
        console.print(f"{name}: {count}")


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
