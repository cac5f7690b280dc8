"""`xinyong government …` as an operator runs it, and the case sync as `xinyong tick`'s job."""

from __future__ import annotations

import json
from pathlib import Path

from government_world import BUREAU, GovernmentWorld

from fixtures.helpers import org

TODAY = {"XINYONG_FIXED_TODAY": "2026-06-15"}


def test_tick_opens_the_cases_and_the_commands_read_them(gw: GovernmentWorld, run) -> None:  # type: ignore[no-untyped-def]
    gw.unpaid_bill(org(BUREAU, "南京市江宁区住房和城乡建设局"), "cli-1")
    ticked = run("tick", "--json", **TODAY)
    assert ticked.exit_code == 0, ticked.output
    assert json.loads(ticked.output)["government_cases_opened"] == 1
    assert "新立案跟踪的政务失信记录：0 件" in run("tick", **TODAY).output
    cases = run("government", "cases", **TODAY)
    assert cases.exit_code == 0, cases.output
    assert "共 1 件" in cases.output
    [case] = json.loads(run("government", "cases", "--json", **TODAY).output)["cases"]
    assert case["subject"]["credit_code"] == BUREAU and case["failure_kind"] == "拖欠企业账款"
    listed = json.loads(run("government", "quarterly", "--quarter", "2026-Q2", "--json").output)
    assert [b["credit_code"] for b in listed["bodies"]] == [BUREAU]
    bad = run("government", "quarterly", "--quarter", "2026Q7")
    assert bad.exit_code != 0 and "invalid_quarter" in bad.output
    assert len(bad.output.strip().splitlines()) == 1
    ranked = run("government", "regional", "--year", "2026", **TODAY)
    assert ranked.exit_code == 0 and "2026 年县（市、区）排名" in ranked.output


def test_debt_indicators_from_a_file(gw: GovernmentWorld, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "debt.json"
    rows = [{"region_code": "320115", "year": 2025, "indicator": "debt_ratio", "value": "121"}]
    path.write_text(json.dumps({"rows": rows}), encoding="utf-8")
    loaded = run("government", "debt", "load", str(path))
    assert loaded.exit_code == 0, loaded.output
    assert "已载入债务风险指标 1 条" in loaded.output
    shown = run("government", "debt", "warnings", "--year", "2025", "--json")
    assert [r["level"] for r in json.loads(shown.output)["regions"]] == ["red"]
    path.write_text(json.dumps({"rows": [{**rows[0], "region_code": "320103"}]}), encoding="utf-8")
    refused = run("government", "debt", "load", str(path))
    assert refused.exit_code != 0
    assert "unknown_region" in refused.output and len(refused.output.strip().splitlines()) == 1


def test_the_policy_is_shown_and_published(gw: GovernmentWorld, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shown = run("government", "policy", **TODAY)
    assert "书面说明 10 个工作日" in shown.output and "债务率（debt_ratio）" in shown.output
    policy = json.loads(run("government", "policy", "--json", **TODAY).output)
    policy.pop("version")
    policy["periods"]["explanation_working_days"] = 15
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(policy, ensure_ascii=False), encoding="utf-8")
    published = run("government", "policy", str(path), **TODAY)
    assert published.exit_code == 0, published.output
    assert "已发布第 1 版，2026-06-15 起施行" in published.output
    assert "书面说明 15 个工作日" in run("government", "policy", **TODAY).output


def test_a_case_waits_for_the_calendar_and_the_other_jobs_go_on(gw: GovernmentWorld, run) -> None:  # type: ignore[no-untyped-def]
    # From 1 December 2026, 60 working days fall in 2027, a year the calendar does not know.
    gw.failure(gw.court, org(BUREAU, "南京市江宁区住房和城乡建设局"), "cal-1")
    late = {"XINYONG_FIXED_TODAY": "2026-12-01"}
    ticked = run("tick", "--json", **late)
    assert ticked.exit_code == 0, ticked.output
    figures = json.loads(ticked.output)
    assert figures["government_cases_opened"] == 0
    assert 2027 in figures["calendar_years_missing"]
    # Asked for at once, the sync says why.
    refused = run("government", "sync", **late)
    assert refused.exit_code != 0 and "calendar_year_unknown" in refused.output
    # On a day whose deadlines the calendar can count, the case opens.
    assert json.loads(run("tick", "--json", **TODAY).output)["government_cases_opened"] == 1
