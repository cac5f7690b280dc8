"""Issue 5's acceptance, in a real browser (Debian's Chromium driven by Playwright): search and
open a subject page; a subject logs in, files an objection and sees it; a department handles
it; a bank reads an authorised item only inside a grant and the subject sees that query; a
department runs a batch check; and the authority's dashboard. Screenshots of the main pages
are taken on the way (conftest.py: var/screenshots/; `make screenshots`: docs/screenshots/)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from world import PDF, BrowserWorld, log_in, make_browser_world

from fixtures.lists import ACME, BETA


@pytest.fixture
def bw(client, db, clock) -> BrowserWorld:  # type: ignore[no-untyped-def]
    return make_browser_world(client, db, clock)


def test_search_and_open_a_subject_page(page, bw: BrowserWorld, screenshot) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.fill("input[name=q]", "测")  # one character finds it
    page.click("main button[type=submit]")
    screenshot(page, "portal-search")
    page.click(f"a[href='/subjects/{ACME}']")
    assert "南京测试科技有限公司" in page.inner_text("h1")
    body = page.inner_text("main")
    assert "行政处罚" in body
    assert "慈善捐赠" not in body  # an authorised-query item never shows on the portal
    screenshot(page, "portal-subject")
    page.goto("/dual-publicity")
    screenshot(page, "portal-dual-publicity")
    page.goto("/lists")
    screenshot(page, "portal-lists")


def test_a_subject_files_an_objection_and_a_department_handles_it(  # type: ignore[no-untyped-def]
    browser, live_server, bw: BrowserWorld, screenshot, tmp_path
) -> None:
    subject = browser.new_context(base_url=live_server, locale="zh-CN").new_page()
    log_in(subject, "acme")
    assert subject.url.endswith("/me")
    screenshot(subject, "subject-archive")
    subject.click(f"a[href='/me/objections/new?record={bw.penalty}']")
    subject.check("input[name=ground][value=wrong_or_incomplete]")
    subject.fill("textarea[name=statement]", "罚款金额记载错误，应为五千元。")
    evidence = tmp_path / "缴款凭证.pdf"
    evidence.write_bytes(PDF)
    subject.set_input_files("input[name=files]", str(evidence))
    subject.click("main form button[type=submit]")
    subject.wait_for_load_state()
    objection_url = subject.url
    assert "/me/objections/" in objection_url
    assert "缴款凭证.pdf" in subject.inner_text("main")
    screenshot(subject, "subject-objection")
    subject.goto("/me")
    assert "异议处理中" in subject.inner_text("main")  # marked, still published and in force

    # The platform refers it to the provider (API), and the provider verifies on its page.
    objection_id = urlparse(objection_url).path.rstrip("/").rsplit("/", 1)[1]
    w = bw.w
    referred = w.client.post(
        f"/api/v1/objections/{objection_id}/referral", headers=w.authority.headers
    )
    assert referred.status_code == 200, referred.text
    department = browser.new_context(base_url=live_server, locale="zh-CN").new_page()
    log_in(department, "wang.amr")
    department.goto("/department/objections")
    department.click(f"a[href='/department/objections/{objection_id}']")
    screenshot(department, "department-objection")
    department.check("input[name=found_wrong][value=yes]")
    department.fill("textarea[name=opinion]", "经核实，罚款金额记载有误。")
    department.click("form[action$='/verification'] button[type=submit]")
    department.wait_for_load_state()
    assert "经核实，罚款金额记载有误。" in department.inner_text("main")

    subject.goto(objection_url)
    assert "经核实，罚款金额记载有误。" in subject.inner_text("main")  # told every step
    subject.context.close()
    department.context.close()


def test_a_bank_reads_an_authorised_item_only_inside_a_grant(  # type: ignore[no-untyped-def]
    page, bw: BrowserWorld, screenshot
) -> None:
    w = bw.w

    def bank_reads() -> list[str]:
        archive = w.client.get(
            f"/api/v1/subjects/{ACME}/archive",
            params={"purpose": "信易贷授信审查"},
            headers=bw.bank.headers,
        ).json()
        return [r["item"] for records in archive["categories"].values() for r in records]

    assert "charitable_donation" not in bank_reads()
    log_in(page, "acme")
    page.goto("/me/authorisations")
    page.select_option("select[name=grantee]", "bank")
    page.check("input[name=items][value=charitable_donation]")
    page.fill("input[name=purpose]", "信易贷授信审查")
    page.fill("input[name=ends_on]", "2026-09-30")
    page.click("form[action='/me/authorisations'] button[type=submit]")
    page.wait_for_load_state()
    screenshot(page, "subject-authorisations")
    assert "charitable_donation" in bank_reads()
    page.goto("/me/queries")
    log = page.inner_text("main")
    assert "测试banking" in log and "信易贷授信审查" in log
    screenshot(page, "subject-queries")
    page.goto("/me/authorisations")
    page.click("text=撤销授权")
    page.wait_for_load_state()
    assert "charitable_donation" not in bank_reads()


def test_a_department_runs_a_batch_check(page, bw: BrowserWorld, screenshot) -> None:  # type: ignore[no-untyped-def]
    log_in(page, "zhao.finance")
    page.goto("/department/check")
    page.select_option("select[name=scenario]", "government_procurement")
    page.fill("input[name=purpose]", "政府采购供应商资格审查 2026-031")
    page.fill("textarea[name=subjects]", f"{ACME}\n{BETA}\n")
    page.click("form[action='/department/check'] button[type=submit]")
    page.wait_for_load_state()
    result = page.inner_text("#result")
    assert "南京乙公司" in result and "拦截" in result
    screenshot(page, "department-check")
    page.goto("/department")
    screenshot(page, "department-overview")


def test_the_authority_sees_its_dashboard_and_the_timeliness_notice(  # type: ignore[no-untyped-def]
    page, bw: BrowserWorld, screenshot
) -> None:
    log_in(page, "li.credit")
    assert page.url.endswith("/authority")
    main = page.inner_text("main")
    assert "各部门每月归集信息量" in main and "双公示报送及时性" in main
    screenshot(page, "authority-dashboard")
    page.goto("/authority/dual-publicity")
    assert "双公示" in page.inner_text("main")
    screenshot(page, "authority-dual-publicity")
