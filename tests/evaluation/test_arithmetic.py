"""The engine's arithmetic under Hypothesis, on DuckDB without the platform's database: input
tables made of generated records, the scores and the explanation checked against the rules
written out here — points in cents, faded over validity in whole percent, bounded per
indicator, rounded half away from zero to the cent, the score exactly the base plus the
indicators' points."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import duckdb
import ibis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinyong.evaluation import engine, extract
from xinyong.evaluation.explain import explain_inputs
from xinyong.evaluation.schemas import ModelIn
from xinyong.models.record import Severity, Standing

TODAY = date(2026, 6, 15)
BASIS = "测试"
ITEMS = ("administrative_penalty", "tax_arrears")
SEVERITIES = ("general", "serious", "severe")
ids = itertools.count(10_000)


def model(
    points: dict[str, dict[str, str]], bounds: dict[str, tuple[str | None, str | None]]
) -> ModelIn:
    """One indicator per item: points by severity faded over validity, within bounds."""
    indicators = []
    for item in ITEMS:
        low, high = bounds[item]
        indicators.append(
            {
                "code": item,
                "name": item,
                "source": {"kind": "records", "items": [item]},
                "rule": {
                    "kind": "per_record",
                    "points": {"by_severity": points[item]},
                    "decay": {"kind": "validity", "floor_percent": 10},
                },
                "min_points": low,
                "max_points": high,
                "basis": BASIS,
            }
        )
    return ModelIn.model_validate(
        {
            "code": f"h{next(ids)}",
            "version": 1,
            "name": "算术",
            "applies_to": "organisation",
            "effective_from": "2026-01-01",
            "base": "1000.00",
            "sources": [{"title": BASIS}],
            "counting": {"basis": BASIS},
            "dimensions": [{"code": "d", "name": "维度", "indicators": indicators}],
            "bands": [
                {"grade": "A", "min": 1010},
                {"grade": "B", "min": 990, "max": 1010},
                {"grade": "C", "min": 950, "max": 990},
                {"grade": "D", "max": 950},
            ],
        }
    )


record = st.tuples(
    st.integers(1, 3),  # subject
    st.sampled_from(ITEMS),
    st.sampled_from(SEVERITIES),
    st.integers(-800, 0),  # determined, days from today
    st.integers(-5, 900),  # validity, days from determination
)


def fill(con: duckdb.DuckDBPyConnection, records: list[tuple[int, str, str, int, int]]) -> None:
    con.execute(
        "CREATE OR REPLACE TABLE in_subjects AS SELECT range AS subject_id, 'legal_person' AS "
        "kind FROM range(1, 4)"
    )
    con.execute(
        "CREATE OR REPLACE TABLE in_records (subject_id BIGINT, record_id BIGINT, item_code "
        "VARCHAR, severity SMALLINT, standing SMALLINT, determined_on DATE, expires_on DATE, "
        "received_on DATE, under_objection BOOLEAN, item SMALLINT)"
    )
    rows = []
    for n, (subject, item, severity, determined, validity) in enumerate(records):
        on = TODAY + timedelta(days=determined)
        expires = on + timedelta(days=validity)
        number = sorted(ITEMS).index(item)  # engine.item_numbers
        # Standing and severity as the extraction numbers them (extract.place).
        placed = extract.place(Severity(severity)), extract.place(Standing.active)
        rows.append((subject, n + 1, item, *placed, on, expires, on, False, number))
    if rows:
        con.executemany("INSERT INTO in_records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    con.execute(
        "CREATE OR REPLACE TABLE in_entries (subject_id BIGINT, entry_id BIGINT, list_code "
        "VARCHAR, kind VARCHAR, state VARCHAR, confirmed_on DATE, listed_until DATE, rectified "
        "BOOLEAN)"
    )
    con.execute(
        "CREATE OR REPLACE TABLE in_commitments (subject_id BIGINT, commitment_id BIGINT, "
        "type VARCHAR, state VARCHAR, signed_on DATE, closed_on DATE)"
    )
    con.execute(
        "CREATE OR REPLACE TABLE in_declarations (subject_id BIGINT, declaration_id BIGINT, "
        "category VARCHAR, state VARCHAR, verified_on DATE)"
    )


def expected(
    spec: ModelIn, records: list[tuple[int, str, str, int, int]]
) -> dict[int, dict[str, Decimal]]:
    """Each subject's indicator points as the rules of the module's docstring give them."""
    out: dict[int, dict[str, Decimal]] = {s: {} for s in (1, 2, 3)}
    for _dimension, indicator in spec.indicators():
        for subject in (1, 2, 3):
            units = 0
            for s, item, severity, determined, validity in records:
                on = TODAY + timedelta(days=determined)
                expires = on + timedelta(days=validity)
                if s != subject or item != indicator.code or expires <= TODAY:
                    continue  # another's, or expired: not counted
                cents = int(indicator.rule.points.by_severity.get(severity, 0) * 100)  # type: ignore[union-attr]
                total, remaining = (expires - on).days, (expires - TODAY).days
                percent = 100 if total <= 0 else max(10, min(100, remaining * 100 // total))
                units += cents * percent
            points = Decimal(units) / 10_000
            if indicator.min_points is not None:
                points = max(points, indicator.min_points)
            if indicator.max_points is not None:
                points = min(points, indicator.max_points)
            out[subject][indicator.code] = points.quantize(Decimal("0.01"), ROUND_HALF_UP)
    return out


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    connection = extract.connect(Path(tmp_path_factory.mktemp("duck")))
    yield connection
    connection.close()


_compiled: dict[str, tuple[str, str]] = {}


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def scored(con: duckdb.DuckDBPyConnection, spec: ModelIn) -> dict[int, dict[str, Any]]:
    """The engine's points and scores of the tables in ``con``: per subject its
    ``score_cents`` and ``points`` by indicator (compiled once per model: the tables' names
    and types stay, their rows change)."""
    compiled = _compiled.get(spec.code)
    if compiled is None:
        backend = ibis.duckdb.from_connection(con)
        inputs = engine.Inputs(*(backend.table(f"in_{name}") for name in extract.INPUTS))
        rows = engine.row_units(inputs, spec, TODAY)
        points_sql = str(backend.compile(engine.points(rows, spec)))
        con.execute(f"CREATE OR REPLACE TEMP TABLE points AS {points_sql}")
        kept = backend.table("points")
        scores_sql = str(backend.compile(engine.scores(inputs, spec, TODAY, points_table=kept)))
        compiled = _compiled[spec.code] = (points_sql, scores_sql)
    con.execute(f"CREATE OR REPLACE TEMP TABLE points AS {compiled[0]}")
    out = {r["subject_id"]: {**r, "points": {}} for r in _rows(con, compiled[1])}
    codes = [i.code for _d, i in spec.indicators()]
    for row in _rows(con, "SELECT * FROM points"):
        out[row["subject_id"]]["points"][codes[row["k"]]] = row["cents"]
    return out


AWKWARD = {
    "administrative_penalty": {"general": "-3.33", "serious": "-7.77", "severe": "-12.35"},
    "tax_arrears": {"general": "-0.05", "serious": "-1.01", "severe": "-9.99"},
}
AWKWARD_BOUNDS = {"administrative_penalty": ("-20.55", None), "tax_arrears": (None, None)}
FIXED = model(AWKWARD, AWKWARD_BOUNDS)


class TestFixedModelManyArchives:
    @settings(
        max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(records=st.lists(record, max_size=25))
    def test_points_are_rounded_per_indicator_and_sum_to_the_score(
        self, con: duckdb.DuckDBPyConnection, records: list
    ) -> None:
        fill(con, records)
        result = scored(con, FIXED)
        want = expected(FIXED, records)
        for subject, row in result.items():
            points = {code: Decimal(row["points"].get(code, 0)).scaleb(-2) for code in ITEMS}
            assert points == want[subject]
            assert Decimal(row["score_cents"]).scaleb(-2) == FIXED.base + sum(points.values())

    @settings(
        max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(records=st.lists(record, min_size=1, max_size=15))
    def test_explanation_sums_exactly_to_the_score(
        self, con: duckdb.DuckDBPyConnection, records: list
    ) -> None:
        fill(con, records)
        subject = records[0][0]
        explained = explain_inputs(con, FIXED, TODAY, subject, model_id=1)
        assert explained.base + sum(i.points for i in explained.indicators) == explained.score
        assert explained.score == FIXED.base + sum(expected(FIXED, records)[subject].values())
        for indicator in explained.indicators:
            raw = sum((c.points for c in indicator.contributions), Decimal(0))
            low, high = AWKWARD_BOUNDS[indicator.code]
            bounded = max(raw, Decimal(low)) if low else raw
            bounded = min(bounded, Decimal(high)) if high else bounded
            assert indicator.points == bounded.quantize(Decimal("0.01"), ROUND_HALF_UP)


points = st.decimals(min_value=-99, max_value=99, places=2, allow_nan=False, allow_infinity=False)


class TestManyModels:
    @settings(
        max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(
        by_severity=st.fixed_dictionaries(
            {item: st.fixed_dictionaries({s: points for s in SEVERITIES}) for item in ITEMS}
        ),
        low=st.one_of(st.none(), st.decimals(min_value=-50, max_value=0, places=2)),
        records=st.lists(record, max_size=20),
    )
    def test_any_points_and_bounds(
        self, con: duckdb.DuckDBPyConnection, by_severity: dict, low: Decimal | None, records: list
    ) -> None:
        spec = model(
            {i: {s: str(p) for s, p in v.items()} for i, v in by_severity.items()},
            {i: (None if low is None else str(low), None) for i in ITEMS},
        )
        fill(con, records)
        result = scored(con, spec)
        want = expected(spec, records)
        for subject, row in result.items():
            assert {c: Decimal(row["points"].get(c, 0)).scaleb(-2) for c in ITEMS} == want[subject]
