"""The evaluation reads an SQLite archive without breaking the server's locks on it.

DuckDB's sqlite extension carries its own copy of the SQLite library; two copies in one
process drop each other's POSIX locks when either closes the file
(https://sqlite.org/howtocorrupt.html §2.2.1). When the evaluation let DuckDB open the live
file, another process then believed itself the database's last user, checkpointed and deleted
the write-ahead log under the server's open connections, and the server's later commits were
lost (the CI run of 2026-12-05 failed with "file is not a database"). The evaluation now reads
a snapshot made by Python's own SQLite; this test fails if DuckDB opens the live file again."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from evaluation_world import load, run, small

from fixtures.lists import World, make_world


@pytest.fixture
def w(client, db, clock) -> World:  # type: ignore[no-untyped-def]
    return make_world(client, db, clock)


def test_another_process_still_sees_the_server_after_an_evaluation(w: World, db, clock) -> None:  # type: ignore[no-untyped-def]
    if not db.settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite's locks")
    path = Path(db.settings.database_url.split("///", 1)[1])
    load(db, clock, small())
    # A connection of the server's, open throughout as in serving (outside a transaction, so
    # the run can write).
    held = sqlite3.connect(path, isolation_level=None)
    try:
        held.execute("SELECT count(*) FROM subjects").fetchone()
        run(db, clock)
        # Another process opens the archive, reads, and closes: it must see that this one
        # still has it open, and so leave the write-ahead log where it is.
        other = (
            "import sqlite3, sys\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('PRAGMA journal_mode=WAL')\n"
            "c.execute('SELECT count(*) FROM evaluation_grades').fetchone()\n"
            "c.close()\n"
        )
        subprocess.run([sys.executable, "-c", other, str(path)], check=True)
        assert Path(f"{path}-wal").exists(), "the other process took itself for the last user"
        assert held.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        held.close()
