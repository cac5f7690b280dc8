"""`xinyong report issue|verify` and `xinyong report keys generate|install|show`: credit reports
from the shell (docs/reports.md). They join `xinyong report` (cli/reference.py), beside the
双公示 notice."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.markup import escape

from xinyong.cli.common import (
    ACTOR,
    JsonOption,
    _clock,
    _database,
    _one_line_errors,
    _print_json,
    _progress,
    _say_error,
    console,
)
from xinyong.cli.reference import report_app
from xinyong.errors import InvalidRequest
from xinyong.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from xinyong.core.auth import Principal
    from xinyong.credit_reports.documents import Copy
    from xinyong.credit_reports.signing import Keys

keys_app = typer.Typer(help="信用报告签名密钥和证书（signing key）", no_args_is_help=True)


def _department_principal(session: Session, code: str) -> Principal:
    """The department a report is issued to from the shell: the operator acts for it, and the
    subject's query log names the department (authorisations/service.queries_of)."""
    from xinyong.core.auth import Principal
    from xinyong.departments.service import get_department
    from xinyong.models import Role

    dept = get_department(session, code)
    role = Role.authority if dept.kind == "credit_authority" else Role.user_department
    return Principal(
        role=role,
        department_id=dept.id,
        department_code=dept.code,
        department_kind=dept.kind,
        department_name=dept.name,
        name=f"{role.value}:{dept.code}#{ACTOR}",
    )


def _keys_read(path: Path) -> list[str]:
    """One credit code or ID number a line; blank lines and ``#`` comments skipped."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    return [x.split(",")[0].strip() for x in lines if x.strip() and not x.startswith("#")]


@report_app.command("issue")
def report_issue(
    department: Annotated[str, typer.Option(help="出具给哪个部门（部门代码）")],
    purpose: Annotated[str, typer.Option(help="用途，如“政府采购 项目编号 …”（记入查询记录）")],
    subject: Annotated[
        list[str] | None, typer.Option(help="信息主体的统一社会信用代码或身份证号码，可多次给出")
    ] = None,
    subjects: Annotated[
        Path | None,
        typer.Option(
            exists=True, dir_okay=False, help="文件：每行一个统一社会信用代码或身份证号码"
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="信息截至某日日终，YYYY-MM-DD（默认当前时点）")
    ] = None,
    fmt: Annotated[
        Literal["pdf", "json"], typer.Option("--format", help="pdf（签名 PDF）或 json")
    ] = "pdf",
    out: Annotated[
        Path | None,
        typer.Option(help="写出的文件：一份报告为 .pdf/.json，多份为 .zip（默认当前目录）"),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """为部门出具信用报告（信用审查）：一个信息主体写出一份签名报告，名单（最多 1000 个）
    写出一个 zip（含 manifest.csv），显示进度。每份报告记入信息主体的查询记录。

    Credit reports for a department's 信用审查 (Measures art. 25): one subject → one signed
    file; a list of up to 1,000 → a zip with manifest.csv, rendered on every core
    (XINYONG_REPORT_WORKERS), with a progress bar. Each issue is in the subject's query log."""
    from xinyong.credit_reports import documents, service

    with _one_line_errors(with_field=True):
        keys = [*(subject or []), *(_keys_read(subjects) if subjects else [])]
        day = _day(as_of)
        db = _database()
        settings = db.settings
        documents.keys_of(db)  # no key: refused before anything is issued
        with _progress() as progress:
            task = progress.add_task("出具信用报告", total=len(set(keys)) or None)
            with db.transaction() as session:
                reports = service.issue(
                    session,
                    _department_principal(session, department),
                    keys,
                    issuer=service.issuer_of(db),
                    purpose=purpose,
                    as_of=day,
                    now=_clock(settings).now(),
                    progress=lambda n: progress.update(task, advance=n),
                )
                copies = [documents.Copy.of(r) for r in reports]
                batch = reports[0].batch
            made = documents.render_many(
                copies,
                fmt,
                key_dir=settings.report_keys,
                master_key=settings.master_key,
                workers=_workers(settings),
            )
            progress.update(task, description="生成并签名报告文件", completed=0, total=len(copies))
            path = _write(copies, made, fmt, out, batch, lambda: progress.update(task, advance=1))
    if as_json:
        _print_json(
            {
                "file": str(path),
                "batch": batch,
                "reports": [{"number": c.number, "sha256": c.sha256} for c in copies],
            }
        )
        return
    for c in copies[:20]:
        console.print(f"{c.number}  {escape(c.content['subject']['name'])}  SHA-256 {c.sha256}")
    if len(copies) > 20:
        console.print(f"……共 {len(copies)} 份")
    console.print(f"已写出 {escape(str(path))}", soft_wrap=True)


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidRequest(
            f"--as-of {text} 应为日期 YYYY-MM-DD",
            f"--as-of {text} must be a date YYYY-MM-DD",
            field="as_of",
            code="invalid_date",
        ) from None


def _workers(settings: Settings) -> int:
    return settings.report_workers or os.cpu_count() or 1


def _write(
    copies: list[Copy],
    made: Iterable[tuple[Copy, bytes]],
    fmt: Literal["pdf", "json"],
    out: Path | None,
    batch: str | None,
    advance: Callable[[], None],
) -> Path:
    """One report: its file; several: a zip of them with manifest.csv."""
    from xinyong.credit_reports import documents

    if len(copies) == 1:
        copy, data = next(iter(made))
        path = out or Path(documents.file_name(copy, fmt))
        path.write_bytes(data)
        advance()
        return path
    path = out or Path(f"reports-{batch}.zip")
    with path.open("wb") as handle:
        for piece in documents.zip_stream(made, fmt, progress=lambda _n: advance()):
            handle.write(piece)
    return path


@report_app.command("verify")
def report_verify(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="信用报告 PDF 或 JSON")],
    cert: Annotated[
        Path | None,
        typer.Option(
            exists=True, dir_okay=False, help="平台的签名证书（PEM；默认本机已安装的证书）"
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """离线核验信用报告：签名（PAdES）、签名证书是否为平台证书、签名是否覆盖整个文件、
    报告内容与其 SHA-256 摘要是否一致。不需要数据库。核验不通过时退出码为 1。

    Verify a report offline: its signature, that the signer is the platform's certificate,
    that it covers the whole file, and that the content matches its SHA-256. No database.
    Exit code 1 when it is not genuine."""
    from cryptography import x509

    from xinyong.credit_reports import signing
    from xinyong.credit_reports.verify import verify_file

    with _one_line_errors():
        trusted = (
            x509.load_pem_x509_certificate(cert.read_bytes())
            if cert
            else signing.certificate_of(Settings().report_keys)
        )
        verdict = verify_file(path.read_bytes(), trusted)
    if as_json:
        _print_json(
            {
                "genuine": verdict.genuine,
                "kind": verdict.kind,
                "number": verdict.number,
                "sha256": verdict.sha256,
                "signed_by": verdict.signed_by,
                "signed_at": verdict.signed_at.isoformat() if verdict.signed_at else None,
                "problems": [
                    {"code": c, "message": m, "message_en": e} for c, m, e in verdict.problems
                ],
            }
        )
    elif verdict.genuine:
        console.print(
            f"[green]核验通过[/green]：信用报告 {verdict.number} 真实、完整", soft_wrap=True
        )
        console.print(f"内容摘要 SHA-256 {verdict.sha256}")
        console.print(f"签名人 {escape(verdict.signed_by or '')}", soft_wrap=True)
        if verdict.signed_at:
            console.print(f"签名时间 {verdict.signed_at.isoformat()}")
    else:
        for code, message, message_en in verdict.problems:
            _say_error(code, message, message_en)
    if not verdict.genuine:
        raise typer.Exit(code=1)


# --- keys ---------------------------------------------------------------------------------------


@keys_app.command("generate")
def keys_generate(
    issuer: Annotated[
        str | None, typer.Option(help="证书上的出具单位名称（默认 XINYONG_REPORT_ISSUER）")
    ] = None,
    years: Annotated[int, typer.Option(min=1, max=30, help="证书有效年数")] = 10,
    force: Annotated[bool, typer.Option(help="替换已有的密钥")] = False,
) -> None:
    """生成平台的报告签名密钥（ECDSA P-256，加密存放，仅本用户可读）和自签名证书。

    Generate the platform's signing key (ECDSA P-256, encrypted at rest, mode 0600) and a
    self-signed certificate in the issuer's name, under XINYONG_REPORT_KEY_DIR."""
    from xinyong.credit_reports import signing

    settings = Settings()
    with _one_line_errors():
        keys = signing.generate(
            settings.report_keys,
            settings.master_key,
            issuer=issuer or settings.report_issuer,
            now=_clock(settings).now(),
            years=years,
            force=force,
        )
    _show(keys, settings.report_keys)


@keys_app.command("install")
def keys_install(
    key: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="私钥（PEM）")],
    cert: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="证书（PEM）")],
    chain: Annotated[
        Path | None, typer.Option(exists=True, dir_okay=False, help="上级 CA 证书（PEM）")
    ] = None,
    password_env: Annotated[
        str | None, typer.Option(help="存放私钥口令的环境变量名（私钥有口令时）")
    ] = None,
    force: Annotated[bool, typer.Option(help="替换已有的密钥")] = False,
) -> None:
    """安装 CA 签发的密钥和证书（ECDSA 或 RSA），加密存放。

    Install a key and certificate issued by a CA (ECDSA or RSA), with its chain; the key is
    stored encrypted under the master secret."""
    from xinyong.credit_reports import signing

    settings = Settings()
    with _one_line_errors():
        password = os.environ.get(password_env, "").encode() if password_env else None
        keys = signing.install(
            settings.report_keys,
            settings.master_key,
            key_pem=key.read_bytes(),
            cert_pem=cert.read_bytes(),
            chain_pem=chain.read_bytes() if chain else b"",
            password=password or None,
            force=force,
        )
    _show(keys, settings.report_keys)


@keys_app.command("show")
def keys_show() -> None:
    """显示平台签名证书：主体、有效期、指纹。Show the platform's signing certificate."""
    from xinyong.credit_reports import signing

    settings = Settings()
    with _one_line_errors():
        keys = signing.load(settings.report_keys, settings.master_key)
    _show(keys, settings.report_keys)


def _show(keys: Keys, directory: Path) -> None:
    from xinyong.credit_reports.signing import CERT_FILE

    cert = keys.certificate
    console.print(f"签名证书 {escape(keys.subject_name)}", soft_wrap=True)
    console.print(
        f"有效期 {cert.not_valid_before_utc:%Y-%m-%d} 至 {cert.not_valid_after_utc:%Y-%m-%d}"
    )
    console.print(f"指纹（SHA-256） {keys.fingerprint}", soft_wrap=True)
    console.print(
        f"证书文件 {escape(str(directory / CERT_FILE))}（公开，供离线核验）", soft_wrap=True
    )
