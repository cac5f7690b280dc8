"""A process loads each shipped DuckDB extension from one file, whatever var directory its
runs are given: DuckDB never unloads an extension, and each copy installed under another
directory was mapped again (a worker of the suite grew by 20–50 MB an evaluation run, one
var directory a test; docs/performance.md § The test suite)."""

from __future__ import annotations

from pathlib import Path

import pytest

from xinyong.evaluation import extract

MAPS = Path("/proc/self/maps")


def mapped_copies(file_name: str) -> set[str]:
    """The files called ``file_name`` mapped into this process."""
    return {
        line.split()[-1] for line in MAPS.read_text().splitlines() if line.endswith(f"/{file_name}")
    }


@pytest.mark.skipif(not MAPS.exists(), reason="reads the process's mappings from /proc")
def test_runs_under_two_var_directories_map_one_copy(tmp_path: Path) -> None:
    def evaluate_under(var_dir: Path) -> set[str]:
        con = extract.connect(var_dir)
        try:
            extract.load_extension(con, "sqlite")
            assert con.execute("SELECT 1").fetchone() == (1,)
        finally:
            con.close()
        return mapped_copies("sqlite_scanner.duckdb_extension")

    # Compared with what the process had mapped after the first: a test before this one may
    # have mapped a copy of its own on purpose (tests/test_fixture_database.py plays a
    # process's first run).
    mapped = evaluate_under(tmp_path / "first")
    assert mapped
    assert evaluate_under(tmp_path / "second") == mapped
