"""`xinyong risk sweep|rules|load` as an operator runs them, and the sweep as `xinyong tick`'s
daily job: once a day, however often the jobs run."""

from __future__ import annotations

import json
from pathlib import Path

from risk_world import RiskWorld

from fixtures.lists import ACME, org

TODAY = {"XINYONG_FIXED_TODAY": "2026-06-15"}


def test_the_sweep_from_the_shell_and_from_tick(rw: RiskWorld, run) -> None:  # type: ignore[no-untyped-def]
    rw.record(rw.market, "administrative_licensing", org(ACME), "lic", valid_to="2026-07-01")
    ticked = run("tick", "--json", **TODAY)
    assert ticked.exit_code == 0, ticked.output
    assert json.loads(ticked.output)["risk_warnings"] == 1
    # The job sweeps once a day: the next tick finds the day swept.
    rw.record(rw.market, "administrative_licensing", org(ACME), "lic-2", valid_to="2026-07-02")
    again = run("tick", "--json", **TODAY)
    assert json.loads(again.output)["risk_warnings"] == 0
    # `xinyong risk sweep` sweeps when asked, and warns of the new fact only.
    swept = run("risk", "sweep", **TODAY)
    assert swept.exit_code == 0, swept.output
    assert "2026-06-15 风险预警扫描：新预警 1 条" in swept.output
    assert "licence_expiring：1 条" in swept.output
    twice = run("risk", "sweep", "--json", **TODAY)
    assert json.loads(twice.output)["found"] == 0
    # tick prints what it did in Chinese.
    shown = run("tick", **TODAY)
    assert "新发出的风险预警：0 条" in shown.output


def test_rules_are_shown_and_loaded_from_a_file(rw: RiskWorld, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shown = run("risk", "rules")
    assert shown.exit_code == 0, shown.output
    assert "行政许可将在30日内到期" in shown.output and "信用主体" in shown.output
    listed = json.loads(run("risk", "rules", "--json").output)
    assert len(listed) == 6
    rule = {
        k: v for k, v in listed[0].items() if k not in ("id", "version", "created_by", "created_at")
    }
    path = tmp_path / "rules.json"
    path.write_text(json.dumps([rule]), encoding="utf-8")
    loaded = run("risk", "load", str(path))
    assert loaded.exit_code == 0, loaded.output
    assert f"{rule['code']}（第 2 版）" in loaded.output
    # An unknown item: one line, the index and the stable code.
    bad = {**rule, "condition": {"kind": "count_within", "item": "nope", "count": 3, "months": 12}}
    path.write_text(json.dumps([bad]), encoding="utf-8")
    refused = run("risk", "load", str(path))
    assert refused.exit_code != 0
    assert "unknown_item" in refused.output and "nope" in refused.output
    assert len(refused.output.strip().splitlines()) == 1
