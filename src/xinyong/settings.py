"""One settings object, read from ``XINYONG_*`` environment variables (see docs/settings.md)."""

from __future__ import annotations

import base64
import os
import secrets
from datetime import date
from functools import cached_property
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XINYONG_", env_file=None, extra="ignore")

    database_url: str = Field(
        default="sqlite:///./var/xinyong.db",
        description="SQLAlchemy URL. Embedded default: SQLite (WAL) under ./var/; production: "
        "postgresql+psycopg://user@host/db",
    )
    var_dir: Path = Field(
        default=Path("./var"), description="Where the embedded default keeps files"
    )
    secret_key: str | None = Field(
        default=None,
        description="Base64 of 32+ random bytes. Derives the key that encrypts ID numbers at rest "
        "and the key of their lookup hash. If unset, one is generated once into var/secret.key.",
    )
    fixed_today: date | None = Field(
        default=None,
        description="Training and demonstrations only: the platform's date stands still at "
        "this day (YYYY-MM-DD, Asia/Shanghai) while the time of day runs; pages say so",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    import_workers: int = Field(
        default=0,
        description="Worker processes that validate a big import file; 0 = one per core for "
        "files over 8 MB, else validation in-process",
    )
    max_batch_records: int = Field(default=10_000, description="Larger record batches get 413")
    # Limits of a collection file (records/files.py FileLimits; issue 12 M5).
    import_max_rows: int = Field(
        default=10_000_000,
        gt=0,
        description="Rows a file given to `xinyong import` may hold (an upload on the console: "
        "max_batch_records)",
    )
    file_max_columns: int = Field(default=200, gt=0, description="Columns of a file's rows")
    file_max_row_kb: int = Field(
        default=1024,
        gt=0,
        description="Size of one row of a file (CSV record, JSON line, sheet row)",
    )
    upload_max_unpacked_mb: int = Field(
        default=128, gt=0, description="Unpacked size of an Excel workbook uploaded on the console"
    )
    import_max_unpacked_mb: int = Field(
        default=4096, gt=0, description="Unpacked size of an Excel workbook `xinyong import` reads"
    )
    xlsx_max_shared_strings: int = Field(
        default=1_000_000, gt=0, description="Shared strings of an Excel workbook"
    )
    xlsx_max_shared_strings_mb: int = Field(
        default=128, gt=0, description="Unpacked size of an Excel workbook's shared strings"
    )
    xlsx_max_compression_ratio: int = Field(
        default=100, gt=0, description="Compression ratio of a part of an Excel workbook"
    )
    repair_opinion_working_days: int = Field(
        default=10,
        gt=0,
        le=60,
        description="Working days the provider has for its written repair opinion (Measures "
        "art. 35: 在规定期限内; the province sets the period)",
    )
    repair_objection_working_days: int = Field(
        default=5,
        gt=0,
        le=60,
        description="Working days the provider has to verify an objection raised in a repair's "
        "public notice (Measures art. 35: 核实并提出意见)",
    )
    appeal_filing_working_days: int = Field(
        default=15,
        gt=0,
        le=60,
        description="Working days after an objection or repair decision within which the "
        "subject may appeal to the credit authority (Measures art. 33 names no period)",
    )
    appeal_review_working_days: int = Field(
        default=10,
        gt=0,
        le=60,
        description="Working days the credit authority has to decide an appeal",
    )
    declaration_verification_working_days: int = Field(
        default=10,
        gt=0,
        le=60,
        description="Working days the competent department has to verify a subject's "
        "declaration (000 §（五） names no period; 10 as the platform's review in Measures "
        "art. 32)",
    )
    feedback_working_days: int = Field(
        default=10,
        gt=0,
        le=60,
        description="Working days a department has to feed back on a measure its check showed "
        "(003 联合奖惩 §（二十一） names no period; 10 as the platform's review in Measures "
        "art. 32): the use report counts feedback due, on time and overdue by it",
    )
    cookie_secure: bool = Field(
        default=False,
        description="Send the pages' session cookie only over HTTPS; set it true behind TLS",
    )
    web_session_hours: float = Field(
        default=8.0, gt=0, le=24 * 30, description="How long a page log-in lasts"
    )
    sql_echo: bool = False
    db_pool_size: int = Field(
        default=40,
        gt=0,
        description="Database connections each process keeps open (PostgreSQL); as many as "
        "requests it serves at once (the thread pool holds 40)",
    )
    run_jobs: bool = Field(
        default=True,
        description="Run the scheduled jobs (list expiry, webhook deliveries) inside each "
        "server process; they take a database lock, so several processes run each job once",
    )
    job_interval_seconds: float = Field(
        default=15.0, gt=0, description="How often a serving process looks for due jobs"
    )
    quality_daily_checks: bool = Field(
        default=True,
        description="Run the daily data-quality checks and the update-cycle monitor with the "
        "scheduled jobs (docs/quality.md); `xinyong quality check` runs them whatever this says",
    )
    id_node_lease_seconds: int = Field(
        default=600,
        ge=1,
        le=86_400,
        description="Lease of a process's id node number (ADR 0014): renewed every quarter of "
        "it; a killed process's number is reused after it",
    )
    audit_checkpoint_dir: Path | None = Field(
        default=None,
        description="Where signed checkpoints of the audit chain's head are written, one file "
        "each, never overwritten (default: var_dir/audit-checkpoints). Put it on storage the "
        "database's administrators cannot write: WORM, another host (docs/adr/0013)",
    )
    audit_checkpoint_hours: float = Field(
        default=1.0,
        gt=0,
        le=24,
        description="How often the scheduled jobs write a checkpoint, at most a day apart: "
        "entries appended after the newest one could be cut off without trace",
    )
    max_body_bytes: int = Field(
        default=32 * 1024 * 1024,
        gt=0,
        description="Largest request body of the API (JSON); larger ones get 413 before they "
        "are read. 32 MiB holds a full batch of the largest catalog item (docs/settings.md)",
    )
    webhook_allowed_networks: Annotated[list[IPv4Network | IPv6Network], NoDecode] = Field(
        default=[],
        description="Comma-separated networks (CIDR) webhooks may reach although they are "
        "private, loopback or otherwise not public; by default none",
    )

    evaluation_engine: Literal["duckdb", "spark"] = Field(
        default="duckdb",
        description="Where `xinyong evaluate run` scores: duckdb (in-process, reading the "
        "database directly) or spark (on a Parquet extract; docs/adr/0016)",
    )
    evaluation_spark_master: str = Field(
        default="local[*]",
        description="The Spark master the spark engine runs on: local[*] for every core of "
        "this host, spark://host:7077 or yarn for a cluster",
    )
    evaluation_extract_dir: Path | None = Field(
        default=None,
        description="Where the spark engine writes the Parquet extract and reads its results "
        "back (default: var_dir/evaluation); on a cluster, storage every worker reads",
    )
    evaluation_memory_limit: str | None = Field(
        default=None,
        description="DuckDB's memory limit for an evaluation run, e.g. 4GB (default: 80 % "
        "of the host's memory); beyond it DuckDB spills under var_dir/duckdb/tmp",
    )

    evaluation_public_grades: bool = Field(
        default=False,
        description="Publish organisations' evaluation grades (the letter and its day, never "
        "the score or points) to the public: only where a provincial rule says so "
        "(002 §（六） 依照有关规定向社会公开; docs/evaluation.md § API)",
    )

    @property
    def evaluation_extracts(self) -> Path:
        return self.evaluation_extract_dir or self.var_dir / "evaluation"

    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The platform's address as people reach it: credit reports print "
        "PUBLIC_URL/verify/{number} in their QR code (docs/reports.md)",
    )
    report_issuer: str = Field(
        default="公共信用信息平台",
        max_length=100,
        description="The issuer named on every credit report, e.g. 江苏省公共信用信息中心",
    )
    report_key_dir: Path | None = Field(
        default=None,
        description="Where the key and certificate that sign credit reports are kept (default: "
        "var_dir/report-signing); `xinyong report keys generate|install` writes them",
    )
    report_workers: int = Field(
        default=0,
        ge=0,
        le=64,
        description="Processes that render and sign the PDFs of a list of reports from the "
        "CLI; 0 = one per core",
    )

    @property
    def report_keys(self) -> Path:
        return self.report_key_dir or self.var_dir / "report-signing"

    smtp_host: str | None = Field(
        default=None,
        description="The SMTP server risk warnings are e-mailed through (docs/risk.md); unset: "
        "no e-mail is sent and e-mail messages wait in the outbox",
    )
    smtp_port: int = Field(default=25, gt=0, lt=65536, description="The SMTP server's port")
    smtp_security: Literal["none", "starttls", "tls"] = Field(
        default="starttls",
        description="none (plain, a local relay only), starttls (upgrade after connecting) or "
        "tls (implicit TLS, usually port 465)",
    )
    smtp_username: str | None = Field(default=None, description="SMTP log-in, if required")
    smtp_password: str | None = Field(default=None, description="SMTP password, if required")
    smtp_from: str = Field(
        default="xinyong@localhost",
        max_length=200,
        description="The From address of warning e-mails",
    )
    smtp_timeout_seconds: float = Field(
        default=30.0, gt=0, le=300, description="How long one SMTP conversation may take"
    )
    sms_sender: Literal["log", "off"] = Field(
        default="log",
        description="SMS of risk warnings: log (written to the log, the interface's only "
        "sender until a gateway is wired in) or off (SMS messages wait in the outbox)",
    )

    @field_validator("webhook_allowed_networks", mode="before")
    @classmethod
    def _networks(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [ip_network(part.strip()) for part in value.split(",") if part.strip()]
        return value

    @property
    def audit_checkpoints(self) -> Path:
        return self.audit_checkpoint_dir or self.var_dir / "audit-checkpoints"

    anonymous_lookups_per_minute: float = Field(
        default=30.0,
        gt=0,
        description="Anonymous subject look-ups (API without a token, portal search and "
        "subject pages) each client address may make per minute, in each server process",
    )
    anonymous_lookup_burst: int = Field(
        default=30, ge=1, description="Anonymous look-ups an address may make at once"
    )
    rate_limit_addresses: int = Field(
        default=10_000,
        ge=1,
        description="Client addresses the look-up limit remembers per process; the least "
        "recently seen is forgotten first",
    )
    complaints_per_hour: int = Field(
        default=10,
        ge=1,
        le=10_000,
        description="Complaints (失信举报) each client address may file per hour, in each server "
        "process (all at once, then one every 60/N minutes)",
    )
    complaint_periods_file: Path | None = Field(
        default=None,
        description="A JSON file of the complaints' handling periods with their basis, "
        "replacing the shipped complaints/default_periods.json",
    )
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses or networks (CIDR) of the reverse proxies "
        "whose X-Forwarded-For `xinyong serve` honours; empty: none, the connection's "
        "address is the client's",
    )

    @cached_property
    def master_key(self) -> bytes:
        if self.secret_key:
            key = base64.b64decode(self.secret_key)
        else:
            path = self.var_dir / "secret.key"
            if path.exists():
                key = base64.b64decode(path.read_text().strip())
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                key = secrets.token_bytes(32)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w") as handle:
                    handle.write(base64.b64encode(key).decode())
        if len(key) < 32:
            raise ValueError("XINYONG_SECRET_KEY must decode to at least 32 bytes")
        return key
