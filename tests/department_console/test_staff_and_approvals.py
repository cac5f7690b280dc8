"""People of a department under their own names (issue 14): the administrator adds a person,
who sets its password by a one-time link; a 经办 prepares a decision (confirming a list
entry, verifying an objection) and a 审核 — never the preparer — approves or returns it."""

from __future__ import annotations

import re

import pytest
from department_pages import PASSWORD, csrf_of
from fastapi.testclient import TestClient
from sqlalchemy import select

from fixtures.helpers import make_caller
from fixtures.lists import ACME, GAMMA, World, org
from xinyong.departments.service import get_department
from xinyong.models import AuditEntry, Check, ListEntryStep, Role, StaffRole, Subject, User
from xinyong.web import accounts


def open_account(  # type: ignore[no-untyped-def]
    db, clock, username: str, staff_role: StaffRole, department: str = "tax", role=Role.provider
) -> None:
    with db.transaction() as session:
        accounts.create_user(
            session,
            username=username,
            display_name={"admin": "王管理", "handler": "张伟", "reviewer": "李娜"}.get(
                staff_role.value, username
            ),
            password=PASSWORD,
            role=role,
            staff_role=staff_role,
            department=get_department(session, department),
            actor="test",
            now=clock.now(),
        )


def person(app, username: str) -> TestClient:  # type: ignore[no-untyped-def]
    """A browser of its own, logged in as the person."""
    browser = TestClient(app)
    form = browser.get("/login")
    answer = browser.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    return browser


def post(browser: TestClient, page: str, action: str, data: dict | None = None):  # type: ignore[no-untyped-def]
    token = csrf_of(browser.get(page).text)
    return browser.post(action, data={"csrf_token": token, **(data or {})}, follow_redirects=False)


def audit_of(db, action: str) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        return list(
            session.execute(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            ).scalars()
        )


def setup_path(page: str) -> str:
    found = re.search(r'id="setup-link">https?://[^/]+(/setup/[^<]+)<', page)
    assert found, "no set-up link on the page"
    return found.group(1)


def test_an_administrator_adds_a_person_who_sets_its_password_once(
    app, db, clock, world: World
) -> None:  # type: ignore[no-untyped-def]
    open_account(db, clock, "tax.admin", StaffRole.admin)
    open_account(db, clock, "tax.handler", StaffRole.handler)
    handler = person(app, "tax.handler")
    refused = handler.get("/department/staff")
    assert refused.status_code == 403 and "只有本部门的管理员" in refused.text

    admin = person(app, "tax.admin")
    page = admin.get("/department/staff")
    assert page.status_code == 200 and "tax.handler" in page.text and "经办" in page.text
    bad = post(admin, "/department/staff", "/department/staff", {
        "username": "Tax Zhang", "display_name": "张伟", "staff_role": "handler",
    })  # fmt: skip
    assert bad.status_code == 422 and "用户名应为" in bad.text
    added = post(admin, "/department/staff", "/department/staff", {
        "username": "tax.zhangwei", "display_name": "张伟", "staff_role": "reviewer",
    })  # fmt: skip
    assert added.status_code == 201, added.text
    link = setup_path(added.text)
    assert "待本人设置密码" in added.text
    taken = post(admin, "/department/staff", "/department/staff", {
        "username": "tax.zhangwei", "display_name": "张伟", "staff_role": "handler",
    })  # fmt: skip
    assert taken.status_code == 409 and "用户名已存在" in taken.text

    # No password yet: the account does not log in.
    newcomer = TestClient(app)
    form = newcomer.get("/login")
    assert newcomer.post("/login", data={
        "username": "tax.zhangwei", "password": "", "csrf_token": csrf_of(form.text),
    }).status_code == 401  # fmt: skip

    shown = newcomer.get(link)
    assert shown.status_code == 200 and "tax.zhangwei" in shown.text
    assert shown.headers["referrer-policy"] == "no-referrer"
    token = csrf_of(shown.text)
    differ = newcomer.post(link, data={
        "csrf_token": token, "password": "a new long secret", "password_again": "another one!",
    })  # fmt: skip
    assert differ.status_code == 422 and "两次输入的密码不一致" in differ.text
    done = newcomer.post(link, data={
        "csrf_token": token, "password": "a new long secret", "password_again": "a new long secret",
    }, follow_redirects=False)  # fmt: skip
    assert done.status_code == 303 and done.headers["location"].startswith("/login")
    assert "密码已设置" in newcomer.get(done.headers["location"]).text
    again = newcomer.get(link)
    assert again.status_code == 404 and 'data-code="setup_link_used"' in again.text
    reuse = newcomer.post(link, data={
        "csrf_token": token, "password": "a third secret!!", "password_again": "a third secret!!",
    })  # fmt: skip
    assert reuse.status_code == 404

    form = newcomer.get("/login")
    logged_in = newcomer.post("/login", data={
        "username": "tax.zhangwei", "password": "a new long secret",
        "csrf_token": csrf_of(form.text),
    }, follow_redirects=False)  # fmt: skip
    assert logged_in.status_code == 303 and logged_in.headers["location"] == "/department"

    created = [e for e in audit_of(db, "user.created") if e.detail["username"] == "tax.zhangwei"]
    assert created[0].actor == "user:tax.admin"
    assert created[0].detail["staff_role"] == "reviewer"
    assert audit_of(db, "user.password_set")[-1].actor == "user:tax.zhangwei"


def test_a_set_up_link_expires_and_a_new_one_replaces_it(app, db, clock, world: World) -> None:  # type: ignore[no-untyped-def]
    open_account(db, clock, "tax.admin", StaffRole.admin)
    admin = person(app, "tax.admin")
    added = post(admin, "/department/staff", "/department/staff", {
        "username": "tax.liuyang", "display_name": "刘洋", "staff_role": "handler",
    })  # fmt: skip
    first = setup_path(added.text)
    clock.advance(hours=71)
    assert TestClient(app).get(first).status_code == 200  # still within 72 hours
    clock.advance(hours=2)
    expired = TestClient(app).get(first)
    assert expired.status_code == 404 and 'data-code="setup_link_expired"' in expired.text

    admin = person(app, "tax.admin")  # the session ended meanwhile
    assert "（链接已失效）" in admin.get("/department/staff").text
    with db.transaction() as session:
        uid = session.execute(select(User.id).where(User.username == "tax.liuyang")).scalar_one()
    renewed = post(admin, "/department/staff", f"/department/staff/{uid}/link")
    assert renewed.status_code == 200 and "（链接已失效）" not in renewed.text
    second = setup_path(renewed.text)
    assert TestClient(app).get(second).status_code == 200
    third = setup_path(post(admin, "/department/staff", f"/department/staff/{uid}/link").text)
    replaced = TestClient(app).get(second)
    assert replaced.status_code == 404 and 'data-code="setup_link_replaced"' in replaced.text
    assert TestClient(app).get(third).status_code == 200


def test_the_administrator_changes_a_role_and_disables_an_account(
    app, db, clock, world: World
) -> None:  # type: ignore[no-untyped-def]
    open_account(db, clock, "tax.admin", StaffRole.admin)
    open_account(db, clock, "tax.handler", StaffRole.handler)
    open_account(db, clock, "amr.admin", StaffRole.admin, department="amr")
    with db.transaction() as session:
        ids = dict(session.execute(select(User.username, User.id)).all())
    admin = person(app, "tax.admin")
    promoted = post(admin, "/department/staff", f"/department/staff/{ids['tax.handler']}/role", {
        "staff_role": "reviewer",
    })  # fmt: skip
    assert promoted.status_code == 303
    unknown = post(admin, "/department/staff", f"/department/staff/{ids['tax.handler']}/role", {
        "staff_role": "boss",
    })  # fmt: skip
    assert unknown.status_code == 422 and 'data-code="invalid_field"' in unknown.text
    itself = post(admin, "/department/staff", f"/department/staff/{ids['tax.admin']}/disable")
    assert itself.status_code == 403 and 'data-code="own_account"' in itself.text
    other = post(admin, "/department/staff", f"/department/staff/{ids['amr.admin']}/disable")
    assert other.status_code == 404 and 'data-code="unknown_user"' in other.text

    handler = person(app, "tax.handler")
    off = post(admin, "/department/staff", f"/department/staff/{ids['tax.handler']}/disable")
    assert off.status_code == 303
    assert handler.get("/department", follow_redirects=False).status_code == 303  # to log in
    with db.transaction() as session:
        user = session.get_one(User, ids["tax.handler"])
        assert user.staff_role is StaffRole.reviewer and user.disabled_at is not None
    changed = audit_of(db, "user.staff_role_changed")[-1]
    assert changed.actor == "user:tax.admin" and changed.after_ref == "staff_role:reviewer"
    assert audit_of(db, "user.disabled")[-1].actor == "user:tax.admin"


def entry_in_notice_past(world: World) -> str:
    """A black entry of the tax department, past its prior notice: ready to confirm."""
    rid = world.basis(world.tax, "major_tax_violation", org(GAMMA, "南京伽马有限公司"), "v-1")
    answer = world.propose(world.tax, "major_tax_violators", GAMMA, [rid])
    assert answer.status_code == 201, answer.text
    world.pass_days(10)
    return answer.json()["id"]


def test_two_persons_confirm_a_black_list_entry(app, db, clock, world: World) -> None:  # type: ignore[no-untyped-def]
    entry_id = entry_in_notice_past(world)
    for name, role in (("tax.handler", StaffRole.handler), ("tax.reviewer", StaffRole.reviewer)):
        open_account(db, clock, name, role)
    handler, reviewer = person(app, "tax.handler"), person(app, "tax.reviewer")
    page = f"/department/lists/entries/{entry_id}"
    assert "提交审核（确认列入并公布）" in handler.get(page).text

    prepared = post(handler, page, f"{page}/confirm")
    assert prepared.status_code == 303, prepared.text
    shown = handler.get(prepared.headers["location"])
    assert "确认列入已提交本部门审核" in shown.text and 'id="pending-confirm"' in shown.text
    assert (
        world.client.get(f"/api/v1/list-entries/{entry_id}", headers=world.tax.headers).json()[
            "state"
        ]
        == "notice"
    )
    # The step was tried as the handler and undone: nothing of it stays.
    assert [e for e in audit_of(db, "list_entry.confirmed") if e.target_id == entry_id] == []
    twice = post(handler, page, f"{page}/confirm")
    assert twice.status_code == 409 and "已提交审核" in twice.text

    waiting = reviewer.get("/department/approvals")
    assert "确认列入名单并公布" in waiting.text and "张伟（" in waiting.text
    did = re.search(r'action="/department/approvals/(\d+)/approve"', waiting.text)
    assert did, waiting.text
    own = post(handler, "/department/approvals", f"/department/approvals/{did.group(1)}/approve")
    assert own.status_code == 403 and 'data-code="same_person"' in own.text
    assert "不能审核本人提交的决定" in own.text

    approved = post(
        reviewer, "/department/approvals", f"/department/approvals/{did.group(1)}/approve"
    )
    assert approved.status_code == 303, approved.text
    assert (
        world.client.get(f"/api/v1/list-entries/{entry_id}", headers=world.tax.headers).json()[
            "state"
        ]
        == "listed"
    )
    entry = audit_of(db, "approval.approved")[-1]
    assert entry.actor == "user:tax.reviewer"
    assert entry.detail["prepared_by"] == "user:tax.handler"
    assert entry.detail["approved_by"] == "user:tax.reviewer"
    assert entry.detail["kind"] == "list_entry.confirm"
    confirmed = [e for e in audit_of(db, "list_entry.confirmed") if e.target_id == entry_id]
    assert [e.actor for e in confirmed] == ["user:tax.reviewer"]
    mine = handler.get("/department/approvals")
    assert "审核通过" in mine.text and "李娜（" in mine.text


def test_a_shared_account_or_a_token_still_confirms_alone(client, db, clock, world: World) -> None:  # type: ignore[no-untyped-def]
    """The time before personal accounts: a department's shared account (no staff role) and a
    system's API token act as before."""
    entry_id = entry_in_notice_past(world)
    from department_pages import log_in

    log_in(client, db, clock, role=Role.provider, department="tax")
    page = f"/department/lists/entries/{entry_id}"
    answer = post(client, page, f"{page}/confirm")
    assert answer.status_code == 303
    assert (
        world.client.get(f"/api/v1/list-entries/{entry_id}", headers=world.tax.headers).json()[
            "state"
        ]
        == "listed"
    )


@pytest.fixture
def referred(db, clock, world: World) -> str:
    """An objection to ACME's penalty, referred to the market department to verify."""
    with db.transaction() as session:
        sid = session.execute(select(Subject.id).where(Subject.credit_code == ACME)).scalar_one()
    acme = make_caller(db, clock, role=Role.subject, subject_id=sid)
    record = world.record_id(ACME, "administrative_penalty")
    filed = world.client.post(
        "/api/v1/objections",
        json={
            "target": {"record": str(record)},
            "ground": "wrong_or_incomplete",
            "statement": "罚款金额应为五千元",
        },
        headers=acme.headers,
    )
    assert filed.status_code == 201, filed.text
    oid = filed.json()["id"]
    referral = world.client.post(
        f"/api/v1/objections/{oid}/referral", headers=world.authority.headers
    )
    assert referral.status_code == 200, referral.text
    return oid


def test_a_returned_verification_goes_back_to_its_preparer(
    app, db, clock, world: World, referred: str
) -> None:  # type: ignore[no-untyped-def]
    for name, role in (
        ("amr.handler", StaffRole.handler),
        ("amr.reviewer", StaffRole.reviewer),
        ("amr.reviewer2", StaffRole.reviewer),
    ):
        open_account(db, clock, name, role, department="amr")
    handler = person(app, "amr.handler")
    page = f"/department/objections/{referred}"
    action = f"{page}/verification"
    data = {"found_wrong": "yes", "opinion": "经核实，罚款金额录入有误"}
    prepared = post(handler, page, action, data)
    assert prepared.status_code == 303, prepared.text
    assert 'id="pending-verification"' in handler.get(page).text

    reviewer = person(app, "amr.reviewer")
    waiting = reviewer.get("/department/approvals")
    assert "异议核实结论" in waiting.text and "罚款金额录入有误" in waiting.text
    did = re.search(r'action="/department/approvals/(\d+)/return"', waiting.text)
    assert did
    empty = post(reviewer, "/department/approvals", f"/department/approvals/{did.group(1)}/return")
    assert empty.status_code == 422
    returned = post(
        reviewer,
        "/department/approvals",
        f"/department/approvals/{did.group(1)}/return",
        {"reason": "请补充核实依据"},
    )
    assert returned.status_code == 303
    mine = handler.get("/department/approvals")
    assert "已退回" in mine.text and "请补充核实依据" in mine.text
    back = handler.get(page).text
    assert 'id="returned-verification"' in back and "请补充核实依据" in back
    assert "提交审核" in back  # the form is offered again
    state = world.client.get(f"/api/v1/objections/{referred}", headers=world.authority.headers)
    assert state.json()["state"] == "verification"

    again = post(handler, page, action, {**data, "opinion": "经核实，罚款金额录入有误，附执法文书"})
    assert again.status_code == 303
    second = person(app, "amr.reviewer2").get("/department/approvals")
    did = re.search(r'action="/department/approvals/(\d+)/approve"', second.text)
    assert did
    approved = post(
        person(app, "amr.reviewer2"),
        "/department/approvals",
        f"/department/approvals/{did.group(1)}/approve",
    )
    assert approved.status_code == 303
    state = world.client.get(f"/api/v1/objections/{referred}", headers=world.authority.headers)
    assert state.json()["state"] != "verification"
    verified = audit_of(db, "approval.approved")[-1]
    assert (verified.actor, verified.detail["prepared_by"]) == (
        "user:amr.reviewer2",
        "user:amr.handler",
    )
    assert audit_of(db, "approval.returned")[-1].detail["reason"] == "请补充核实依据"


def test_a_step_that_cannot_be_taken_is_refused_when_prepared(app, db, clock, world: World) -> None:  # type: ignore[no-untyped-def]
    rid = world.basis(world.tax, "major_tax_violation", org(GAMMA, "南京伽马有限公司"), "v-1")
    entry_id = world.propose(world.tax, "major_tax_violators", GAMMA, [rid]).json()["id"]
    open_account(db, clock, "tax.handler", StaffRole.handler)
    handler = person(app, "tax.handler")
    page = f"/department/lists/entries/{entry_id}"
    early = post(handler, page, f"{page}/confirm")
    assert early.status_code == 409 and "期满后方可确认" in early.text
    assert "待本部门审核" not in handler.get(page).text


def test_a_person_s_check_and_steps_carry_its_name(app, db, clock, world: World) -> None:  # type: ignore[no-untyped-def]
    """Every check, step and read of a person is recorded as ``user:NAME``, not as its
    department's."""
    open_account(db, clock, "finance.zhaomin", StaffRole.handler, "finance", Role.user_department)
    open_account(db, clock, "tax.handler", StaffRole.handler)
    checker = person(app, "finance.zhaomin")
    answer = post(checker, "/department/check", "/department/check", {
        "purpose": "政府采购 2026-001", "scenario": "government_procurement", "subject": ACME,
    })  # fmt: skip
    assert answer.status_code == 200, answer.text
    with db.transaction() as session:
        assert session.execute(select(Check.actor)).scalar_one() == "user:finance.zhaomin"

    rid = world.basis(world.tax, "major_tax_violation", org(GAMMA, "南京伽马有限公司"), "v-9")
    handler = person(app, "tax.handler")
    lookup = handler.get(
        "/department/lists", params={"list": "major_tax_violators", "subject": GAMMA}
    )
    assert f'value="{rid}"' in lookup.text
    proposed = handler.post(
        "/department/lists/major_tax_violators/entries",
        data={
            "csrf_token": csrf_of(lookup.text),
            "subject": GAMMA,
            "basis_text": str(rid),
            "reason": "虚开增值税专用发票",
        },
        follow_redirects=False,
    )
    assert proposed.status_code == 303, proposed.text
    with db.transaction() as session:
        actors = set(session.execute(select(ListEntryStep.actor)).scalars())
    assert actors == {"user:tax.handler"}
    read = [e for e in audit_of(db, "archive.read") if e.actor == "user:tax.handler"]
    assert read and read[-1].purpose.startswith("名单认定")
