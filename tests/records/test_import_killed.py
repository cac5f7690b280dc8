"""`xinyong import FILE` killed with SIGKILL at random points while it imports, then run to
completion: the database holds exactly the file's distinct records — none lost, none twice —
and the audit chain still verifies. A kill leaves no clean-up to the process: no exit handler
runs, its connection just drops and its id node lease is left to run out."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import orjson
import pytest
from sqlalchemy import select, text

from xinyong.demo.generator import DemoGenerator
from xinyong.models import Record, Subject

CATALOG = Path(__file__).parents[2] / "src" / "xinyong" / "catalog" / "default_catalog.json"
KIND = "market_regulation"
RECORDS = 12_500
REPEATED = 500  # records written twice in the file: stored once
KILLS = 3
# Kills land within this long after the import took its id node, from where it reads, validates
# and writes for some 3-10 s (by the machine's load); a kill after it finished is a point too.
LATEST_KILL_SECONDS = 5.0
# Python's entry point, as the console script `xinyong` runs it.
CLI = "import sys; from xinyong.cli import app; sys.argv[0] = 'xinyong'; app()"


def write_file(path: Path, today) -> set[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """RECORDS demo records of a market-regulation department (bigger than 8 MB, so validated
    by worker processes, as big imports are), some twice; the keys of the distinct ones."""
    items = json.loads(CATALOG.read_text(encoding="utf-8"))["items"]
    allowed = {i["code"] for i in items if KIND in i["sources"]}
    records: list[dict] = []
    for record in DemoGenerator(items, seed=11, today=today).records(RECORDS):
        if record["item"] in allowed:
            record.pop("provider")
            records.append(record)
            if len(records) == RECORDS:
                break
    with path.open("wb") as out:
        for record in [*records, *records[:REPEATED]]:
            out.write(orjson.dumps(record) + b"\n")
    keys = {key(r["subject"].get("credit_code") or r["subject"]["id_number"], r) for r in records}
    assert len(keys) == RECORDS  # the generator's source ids are unique: the file is as meant
    return keys


def key(subject: str, record: dict) -> tuple[str, str, str]:
    return (subject, record["item"], record["source_id"])


def stored_keys(db) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        subjects = {
            s.id: s.credit_code or db.cipher.decrypt(s.id_cipher)
            for s in session.execute(select(Subject)).scalars()
        }
        return [
            (subjects[subject_id], item, source_id)
            for subject_id, item, source_id in session.execute(
                select(Record.subject_id, Record.item_code, Record.source_id)
            )
        ]


def start_import(db, path: Path, provider: str, var: Path) -> subprocess.Popen:  # type: ignore[no-untyped-def]
    env = {
        **os.environ,
        "XINYONG_DATABASE_URL": db.settings.database_url,
        "XINYONG_SECRET_KEY": db.settings.secret_key,
        "XINYONG_VAR_DIR": str(var),
    }
    return subprocess.Popen(
        [sys.executable, "-c", CLI, "import", str(path), "--provider", provider],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its validation workers in its process group
    )


def holds_id_node(db, pid: int) -> bool:  # type: ignore[no-untyped-def]
    with db.engine.connect() as conn:
        found = conn.execute(text("SELECT 1 FROM id_nodes WHERE pid = :pid"), {"pid": pid})
        return found.first() is not None


def kill_while_importing(db, proc: subprocess.Popen, delay: float) -> bool:  # type: ignore[no-untyped-def]
    """SIGKILL the import ``delay`` seconds after it took its id node (it has then started
    its work); whether it was still running."""
    while proc.poll() is None and not holds_id_node(db, proc.pid):
        time.sleep(0.05)
    time.sleep(delay)
    running = proc.poll() is None
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    # Its orphaned validation workers would stop at their next write to it; stop them now.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    return running


@pytest.mark.slow
def test_import_killed_at_random_points_then_completed_stores_each_record_once(
    db, clock, run, provider, tmp_path
):
    path = tmp_path / "records.jsonl"
    expected = write_file(path, clock.now().date())
    seed = random.randrange(1 << 32)
    rng = random.Random(seed)
    delays = [round(rng.uniform(0, LATEST_KILL_SECONDS), 2) for _ in range(KILLS)]
    killed_running = [
        kill_while_importing(db, start_import(db, path, provider, tmp_path / "var"), delay)
        for delay in delays
    ]
    where = f"seed {seed}: kills after {delays} s, running then: {killed_running}"

    final = start_import(db, path, provider, tmp_path / "var")
    output = final.communicate(timeout=600)[0].decode()
    assert final.returncode == 0, f"{where}\n{output}"
    assert "拒收 0 条" in output, output

    stored = stored_keys(db)
    twice = [k for k, n in Counter(stored).items() if n > 1]
    assert not twice, f"{where}: stored twice: {twice[:5]}"
    assert len(stored) == len(expected), where
    assert set(stored) == expected, where
    verified = run("audit", "verify")
    assert verified.exit_code == 0, f"{where}\n{verified.output}"
