"""The credit authority's decisions take two persons (issue 14) when a person acts under its own
name: a 经办 prepares the review decision on an objection (Measures art. 31–32), the decision on
an appeal (Measures art. 33) or the revocation of a wrongful listing (003 联合奖惩 §（二十四）),
and another person, a 审核 of the authority, approves it on 待审核 — the step is then taken, as
the approver, and the audit names both. Nobody approves its own; a returned decision shows its
reason beside the form; whoever took part in an objection's decision takes no part in its
appeal's."""

from __future__ import annotations

import re

from authority_pages import PASSWORD, csrf_of
from console_steps import assert_all_chinese, subject_caller
from fastapi.testclient import TestClient
from sqlalchemy import select

from fixtures.helpers import penalty
from fixtures.lists import ACME, BETA, World, org
from xinyong.departments.service import get_department
from xinyong.models import AuditEntry, Role, StaffRole
from xinyong.web import accounts

NAMES = {"cred.handler": "张伟", "cred.handler2": "王芳", "cred.reviewer": "李娜"}
NAMES["cred.reviewer2"] = "刘洋"
APPROVALS = "/authority/approvals"


def people(app, db, clock, *usernames: str) -> list[TestClient]:  # type: ignore[no-untyped-def]
    """Personal accounts of the authority (department ``cred``), each logged in in a browser of
    its own: ``cred.handler…`` a 经办, ``cred.reviewer…`` a 审核."""
    browsers = []
    for username in usernames:
        role = StaffRole.reviewer if ".reviewer" in username else StaffRole.handler
        with db.transaction() as session:
            accounts.create_user(
                session,
                username=username,
                display_name=NAMES[username],
                password=PASSWORD,
                role=Role.authority,
                staff_role=role,
                department=get_department(session, "cred"),
                actor="test",
                now=clock.now(),
            )
        browser = TestClient(app)
        form = browser.get("/login")
        answer = browser.post(
            "/login",
            data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(form.text)},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        browsers.append(browser)
    return browsers


def post(browser: TestClient, page: str, action: str, data: dict | None = None):  # type: ignore[no-untyped-def]
    token = csrf_of(browser.get(page).text)
    return browser.post(action, data={"csrf_token": token, **(data or {})}, follow_redirects=False)


def waiting_id(browser: TestClient, what: str = "approve") -> str:
    """The first decision of the 待审核 page the visitor may approve (or return)."""
    found = re.search(rf'action="/authority/approvals/(\d+)/{what}"', browser.get(APPROVALS).text)
    assert found, "nothing waiting on the 待审核 page"
    return found.group(1)


def audit_of(db, action: str) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        return list(
            session.execute(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            ).scalars()
        )


def objection_in_review(world: World) -> str:
    """ACME objects to its penalty record: the objection's id, under the platform's review."""
    world.push(world.market, penalty("p-1", ACME, "南京艾克米科技有限公司"))
    record = world.record_id(ACME, "administrative_penalty")
    filed = world.client.post(
        "/api/v1/objections",
        json={
            "target": {"record": str(record)},
            "ground": "wrong_or_incomplete",
            "statement": "错",
        },
        headers=subject_caller(world, ACME).headers,
    )
    assert filed.status_code == 201, filed.text
    return filed.json()["id"]


def api(world: World, path: str) -> dict:
    return world.client.get(f"/api/v1{path}", headers=world.authority.headers).json()


def test_an_objection_decision_is_prepared_by_one_and_approved_by_another(
    app, db, clock, world: World
) -> None:  # type: ignore[no-untyped-def]
    oid = objection_in_review(world)
    handler, reviewer = people(app, db, clock, "cred.handler", "cred.reviewer")
    page = f"/authority/objections/{oid}"
    assert "提交本部门审核" in handler.get(page).text
    data = {"outcome": "rejected", "reason": "经复核，处罚信息无误"}

    prepared = post(handler, page, f"{page}/decision", data)
    assert prepared.status_code == 303, prepared.text
    assert prepared.headers["location"] == f"{page}?done=prepared"
    shown = handler.get(prepared.headers["location"]).text
    assert "审核决定已提交，待本部门审核人员审核" in shown
    assert 'href="/authority/approvals"' in shown
    assert 'id="pending-decision"' in shown
    assert f'action="/authority/objections/{oid}/decision"' not in shown  # no form while waiting
    assert_all_chinese(shown)
    assert api(world, f"/objections/{oid}")["state"] == "review"
    # The decision was tried as the handler and undone: no letter, no step of it stays.
    assert not [e for e in audit_of(db, "objection.rejected") if e.target_id == oid]
    twice = post(handler, APPROVALS, f"{page}/decision", data)
    assert twice.status_code == 409 and "已提交审核" in twice.text

    waiting = reviewer.get(APPROVALS).text
    assert "异议审核决定" in waiting and "异议不成立" in waiting and "处罚信息无误" in waiting
    assert "张伟（" in waiting and f'href="/authority/objections/{oid}"' in waiting
    assert_all_chinese(waiting)
    did = waiting_id(reviewer)
    own = post(handler, APPROVALS, f"{APPROVALS}/{did}/approve")
    assert own.status_code == 403 and 'data-code="same_person"' in own.text
    assert api(world, f"/objections/{oid}")["state"] == "review"

    approved = post(reviewer, APPROVALS, f"{APPROVALS}/{did}/approve")
    assert approved.status_code == 303, approved.text
    body = api(world, f"/objections/{oid}")
    assert (body["state"], body["outcome"]) == ("closed", "rejected")
    entry = audit_of(db, "approval.approved")[-1]
    assert (entry.actor, entry.detail["kind"]) == ("user:cred.reviewer", "objection.decide")
    assert entry.detail["prepared_by"] == "user:cred.handler"
    assert entry.detail["approved_by"] == "user:cred.reviewer"
    decided = [e for e in audit_of(db, "objection.rejected") if e.target_id == oid]
    assert [e.actor for e in decided] == ["user:cred.reviewer"]
    after = handler.get(page).text
    assert "异议不成立" in after and 'id="pending-decision"' not in after
    assert "审核通过" in handler.get(APPROVALS).text


def test_a_returned_decision_shows_its_reason_beside_the_form(app, db, clock, world: World) -> None:  # type: ignore[no-untyped-def]
    oid = objection_in_review(world)
    handler, reviewer = people(app, db, clock, "cred.handler", "cred.reviewer")
    page = f"/authority/objections/{oid}"
    nothing = post(handler, page, f"{page}/decision", {"reason": "x"})
    assert nothing.status_code == 422 and "请选择审核结论" in nothing.text
    prepared = post(handler, page, f"{page}/decision", {"outcome": "upheld", "reason": "金额有误"})
    assert prepared.status_code == 303
    assert "异议成立" in reviewer.get(APPROVALS).text
    returned = post(
        reviewer,
        APPROVALS,
        f"{APPROVALS}/{waiting_id(reviewer, 'return')}/return",
        {"reason": "请先转交信息提供单位核实"},
    )
    assert returned.status_code == 303, returned.text
    back = handler.get(page).text
    assert 'id="returned-decision"' in back and "请先转交信息提供单位核实" in back
    assert f'action="/authority/objections/{oid}/decision"' in back  # the form again
    assert_all_chinese(back)
    assert api(world, f"/objections/{oid}")["state"] == "review"
    # Referral is not a decision: one person takes it.
    referred = post(handler, page, f"{page}/referral")
    assert referred.status_code == 303 and "done=referred" in referred.headers["location"]
    assert api(world, f"/objections/{oid}")["state"] == "verification"


def test_an_appeal_is_decided_by_two_who_took_no_part_in_the_objection(
    app, db, clock, world: World
) -> None:  # type: ignore[no-untyped-def]
    oid = objection_in_review(world)
    handler, handler2, reviewer, reviewer2 = people(
        app, db, clock, "cred.handler", "cred.handler2", "cred.reviewer", "cred.reviewer2"
    )
    page = f"/authority/objections/{oid}"
    post(handler, page, f"{page}/decision", {"outcome": "rejected", "reason": "无误"})
    assert post(reviewer, APPROVALS, f"{APPROVALS}/{waiting_id(reviewer)}/approve").is_redirect
    appealed = world.client.post(
        "/api/v1/appeals",
        json={"procedure": "objection", "id": oid, "statement": "处罚金额确有错误"},
        headers=subject_caller(world, ACME).headers,
    )
    assert appealed.status_code == 201, appealed.text
    aid = appealed.json()["id"]
    apage = f"/authority/appeals/{aid}"
    data = {"outcome": "upheld", "reason": "处罚金额有误，予以纠正"}

    # The objection's preparer and its approver neither prepare nor approve the appeal's.
    for took_part in (handler, reviewer):
        assert "您不能处理对该决定的申诉" in took_part.get(apage).text
        refused = post(took_part, apage, f"{apage}/decision", data)
        assert refused.status_code == 409 and "不能处理对该决定的申诉" in refused.text
    prepared = post(handler2, apage, f"{apage}/decision", data)
    assert prepared.status_code == 303, prepared.text
    shown = handler2.get(prepared.headers["location"]).text
    assert "申诉处理决定已提交，待本部门审核人员审核" in shown and 'id="pending-decision"' in shown
    did = waiting_id(reviewer2)
    assert "申诉处理决定" in reviewer2.get(APPROVALS).text
    first = post(reviewer, APPROVALS, f"{APPROVALS}/{did}/approve")
    assert first.status_code == 409 and "不能处理对该决定的申诉" in first.text
    assert api(world, f"/appeals/{aid}")["state"] == "review"

    approved = post(reviewer2, APPROVALS, f"{APPROVALS}/{did}/approve")
    assert approved.status_code == 303, approved.text
    body = api(world, f"/appeals/{aid}")
    assert (body["state"], body["outcome"]) == ("closed", "upheld")
    assert api(world, f"/objections/{oid}")["state"] == "correction"
    entry = audit_of(db, "approval.approved")[-1]
    assert entry.detail["kind"] == "appeal.decide"
    assert (entry.detail["prepared_by"], entry.detail["approved_by"]) == (
        "user:cred.handler2",
        "user:cred.reviewer2",
    )


def test_a_wrongful_listing_is_revoked_by_two(app, db, clock, world: World) -> None:  # type: ignore[no-untyped-def]
    entry = world.list_entry(world.court, "court_judgment_defaulters", org(BETA, "南京乙公司"), "b")
    # Logged in after the entry's notice period has passed (a session does not last that long).
    handler, reviewer = people(app, db, clock, "cred.handler", "cred.reviewer")
    page = f"/authority/entries/{entry}"
    data = {"explanation": "判决已撤销，认定有误"}
    prepared = post(handler, page, f"{page}/revocation", data)
    assert prepared.status_code == 303, prepared.text
    shown = handler.get(prepared.headers["location"]).text
    assert "撤销决定已提交，待本部门审核人员审核" in shown and 'id="pending-decision"' in shown
    assert api(world, f"/list-entries/{entry}")["state"] == "listed"
    waiting = reviewer.get(APPROVALS).text
    assert "撤销错误列入的名单" in waiting and "认定有误，予以撤销" in waiting
    assert "判决已撤销，认定有误" in waiting
    approved = post(reviewer, APPROVALS, f"{APPROVALS}/{waiting_id(reviewer)}/approve")
    assert approved.status_code == 303, approved.text
    body = api(world, f"/list-entries/{entry}")
    assert (body["state"], body["exit_reason"]) == ("exited", "revocation")
    assert world.check("bidding", BETA).json()["results"][0]["decision"] == "clear"
    revoked = audit_of(db, "approval.approved")[-1]
    assert revoked.detail["kind"] == "list_entry.revoke"
    assert revoked.detail["prepared_by"] == "user:cred.handler"
    assert "致歉及澄清函" in reviewer.get(page).text
