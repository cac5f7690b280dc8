"""The credit authority's console acts (issue 14), in a real browser: every step that is the
authority's (or the platform's) is taken on its pages, none through the API by hand — an
objection referred, verified by the provider on its console, decided and corrected; an appeal
decided by another person, naming the route onward; a repair objected to in its notice and
taken to its end; a wrongful listing revoked with its remedy. Screenshots on the way
(conftest.py)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlparse

import pytest
from sqlalchemy import select
from world import PASSWORD, PDF, BrowserWorld, log_in, make_browser_world

from fixtures.helpers import make_caller
from fixtures.lists import ACME
from xinyong.departments.service import get_department
from xinyong.models import Role, StaffRole, Subject
from xinyong.web import accounts


@pytest.fixture
def bw(client, db, clock) -> BrowserWorld:  # type: ignore[no-untyped-def]
    return make_browser_world(client, db, clock)


def _person(page, live_server, username: str):  # type: ignore[no-untyped-def]
    tab = page.context.browser.new_context(base_url=live_server, locale="zh-CN").new_page()
    tab.set_default_timeout(10_000)
    log_in(tab, username)
    return tab


def _submit(page, action_end: str) -> None:  # type: ignore[no-untyped-def]
    page.click(f"form[action$='{action_end}'] button[type=submit]")
    page.wait_for_load_state()


def _second_authority_person(bw: BrowserWorld) -> None:
    with bw.w.db.transaction() as session:
        accounts.create_user(
            session,
            username="zhou.credit",
            display_name="周信用",
            password=PASSWORD,
            role=Role.authority,
            department=get_department(session, "cred"),
            actor="test",
            now=bw.w.clock.now(),
        )


def _acme_token(bw: BrowserWorld):  # type: ignore[no-untyped-def]
    with bw.w.db.transaction() as session:
        sid = session.execute(select(Subject.id).where(Subject.credit_code == ACME)).scalar_one()
    return make_caller(bw.w.db, bw.w.clock, role=Role.subject, subject_id=sid)


def test_an_objection_from_filing_to_correction(  # type: ignore[no-untyped-def]
    page, live_server, bw: BrowserWorld, screenshot, tmp_path
) -> None:
    subject = _person(page, live_server, "acme")
    subject.click(f"a[href='/me/objections/new?record={bw.penalty}']")
    subject.check("input[name=ground][value=wrong_or_incomplete]")
    subject.fill("textarea[name=statement]", "罚款金额记载错误，应为五千元。")
    evidence = tmp_path / "缴款凭证.pdf"
    evidence.write_bytes(PDF)
    subject.set_input_files("input[name=files]", str(evidence))
    subject.click("main form button[type=submit]")
    subject.wait_for_load_state()
    objection_id = urlparse(subject.url).path.rstrip("/").rsplit("/", 1)[1]

    log_in(page, "li.credit")
    page.click("nav a[href='/authority/objections']")
    assert "罚款金额记载错误" not in page.inner_text("main")  # the statement is on its page
    screenshot(page, "authority-objections")
    page.click("nav a[href='/authority/tasks']")  # from the queue to the step
    assert "审核异议申请" in page.inner_text("main")
    screenshot(page, "authority-tasks")
    page.click(f"a[href='/authority/objections/{objection_id}']")
    assert "罚款金额记载错误" in page.inner_text("main")
    assert "缴款凭证.pdf" in page.inner_text("main")
    _submit(page, "/referral")
    assert "已转交信息提供单位核实" in page.inner_text("main")

    department = _person(page, live_server, "wang.amr")
    department.goto("/department/objections")
    department.click(f"a[href='/department/objections/{objection_id}']")
    department.check("input[name=found_wrong][value=yes]")
    department.fill("textarea[name=opinion]", "经核实，罚款金额记载有误。")
    _submit(department, "/verification")

    page.reload()
    assert "经核实，罚款金额记载有误。" in page.inner_text("main")
    page.check("input[name=outcome][value=upheld]")
    page.fill("#decide textarea[name=reason]", "信息提供单位核实金额记载有误。")
    screenshot(page, "authority-objection-decision")
    _submit(page, "/decision")
    main = page.inner_text("main")
    assert "审核决定已作出" in main and "更正中" in main

    penalty_content = f"input[name='f.{bw.penalty}.penalty_content']"
    page.check("input[name=action][value=correct]")
    page.fill(penalty_content, "罚款人民币五千元")
    screenshot(page, "authority-objection-correction")
    _submit(page, "/correction")
    main = page.inner_text("main")
    assert "更正已完成" in main and "已办结" in main and "更正后的记录编号" in main

    subject.goto(f"/me/objections/{objection_id}")
    told = subject.inner_text("main")
    assert "异议成立" in told and "更正" in told
    for tab in (subject, department):
        tab.context.close()


def test_an_appeal_decided_by_another_person(  # type: ignore[no-untyped-def]
    page, live_server, bw: BrowserWorld, screenshot
) -> None:
    _second_authority_person(bw)
    filed = bw.w.client.post(  # the subject's own step
        "/api/v1/objections",
        json={
            "target": {"record": str(bw.penalty)},
            "ground": "wrong_or_incomplete",
            "statement": "罚款金额记载错误。",
        },
        headers=_acme_token(bw).headers,
    )
    objection_id = filed.json()["id"]

    log_in(page, "li.credit")
    page.goto(f"/authority/objections/{objection_id}")
    page.check("input[name=outcome][value=rejected]")
    page.fill("#decide textarea[name=reason]", "经审核，罚款金额记载无误。")
    _submit(page, "/decision")
    assert "异议不成立" in page.inner_text("main")

    subject = _person(page, live_server, "acme")
    subject.goto(f"/me/objections/{objection_id}")
    subject.fill("#appeal textarea[name=statement]", "缴款凭证可证明金额有误，请复核。")
    _submit(subject, "/appeal")
    assert "申诉已提交" in subject.inner_text("main")

    page.click("nav a[href='/authority/appeals']")
    page.click("table a[href^='/authority/appeals/']")
    assert "原处理决定由您作出" in page.inner_text("main")
    other = _person(page, live_server, "zhou.credit")
    other.goto(page.url)
    other.check("input[name=outcome][value=upheld]")
    other.fill("#decide textarea[name=reason]", "缴款凭证表明金额记载有误。")
    _submit(other, "/decision")
    main = other.inner_text("main")
    assert "申诉成立" in main and "可依法申请行政复议或者提起行政诉讼" in main
    screenshot(other, "authority-appeal")
    other.click(f"a[href='/authority/objections/{objection_id}']")
    assert "更正或撤销信息" in other.inner_text("main")

    subject.goto(f"/me/objections/{objection_id}")
    assert "行政复议" in subject.inner_text("main")
    for tab in (subject, other):
        tab.context.close()


def test_a_repair_objected_to_in_its_notice_and_taken_to_its_end(  # type: ignore[no-untyped-def]
    page, live_server, bw: BrowserWorld, screenshot
) -> None:
    w = bw.w
    acme = _acme_token(bw)
    files = []
    for kind in ("evidence", "rectification"):
        answer = w.client.post(
            "/api/v1/evidence", files={"file": ("证明.pdf", PDF)}, headers=acme.headers
        )
        files.append({"file_id": answer.json()["id"], "kind": kind})
    applied = w.client.post(  # the subject's own step
        "/api/v1/repairs",
        json={
            "target": {"record": str(bw.penalty)},
            "ways": ["commitment", "rectification"],
            "corrected_on": w.clock.now().date().isoformat(),
            "correction": "已缴清罚款并完成整改。",
            "commitment": "本单位承诺今后守法诚信经营。",
            "credit_management": "已建立信用管理制度。",
            "evidence": files,
        },
        headers=acme.headers,
    )
    assert applied.status_code == 201, applied.text
    repair_id = applied.json()["id"]

    department = _person(page, live_server, "wang.amr")
    department.goto(f"/department/repairs/{repair_id}")
    department.check("input[name=positive][value=yes]")
    department.fill("#opinion textarea[name=text]", "已完成整改，同意修复。")
    _submit(department, "/opinion")

    log_in(page, "li.credit")
    page.click("nav a[href='/authority/repairs']")
    page.click(f"a[href='/authority/repairs/{repair_id}']")
    page.fill("#object textarea[name=statement]", "请核实该企业是否仍有同类违法行为。")
    _submit(page, "/objections")
    assert "异议已提出" in page.inner_text("main")
    screenshot(page, "authority-repair")
    notice_ends = date.fromisoformat(applied.json()["opinion_due_on"])  # a bound on the notice
    w.pass_days((notice_ends - w.clock.now().date()).days + 10)

    log_in(department, "wang.amr")  # a new day's session
    department.goto(f"/department/repairs/{repair_id}")
    department.check("input[name=upheld][value=no]")
    department.fill(
        "form[action*='/objections/'] textarea[name=reason]", "经核实未再发生同类行为。"
    )
    _submit(department, "/decision")

    log_in(page, "li.credit")
    page.goto(f"/authority/repairs/{repair_id}")
    main = page.inner_text("main")
    assert "已生效" in main and "异议不成立" in main and "修复生效" in main
    assert "对公示提出异议" not in main
    department.context.close()


def test_a_wrongful_listing_revoked_with_its_remedy(  # type: ignore[no-untyped-def]
    page, bw: BrowserWorld, screenshot
) -> None:
    log_in(page, "li.credit")
    page.click("nav a[href='/authority/entries']")
    page.click(f"a[href='/authority/entries/{bw.entry}']")
    assert "南京乙公司" in page.inner_text("main")
    page.fill("#revoke textarea[name=explanation]", "原判决已被撤销，列入认定有误。")
    _submit(page, "/revocation")
    main = page.inner_text("main")
    assert "已撤销：条目已移出名单" in main
    assert "认定有误，予以撤销" in main and "致歉及澄清函" in main and "退出公告" in main
    screenshot(page, "authority-entry-revoked")


def _authority_staff(bw: BrowserWorld) -> None:
    """Two persons of the authority under their own names: a 经办 and a 审核."""
    with bw.w.db.transaction() as session:
        for username, name, staff_role in (
            ("cred.zhangwei", "张伟", StaffRole.handler),
            ("cred.lina", "李娜", StaffRole.reviewer),
        ):
            accounts.create_user(
                session,
                username=username,
                display_name=name,
                password=PASSWORD,
                role=Role.authority,
                staff_role=staff_role,
                department=get_department(session, "cred"),
                actor="test",
                now=bw.w.clock.now(),
            )


def test_an_objection_decision_prepared_by_one_and_approved_by_another(  # type: ignore[no-untyped-def]
    page, live_server, bw: BrowserWorld, screenshot
) -> None:
    _authority_staff(bw)
    filed = bw.w.client.post(  # the subject's own step
        "/api/v1/objections",
        json={
            "target": {"record": str(bw.penalty)},
            "ground": "wrong_or_incomplete",
            "statement": "罚款金额记载错误。",
        },
        headers=_acme_token(bw).headers,
    )
    objection_id = filed.json()["id"]

    log_in(page, "cred.zhangwei")
    page.goto(f"/authority/objections/{objection_id}")
    page.check("input[name=outcome][value=rejected]")
    page.fill("#decide textarea[name=reason]", "经审核，罚款金额记载无误。")
    _submit(page, "/decision")
    main = page.inner_text("main")
    assert "审核决定已提交，待本部门审核人员审核" in main and "待审核" in main
    assert page.locator(f"form[action$='/objections/{objection_id}/decision']").count() == 0
    screenshot(page, "authority-decision-prepared")

    reviewer = _person(page, live_server, "cred.lina")
    reviewer.click("nav a[href='/authority/approvals']")
    waiting = reviewer.inner_text("main")
    assert "异议审核决定" in waiting and "异议不成立" in waiting and "张伟" in waiting
    screenshot(reviewer, "authority-approvals")
    reviewer.click("form[action$='/approve'] button[type=submit]")
    reviewer.wait_for_load_state()
    reviewer.goto(f"/authority/objections/{objection_id}")
    main = reviewer.inner_text("main")
    assert "已办结" in main and "经审核，罚款金额记载无误。" in main

    page.goto("/authority/approvals")
    assert "审核通过" in page.inner_text("main")
    reviewer.context.close()
