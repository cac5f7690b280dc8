"""`xinyong calendar load` and `xinyong calendar show`, run as an operator would."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xinyong.cli import app
from xinyong.core.calendar import UnknownCalendarYear, calendar_for

YEAR_2027 = Path(__file__).parent / "year_2027.json"


@pytest.fixture
def run(db, tmp_path):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    env = {
        "XINYONG_DATABASE_URL": db.settings.database_url,
        "XINYONG_SECRET_KEY": db.settings.secret_key,
        "XINYONG_VAR_DIR": str(tmp_path / "var"),
        "COLUMNS": "200",
    }

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args), env=env, catch_exceptions=False)

    return invoke


def deadline(db, start: date, n: int) -> date:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        return calendar_for(session).add_working_days(start, n)


def test_load_then_the_deadline_across_the_year_end_works(run, db, client) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownCalendarYear):
        deadline(db, date(2026, 12, 24), 10)
    shown = run("calendar", "show", "--year", "2027")
    assert shown.exit_code == 1
    assert "calendar_year_unknown" in shown.output

    result = run("calendar", "load", str(YEAR_2027))
    assert result.exit_code == 0, result.output
    assert "2027 年工作日历已载入：法定节假日 29 天，调休上班 4 天" in result.output
    assert deadline(db, date(2026, 12, 24), 10) == date(2027, 1, 8)
    assert client.get("/api/v1/calendar/2027").json()["loaded_by"].startswith("cli:")

    shown = run("calendar", "show", "--year", "2027")
    assert shown.exit_code == 0, shown.output
    assert "2027-02-20" in shown.output and "春节调休" in shown.output

    years = run("calendar", "show")
    assert years.exit_code == 0, years.output
    assert "2004" in years.output and "内置节假日数据" in years.output
    # Who loaded it (命令行（操作系统用户 …）) folds at a narrow terminal: its start is enough.
    assert "主管部门载入" in years.output and "命令行" in years.output
    listed = {y["year"]: y for y in json.loads(run("calendar", "show", "--json").output)}
    assert (listed[2004]["source"], listed[2027]["source"]) == ("chinesecalendar", "authority")
    assert listed[2027]["holidays"] == 29 and listed[2027]["loaded_by"].startswith("cli:")


def test_a_known_year_needs_replace(run, db) -> None:  # type: ignore[no-untyped-def]
    assert run("calendar", "load", str(YEAR_2027)).exit_code == 0
    again = run("calendar", "load", str(YEAR_2027))
    assert again.exit_code == 1
    assert "calendar_year_known" in again.output
    replaced = run("calendar", "load", str(YEAR_2027), "--replace")
    assert replaced.exit_code == 0, replaced.output


def test_the_2026_make_up_days_are_shown(run) -> None:  # type: ignore[no-untyped-def]
    shown = run("calendar", "show", "--year", "2026")
    assert shown.exit_code == 0, shown.output
    for day in ("2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20"):
        assert day in shown.output
    assert "调休上班" in shown.output and "星期六" in shown.output
    assert "全年工作日 248 天" in shown.output
    year = json.loads(run("calendar", "show", "--year", "2026", "--json").output)
    assert "2026-02-28" in {d["date"] for d in year["working_weekends"]}


def test_a_malformed_file_names_the_field(run, db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(YEAR_2027.read_text("utf-8"))
    data["working_weekends"].append({"date": "2027-03-01", "name": "调休"})  # a Monday
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run("calendar", "load", str(path))
    assert result.exit_code == 1
    assert "working_weekends" in result.output and "2027-03-01" in result.output
    with pytest.raises(UnknownCalendarYear):
        deadline(db, date(2026, 12, 24), 10)
