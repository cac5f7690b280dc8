"""`xinyong quality check|findings|scores|rules|load` (docs/quality.md): the same runs and reads
as the daily job and the API, in Chinese, with ``--json`` for machines."""

from __future__ import annotations

import json
from pathlib import Path

from quality_world import REGISTERED, QualityWorld

from fixtures.lists import ACME
from xinyong.quality.ruleset import default_rule_set

# The day after the records arrive (tests/conftest.py START), for the command's own clock.
TODAY = {"XINYONG_FIXED_TODAY": "2026-06-16"}


def test_a_check_finds_and_says_so(run, qw: QualityWorld) -> None:  # type: ignore[no-untyped-def]
    qw.penalty(qw.market, "p-1", ACME, REGISTERED)
    done = run("quality", "check")
    assert done.exit_code == 0, done.output
    assert "增量检查" in done.output and "新发现数据质量问题 1 条" in done.output
    full = json.loads(run("quality", "check", "--full", "--json").output)
    assert (full["kind"], full["since"], sum(full["found"].values())) == ("full", None, 0)


def test_findings_and_scores_as_tables_and_json(run, qw: QualityWorld) -> None:  # type: ignore[no-untyped-def]
    qw.penalty(qw.market, "p-1", ACME, REGISTERED)
    run("quality", "check", **TODAY)
    shown = run("quality", "findings", "--department", "amr")
    assert shown.exit_code == 0 and "共 1 条" in shown.output and "待处理" in shown.output
    found = json.loads(
        run("quality", "findings", "--json", "--rule", "dual_publicity_fields_empty").output
    )
    assert found["total"] == 1 and found["findings"][0]["fact"] == "legal_representative_name"
    scores = json.loads(run("quality", "scores", "--json", **TODAY).output)
    assert scores["month"] == "2026-06"
    assert {s["department"]: s["score"] for s in scores["scores"]}["amr"] == 99.0
    assert "2026年6月数据质量得分" in run("quality", "scores", "--month", "2026-06").output
    bad = run("quality", "scores", "--month", "June")
    assert bad.exit_code != 0 and "YYYY-MM" in bad.output


def test_the_rules_are_shown_and_loaded_as_a_new_version(
    run, qw: QualityWorld, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    shown = run("quality", "rules")
    assert "数据质量规则第 1 版" in shown.output and "同一决定文书号重复报送" in shown.output
    data = default_rule_set().model_dump(mode="json")
    data["rules"][0]["enabled"] = False
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    loaded = run("quality", "load", str(path))
    assert loaded.exit_code == 0, loaded.output
    assert "已发布数据质量规则第 2 版（5 条）" in loaded.output
    assert "（停用）" in run("quality", "rules").output
