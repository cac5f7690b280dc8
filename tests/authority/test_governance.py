"""专项治理 statistics through the API and the authority's pages, on both databases: failing
organisations per month by the industry section of their registration, a section's cities, a
city's subjects, and the CSV (issue 17 part 2 § 4). The clock stands at 2026-06-15."""

from __future__ import annotations

import csv
import io

import pytest

from fixtures.helpers import catalog_record, org, penalty
from fixtures.lists import ACME, BETA, GAMMA, World

PERIOD = {"from": "2026-04", "to": "2026-06"}


def registered(code: str, name: str, industry: str) -> dict:
    record = catalog_record("org_registration", f"reg-{code}", org(code, name))
    record["fields"]["industry_code"] = industry
    return record


@pytest.fixture
def failing(world: World) -> World:
    world.push(
        world.market,
        registered(ACME, "南京艾克米科技有限公司", "C3911"),
        registered(BETA, "南京贝塔贸易有限公司", "F5190"),
        penalty("p-acme", ACME, "南京艾克米科技有限公司", determined_on="2026-05-10"),
        penalty("p-acme-2", ACME, "南京艾克米科技有限公司", determined_on="2026-05-20"),
        penalty("p-beta", BETA, "南京贝塔贸易有限公司", determined_on="2026-06-01"),
        penalty("p-gamma", GAMMA, "南京伽马物流有限公司", determined_on="2026-04-02"),
        penalty("p-old", GAMMA, "南京伽马物流有限公司", determined_on="2025-12-01"),
    )
    return world


def stats(w: World, **params: str):  # type: ignore[no-untyped-def]
    return w.client.get(
        "/api/v1/reports/governance", params={**PERIOD, **params}, headers=w.authority.headers
    )


def test_failing_organisations_by_section_and_month(failing: World) -> None:
    answer = stats(failing)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["months"] == ["2026-04", "2026-05", "2026-06"]
    rows = {r["section"]: (r["section_name"], r["counts"], r["total"]) for r in body["rows"]}
    assert rows == {
        "C": ("制造业", [0, 1, 0], 1),  # two penalties in May: one subject
        "F": ("批发和零售业", [0, 0, 1], 1),
        "": ("未登记行业", [1, 0, 0], 1),
    }
    assert body["totals"] == [1, 1, 1]


def test_drilling_into_a_section_and_a_city(failing: World) -> None:
    cities = stats(failing, section="C").json()
    assert [(r["city"], r["city_name"], r["total"]) for r in cities["rows"]] == [
        ("320100", "江苏省南京市", 1)
    ]
    subjects = stats(failing, section="C", city="320100").json()["subjects"]
    assert [(s["credit_code"], s["months"]) for s in subjects] == [(ACME, ["2026-05"])]
    table = stats(failing, format="csv")
    assert table.status_code == 200 and table.text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(table.text.lstrip("\ufeff"))))
    assert rows[0] == ["行业门类", "行业", "2026-04", "2026-05", "2026-06", "期间合计（家）"]
    assert rows[-1][:1] == ["合计"] and rows[-1][2:5] == ["1", "1", "1"]


def test_bad_periods_and_sections_are_refused(failing: World) -> None:
    backwards = stats(failing, **{"from": "2026-06", "to": "2026-04"})
    assert backwards.status_code == 422 and backwards.json()["error"]["code"] == "invalid_period"
    assert stats(failing, section="Z").json()["error"]["code"] == "invalid_section"
    departments = failing.client.get(
        "/api/v1/reports/governance", params=PERIOD, headers=failing.user.headers
    )
    assert departments.status_code == 403


def test_the_authoritys_page_drills_down_and_downloads(authority, failing: World) -> None:  # type: ignore[no-untyped-def]
    page = authority.get("/authority/governance", params={"first": "2026-04", "last": "2026-06"})
    assert page.status_code == 200
    assert "C 制造业" in page.text and "section=C" in page.text and "未登记行业" in page.text
    city = authority.get(
        "/authority/governance", params={"first": "2026-04", "last": "2026-06", "section": "C"}
    )
    assert "南京市" in city.text and "city=320100" in city.text
    subjects = authority.get(
        "/authority/governance",
        params={"first": "2026-04", "last": "2026-06", "section": "C", "city": "320100"},
    )
    assert "南京艾克米科技有限公司" in subjects.text
    download = authority.get(
        "/authority/governance.csv", params={"first": "2026-04", "last": "2026-06"}
    )
    assert download.status_code == 200 and "制造业" in download.text
    bad = authority.get("/authority/governance", params={"first": "2026-13"})
    assert bad.status_code == 422 and "月份格式" in bad.text
