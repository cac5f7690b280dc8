"""`xinyong report collection|use` and `xinyong oversight assess|model|load|notices`, as an
operator runs them on the test's database (docs/oversight.md § command line)."""

from __future__ import annotations

import json
from pathlib import Path

from test_collection_report import june_of_the_market

from xinyong.oversight.assessment import default_model

# A wide terminal, as an operator's: the tables keep their names on one line.
JULY_2 = {"XINYONG_FIXED_TODAY": "2026-07-02", "COLUMNS": "200"}


def test_the_monthly_reports_as_tables_json_and_csv(
    run, client, clock, world, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    june_of_the_market(client, clock, world)
    out = tmp_path / "collection.csv"
    shown = run("report", "collection", "--month", "2026-06", "--csv", str(out), **JULY_2)
    assert shown.exit_code == 0, shown.output
    assert "2026年6月归集情况（截至 2026-06-30）" in shown.output
    # The table's width is the terminal's (Rich reads it once per process): its cells are
    # read from the CSV, which has every column whatever the width.
    text = out.read_bytes().decode("utf-8")
    assert "测试market_regulation" in text and "逾期未报信息项" in text and "双公示按时率" in text
    assert text.startswith("\ufeff部门名称,应报信息项") and "目录中没有该信息项 2" in text
    machine = json.loads(run("report", "use", "--month", "2026-06", "--json", **JULY_2).output)
    assert machine["kind"] == "use" and machine["feedback_working_days"] == 10
    assert {r["department"] for r in machine["departments"]} == {"amr", "court", "tax", "finance"}
    running = run("report", "use", "--month", "2026-07", **JULY_2)
    assert "2026年7月应用情况（截至 2026-07-02，本月尚未结束）" in running.output
    bad = run("report", "collection", "--month", "2026-08", **JULY_2)
    assert bad.exit_code == 1 and "month_in_future" in bad.output


def test_the_scoring_model_loaded_and_the_assessment(
    run, client, clock, world, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    june_of_the_market(client, clock, world)
    shipped = run("oversight", "model", **JULY_2)
    assert "第 0 版" in shipped.output and "归集完整率" in shipped.output
    model = default_model().model_dump(mode="json")
    model["indicators"] = model["indicators"][:2]
    model["title"] = "2026年度考核（试行）"
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model, ensure_ascii=False), encoding="utf-8")
    loaded = run("oversight", "load", str(path), **JULY_2)
    assert loaded.exit_code == 0, loaded.output
    assert "已载入评分模型第 1 版：2026年度考核（试行），指标 2 项" in loaded.output
    broken = tmp_path / "broken.json"
    model["indicators"][0]["numerator"] = "checks"
    broken.write_text(json.dumps(model, ensure_ascii=False), encoding="utf-8")
    refused = run("oversight", "load", str(broken), **JULY_2)
    assert refused.exit_code == 1 and "not a figure of the collection report" in refused.output
    api = client.get("/api/v1/oversight/scoring-model", headers=world.market.headers).json()
    assert (api["version"], len(api["indicators"])) == (1, 2)
    out = tmp_path / "assessment.csv"
    shown = run("oversight", "assess", "--year", "2026", "--department", "amr",
                "--csv", str(out), **JULY_2)  # fmt: skip
    assert shown.exit_code == 0, shown.output
    assert "2026 年度考核（截至 2026-06，第 1 版评分模型）" in shown.output
    assert "报送及时率" in shown.output
    header = out.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == "名次,部门名称,总分,归集完整率,报送及时率,部门代码"
    unknown = run("oversight", "assess", "--year", "2026", "--department", "nope", **JULY_2)
    assert unknown.exit_code == 1 and "department_not_found" in unknown.output


def test_the_months_notices_from_the_shell(run, client, clock, world) -> None:  # type: ignore[no-untyped-def]
    june_of_the_market(client, clock, world)
    sent = run("oversight", "notices", "--month", "2026-06", **JULY_2)
    assert sent.exit_code == 0, sent.output
    assert "2026年6月“双公示”信息报送情况通报，点名部门 1 个" in sent.output
    again = run("oversight", "notices", "--month", "2026-06", **JULY_2)
    assert again.output == sent.output
    early = run("oversight", "notices", "--month", "2026-07", **JULY_2)
    assert early.exit_code == 1 and "month_not_closed" in early.output
