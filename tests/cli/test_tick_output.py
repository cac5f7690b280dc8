"""`xinyong tick` as a person reads it (issue 14): Chinese labels, never machine keys; the
calendar years it reports missing are the years the authority's dashboard warns of, every run
until loaded, on the day before, of and after the one when the next year is first needed
(2026-11-02 + 60 days = 2027-01-01, core/calendar.LOOKAHEAD_DAYS). `--json` keeps the keys."""

from __future__ import annotations

import json
import re

import pytest

from xinyong.jobs import JOB_LABELS

MACHINE_KEY = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def lines(output: str) -> dict[str, str]:
    return dict(line.split("：", 1) for line in output.splitlines() if "：" in line)


def test_tick_prints_chinese_labels_and_json_on_request(run) -> None:  # type: ignore[no-untyped-def]
    done = run("tick", "--at", "2026-06-01")
    assert done.exit_code == 0, done.output
    assert done.output.startswith("按 2026-06-01 00:00:00（北京时间）的规则运行")
    assert not MACHINE_KEY.search(done.output), done.output
    shown = lines(done.output)
    assert shown["超过有效期而失效的信用信息"] == "0 条"
    assert shown["工作日历尚未载入的年度"] == "无"
    assert shown["新建的审计日志检查点"] == "1 个"
    assert set(shown) >= {label for label, _ in JOB_LABELS.values()}
    machine = json.loads(run("tick", "--json").output)
    assert set(machine) == {"as_of", *JOB_LABELS}
    assert machine["as_of"] is None and machine["audit_checkpoints"] == 0


@pytest.mark.parametrize(
    ("day", "missing"), [("2026-11-01", "无"), ("2026-11-02", "2027 年"), ("2026-11-03", "2027 年")]
)
def test_tick_reports_the_missing_calendar_year_every_run(run, day: str, missing: str) -> None:  # type: ignore[no-untyped-def]
    for warned in ("0" if missing == "无" else "1", "0"):  # the audit warning once, no more
        done = run("tick", "--at", day)
        assert done.exit_code == 0, done.output
        shown = lines(done.output)
        assert shown["工作日历尚未载入的年度"] == missing
        assert shown["新记入审计日志的工作日历提醒"] == f"{warned} 条"
        assert ("载入工作日历" in done.output) is (missing != "无")
