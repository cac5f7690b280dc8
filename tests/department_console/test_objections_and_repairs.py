"""Objections and repairs waiting on the department (Measures art. 32, 35): the verification
of an objection referred to it, the written repair opinion, and the objections raised in a
repair's public notice — from its task queue to the service call."""

from __future__ import annotations

import re

import pytest
from department_pages import csrf_of, log_in
from sqlalchemy import select

from fixtures.helpers import Caller, make_caller
from fixtures.lists import ACME, World, org
from xinyong.models import Role, Subject

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def acme(db, clock, world: World) -> Caller:
    """ACME's own token, as a subject."""
    with db.transaction() as session:
        sid = session.execute(select(Subject.id).where(Subject.credit_code == ACME)).scalar_one()
    return make_caller(db, clock, role=Role.subject, subject_id=sid)


def upload(world: World, caller: Caller) -> str:
    answer = world.client.post(
        "/api/v1/evidence", files={"file": ("证明.pdf", PDF)}, headers=caller.headers
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def post(client, page: str, action: str, data: dict):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get(page).text)
    return client.post(action, data={"csrf_token": token, **data}, follow_redirects=False)


def test_an_objection_referred_to_the_department_is_verified(
    client, db, clock, world: World, acme: Caller
) -> None:  # type: ignore[no-untyped-def]
    record = world.record_id(ACME, "administrative_penalty")
    file_id = upload(world, acme)
    filed = world.client.post(
        "/api/v1/objections",
        json={
            "target": {"record": str(record)},
            "ground": "wrong_or_incomplete",
            "statement": "罚款金额应为五千元",
            "evidence": [{"file_id": file_id, "kind": "evidence"}],
        },
        headers=acme.headers,
    )
    assert filed.status_code == 201, filed.text
    oid = filed.json()["id"]
    referred = world.client.post(
        f"/api/v1/objections/{oid}/referral", headers=world.authority.headers
    )
    assert referred.status_code == 200, referred.text

    log_in(client, db, clock, role=Role.provider, department="amr")
    overview = client.get("/department")
    assert f'href="/department/objections/{oid}"' in overview.text
    assert "异议核实" in overview.text
    listing = client.get("/department/objections")
    assert (
        f"/department/objections/{oid}" in listing.text and "南京艾克米科技有限公司" in listing.text
    )
    page = client.get(f"/department/objections/{oid}")
    assert page.status_code == 200
    assert "罚款金额应为五千元" in page.text and "提出核实意见" in page.text
    assert "罚款人民币五万元" in page.text  # the record objected to, as stored
    # Its fields by their catalog labels; the timeline by names, the token by its department.
    assert "行政处罚决定书文号" in page.text and "decision_number" not in page.text
    assert "异议对象" in page.text and "target_type" not in page.text
    assert "信息与事实不符" in page.text and "wrong_or_incomplete" not in page.text
    assert "系统接口（令牌" in page.text and "authority:cred#t" not in page.text
    assert f'href="/department/evidence/{file_id}"' in page.text
    evidence = client.get(f"/department/evidence/{file_id}")
    assert evidence.status_code == 200 and evidence.content == PDF

    action = f"/department/objections/{oid}/verification"
    undecided = post(client, page="/department/objections", action=action, data={"opinion": "x"})
    assert undecided.status_code == 422 and "请选择核实结论" in undecided.text
    empty = post(client, "/department/objections", action, {"found_wrong": "yes", "opinion": " "})
    assert empty.status_code == 422 and "不能为空" in empty.text
    verified = post(
        client, "/department/objections", action, {"found_wrong": "yes", "opinion": "金额录入有误"}
    )
    assert verified.status_code == 303
    assert "核实意见已提交" in client.get(verified.headers["location"]).text
    again = post(client, "/department/objections", action, {"found_wrong": "no", "opinion": "再议"})
    assert again.status_code == 409 and "不能办理此步骤" in again.text  # with the platform now

    body = world.client.get(f"/api/v1/objections/{oid}", headers=world.authority.headers).json()
    assert body["state"] == "review"
    assert body["verification"]["found_wrong"] is True
    assert body["verification"]["by"] == "user:amr-provider"
    assert f"/department/objections/{oid}" not in client.get("/department").text  # task closed


def test_another_provider_never_sees_the_objection(
    client, db, clock, world: World, acme: Caller
) -> None:  # type: ignore[no-untyped-def]
    record = world.record_id(ACME, "administrative_penalty")
    filed = world.client.post(
        "/api/v1/objections",
        json={"target": {"record": str(record)}, "ground": "wrong_or_incomplete", "statement": "x"},
        headers=acme.headers,
    ).json()
    log_in(client, db, clock, role=Role.provider, department="tax")
    assert client.get(f"/department/objections/{filed['id']}").status_code == 404
    assert filed["id"] not in client.get("/department/objections?state=all").text


def test_a_repair_opinion_and_an_objection_in_its_notice(
    client, db, clock, world: World, acme: Caller
) -> None:  # type: ignore[no-untyped-def]
    world.list_entry(world.court, "court_judgment_defaulters", org(ACME), "c1")
    record = world.record_id(ACME, "court_judgment_defaulter")
    applied = world.client.post(
        "/api/v1/repairs",
        json={
            "target": {"record": str(record)},
            "ways": ["commitment", "rectification"],
            "corrected_on": "2026-05-20",
            "correction": "已全部履行判决确定的义务。",
            "commitment": "本单位承诺今后守法诚信经营。",
            "credit_management": "已建立信用管理制度。",
            "evidence": [
                {"file_id": upload(world, acme), "kind": "evidence"},
                {"file_id": upload(world, acme), "kind": "rectification"},
            ],
        },
        headers=acme.headers,
    )
    assert applied.status_code == 201, applied.text
    rid = applied.json()["id"]

    log_in(client, db, clock, role=Role.provider, department="court")
    queue = client.get("/department/tasks")
    assert f'href="/department/repairs/{rid}"' in queue.text
    repairs = client.get("/department/repairs")
    assert "待出具修复意见" in repairs.text and f"/department/repairs/{rid}" in repairs.text
    page = client.get(f"/department/repairs/{rid}")
    assert "出具书面修复意见" in page.text and "已全部履行判决确定的义务" in page.text

    action = f"/department/repairs/{rid}/opinion"
    nothing = post(client, f"/department/repairs/{rid}", action, {"text": "同意"})
    assert nothing.status_code == 422 and "请选择是否同意修复" in nothing.text
    given = post(
        client, f"/department/repairs/{rid}", action, {"positive": "yes", "text": "同意修复"}
    )
    assert given.status_code == 303
    page = client.get(given.headers["location"])
    assert "修复意见已提交" in page.text and "公示中" in page.text
    twice = post(client, f"/department/repairs/{rid}", action, {"positive": "no", "text": "不同意"})
    assert twice.status_code == 409 and "不能办理此步骤" in twice.text

    raised = world.client.post(
        f"/api/v1/repairs/{rid}/objections",
        json={"statement": "该企业仍在拖欠货款"},
        headers=world.market.headers,
    )
    assert raised.status_code == 201, raised.text
    oid = raised.json()["id"]
    repairs = client.get("/department/repairs")
    assert "该企业仍在拖欠货款" in repairs.text
    assert f"/department/repairs/{rid}#objection-{oid}" in client.get("/department/tasks").text

    decide = f"/department/repairs/{rid}/objections/{oid}/decision"
    vague = post(client, f"/department/repairs/{rid}", decide, {"reason": "核实"})
    assert vague.status_code == 422 and "请选择" in vague.text
    decided = post(
        client, f"/department/repairs/{rid}", decide, {"upheld": "no", "reason": "货款纠纷另案处理"}
    )
    assert decided.status_code == 303
    page = client.get(decided.headers["location"])
    assert "公示期异议已处理" in page.text and "异议不成立" in page.text
    body = world.client.get(f"/api/v1/repairs/{rid}", headers=world.authority.headers).json()
    assert body["state"] == "notice"
    assert [o["upheld"] for o in body["objections"]] == [False]
    assert re.search(r"user:court-provider", str(body["steps"]))
