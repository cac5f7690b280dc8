"""The whole API fuzzed by schemathesis against a live server, once per role (issue 12).

Each run is a real `xinyong serve` process on its own fresh database — migrated by
`xinyong db upgrade`, loaded with `xinyong demo --subjects 50 --seed 1`, then copied per role
(a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL) — with the scheduled jobs
running every second over whatever the fuzzer stores. `st run` sends positive and negative
requests (the examples, coverage, fuzzing and stateful phases, fixed seed) with the role's
token, and the test fails on any 5xx and on any answer the OpenAPI document does not describe
(status code, content type, headers, body schema, the `Allow` of a 405), and on any traceback
in the server's log. A fresh database per role keeps one role's writes (the authority's
catalog versions, a provider's list entries) out of another's run.

`XINYONG_FUZZ_EXAMPLES` sets the cases per operation of the fuzzing phase and the scenarios of
the stateful one (default `DEFAULT_EXAMPLES`: a bounded run for `make test`); docs/testing.md
gives the large run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
import pytest

BIN = Path(sys.executable).parent
ROLES = ("public", "provider", "user_department", "subject", "authority")
# What "a 5xx or a schema violation" means: the answer is not a server error, and its status,
# content type, headers, body and a 405's `Allow` are what the OpenAPI document says. Left out:
# the checks that the server accepts exactly what the JSON Schema allows (it also checks the
# check characters of codes and ID numbers, and reports a batch's bad rows in a 200), and the
# authentication checks, which read a declared bearer scheme as always required.
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "allow_header_conformance",
)
# Every operation is sent the examples, fuzzing and stateful phases; the coverage phase only
# those the role may call (their `x-callers`).
SENT_TO_ALL = "examples,fuzzing,stateful"
ALL_PHASES = "examples,coverage,fuzzing,stateful"
DEFAULT_EXAMPLES = 5
EXAMPLES = int(os.environ.get("XINYONG_FUZZ_EXAMPLES", DEFAULT_EXAMPLES))
SEED = 12
SECRET = "ZnV6ei1zZWNyZXQta2V5LWZvci14aW55b25nLWZ1enotMzJieXRlcyE="
# The demo's departments whose tokens the runs use (var/demo-tokens.json).
DEPARTMENTS = {
    "authority": "js-credit_authority",
    "provider": "js-market_regulation",
    "user_department": "js-icbc",
}
# Token ids count from 1 and the authority's own is among the first: revoking tokens is fuzzed
# in a pass of its own after everything else, so that it cannot end the authority's run early.
REVOKE = "/api/v1/tokens/{token_id}/revoke"
# A call each role may make and the public may not, after the run: its token still works.
PROBES = {
    "authority": "/api/v1/feedback/rates",
    "provider": "/api/v1/tasks",
    "user_department": "/api/v1/tasks",
    "subject": "/api/v1/authorisations",
}
PG_ADMIN_URL = os.environ.get(
    "XINYONG_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@dataclass
class Template:
    """A migrated database with the demo loaded, copied for each role's run."""

    backend: str
    url: str
    tokens: dict[str, str] = field(repr=False)

    def copy(self, directory: Path) -> str:
        if self.backend == "sqlite":
            source = Path(self.url.removeprefix("sqlite:///"))
            target = directory / "xinyong.db"
            for suffix in ("", "-wal"):
                if Path(f"{source}{suffix}").exists():
                    shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
            return f"sqlite:///{target}"
        name = f"xinyong_fuzz_{uuid.uuid4().hex[:12]}"
        _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{_pg_name(self.url)}"')
        return f"{self.url.rsplit('/', 1)[0]}/{name}"

    def drop(self, url: str) -> None:
        if self.backend == "postgresql":
            _pg_admin(f'DROP DATABASE IF EXISTS "{_pg_name(url)}" WITH (FORCE)')


def _pg_name(url: str) -> str:
    return url.rsplit("/", 1)[1]


def _pg_admin(statement: str) -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(statement)


def _environment(url: str, var_dir: Path) -> dict[str, str]:
    """The settings of the commands and the server (added to the inherited environment)."""
    return {
        "XINYONG_DATABASE_URL": url,
        "XINYONG_SECRET_KEY": SECRET,
        "XINYONG_VAR_DIR": str(var_dir),
        "XINYONG_RUN_JOBS": "true",
        "XINYONG_JOB_INTERVAL_SECONDS": "1",
    }


def _xinyong(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "xinyong"), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"xinyong {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def template(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[Template]:  # type: ignore[no-untyped-def]
    directory = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{directory / 'template.db'}"
    else:
        name = f"xinyong_fuzz_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        try:
            _pg_admin(f'CREATE DATABASE "{name}"')
        except psycopg.OperationalError as exc:
            pytest.skip(f"PostgreSQL unreachable: {exc}")
        base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
        url = f"{base}/{name}"
    world = Template(request.param, url, {})
    try:
        env = _environment(url, directory / "var")
        _xinyong(env, "db", "upgrade")
        _xinyong(env, "demo", "--subjects", "50", "--seed", "1")
        demo_tokens = json.loads((directory / "var" / "demo-tokens.json").read_text())
        world.tokens = {role: demo_tokens[code]["token"] for role, code in DEPARTMENTS.items()}
        yield world
    finally:
        world.drop(url)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    base: str
    log: Path
    process: subprocess.Popen

    def tracebacks(self) -> list[str]:
        """Each distinct error of the log: its exception and its frames in xinyong."""
        text = self.log.read_text(errors="replace")
        seen: dict[str, int] = {}
        for block in text.split("Traceback (most recent call last):")[1:]:
            if block.rstrip().endswith("following exception:"):
                continue  # the cause of a chained exception: the last part names the frames
            frames = [
                f"  {m[1]}:{m[2]} {m[3]}"
                for m in re.finditer(r'File ".*?/src/(xinyong/[^"]+)", line (\d+), in (\w+)', block)
            ]
            # The exception's line: `module.Name: message` (a log line starts `ERROR:`).
            errors = re.findall(r"^(?:[a-z_]+\.)*[A-Z]\w*[a-z]\w*(?::.*)?$", block, re.M)
            key = "\n".join([errors[-1] if errors else block.strip()[-200:], *frames])
            seen[key] = seen.get(key, 0) + 1
        return [f"{n}× {key}" for key, n in seen.items()]


@pytest.fixture
def server(role: str, template: Template, tmp_path: Path) -> Iterator[tuple[Server, dict]]:
    url = template.copy(tmp_path)
    env = _environment(url, tmp_path / "var")
    port = _free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BIN / "xinyong"), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    live = Server(f"http://127.0.0.1:{port}", log, process)
    try:
        _wait_until_up(live)
        tokens = dict(template.tokens)
        if role == "subject":
            tokens["subject"] = _subject_token(live, env)
        yield live, tokens
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        template.drop(url)


def _wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"the server exited:\n{server.log.read_text(errors='replace')}")
        try:
            if httpx.get(f"{server.base}/api/v1/health", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    pytest.fail(f"the server did not answer:\n{server.log.read_text(errors='replace')}")


def _subject_token(server: Server, env: dict[str, str]) -> str:
    """A token for a subject on a black list (it has records, an entry, steps to object to):
    found as the public finds it, issued as an operator issues one."""
    lists = httpx.get(f"{server.base}/api/v1/lists").json()
    for listed in lists:
        if listed["kind"] == "black" and listed["active_entries"]:
            entries = httpx.get(f"{server.base}/api/v1/lists/{listed['code']}/entries").json()
            key = entries[0]["subject"]
            out = _xinyong(
                env, "token", "create", "--role", "subject", "--subject", key, "--name", "fuzz"
            )
            return out.strip().splitlines()[-1].strip()
    raise AssertionError("the demo put nobody on a black list")


@dataclass
class Run:
    returncode: int
    output: str
    cases: int
    seconds: float


def _schemathesis(base: str, token: str | None, report: Path, phases: str, *filters: str) -> Run:
    auth = ["--header", f"Authorization: Bearer {token}"] if token else []
    command = [
        str(BIN / "st"),
        "run",
        f"{base}/api/v1/openapi.json",
        "--checks",
        ",".join(CHECKS),
        "--phases",
        phases,
        "--mode",
        "all",
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        str(SEED),
        "--generation-database",
        "none",
        "--request-timeout",
        "60",
        "--no-color",
        "--report",
        "json",
        "--report-json-path",
        str(report),
        *auth,
        *filters,
    ]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, cwd=report.parent, timeout=3600)
    summary = json.loads(report.read_text()) if report.exists() else {}
    return Run(
        done.returncode,
        done.stdout + done.stderr,
        summary.get("test_cases", {}).get("generated", 0),
        time.monotonic() - started,
    )


def _failures(output: str) -> str:
    """The failures part of `st run`'s report: each case with its status and curl line."""
    match = re.search(r"=+ FAILURES =+\n(.*?)\n=+ [A-Z]+ =+", output, re.S)
    return match.group(1) if match else output


@pytest.mark.parametrize("role", ROLES)
def test_fuzz(role: str, template: Template, server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    live, tokens = server
    token = tokens.get(role)
    problems: list[str] = []
    first = ("--exclude-path", REVOKE) if role == "authority" else ()
    runs = [_schemathesis(live.base, token, tmp_path / "main.json", SENT_TO_ALL, *first)]
    # The coverage phase's boundary values (about 55 cases an operation) go to the operations
    # the role may call; the others refuse it whatever it sends, which the cases above show.
    callable_by_role = [
        f"--include-operation-id={operation['operationId']}"
        for path, methods in httpx.get(f"{live.base}/api/v1/openapi.json").json()["paths"].items()
        for operation in methods.values()
        if role in operation["x-callers"] and not (role == "authority" and path == REVOKE)
    ]
    runs.append(
        _schemathesis(live.base, token, tmp_path / "coverage.json", "coverage", *callable_by_role)
    )
    if token is not None:
        headers = {"Authorization": f"Bearer {token}"}
        probe = httpx.get(f"{live.base}{PROBES[role]}", headers=headers)
        if probe.status_code != 200:
            problems.append(f"the {role} token no longer works: {probe.status_code} {probe.text}")
    if role == "authority":
        runs.append(
            _schemathesis(
                live.base, token, tmp_path / "revoke.json", ALL_PHASES, "--include-path", REVOKE
            )
        )
    cases, seconds = sum(r.cases for r in runs), sum(r.seconds for r in runs)
    print(f"fuzz {template.backend} {role}: {cases} cases in {seconds:.0f} s")
    problems += [
        f"st run exited {r.returncode}:\n{_failures(r.output)}" for r in runs if r.returncode
    ]
    tracebacks = live.tracebacks()
    if tracebacks:
        problems.append("the server logged:\n" + "\n".join(tracebacks))
    if problems:
        pytest.fail(f"{template.backend}, {role}:\n" + "\n\n".join(problems), pytrace=False)
    assert cases > 0
