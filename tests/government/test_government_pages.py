"""Government integrity through the pages, as each user would: the authority's cases, a case's
steps, the quarterly list, the debt warnings and the regional evaluation; the body's own
console; the finance department's load of debt indicators; the portal's ranking."""

from __future__ import annotations

from government_world import BUREAU, HOSPITAL, GovernmentWorld
from test_cases_api import _profile

from authority.authority_pages import log_in
from fixtures.helpers import org
from subject_console.subject_pages import log_in_subject, post_page_form, text_of
from xinyong.models import Role

PDF = b"%PDF-1.4\n%decision\n"


def test_the_authority_works_a_case_through_its_pages(gw: GovernmentWorld) -> None:
    gw.unpaid_bill(org(BUREAU, "南京市江宁区住房和城乡建设局"), "pg-1", owed="30")
    gw.failure(gw.court, org(BUREAU, "南京市江宁区住房和城乡建设局"), "pg-2")
    gw.sync()
    bill = next(c for c in gw.cases() if c["failure_kind"] == "拖欠企业账款")
    other = next(c for c in gw.cases() if c["failure_kind"] != "拖欠企业账款")
    log_in(gw.client, gw.db, gw.clock, role=Role.authority, department="cred")
    listing = gw.client.get("/authority/government")
    assert listing.status_code == 200
    assert 'href="/authority/government" aria-current="page"' in listing.text
    assert f"/authority/government/cases/{bill['id']}" in listing.text
    path = f"/authority/government/cases/{bill['id']}"
    paid = post_page_form(
        gw.client, path, f"{path}/payment", {"amount": "30", "paid_on": "2026-06-12"}
    )
    assert paid.status_code == 303, paid.text
    page = text_of(gw.client.get(paid.headers["location"]).text)
    assert "已清理（账款已清偿）" in page and "30.0000" in page
    # 容错纠错 without its decision: the form again, with the message.
    path = f"/authority/government/cases/{other['id']}"
    refused = post_page_form(gw.client, path, f"{path}/exclusion", {"text": "主动挽回损失"})
    assert refused.status_code == 422
    assert "容错纠错须附认定决定的文号和决定书" in refused.text
    excluded = post_page_form(
        gw.client,
        path,
        f"{path}/exclusion",
        {"text": "主动挽回损失", "decision_number": "宁容〔2026〕2号"},
        files=[("document", ("decision.pdf", PDF, "application/pdf"))],
    )
    assert excluded.status_code == 303, excluded.text
    assert "容错免予记录" in gw.client.get(path).text
    quarterly = text_of(gw.client.get("/authority/government/quarterly?quarter=2026-Q2").text)
    assert "南京市江宁区住房和城乡建设局" in quarterly and "本季度新增" in quarterly
    bad = gw.client.get("/authority/government/quarterly?quarter=2026-Q9")
    assert bad.status_code == 422 and "季度格式应为" in bad.text
    ran = post_page_form(
        gw.client,
        "/authority/government/regional",
        "/authority/government/regional",
        {"year": "2026"},
    )
    assert ran.status_code == 303
    regional = text_of(gw.client.get(ran.headers["location"]).text)
    assert "已完成评价" in regional and "江苏省南京市江宁区" in regional
    future = post_page_form(
        gw.client,
        "/authority/government/regional",
        "/authority/government/regional",
        {"year": "2031"},
    )
    assert future.status_code == 422 and "评价年度不能晚于今年" in future.text
    ranking = text_of(gw.client.get("/government/ranking").text)
    assert "区域政务诚信状况评价" in ranking and "江苏省南京市" in ranking and "评价方法" in ranking


def test_the_body_explains_and_pays_on_its_console(gw: GovernmentWorld) -> None:
    gw.unpaid_bill(org(BUREAU, "南京市江宁区住房和城乡建设局"), "me-1", owed="10")
    gw.sync()
    log_in_subject(gw, BUREAU, "bureau")
    page = gw.client.get("/me/government")
    assert page.status_code == 200 and "拖欠企业账款" in page.text
    [case] = gw.cases()
    explained = post_page_form(
        gw.client,
        "/me/government",
        f"/me/government/{case['id']}/explanation",
        {"text": "资金未到位。"},
    )
    assert explained.status_code == 303
    bad = post_page_form(
        gw.client,
        "/me/government",
        f"/me/government/{case['id']}/payment",
        {"amount": "4", "paid_on": "2026-07-01"},
    )
    assert bad.status_code == 422 and "付款日期不能晚于今天" in bad.text
    paid = post_page_form(
        gw.client,
        "/me/government",
        f"/me/government/{case['id']}/payment",
        {"amount": "10", "paid_on": "2026-06-15"},
    )
    assert paid.status_code == 303
    assert "已清理" in text_of(gw.client.get("/me/government").text)


def test_the_finance_department_loads_debt_indicators_on_its_page(gw: GovernmentWorld) -> None:
    log_in(gw.client, gw.db, gw.clock, role=Role.provider, department="fin")
    page = gw.client.get("/department/government")
    assert page.status_code == 200 and "报送债务风险指标" in page.text
    bad = post_page_form(
        gw.client,
        "/department/government",
        "/department/government/debt",
        {"rows": "region_code,year,indicator,value\n329999,2025,debt_ratio,105"},
    )
    assert bad.status_code == 422
    assert "不是现行的设区市或县" in bad.text and "329999,2025" in bad.text
    good = post_page_form(
        gw.client,
        "/department/government",
        "/department/government/debt",
        {"rows": "320115,2025,债务率,105.5\n320583,2025,debt_ratio,60"},
    )
    assert good.status_code == 303, good.text
    text = text_of(gw.client.get("/department/government?year=2025").text)
    assert "黄色预警（较高风险）" in text and "江苏省苏州市昆山市" in text
    # Another department reads the warnings (government-shared) but has no load form.
    gw.client.cookies.clear()
    log_in(gw.client, gw.db, gw.clock, role=Role.provider, department="tax", username="tax-1")
    other = gw.client.get("/department/government?year=2025")
    assert "黄色预警（较高风险）" in other.text and "报送债务风险指标" not in other.text


def test_the_authority_lists_the_government_bodies(gw: GovernmentWorld) -> None:
    gw.push(gw.establishment, _profile(HOSPITAL, "南京市江宁区人民医院"))
    gw.failure(gw.court, org(BUREAU, "南京市江宁区住房和城乡建设局"), "b-1")
    gw.sync()
    log_in(gw.client, gw.db, gw.clock, role=Role.authority, department="cred")
    text = text_of(gw.client.get("/authority/government/bodies").text)
    assert "共 2 家" in text
    assert "南京市江宁区住房和城乡建设局" in text and "机关" in text
    assert "南京市江宁区人民医院" in text and "事业单位" in text and "县（市、区）级" in text
    only = text_of(gw.client.get("/authority/government/bodies?name=医院&region=3201").text)
    assert "共 1 家" in only and "住房和城乡建设局" not in only
    none = text_of(gw.client.get("/authority/government/bodies?region=3205").text)
    assert "没有符合条件的政府机构" in none
