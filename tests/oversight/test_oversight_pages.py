"""The oversight pages (docs/oversight.md § pages): the authority's month of every department,
its notices sent on demand and acknowledged, the assessment with a department's breakdown, the
dashboard's card; a department's own figures, overdue items and assessment to date."""

from __future__ import annotations

from test_collection_report import june_of_the_market

from fixtures.oversight import at, csrf_of, person
from xinyong.models import Role


def test_the_authority_sees_the_month_sends_its_notices_and_ranks_the_year(
    app, client, db, clock, world
) -> None:  # type: ignore[no-untyped-def]
    june_of_the_market(client, clock, world)
    clock.set(at("2026-07-02"))
    chief = person(app, db, clock, role=Role.authority, department="cred", name="cred.li")
    page = chief.get("/authority/oversight?month=2026-06")
    assert page.status_code == 200, page.text
    text = page.text
    assert "2026年6月公共信用信息归集和应用情况" in text
    assert "测试market_regulation" in text and "测试tax" in text and "测试finance" in text
    assert "逾期未报送的信息项" in text and "行政许可信息" in text
    assert "目录中没有该信息项 2" in text
    assert "立即发出2026年6月的归集、“双公示”和应用情况通报" in text
    assert "苏政发〔2018〕23号" in text and "Measures" not in text
    sent = chief.post(
        "/authority/oversight/notices",
        data={"csrf_token": csrf_of(text), "month": "2026-06"},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    after = chief.get(sent.headers["location"])
    assert "通报已发出" in after.text and "立即发出" not in after.text
    assert "2026年6月“双公示”信息报送情况通报" in after.text
    csv = chief.get("/authority/oversight/collection.csv?month=2026-06")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.lstrip("\ufeff").startswith("部门名称,应报信息项")
    assert chief.get("/authority/oversight/use.csv?month=2026-06").status_code == 200
    assert chief.get("/authority/oversight/nope.csv").status_code == 404
    ranking = chief.get("/authority/oversight/assessment?year=2026&department=amr")
    assert ranking.status_code == 200
    assert "测试market_regulation：第" in ranking.text and "归集完整率" in ranking.text
    assert "按次扣分" in ranking.text  # the model's indicators, in words
    assert (
        chief.get("/authority/oversight/assessment.csv?year=2026")
        .text.lstrip("\ufeff")
        .startswith("名次,部门名称,总分")
    )
    assert "监督考核与通报" in chief.get("/authority").text
    future = chief.get("/authority/oversight?month=2026-08")
    assert future.status_code == 422 and "尚未开始" in future.text
    # The month under way: no notice yet, and no button to send one.
    running = chief.get("/authority/oversight?month=2026-07")
    assert "本月尚未结束" in running.text and "立即发出" not in running.text


def test_a_department_sees_its_own_figures_and_its_year_to_date(
    app, client, db, clock, world
) -> None:  # type: ignore[no-untyped-def]
    june_of_the_market(client, clock, world)
    clock.set(at("2026-07-02"))
    officer = person(app, db, clock, role=Role.provider, department="amr", name="amr.chen")
    page = officer.get("/department/oversight?month=2026-06")
    assert page.status_code == 200, page.text
    assert "行政许可信息" in page.text and "2026-06-17" in page.text  # overdue, and since when
    assert "测试tax" not in page.text  # another department's row is not its to read
    assert "2026 年度考核" in page.text and "归集完整率" in page.text
    default = officer.get("/department/oversight")
    assert "2026年6月本部门" in default.text  # the last month over
    user = person(app, db, clock, role=Role.user_department, department="finance", name="fin.he")
    own = user.get("/department/oversight?month=2026-06")
    assert own.status_code == 200
    assert "应用情况" in own.text and "逾期未报送的信息项" not in own.text
    assert "监督考核" in own.text and "通报签收" in own.text  # in the console's navigation
