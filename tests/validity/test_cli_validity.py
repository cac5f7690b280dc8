"""`xinyong validity show` and `xinyong validity load FILE`, run as an operator would. The
command uses the system clock, so the rules it loads take effect far in the future and the
retroactive one far in the past."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

GRADING = {
    "effective_from": "2090-01-01",
    "months": {"minor": 6, "general": 12, "serious": 24, "severe": 36},
    "basis": "某省公共信用信息管理条例（测试）第二十条",
}


@pytest.fixture
def rules_file(tmp_path):  # type: ignore[no-untyped-def]
    def write(rules: object) -> str:
        path: Path = tmp_path / "rules.json"
        path.write_text(json.dumps(rules, ensure_ascii=False), encoding="utf-8")
        return str(path)

    return write


def test_show_lists_the_measures_rule(run) -> None:  # type: ignore[no-untyped-def]
    shown = run("validity", "show")
    assert shown.exit_code == 0, shown.output
    assert "2018-01-29" in shown.output and "全部信息项" in shown.output
    assert "严重失信（severe）36 个月" in shown.output


def test_load_adds_the_files_rules_and_show_lists_them(run, client, rules_file) -> None:  # type: ignore[no-untyped-def]
    item_rule = {**GRADING, "item_code": "tax_arrears", "months": {"general": 18}}
    result = run("validity", "load", rules_file([GRADING, item_rule]))
    assert result.exit_code == 0, result.output
    assert "自 2090-01-01 起适用于全部信息项" in result.output
    assert "自 2090-01-01 起适用于信息项 tax_arrears" in result.output
    rules = client.get("/api/v1/validity-rules").json()
    assert [(r["effective_from"], r["item_code"]) for r in rules] == [
        ("2018-01-29", None),
        ("2090-01-01", None),
        ("2090-01-01", "tax_arrears"),
    ]
    assert rules[1]["created_by"].startswith("cli:")
    shown = run("validity", "show")
    assert shown.exit_code == 0, shown.output
    assert "2090-01-01" in shown.output and "tax_arrears" in shown.output
    machine = json.loads(run("validity", "show", "--json").output)
    assert [(r["effective_from"], r["item_code"]) for r in machine][-1] == (
        "2090-01-01",
        "tax_arrears",
    )
    assert machine[-1]["months"] == {"general": 18}


def test_a_file_is_loaded_all_or_none(run, client, rules_file) -> None:  # type: ignore[no-untyped-def]
    retroactive = {**GRADING, "effective_from": "2019-01-01"}
    result = run("validity", "load", rules_file([GRADING, retroactive]))
    assert result.exit_code == 1
    assert "validity_rule_retroactive" in result.output and "1.effective_from" in result.output
    assert len(client.get("/api/v1/validity-rules").json()) == 1

    twice = run("validity", "load", rules_file([GRADING, GRADING]))
    assert twice.exit_code == 1 and "validity_rule_exists" in twice.output
    assert len(client.get("/api/v1/validity-rules").json()) == 1


def test_a_malformed_file_names_the_place(run, client, rules_file) -> None:  # type: ignore[no-untyped-def]
    result = run("validity", "load", rules_file([{**GRADING, "months": {"grave": 12}}]))
    assert result.exit_code == 1
    assert "invalid_request" in result.output and "0.months.grave" in result.output
    unknown = run("validity", "load", rules_file([{**GRADING, "item_code": "nothing"}]))
    assert unknown.exit_code == 1 and "unknown_item" in unknown.output
    assert len(client.get("/api/v1/validity-rules").json()) == 1
