"""An indicator's own conditions — its severities, its field's values — hold for its own
items only, whichever indicators share the pass over the records; an item two indicators
read counts for each (a second pass); a record counts as its standing says. On DuckDB
without the platform's database, the points worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from xinyong.evaluation import backends, engine, extract
from xinyong.evaluation.schemas import ModelIn

TODAY = date(2026, 6, 15)
BASIS = "测试"
PENALTY, ARREARS = "administrative_penalty", "tax_arrears"


def indicator(code: str, source: dict[str, Any], each: int) -> dict[str, Any]:
    return {
        "code": code,
        "name": code,
        "source": {"kind": "records", **source},
        "rule": {"kind": "per_record", "points": {"each": each}},
        "basis": BASIS,
    }


MODEL = ModelIn.model_validate(
    {
        "code": "conditions",
        "version": 1,
        "name": "条件",
        "applies_to": "organisation",
        "effective_from": "2026-01-01",
        "base": 1000,
        "sources": [{"title": BASIS}],
        "counting": {"basis": BASIS},
        "dimensions": [
            {
                "code": "d",
                "name": "维度",
                "indicators": [
                    # These two share a pass (their items differ): the severity is the
                    # first one's condition, never the second's.
                    indicator(
                        "severe_penalties", {"items": [PENALTY], "severities": ["severe"]}, -10
                    ),
                    indicator("arrears", {"items": [ARREARS]}, -5),
                    # The penalties again (a second pass), by a field's value.
                    indicator(
                        "national_penalties",
                        {"items": [PENALTY], "where": {"field": "level", "values": ["国家级"]}},
                        3,
                    ),
                ],
            }
        ],
        "bands": [
            {"grade": "A", "min": 1010},
            {"grade": "B", "min": 990, "max": 1010},
            {"grade": "C", "min": 950, "max": 990},
            {"grade": "D", "max": 950},
        ],
    }
)

# subject, item, severity, level, standing, expires (days from today)
RECORDS = [
    (1, PENALTY, "severe", "国家级", "active", 100),  # severe −10, national +3
    (1, PENALTY, "general", "国家级", "active", 100),  # national +3
    (1, PENALTY, "severe", "省级", "active", 100),  # severe −10
    (1, ARREARS, "general", None, "active", 100),  # arrears −5: no severity asked
    (1, ARREARS, "severe", "省级", "active", None),  # arrears −5: no level asked either
    (1, PENALTY, "severe", "国家级", "expired", 100),  # expired: nothing
    (1, PENALTY, "severe", "国家级", "revoked", 100),  # revoked: nothing
    (2, ARREARS, "general", None, "active", 0),  # past its validity today: nothing
    (2, PENALTY, "severe", "国家级", "active", -1),  # likewise
]


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """Rows of the shape the extraction's queries give, typed by the extraction itself (the
    field's value as its place among the listed values, standing and severity as enums)."""
    connection = extract.connect(tmp_path)
    connection.execute(
        "CREATE TABLE src_subjects AS SELECT range AS id, 'legal_person' AS kind FROM range(1, 3)"
    )
    connection.execute(
        "CREATE TABLE src_records (subject_id BIGINT, id BIGINT, item_code VARCHAR, "
        "severity VARCHAR, standing VARCHAR, determined_on DATE, expires_on DATE, "
        "received_on DATE, f_level VARCHAR)"
    )
    on = TODAY - timedelta(days=30)

    def expires(days: int | None) -> date | None:
        return None if days is None else TODAY + timedelta(days=days)

    connection.executemany(
        "INSERT INTO src_records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (s, n + 1, item, severity, standing, on, expires(e), on, level)
            for n, (s, item, severity, level, standing, e) in enumerate(RECORDS)
        ],
    )
    connection.execute("CREATE TABLE src_objections (subject_id BIGINT, target_id BIGINT)")
    connection.execute(
        "CREATE TABLE src_entries (subject_id BIGINT, id BIGINT, list_code VARCHAR, "
        "kind VARCHAR, state VARCHAR, confirmed_on DATE, listed_until DATE, rectified BOOLEAN)"
    )
    connection.execute(
        "CREATE TABLE src_commitments (subject_id BIGINT, id BIGINT, type VARCHAR, "
        "state VARCHAR, signed_on DATE, closed_on DATE)"
    )
    connection.execute(
        "CREATE TABLE src_declarations (subject_id BIGINT, id BIGINT, category VARCHAR, "
        "state VARCHAR, verified_on DATE)"
    )
    names = ("subjects", "records", "objections", "entries", "commitments", "declarations")
    extract.input_tables(
        connection, engine.needs(MODEL, {}), {name: f"src_{name}" for name in names}
    )
    yield connection
    connection.close()


def test_each_indicator_keeps_its_own_conditions(con: duckdb.DuckDBPyConnection) -> None:
    backends.run_duckdb(con, MODEL, TODAY)
    codes = [i.code for _d, i in MODEL.indicators()]
    points = {
        (subject, codes[k]): cents
        for subject, k, cents in con.execute(
            "SELECT subject_id, k, cents FROM out_points"
        ).fetchall()
    }
    assert points == {
        (1, "severe_penalties"): -2000,
        (1, "arrears"): -1000,
        (1, "national_penalties"): 600,
    }
    scores = dict(con.execute("SELECT subject_id, score_cents FROM out_scores").fetchall())
    assert scores == {1: 100000 - 2400, 2: 100000}
