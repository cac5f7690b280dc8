"""What every ``xinyong`` command shares: the one error path (one line, Chinese and English,
never a traceback for a refusal), the consoles, the database and clock of the settings."""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session

# typer 0.29 (pinned) carries its own click and does not re-export its usage errors.
from typer._click.exceptions import NoArgsIsHelpError, UsageError

from xinyong.core.clock import SHANGHAI, Clock, start_of_day
from xinyong.db import Database
from xinyong.errors import InvalidRequest, XinyongError
from xinyong.models import Department
from xinyong.settings import Settings

T = TypeVar("T")
console = Console()
# Refusals and failures go to standard error, so that what a command prints on standard output
# (a token, a table) can be piped on its own.
errors_console = Console(stderr=True)
ACTOR = f"cli:{os.environ.get('USER', 'operator')}"
# What a person reads is Chinese; where a script reads a command's data (a table, the figures
# of a run), --json prints it with machine keys and codes instead.
JsonOption = Annotated[
    bool, typer.Option("--json", help="以 JSON 输出（机器键名与代码），供脚本读取")
]


def _print_json(data: object) -> None:
    """One JSON document on standard output: machine keys and codes, never markup."""
    typer.echo(json.dumps(data, ensure_ascii=False, default=str))


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
