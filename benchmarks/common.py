"""Shared set-up of the benchmarks: fresh databases, the demo data, a real server process."""

from __future__ import annotations

import base64
import json
import os
import platform
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import psycopg

from xinyong.cli.common import upgrade_database
from xinyong.db import Database
from xinyong.departments.service import create_department, create_token
from xinyong.models import Role
from xinyong.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
CATALOG = ROOT / "src" / "xinyong" / "catalog" / "default_catalog.json"
PG_ADMIN = os.environ.get("XINYONG_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
SECRET = base64.b64encode(b"xinyong-benchmark-secret-key-32b").decode()
TODAY = date(2026, 11, 22)


def catalog_items() -> list[dict]:
    return json.loads(CATALOG.read_text(encoding="utf-8"))["items"]


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def fresh_settings(backend: str, name: str) -> Settings:
    """A new, migrated database with the default catalog."""
    OUT.mkdir(parents=True, exist_ok=True)
    if backend == "sqlite":
        path = OUT / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        url = (
            PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
            + f"/{name}"
        )
    settings = Settings(database_url=url, secret_key=SECRET, var_dir=OUT)
    upgrade_database(settings)
    return settings


def existing_settings(backend: str, name: str) -> Settings:
    """Settings for a database a previous run made (``--reuse``)."""
    if backend == "sqlite":
        url = f"sqlite:///{OUT / name}.db"
    else:
        url = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
        url += f"/{name}"
    return Settings(database_url=url, secret_key=SECRET, var_dir=OUT)


def provider_with_token(
    settings: Settings, kind: str = "market_regulation", role: Role = Role.provider
) -> tuple[str, str]:
    """A department of this kind (made once) and a new token for it, of this role."""
    from xinyong.core.clock import Clock
    from xinyong.departments.service import get_department
    from xinyong.errors import NotFound

    db = Database(settings)
    code = f"bench-{kind}"
    with db.transaction() as session:
        try:
            dept = get_department(session, code)
        except NotFound:
            dept = create_department(
                session,
                code=code,
                name="基准测试部门",
                region_code="320000",
                kind=kind,
                actor="bench",
                now=Clock().now(),
            )
        _, token = create_token(
            session,
            role=role,
            name="bench",
            department=dept,
            actor="bench",
            now=Clock().now(),
        )
    db.dispose()
    return code, token


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(settings: Settings, *, workers: int = 1):
    """A real uvicorn process serving the app on the given database: its address."""
    with server_process(settings, workers=workers) as (base, _):
        yield base


@contextmanager
def server_process(
    settings: Settings,
    *,
    workers: int = 1,
    app: str = "xinyong.asgi:app",
    extra: tuple[str, ...] = (),
):
    """A real uvicorn process serving the app on the given database: its address and the
    process (with one worker, the process that serves). ``app`` and ``extra`` (uvicorn's
    arguments) serve another app the same way (benchmarks/routing.py)."""
    port = free_port()
    env = dict(
        os.environ,
        XINYONG_DATABASE_URL=settings.database_url,
        XINYONG_SECRET_KEY=SECRET,
        XINYONG_VAR_DIR=str(settings.var_dir),
        # One client at one address reads thousands of subjects: the limit is still counted
        # on every anonymous look-up, but never reached.
        XINYONG_ANONYMOUS_LOOKUP_BURST="1000000000",
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            app,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            # The platform keeps its own logs (the audit log, the check log); uvicorn's
            # per-request access log would only cost time.
            "--no-access-log",
            # As `xinyong serve` with no XINYONG_TRUSTED_PROXIES: no X-Forwarded-For honoured.
            "--no-proxy-headers",
            "--workers",
            str(workers),
            *extra,
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        import httpx

        for _ in range(200):
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise RuntimeError("server did not start")
        yield base, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def published_item_ids(db: Database) -> dict[str, int]:
    """The published catalog's items: code → id (as a generating statement writes them)."""
    from sqlalchemy import select

    from xinyong.models import CatalogItem, CatalogStatus, CatalogVersion

    with db.transaction() as session:
        version = session.execute(
            select(CatalogVersion.id).where(CatalogVersion.status == CatalogStatus.published)
        ).scalar_one()
        rows = session.execute(
            select(CatalogItem.code, CatalogItem.id).where(CatalogItem.version_id == version)
        ).all()
    return {code: item_id for code, item_id in rows}


def a_black_list(db: Database) -> tuple[int, str]:
    """The first black list of the defaults: its id and code."""
    from sqlalchemy import select

    from xinyong.models import CreditList, ListKind

    with db.transaction() as session:
        row = session.execute(
            select(CreditList.id, CreditList.code)
            .where(CreditList.kind == ListKind.black)
            .order_by(CreditList.id)
            .limit(1)
        ).one()
    return row[0], row[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def settle_after_load(db: Database) -> None:
    """What autovacuum and the scheduled jobs do soon after a bulk load, done before measuring
    so that they do not run in the middle of it: statistics, on PostgreSQL the visibility map
    and the GIN pending lists, and the portal's search table brought up to date (ADR 0012)."""
    from xinyong.subjects.search import refresh_index, vacuum_queue

    db.analyze()
    postgresql = db.dialect == "postgresql"
    if postgresql:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE) subjects")
            conn.exec_driver_sql("VACUUM records")
    with db.transaction() as session:
        refresh_index(session)
    if postgresql:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE) subject_search")
        vacuum_queue(db.engine)


def drop_postgresql_database(name: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
