"""Credit commitments in a real browser (issue 15): the company reads the whole commitment
text on its console, confirms and signs it; the market regulator accepts it on its console;
the commitment then appears in the portal's 信用承诺专栏 and on the company's public page; the
authority reads the statistics. Screenshots on the way (conftest.py)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from world import BrowserWorld, log_in, make_browser_world

from fixtures.lists import ACME

MISSING = "enterprise_registration_missing"
# 告知承诺 of food business: the company of the browser world has a penalty on record, so it is
# not eligible for 容缺受理 (commitments/eligibility).
NOTICE = "food_business_prepackaged_notice"


@pytest.fixture
def bw(client, db, clock) -> BrowserWorld:  # type: ignore[no-untyped-def]
    return make_browser_world(client, db, clock)


def test_a_company_signs_online_and_the_accepted_commitment_is_published(  # type: ignore[no-untyped-def]
    page, live_server, bw: BrowserWorld, screenshot
) -> None:
    log_in(page, "acme")
    page.click("nav.me-nav a[href='/me/commitments']")
    page.click(f"a[href='/me/commitments/new?item={NOTICE}']")
    page.fill("input[name=reference]", "宁市监受〔2026〕88号")
    page.click("main form[method=get] button[type=submit]")
    page.wait_for_load_state()
    text = page.inner_text("#commitment-text")
    # The whole text, filled in: the company, the department, the reference, the deadline.
    assert "南京测试科技有限公司" in text and "宁市监受〔2026〕88号" in text
    assert "前接受核查" in text and "承诺日期：2026年" in text and "{" not in text
    screenshot(page, "subject-commitment-sign")

    # Signing without confirming is refused by the browser (required) and by the server.
    page.click("main form[method=post][action='/me/commitments/new'] button[type=submit]")
    assert "/me/commitments/new" in page.url
    page.check("input[name=confirmed]")
    with page.expect_navigation():
        page.click("main form[method=post][action='/me/commitments/new'] button[type=submit]")
    main = page.inner_text("main")
    assert "承诺已签署" in main and "履约中" in main and "待受理单位受理" in main
    assert page.inner_text("#commitment-text") == text
    commitment_id = urlparse(page.url).path.rsplit("/", 1)[1]
    page.click("nav.me-nav a[href='/me/commitments']")
    row = page.inner_text(f"tr:has(a[href='/me/commitments/{commitment_id}'])")
    assert "告知承诺" in row and "履约中" in row
    screenshot(page, "subject-commitments")

    # Not yet accepted: not public.
    page.goto("/commitments")
    assert "南京测试科技有限公司" not in page.inner_text("main")

    department = page.context.browser.new_context(base_url=live_server, locale="zh-CN").new_page()
    department.set_default_timeout(10_000)
    log_in(department, "wang.amr")
    department.click("nav a[href='/department/commitments']")
    department.click(f"a[href='/department/commitments/{commitment_id}']")
    department.click("form[action$='/acceptance'] button[type=submit]")
    department.wait_for_load_state()
    assert "承诺已受理" in department.inner_text("main")
    screenshot(department, "department-commitment")
    department.context.close()

    page.goto("/commitments")
    page.fill("input[name=q]", "测试科技")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state()
    row = page.inner_text("table.commitments tbody tr")
    for shown in ("南京测试科技有限公司", "审批替代型", "食品", "履约中"):
        assert shown in row, (shown, row)
    screenshot(page, "portal-commitments")
    page.click(f"table.commitments a[href='/subjects/{ACME}']")
    assert "审批替代型" in page.inner_text("section:has(#commitments)")


def test_the_authority_reads_the_item_list_and_statistics(  # type: ignore[no-untyped-def]
    phone, bw: BrowserWorld, screenshot
) -> None:
    log_in(phone, "li.credit")
    phone.goto("/authority/commitments")
    main = phone.inner_text("main")
    assert "信用承诺事项清单" in main and "履约情况统计" in main
    phone.click(f"a[href='/authority/commitments/items/{MISSING}']")
    assert "第 1 版（现行）" in phone.inner_text("main")
    screenshot(phone, "authority-commitment-item")
