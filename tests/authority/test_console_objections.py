"""The platform's steps of an objection from the authority console (Measures art. 32): the
referral to the providing department, the review decision and the correction — through the
same services as POST /api/v1/objections/{id}/referral, /decision and /correction — and the
refusals a person reads in Chinese."""

from __future__ import annotations

import pytest
from authority_pages import csrf_of, log_in
from console_steps import PDF, assert_all_chinese, post, subject_caller, upload

from fixtures.helpers import penalty
from fixtures.lists import ACME, BETA, World, org
from xinyong.models import Role


@pytest.fixture
def filed(world: World) -> str:
    """ACME objects to its penalty (the subject's own step, through the API)."""
    world.push(world.market, penalty("p-1", ACME, "南京艾克米科技有限公司"))
    record = world.record_id(ACME, "administrative_penalty")
    acme = subject_caller(world, ACME)
    answer = world.client.post(
        "/api/v1/objections",
        json={
            "target": {"record": str(record)},
            "ground": "wrong_or_incomplete",
            "statement": "罚款金额应为五千元",
            "evidence": [{"file_id": upload(world, acme), "kind": "evidence"}],
        },
        headers=acme.headers,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def test_referral_verification_decision_and_correction(authority, world: World, filed) -> None:  # type: ignore[no-untyped-def]
    oid = filed
    page = f"/authority/objections/{oid}"
    listing = authority.get("/authority/objections")
    assert f'href="{page}"' in listing.text and "南京艾克米科技有限公司" in listing.text
    assert_all_chinese(listing.text)
    detail = authority.get(page)
    assert detail.status_code == 200
    assert "罚款金额应为五千元" in detail.text and "罚款人民币五万元" in detail.text
    assert "处罚决定书文号" in detail.text or "罚款" in detail.text  # fields by their labels
    assert "转交核实" in detail.text and "作出审核决定" in detail.text
    assert_all_chinese(detail.text)

    referred = post(authority, page, f"{page}/referral", {})
    assert referred.status_code == 303
    after = authority.get(referred.headers["location"])
    assert "已转交信息提供单位核实" in after.text and "信息提供单位核实中" in after.text
    assert "作出审核决定" not in after.text  # the provider verifies first

    # Deciding while the provider verifies is refused in Chinese (the form is not offered).
    early = post(authority, page, f"{page}/decision", {"outcome": "upheld", "reason": "有误"})
    assert early.status_code == 409 and "核实后再作决定" in early.text
    again = post(authority, page, f"{page}/referral", {})
    assert again.status_code == 409 and "不能办理此步骤" in again.text
    assert_all_chinese(again.text)

    verified = world.client.post(
        f"/api/v1/objections/{oid}/verification",
        json={"found_wrong": True, "opinion": "金额录入有误"},
        headers=world.market.headers,
    )
    assert verified.status_code == 200, verified.text

    undecided = post(authority, page, f"{page}/decision", {"reason": "x"})
    assert undecided.status_code == 422 and "请选择审核结论" in undecided.text
    empty = post(authority, page, f"{page}/decision", {"outcome": "upheld", "reason": " "})
    assert empty.status_code == 422 and "不能为空" in empty.text
    decided = post(
        authority, page, f"{page}/decision", {"outcome": "upheld", "reason": "经核实金额有误"}
    )
    assert decided.status_code == 303
    corrections = authority.get(page)
    assert "更正或撤销信息" in corrections.text and "更正中" in corrections.text
    assert_all_chinese(corrections.text)

    record = world.record_id(ACME, "administrative_penalty")
    unchanged = post(authority, page, f"{page}/correction", {"action": "correct"})
    assert unchanged.status_code == 422 and "请修改至少一个字段的值" in unchanged.text
    corrected = post(
        authority,
        page,
        f"{page}/correction",
        {
            "action": "correct",
            "record_id": str(record),
            f"f.{record}.penalty_content": "罚款人民币五千元",
            f"o.{record}.penalty_content": "罚款人民币五万元",
            f"f.{record}.fine_amount": "0.50",
            f"o.{record}.fine_amount": "5.00",
        },
    )
    assert corrected.status_code == 303, corrected.text
    closed = authority.get(corrected.headers["location"])
    assert "更正已完成" in closed.text and "已办结" in closed.text
    assert_all_chinese(closed.text)

    body = world.client.get(f"/api/v1/objections/{oid}", headers=world.authority.headers).json()
    assert body["state"] == "closed" and body["outcome"] == "upheld"
    assert body["correction"]["action"] == "correct"
    assert body["correction"]["fields"] == ["fine_amount", "penalty_content"]
    steps = [s["step"] for s in body["steps"]]
    assert steps == ["filed", "referred", "verified", "upheld", "corrected"]
    assert {s["actor"] for s in body["steps"] if s["step"] in ("referred", "upheld")} == {
        "user:authority-person"
    }
    new_record = body["correction"]["new_record_id"]
    assert new_record and new_record != str(record)
    assert "更正后的记录编号" in closed.text and new_record in closed.text


def test_a_rejected_objection_and_the_filter(authority, world: World, filed) -> None:  # type: ignore[no-untyped-def]
    page = f"/authority/objections/{filed}"
    decided = post(authority, page, f"{page}/decision", {"outcome": "rejected", "reason": "无误"})
    assert decided.status_code == 303
    assert "已办结" in authority.get(page).text
    assert f'href="{page}"' not in authority.get("/authority/objections").text  # not in review
    assert f'href="{page}"' in authority.get("/authority/objections?state=closed").text
    assert f'href="{page}"' in authority.get(f"/authority/objections?state=all&subject={ACME}").text
    unknown = authority.get("/authority/objections?subject=91320100MA1XXXXXX1")
    assert unknown.status_code == 200 and 'role="alert"' in unknown.text
    late = post(authority, page, f"{page}/correction", {"action": "revoke"})
    assert late.status_code == 409 and "不能办理此步骤" in late.text
    assert_all_chinese(late.text)


def test_other_roles_may_not_take_the_platforms_steps(client, db, clock, world, filed) -> None:  # type: ignore[no-untyped-def]
    log_in(client, db, clock, role=Role.provider, department="amr")
    for path in (
        "/authority/objections",
        f"/authority/objections/{filed}",
        "/authority/appeals",
        "/authority/repairs",
        "/authority/entries",
        "/authority/tasks",
    ):
        assert client.get(path).status_code == 403, path
    refused = client.post(f"/authority/objections/{filed}/referral", data={"csrf_token": "x"})
    assert refused.status_code == 403 and "无权访问此页面" in refused.text
    body = world.client.get(f"/api/v1/objections/{filed}", headers=world.authority.headers)
    assert body.json()["state"] == "review"


def test_a_form_without_its_token_changes_nothing(authority, world, filed) -> None:  # type: ignore[no-untyped-def]
    answer = authority.post(f"/authority/objections/{filed}/referral", data={"csrf_token": "x"})
    assert answer.status_code == 403
    body = world.client.get(f"/api/v1/objections/{filed}", headers=world.authority.headers)
    assert body.json()["state"] == "review"


def test_an_objection_to_a_listing_ends_it_at_the_decision(client, db, clock, world) -> None:  # type: ignore[no-untyped-def]
    entry = world.list_entry(world.court, "court_judgment_defaulters", org(BETA, "南京乙公司"), "b")
    beta = subject_caller(world, BETA)
    filed = world.client.post(
        "/api/v1/objections",
        json={
            "target": {"list_entry": entry},
            "ground": "wrong_or_incomplete",
            "statement": "判决已撤销",
        },
        headers=beta.headers,
    )
    assert filed.status_code == 201, filed.text
    log_in(client, db, clock, role=Role.authority, department="cred")
    page = f"/authority/objections/{filed.json()['id']}"
    shown = client.get(page)
    assert f'href="/authority/entries/{entry}"' in shown.text and "照常公示和应用" in shown.text
    decided = post(client, page, f"{page}/decision", {"outcome": "upheld", "reason": "判决已撤销"})
    assert decided.status_code == 303
    after = client.get(page)
    assert "撤销错误列入的名单" in after.text  # the listing ended at the finding
    assert 'name="record_id" value=' in after.text and 'type="radio"' in after.text
    assert_all_chinese(after.text)
    assert world.check("bidding", BETA).json()["results"][0]["decision"] == "clear"
    letter = client.get(f"/authority/entries/{entry}")
    assert "致歉及澄清函" in letter.text and "已退出" in letter.text

    unnamed = post(client, page, f"{page}/correction", {"action": "revoke"})
    assert unnamed.status_code == 422 and "认定依据记录" in unnamed.text
    basis = world.client.get(f"/api/v1/list-entries/{entry}", headers=world.authority.headers)
    record = basis.json()["basis_records"][0]
    revoked = post(client, page, f"{page}/correction", {"action": "revoke", "record_id": record})
    assert revoked.status_code == 303
    assert "已办结" in client.get(page).text


def test_an_objection_filed_at_the_counter(authority, world: World) -> None:  # type: ignore[no-untyped-def]
    world.push(world.market, penalty("p-1", ACME, "南京艾克米科技有限公司"))
    record = world.record_id(ACME, "administrative_penalty")
    form = authority.get("/authority/objections/new")
    assert form.status_code == 200 and "代为提出异议" in form.text
    assert_all_chinese(form.text)
    token = csrf_of(form.text)

    def file(data: dict, files: list | None = None):  # type: ignore[no-untyped-def]
        return authority.post(
            "/authority/objections/new",
            data={"csrf_token": token, **data},
            files=files or [("files", ("", b""))],
            follow_redirects=False,
        )

    given = {
        "subject": ACME,
        "target_kind": "record",
        "target_id": str(record),
        "ground": "wrong_or_incomplete",
        "statement": "窗口登记：罚款金额有误",
    }
    nothing = file({**given, "ground": "", "statement": ""})
    assert nothing.status_code == 422
    assert "请选择异议理由" in nothing.text and "不能为空" in nothing.text
    unknown = file({**given, "subject": "91320100MA1XXXXXX1"})
    assert unknown.status_code == 422 and 'role="alert"' in unknown.text
    agent = file({**given, "agent_name": "张律师"})
    assert agent.status_code == 422 and "授权委托书" in agent.text
    filed = file(given, [("files", ("凭证.pdf", PDF))])
    assert filed.status_code == 303, filed.text
    page = authority.get(filed.headers["location"])
    assert "异议已登记" in page.text and "窗口登记：罚款金额有误" in page.text
    assert "凭证.pdf" in page.text
    again = file(given)
    assert again.status_code == 409 and "已有未办结的异议申请" in again.text
    body = world.client.get(
        "/api/v1/objections", params={"subject": ACME}, headers=world.authority.headers
    ).json()
    assert [o["filed_by"] for o in body["objections"]] == ["user:authority-person"]
