"""An indicator's own conditions — its severities, its field's values — hold for its own
items only, whichever indicators share the pass over the records; an item two indicators
read counts for each (a second pass); a record counts as its standing says; indicators faded
over validity, whose units one expression gives, keep their own points and floors. On DuckDB
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


def connection_of(
    tmp_path: Path, model: ModelIn, records: list[tuple]
) -> duckdb.DuckDBPyConnection:
    """``records`` as rows of the shape the extraction's queries give, typed by the extraction
    itself (the field's value as its place among the listed values, standing and severity as
    their places in their enums), for subjects 1 to 4."""
    connection = extract.connect(tmp_path)
    connection.execute(
        "CREATE TABLE src_subjects AS SELECT range AS id, 'legal_person' AS kind FROM range(1, 5)"
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
            for n, (s, item, severity, level, standing, e) in enumerate(records)
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
        connection, engine.needs(model, {}), {name: f"src_{name}" for name in names}
    )
    return connection


@pytest.fixture
def con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    connection = connection_of(tmp_path, MODEL, RECORDS)
    yield connection
    connection.close()


def scored(
    con: duckdb.DuckDBPyConnection, model: ModelIn
) -> tuple[dict[tuple[int, str], int], dict[int, int]]:
    """The run's points by subject and indicator code, and its scores."""
    backends.run_duckdb(con, model, TODAY)
    codes = [i.code for _d, i in model.indicators()]
    points = {
        (subject, codes[k]): cents
        for subject, k, cents in con.execute(
            "SELECT subject_id, k, cents FROM out_points"
        ).fetchall()
    }
    return points, dict(con.execute("SELECT subject_id, score_cents FROM out_scores").fetchall())


def test_each_indicator_keeps_its_own_conditions(con: duckdb.DuckDBPyConnection) -> None:
    points, scores = scored(con, MODEL)
    assert points == {
        (1, "severe_penalties"): -2000,
        (1, "arrears"): -1000,
        (1, "national_penalties"): 600,
    }
    assert scores == {1: 100000 - 2400, 2: 100000, 3: 100000, 4: 100000}


def faded(code: str, items: list[str], points: dict[str, Any], floor: int) -> dict[str, Any]:
    return {
        "code": code,
        "name": code,
        "source": {"kind": "records", "items": items},
        "rule": {
            "kind": "per_record",
            "points": points,
            "decay": {"kind": "validity", "floor_percent": floor},
        },
        "basis": BASIS,
    }


WAGES = "wage_arrears"
# Three indicators faded over validity in one pass: the engine gives their units in one
# expression, their points and floors looked up by k (engine._shared_units).
FADED = ModelIn.model_validate(
    {
        **MODEL.model_dump(mode="json"),
        "code": "faded",
        "dimensions": [
            {
                "code": "d",
                "name": "维度",
                "indicators": [
                    faded(
                        "penalties", [PENALTY], {"by_severity": {"general": -10, "severe": -40}}, 20
                    ),
                    faded("arrears", [ARREARS], {"each": -5}, 50),
                    faded("wages", [WAGES], {"by_severity": {"minor": -2}}, 0),
                ],
            }
        ],
    }
)
# Determined 30 days ago (the fixture), so a record expiring in e days keeps e × 100 // (30 + e)
# percent of its points, never less than its indicator's floor.
FADED_RECORDS = [
    (3, PENALTY, "general", None, "active", 90),  # −10 × 75 % = −7.50
    (3, PENALTY, None, None, "active", 90),  # no severity: 0
    (3, PENALTY, "minor", None, "active", 90),  # a severity without points: 0
    (3, ARREARS, None, None, "active", 10),  # −5 each, 25 % under the floor of 50 %: −2.50
    (3, ARREARS, "severe", None, "active", None),  # no end to its validity: −5.00
    (3, WAGES, "minor", None, "active", 3),  # −2 × 9 % (no floor): −0.18
    (4, PENALTY, "severe", None, "active", 270),  # −40 × 90 % = −36.00
    (4, PENALTY, "severe", None, "active", 1),  # 3 %, under the floor of 20 %: −8.00
]


def test_indicators_faded_over_validity_keep_their_own_points_and_floors(tmp_path: Path) -> None:
    con = connection_of(tmp_path, FADED, FADED_RECORDS)
    try:
        points, scores = scored(con, FADED)
        assert points == {
            (3, "penalties"): -750,
            (3, "arrears"): -750,
            (3, "wages"): -18,
            (4, "penalties"): -4400,
        }
        assert scores == {1: 100000, 2: 100000, 3: 100000 - 1518, 4: 100000 - 4400}
    finally:
        con.close()
