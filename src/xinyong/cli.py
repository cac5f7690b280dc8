"""The ``xinyong`` command."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.orm import Session

from xinyong.catalog.schemas import CatalogIn
from xinyong.core.clock import Clock, local_date
from xinyong.db import Database
from xinyong.models import Channel, Department, Role
from xinyong.settings import Settings

app = typer.Typer(
    help="xinyong 公共信用信息平台 — public credit information platform", no_args_is_help=True
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

T = TypeVar("T")
console = Console()
ACTOR = f"cli:{os.environ.get('USER', 'operator')}"


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def _database(settings: Settings | None = None) -> Database:
    db = Database(settings or Settings())
    with _exit_on_refusal():  # e.g. all id node numbers leased (core/ids.py)
        db.ids  # noqa: B018 — lease the id node before any transaction (db.py)
    return db


@contextmanager
def _exit_on_refusal(*, with_field: bool = False) -> Iterator[None]:
    """A refusal of the service is printed — its code, the field if asked, the message in
    Chinese and English — in one line, and the command exits 1. A message may quote input
    (a file's column names): never read as markup."""
    from xinyong.errors import XinyongError

    try:
        yield
    except XinyongError as exc:
        where = f"{exc.field}: " if with_field else ""
        text = escape(f"{where}{exc.message} ({exc.message_en})")
        console.print(f"[red]{exc.code}[/red] {text}", soft_wrap=True)
        raise typer.Exit(code=1) from None


def _read_json(validate: Callable[[bytes], T], path: Path) -> T:
    """The file as ``validate`` reads it; else each problem printed with where it is, and the
    command exits 1."""
    from pydantic import ValidationError

    try:
        return validate(path.read_bytes())
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"]) or "file"
            console.print(f"[red]invalid_request[/red] {where}: {error['msg']}")
        raise typer.Exit(code=1) from None


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
        ensure_defaults(session, now=Clock().now())
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
        int, typer.Option(help="load this many demo subjects into an empty database")
    ] = 0,
) -> None:
    """Serve the API and the pages, after bringing the schema up to date."""
    import uvicorn

    from xinyong.app import create_app
    from xinyong.core.ratelimit import trusted_proxies

    settings = Settings()
    with _exit_on_refusal():
        proxies = trusted_proxies(settings.trusted_proxies)
    upgrade_database(settings)
    if demo:
        _load_demo(settings, subjects=demo, seed=1, only_if_empty=True)
    host, port = host or settings.host, port or settings.port
    console.print(
        f"[bold green]xinyong is serving at http://{host}:{port}/[/bold green]  "
        f"(API: http://{host}:{port}/api/v1/docs)"
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
    subjects: Annotated[int, typer.Option(help="how many subjects")] = 1000,
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
    # unknown provider: one line, nothing stored.
    with _exit_on_refusal(), _progress() as progress:
        task = progress.add_task(f"importing {escape(path.name)}", total=None)
        result = import_path(
            db,
            path,
            provider=provider,
            item=item,
            channel=channel,
            actor=ACTOR,
            now=Clock().now(),
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
            now=Clock().now(),
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


@token_app.command("create")
def token_create(
    role: Annotated[Role, typer.Option(help="authority, provider, user_department or subject")],
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
            role=role,
            name=name,
            department=dept,
            subject_id=subject_id,
            actor=ACTOR,
            now=Clock().now(),
        )
    console.print(token, soft_wrap=True)


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Option(help="log-in name")],
    name: Annotated[str, typer.Option(help="the person's name, as shown")],
    role: Annotated[Role, typer.Option(help="authority, provider, user_department or subject")],
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
    from xinyong.errors import XinyongError
    from xinyong.web.accounts import create_user

    db = _database()
    try:
        with db.transaction() as session:
            dept, subject_id = _department_and_subject(session, db, department, subject)
            user = create_user(
                session,
                username=username,
                display_name=name,
                password=password,
                role=role,
                department=dept,
                subject_id=subject_id,
                actor=ACTOR,
                now=Clock().now(),
            )
            console.print(f"user {user.username} ({role.value}) created")
    except XinyongError as exc:
        console.print(f"[red]{exc.message}[/red] ({exc.message_en})")
        raise typer.Exit(1) from exc


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
    try:
        with _exit_on_refusal():
            checkpoint = write_checkpoint(db, actor=ACTOR, now=Clock().now())
    except OSError as exc:
        console.print(
            f"[red]无法写入检查点目录[/red] {db.settings.audit_checkpoints}：{exc.strerror}"
            f"（cannot write the checkpoint directory: {exc.strerror}）",
            soft_wrap=True,
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

    data = CatalogIn.model_validate_json(path.read_bytes())
    db = _database()
    with db.transaction() as session:
        version = draft_version(session, data, actor=ACTOR, now=Clock().now())
        if publish:
            publish_version(session, version.number, actor=ACTOR, now=Clock().now())
    console.print(f"catalog version {version.number} {'published' if publish else 'drafted'}")


@catalog_app.command("publish")
def catalog_publish(number: int) -> None:
    """Publish a drafted catalog version."""
    from xinyong.catalog.service import publish_version

    db = _database()
    with db.transaction() as session:
        publish_version(session, number, actor=ACTOR, now=Clock().now())
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


@app.command()
def tick() -> None:
    """Run the scheduled jobs once: records past their validity expire, list entries past
    their period leave with an exit notice, repairs whose notice ended take effect, overdue
    steps are alerted, a calendar year that deadlines will soon reach and nobody loaded is
    warned of, due webhook deliveries are sent, the audit chain's head is checkpointed when
    due. Idempotent; safe to run twice or after days of downtime."""
    from xinyong.jobs import run_jobs
    from xinyong.records.service import CollectionContext

    db = _database()
    result = run_jobs(db, Clock(), CollectionContext(db))
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

    data = ListsIn.model_validate_json(path.read_bytes())
    db = _database()
    with db.transaction() as session:
        changed = publish_lists(session, data, actor=ACTOR, now=Clock().now())
    console.print(f"lists changed: {', '.join(changed) or 'none'}")


@measures_app.command("load")
def measures_load(path: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """Publish the whole measures list from a JSON file ({"measures": [...]})."""
    from xinyong.measures.schemas import MeasuresIn
    from xinyong.measures.service import publish_measures

    data = MeasuresIn.model_validate_json(path.read_bytes())
    db = _database()
    with db.transaction() as session:
        result = publish_measures(session, data, actor=ACTOR, now=Clock().now())
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
    with _exit_on_refusal(), db.transaction() as session:
        year = load_year(session, data, replace=replace, actor=ACTOR, now=Clock().now())
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
    with _exit_on_refusal(), db.transaction() as session:
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
    with _exit_on_refusal():
        parsed = Month.parse(month)
        with _progress() as progress, db.transaction() as session:
            task = progress.add_task("双公示及时性", total=4)

            def step(text: str) -> None:
                progress.update(task, description=text, advance=1)

            report = dual_publicity(session, parsed, now=Clock().now(), progress=step)
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
    with _exit_on_refusal(with_field=True), db.transaction() as session:
        added = load_rules(session, data, actor=ACTOR, now=Clock().now())
        shown = [(r.id, r.effective_from, r.item_code) for r in added]
    for rule_id, effective_from, item_code in shown:
        console.print(f"rule {rule_id} added: from {effective_from} for {item_code or 'all items'}")
