"""Debt warnings (003 政务诚信 三（五））and the regional evaluation (二（五））through the API."""

from __future__ import annotations

import copy

from government_world import BUREAU, HOSPITAL, GovernmentWorld

from fixtures.helpers import org
from xinyong.models import OversightReport
from xinyong.oversight.monthly import monthly_report
from xinyong.reports.dual_publicity import Month


def _load(gw: GovernmentWorld, caller, rows: list[dict]):  # type: ignore[no-untyped-def]
    return gw.client.post(
        "/api/v1/government/debt-indicators", json={"rows": rows}, headers=caller.headers
    )


def test_debt_indicators_give_yellow_and_red_warnings(gw: GovernmentWorld) -> None:
    rows = [
        {"region_code": "320115", "year": 2025, "indicator": "debt_ratio", "value": "105.5"},
        {"region_code": "320115", "year": 2025, "indicator": "debt_service_ratio", "value": "8"},
        {"region_code": "320583", "year": 2025, "indicator": "debt_ratio", "value": "130"},
        {"region_code": "320100", "year": 2025, "indicator": "debt_ratio", "value": "80"},
    ]
    answer = _load(gw, gw.finance, rows)
    assert answer.status_code == 201, answer.text
    assert answer.json() == {"loaded": 4}
    warnings = gw.client.get(
        "/api/v1/government/debt-warnings", params={"year": 2025}, headers=gw.authority.headers
    )
    assert warnings.status_code == 200, warnings.text
    regions = {r["region_code"]: r for r in warnings.json()["regions"]}
    assert [r["region_code"] for r in warnings.json()["regions"]] == ["320583", "320115", "320100"]
    assert regions["320583"]["level"] == "red"
    assert regions["320115"]["level"] == "yellow"
    assert regions["320115"]["level_name"] == "黄色预警（较高风险）"
    assert regions["320115"]["region_name"] == "江苏省南京市江宁区"
    assert regions["320100"]["level"] is None
    # A later load supersedes: 江宁区 brings its ratio under the line.
    _load(gw, gw.finance, [{**rows[0], "value": "95"}])
    again = gw.client.get(
        "/api/v1/government/debt-warnings", params={"year": 2025}, headers=gw.finance.headers
    ).json()
    assert {r["region_code"]: r["level"] for r in again["regions"]}["320115"] is None
    # Government-shared: never the public's, nor a subject's.
    public = gw.client.get("/api/v1/government/debt-warnings", params={"year": 2025})
    assert public.status_code == 401


def test_bad_debt_loads_are_refused_whole(gw: GovernmentWorld) -> None:
    good = {"region_code": "320115", "year": 2025, "indicator": "debt_ratio", "value": "105"}
    for row, code, field in (
        ({**good, "region_code": "329999"}, "unknown_region", "rows[1].region_code"),
        ({**good, "region_code": "320103"}, "unknown_region", "rows[1].region_code"),  # abolished
        ({**good, "region_code": "320000"}, "unknown_region", "rows[1].region_code"),  # province
        ({**good, "indicator": "gdp_growth"}, "unknown_debt_indicator", "rows[1].indicator"),
    ):
        answer = _load(gw, gw.finance, [good, row])
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["code"] == code
        assert answer.json()["error"]["field"] == field
    refused = _load(gw, gw.tax, [good])
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_finance"
    warnings = gw.client.get(
        "/api/v1/government/debt-warnings", params={"year": 2025}, headers=gw.authority.headers
    )
    assert warnings.json()["regions"] == []


def test_the_regional_ranking_is_computed_kept_and_published(gw: GovernmentWorld) -> None:
    missing = gw.client.get("/api/v1/government/regional-evaluation")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "no_regional_evaluation"
    gw.failure(gw.court, org(BUREAU, "南京市江宁区住房和城乡建设局"), "r-1")
    gw.unpaid_bill(org(HOSPITAL, "南京市江宁区人民医院"), "r-2", owed="40")
    gw.sync()
    [bill] = [c for c in gw.cases(region="320115") if c["failure_kind"] == "拖欠企业账款"]
    gw.act(gw.authority, bill["id"], "payments", {"amount": "10", "paid_on": "2026-06-01"})
    run = gw.client.post(
        "/api/v1/government/regional-evaluations",
        params={"year": 2026},
        headers=gw.authority.headers,
    )
    assert run.status_code == 201, run.text
    published = gw.client.get("/api/v1/government/regional-evaluation", params={"year": 2026})
    assert published.status_code == 200
    out = published.json()
    assert out["title"] == "区域政务诚信状况评价" and "满分100分" in out["method"]
    [county] = out["counties"]
    assert county["region_code"] == "320115" and county["rank"] == 1
    assert county["bodies"] == 2
    scores = {i["indicator"]: i for i in county["indicators"]}
    assert scores["failures"]["figure"] == "1.0000"  # two failures, two bodies: over the cap
    assert scores["failures"]["points"] == "0.00"
    assert scores["arrears_paid"]["figure"] == "0.2500"
    assert scores["commitments_kept"]["figure"] is None  # nothing to measure: full marks
    assert scores["commitments_kept"]["points"] == "15.00"
    [city] = out["cities"]
    assert city["region_code"] == "320100" and city["region_name"] == "江苏省南京市"
    assert city["score"] == county["score"]
    # The method is public, as the policy is.
    policy = gw.client.get("/api/v1/government/policy").json()
    assert policy["regional"]["method"] == out["method"]


def test_a_month_that_is_over_counts_as_its_kept_collection_report(gw: GovernmentWorld) -> None:
    """双公示 timeliness of a month that is over is read from the month's kept collection report
    (the figures its notice named), not counted again: here the kept figures of the court
    (320115) are set apart from what a recount would find (nothing)."""
    gw.clock.advance(days=30)  # 2026-07-15: June, the departments' first month, is over
    with gw.db.transaction() as session:
        monthly_report(session, "collection", Month(2026, 6), now=gw.clock.now(), feedback_days=5)
        kept = session.get(OversightReport, ("2026-06", "collection"))
        assert kept is not None
        report = copy.deepcopy(kept.report)
        [court] = [r for r in report["departments"] if r["department"] == "court"]
        court.update(dp_on_time=3, dp_late=1)
        kept.report = report
    run = gw.client.post(
        "/api/v1/government/regional-evaluations",
        params={"year": 2026},
        headers=gw.authority.headers,
    )
    assert run.status_code == 201, run.text
    [county] = run.json()["counties"]
    scores = {i["indicator"]: i for i in county["indicators"]}
    assert scores["dual_publicity"]["figure"] == "0.7500"
