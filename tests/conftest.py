"""Every database test runs twice: on SQLite (the embedded default) and on PostgreSQL.

Each backend gets a fresh database migrated once per test session by Alembic; after every
test its tables are emptied, and each test finds the defaults (the default catalog, lists,
measures…) as ``ensure_defaults`` published them — for real the first time, then inserted again
from the rows it left (fixtures/database.py) — so tests see a clean platform and exercise the
real commits, as production does.
"""

from __future__ import annotations

import gc
import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import psycopg
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from fixtures.database import empty_database, give_defaults
from fixtures.helpers import TEST_SECRET
from xinyong.app import create_app
from xinyong.core.clock import SHANGHAI, FixedClock
from xinyong.db import Database
from xinyong.migrations import upgrade
from xinyong.settings import Settings

# The CLI tests' `run` fixture.
pytest_plugins = ["fixtures.cli"]

PG_ADMIN_URL = os.environ.get(
    "XINYONG_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_PG = os.environ.get("XINYONG_REQUIRE_POSTGRES") == "1"
START = datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI)

# Argon2id with light parameters, and the hash an unknown name is checked against made with
# them (accounts/service.py). The production parameters cost about 0.22 s of CPU a hash and as
# much a check: a quarter of the whole suite's CPU when every log-in paid it
# (docs/performance.md § The test suite).
QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=1024)
QUICK_DUMMY_HASH = QUICK_HASHER.hash("xinyong-no-such-user")

_pg_skipped_reason: str | None = None


def _pg_available() -> str | None:
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.OperationalError as exc:
        return str(exc).strip().splitlines()[0]


# The cyclic collector runs after 10,000 net new container objects instead of 700, and walks
# the older generations 20 times rarer each: with Python's defaults it took about a sixth of a
# worker's CPU, walking a heap of a million objects some 40 times per 600 tests (measured
# under coverage: docs/performance.md § The test suite, 2026-12-06 morning).
GC_THRESHOLDS = (10_000, 20, 20)


def pytest_configure(config: pytest.Config) -> None:
    global _pg_skipped_reason
    gc.set_threshold(*GC_THRESHOLDS)
    _pg_skipped_reason = _pg_available()
    if _pg_skipped_reason and REQUIRE_PG:
        raise pytest.UsageError(f"PostgreSQL is required but unreachable: {_pg_skipped_reason}")


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # type: ignore[no-untyped-def]
    if _pg_skipped_reason:
        terminalreporter.write_line(
            "!! PostgreSQL was not reachable: the PostgreSQL half of the suite was SKIPPED "
            f"({_pg_skipped_reason}). Only SQLite was tested.",
            red=True,
            bold=True,
        )


@pytest.fixture(autouse=True)
def quick_password_hashes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test hashes and checks passwords with QUICK_HASHER, by the real code paths; those
    marked ``production_password_hashes`` keep the production hasher (tests/web/test_login.py
    checks its parameters)."""
    if request.node.get_closest_marker("production_password_hashes"):
        return
    monkeypatch.setattr("xinyong.accounts.service._hasher", QUICK_HASHER)
    monkeypatch.setattr("xinyong.accounts.service._DUMMY_HASH", QUICK_DUMMY_HASH)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "xinyong.db"
        url = f"sqlite:///{path}"
        upgrade(url)
        yield url
        return
    if _pg_skipped_reason:
        pytest.skip(f"PostgreSQL unreachable: {_pg_skipped_reason}")
    name = f"xinyong_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        # A commit does not wait for its WAL to reach the disk (0.8 ms a commit on this
        # machine, 0.1 ms without): what a commit makes visible is the same, only a crash of
        # the server could lose the last ones, and a test's database does not outlive the run.
        conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    url = f"{base}/{name}"
    upgrade(url)
    yield url
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def bare_app(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The app on an empty SQLite database of its own, made once per process: for what needs
    its routes and no data."""
    var = tmp_path_factory.mktemp("openapi")
    url = f"sqlite:///{var / 'openapi.db'}"
    upgrade(url)
    app = create_app(Settings(database_url=url, secret_key=TEST_SECRET, var_dir=var))
    yield app
    app.state.db.dispose()


@pytest.fixture(scope="session")
def api_document(bare_app) -> dict:  # type: ignore[no-untyped-def]
    """The OpenAPI document as /api/v1/openapi.json serves it, made once per process: it
    depends on the routes alone, and making it costs 2–3 s of CPU (tests/test_openapi.py
    checks that a test's running app serves the same)."""
    response = TestClient(bare_app).get("/api/v1/openapi.json")
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def empty_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A database of its own on the test's backend, not yet migrated: for tests of the
    migrations themselves."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'unmigrated.db'}"
        return
    name = f"xinyong_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{database_url.rsplit('/', 1)[0]}/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=TEST_SECRET,
        var_dir=tmp_path,
        run_jobs=False,
        # Tests make many anonymous look-ups from one address; the limit has its own tests.
        anonymous_lookup_burst=1_000_000,
        # The daily quality checks open tasks on every provider's queue (overdue items, the
        # findings): off, so that a domain's tests see their own tasks; tests/quality turns
        # them on.
        quality_daily_checks=False,
    )


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def db(settings: Settings, clock: FixedClock) -> Iterator[Database]:
    database = Database(settings)
    give_defaults(database, clock.now())
    yield database
    empty_database(database)
    database.dispose()


@pytest.fixture
def app(db: Database, clock: FixedClock):  # type: ignore[no-untyped-def]
    return create_app(db.settings, clock=clock, db=db)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app) as test_client:
        yield test_client
