"""Self-declaration (自主申报) in a real browser: the company declares a licence with a PDF on
its console and confirms the truthfulness commitment; the platform confirms it at once against
the licence it collected. A second licence it cannot confirm goes to the market regulator,
whose person verifies it on the department console. Screenshots on the way (conftest.py)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from world import PDF, BrowserWorld, log_in, make_browser_world

from fixtures.helpers import catalog_record
from fixtures.lists import ACME, LEGAL_REP, org

LEGAL_REP_NAME = "王法人"
LICENCE = "JY13201000001"


@pytest.fixture
def bw(client, db, clock) -> BrowserWorld:  # type: ignore[no-untyped-def]
    """The browser world, with ACME's registration naming its legal representative and the
    food licence the market regulator granted it."""
    bw = make_browser_world(client, db, clock)
    registration = catalog_record("org_registration", "reg-acme", org(ACME))
    registration["fields"].update(
        status="存续",
        legal_representative_name=LEGAL_REP_NAME,
        legal_representative_id_number=LEGAL_REP,
    )
    licence = catalog_record("administrative_licensing", "lic-acme", org(ACME))
    licence["fields"].update(licence_number=LICENCE, valid_from="2025-01-01", valid_to="2030-12-31")
    bw.w.push(bw.w.market, registration, licence)
    return bw


def _declare_licence(page, number: str, pdf_path: str) -> None:  # type: ignore[no-untyped-def]
    """On the subject's console: choose 资质证照, fill the form, attach the PDF, confirm the
    commitment (the caller submits)."""
    page.click("nav a[href='/me/declarations']")
    page.click("main a[href='/me/declarations/new']")
    page.click("main a[href='/me/declarations/new?category=qualification']")
    page.fill("input[name=licence_name]", "食品经营许可证")
    page.fill("input[name=licence_number]", number)
    page.fill("input[name=issuing_authority]", "南京市市场监督管理局")
    page.fill("input[name=valid_from]", "2025-01-01")
    page.fill("input[name=valid_to]", "2030-12-31")
    page.fill("input[name=legal_representative]", LEGAL_REP_NAME)
    page.set_input_files("input[name=files]", pdf_path)
    assert "信用信息自主申报真实性承诺书" in page.inner_text("#commitment-text")
    page.check("input[name=confirmed]")


def _submit(page) -> str:  # type: ignore[no-untyped-def]
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return urlparse(page.url).path.rstrip("/").rsplit("/", 1)[1]


def test_a_licence_declared_and_verified_by_the_platform(  # type: ignore[no-untyped-def]
    page, bw: BrowserWorld, screenshot, tmp_path
) -> None:
    pdf = tmp_path / "食品经营许可证.pdf"
    pdf.write_bytes(PDF)
    log_in(page, "acme")
    _declare_licence(page, LICENCE, str(pdf))
    screenshot(page, "subject-declaration-form")
    declaration_id = _submit(page)
    main = page.inner_text("main")
    assert "申报已提交，平台已核验通过" in main
    assert "已核验" in main and "平台自动核验" in main and "食品经营许可证.pdf" in main
    screenshot(page, "subject-declaration")
    # In the archive, marked 自主申报; on the portal, as declared by the subject.
    page.click("nav a[href='/me']")
    declared = page.inner_text(f"#d{declaration_id}")
    assert "自主申报" in declared and LICENCE in declared
    page.goto(f"/subjects/{ACME}")
    assert "信息主体自主申报" in page.inner_text("main")


def test_a_licence_the_department_verifies(  # type: ignore[no-untyped-def]
    page, live_server, bw: BrowserWorld, screenshot, tmp_path
) -> None:
    pdf = tmp_path / "许可证.pdf"
    pdf.write_bytes(PDF)
    subject = page.context.browser.new_context(base_url=live_server, locale="zh-CN").new_page()
    subject.set_default_timeout(10_000)
    log_in(subject, "acme")
    _declare_licence(subject, "JY32019999999", str(pdf))
    declaration_id = _submit(subject)
    assert "已转主管部门核验" in subject.inner_text("main")
    assert "平台归集的信息中未找到相符的记录" in subject.inner_text("main")

    log_in(page, "wang.amr")
    page.click("nav a[href='/department/tasks']")  # from the task queue to the declaration
    page.click(f"a[href='/department/declarations/{declaration_id}']")
    main = page.inner_text("main")
    assert "JY32019999999" in main and "平台归集的信息中未找到相符的记录" in main
    assert "以本部门名义记入一条失信信息" in main
    with page.expect_download() as download:
        page.click("main ul.evidence a")
    assert download.value.suggested_filename.startswith("file-")
    page.check("input[name=outcome][value=verified]")
    page.fill("textarea[name=reason]", "经查验许可证原件，信息属实。")
    screenshot(page, "department-declaration")
    page.click("#verify form button[type=submit]")
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "核验结论已提交" in main and "主管部门核验" in main

    subject.reload()
    assert "已核验" in subject.inner_text("main") and "经查验许可证原件" in subject.inner_text(
        "main"
    )
    subject.context.close()
