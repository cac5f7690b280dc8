"""The authority's console pages (issue 5 § 5): who may see them, and what the dashboard and
the 双公示 page show — every chart also a table, the data embedded as JSON, no external asset."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from authority_pages import act_record, at, log_in, sender
from sqlalchemy import select

from fixtures.lists import ACME, BETA, GAMMA, org
from xinyong.core.auth import SYSTEM
from xinyong.models import Department, Role, Subject
from xinyong.records.service import CollectionContext
from xinyong.rights.step import Step
from xinyong.tasks import service as tasks

LICENCE = "administrative_licensing"
PENALTY = "administrative_penalty"
PAGES = [
    "/authority",
    "/authority/catalog",
    "/authority/measures",
    "/authority/calendar",
    "/authority/departments",
    "/authority/dual-publicity?month=2026-06",
    "/authority/dual-publicity/departments.csv?month=2026-06",
    "/authority/dual-publicity/late.csv?month=2026-06",
    "/authority/dual-publicity/notice?month=2026-06",
    "/authority/catalog/1/download",
    "/authority/measures/download",
    "/authority/governance",
    "/authority/governance.csv",
]


def test_every_console_page_renders_for_the_authority(authority) -> None:  # type: ignore[no-untyped-def]
    for path in PAGES:
        answer = authority.get(path)
        assert answer.status_code == 200, (path, answer.text[:500])
        assert answer.headers["cache-control"] == "no-store", path
    home = authority.get("/authority").text
    assert "管理工作台" in home and 'aria-current="page"' in home


def test_the_public_is_sent_to_log_in_and_comes_back(client, world) -> None:  # type: ignore[no-untyped-def]
    for path in PAGES:
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/login?next=%2Fauthority"), path


@pytest.mark.parametrize(
    ("role", "department"), [(Role.provider, "amr"), (Role.user_department, "finance")]
)
def test_other_roles_get_403(client, db, clock, world, role, department) -> None:  # type: ignore[no-untyped-def]
    log_in(client, db, clock, role=role, department=department)
    for path in PAGES:
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code == 403, path
        assert "无权访问此页面" in answer.text


def _chart(page: str, name: str) -> dict:
    found = re.search(
        rf'<script type="application/json" id="chart-data-{name}">(.*?)</script>', page, re.S
    )
    assert found, f"no data for chart {name}"
    return json.loads(found.group(1))


def _open_task(world, department: str | None, due_on: date, procedure_id: int) -> None:  # type: ignore[no-untyped-def]
    with world.db.transaction() as session:
        subject_id = session.execute(
            select(Subject.id).where(Subject.credit_code == ACME)
        ).scalar_one()
        dept_id = session.execute(
            select(Department.id).where(Department.code == department)
        ).scalar_one()
        tasks.open_task(
            session,
            Step(CollectionContext(world.db), SYSTEM, world.clock.now()),
            subject_id=subject_id,
            kind=tasks.OBJECTION_VERIFICATION,
            procedure="objection",
            procedure_id=procedure_id,
            department_id=dept_id,
            title="核查异议信息",
            due_on=due_on,
        )


def test_the_dashboard_charts_and_tables_show_the_same_figures(
    authority, client, clock, world
) -> None:  # type: ignore[no-untyped-def]
    send_market = sender(client, clock, world.market)
    # Collection in May and June, one batch with a rejected row.
    send_market(at("2026-05-20"), act_record(PENALTY, "d-1", org(ACME), "2026-05-18"))
    clock.set(at("2026-06-10"))
    bad = act_record(PENALTY, "d-2", org(BETA), "2026-06-01")
    bad["fields"]["decided_on"] = "not a date"
    mixed = client.post(
        "/api/v1/records/batches",
        json={
            "channel": "same_level",
            "records": [bad, act_record(LICENCE, "d-3", org(GAMMA), "2026-06-08")],
        },
        headers=world.market.headers,
    )
    assert mixed.json()["accepted"] == 1 and len(mixed.json()["rejected"]) == 1
    # A procedure overdue at the market regulator, and a check with feedback.
    _open_task(world, "amr", date(2026, 6, 1), 1)
    _open_task(world, "amr", date(2026, 7, 1), 2)
    world.list_entry(world.court, "court_judgment_defaulters", org(ACME), "1")
    check_id = world.check("government_procurement", ACME, GAMMA).json()["check_id"]
    item = {"subject": ACME, "measure": "restrict_government_procurement", "applied": True}
    fed = client.post(
        f"/api/v1/checks/{check_id}/feedback", json={"items": [item]}, headers=world.user.headers
    )
    assert fed.status_code == 200, fed.text
    clock.set(at("2026-06-15"))

    page = authority.get("/authority")
    assert page.status_code == 200
    text = page.text
    assert '<script src="/static/vendor/echarts.min.js" defer></script>' in text
    assert "https://" not in text and "http://" not in text  # no CDN, no external asset
    collected = _chart(text, "collected")
    assert collected["xAxis"]["data"][-2:] == ["2026-05", "2026-06"]
    amr = next(s for s in collected["series"] if s["name"] == "测试market_regulation")
    assert amr["data"][-2:] == [1, 1]
    rejections = _chart(text, "rejections")
    market = rejections["xAxis"]["data"].index("测试market_regulation")
    assert rejections["series"][0]["data"][market] == pytest.approx(100 / 3, abs=0.01)
    overdue = _chart(text, "overdue")
    assert (
        overdue["series"][1]["data"][overdue["xAxis"]["data"].index("测试market_regulation")] == 1
    )
    feedback = _chart(text, "feedback")
    assert feedback["series"][2]["data"] == [1]  # applied, at finance
    checks = _chart(text, "checks")
    assert checks["series"][0]["data"] == [1] and checks["series"][1]["data"] == [2]
    timeliness = _chart(text, "timeliness")
    assert timeliness["series"][0]["data"] == [100.0]
    # The same figures as tables, for readers without JavaScript.
    assert '<td class="num">33.33%</td>' in text  # 1 of 3 rows rejected
    assert '<span class="badge overdue">1</span>' in text
    assert "本月已到达 1 条，按时 1 条，迟报 0 条，按时率 100.00%" in text


def test_echarts_is_served_from_the_package(client) -> None:  # type: ignore[no-untyped-def]
    answer = client.get("/static/vendor/echarts.min.js")
    assert answer.status_code == 200
    assert "Apache" in answer.text[:2000] and len(answer.content) > 500_000
    assert client.get("/static/authority.js").status_code == 200


def test_the_dual_publicity_page_lists_the_late_and_links_the_csv(client, db, clock, world) -> None:  # type: ignore[no-untyped-def]
    send_market = sender(client, clock, world.market)
    send_market(
        at("2026-10-16"), act_record(LICENCE, "x-1", org(ACME, "迟报一号有限公司"), "2026-09-30")
    )
    send_market(at("2026-10-12"), act_record(LICENCE, "x-2", org(BETA), "2026-09-30"))
    authority = client
    log_in(authority, db, clock, role=Role.authority, department="cred")  # a session of today
    page = authority.get("/authority/dual-publicity?month=2026-10")
    assert page.status_code == 200
    assert "2026年10月双公示信息报送及时性" in page.text
    assert "迟报一号有限公司" in page.text and "50.00%" in page.text
    assert 'href="/authority/dual-publicity/late.csv?month=2026-10"' in page.text
    late = authority.get("/authority/dual-publicity/late.csv?month=2026-10")
    assert late.headers["content-type"].startswith("text/csv")
    assert 'filename="dual-publicity-2026-10-late.csv"' in late.headers["content-disposition"]
    assert "迟报一号有限公司,2026-09-30,2026-10-16,8" in late.content.decode("utf-8-sig")
    notice = authority.get("/authority/dual-publicity/notice?month=2026-10")
    assert "@media print" in notice.text and "迟报一号有限公司" in notice.text


def test_the_dual_publicity_page_explains_a_bad_month_and_an_unknown_year(authority) -> None:  # type: ignore[no-untyped-def]
    bad = authority.get("/authority/dual-publicity?month=2026-6")
    assert bad.status_code == 422
    assert "月份格式应为 YYYY-MM" in bad.text and 'aria-invalid="true"' in bad.text
    unknown = authority.get("/authority/dual-publicity?month=2027-01")
    assert unknown.status_code == 409
    assert "工作日历尚未载入 2027 年" in unknown.text
    assert 'href="/authority/calendar#load"' in unknown.text
    # The dashboard of a month in an unknown year says so in its timeliness panel.
    csv_answer = authority.get("/authority/dual-publicity/departments.csv?month=2027-01")
    assert csv_answer.status_code == 409 and "工作日历尚未载入" in csv_answer.text
