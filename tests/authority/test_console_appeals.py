"""Appeals (申诉, Measures art. 33) decided from the authority console, through the same
service as POST /api/v1/appeals/{id}/decision: the decision names the route onward, whoever
decided the objection may not decide its appeal, and an upheld appeal reopens the objection
for correction."""

from __future__ import annotations

from authority_pages import csrf_of, log_in
from console_steps import assert_all_chinese, post, subject_caller

from fixtures.helpers import penalty
from fixtures.lists import ACME, World
from xinyong.models import Role


def _rejected_and_appealed(authority, world: World) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """ACME objects, the console rejects it, ACME appeals: (objection id, appeal id)."""
    world.push(world.market, penalty("p-1", ACME, "南京艾克米科技有限公司"))
    acme = subject_caller(world, ACME)
    record = world.record_id(ACME, "administrative_penalty")
    filed = world.client.post(
        "/api/v1/objections",
        json={
            "target": {"record": str(record)},
            "ground": "wrong_or_incomplete",
            "statement": "错",
        },
        headers=acme.headers,
    )
    oid = filed.json()["id"]
    page = f"/authority/objections/{oid}"
    rejected = post(authority, page, f"{page}/decision", {"outcome": "rejected", "reason": "无误"})
    assert rejected.status_code == 303
    appealed = world.client.post(
        "/api/v1/appeals",
        json={"procedure": "objection", "id": oid, "statement": "处罚金额确有错误"},
        headers=acme.headers,
    )
    assert appealed.status_code == 201, appealed.text
    return oid, appealed.json()["id"]


def test_the_decider_of_the_objection_may_not_decide_its_appeal(authority, world) -> None:  # type: ignore[no-untyped-def]
    oid, aid = _rejected_and_appealed(authority, world)
    listing = authority.get("/authority/appeals")
    assert f'href="/authority/appeals/{aid}"' in listing.text
    assert f'href="/authority/objections/{oid}"' in listing.text
    assert_all_chinese(listing.text)
    page = f"/authority/appeals/{aid}"
    shown = authority.get(page)
    assert "处罚金额确有错误" in shown.text and "原处理决定由您作出" in shown.text
    assert "可依法申请行政复议或者提起行政诉讼" in shown.text
    assert_all_chinese(shown.text)
    same = post(authority, page, f"{page}/decision", {"outcome": "dismissed", "reason": "维持"})
    assert same.status_code == 409 and "不能处理对该决定的申诉" in same.text
    assert (
        world.client.get(
            page.replace("/authority", "/api/v1"), headers=world.authority.headers
        ).json()["state"]
        == "review"
    )


def test_another_person_decides_and_the_route_onward_is_named(client, db, clock, world) -> None:  # type: ignore[no-untyped-def]
    log_in(client, db, clock, role=Role.authority, department="cred")
    oid, aid = _rejected_and_appealed(client, world)
    client.cookies.clear()
    log_in(client, db, clock, role=Role.authority, department="cred", username="second-person")
    page = f"/authority/appeals/{aid}"
    assert "原处理决定由 authority 用户（" in client.get(page).text
    nothing = post(client, page, f"{page}/decision", {"reason": "x"})
    assert nothing.status_code == 422 and "请选择申诉处理结论" in nothing.text
    upheld = post(client, page, f"{page}/decision", {"outcome": "upheld", "reason": "金额有误"})
    assert upheld.status_code == 303
    decided = client.get(upheld.headers["location"])
    assert "申诉处理决定已作出" in decided.text and "申诉成立" in decided.text
    assert "对申诉处理结果不服的，可依法申请行政复议或者提起行政诉讼" in decided.text
    assert_all_chinese(decided.text)
    again = post(client, page, f"{page}/decision", {"outcome": "dismissed", "reason": "再议"})
    assert again.status_code == 409 and "该申诉已处理" in again.text

    objection = client.get(f"/authority/objections/{oid}")
    assert "更正中" in objection.text and "更正或撤销信息" in objection.text
    appeal = world.client.get(f"/api/v1/appeals/{aid}", headers=world.authority.headers).json()
    assert appeal["outcome"] == "upheld" and appeal["onward_route"]
    closed = client.get("/authority/appeals?state=closed")
    assert f"/authority/appeals/{aid}" in closed.text and "申诉成立" in closed.text
    assert_all_chinese(closed.text)
    assert f"/authority/appeals/{aid}" not in client.get("/authority/appeals").text


def test_an_appeal_filed_at_the_counter(client, db, clock, world) -> None:  # type: ignore[no-untyped-def]
    log_in(client, db, clock, role=Role.authority, department="cred")
    world.push(world.market, penalty("p-1", ACME, "南京艾克米科技有限公司"))
    acme = subject_caller(world, ACME)
    record = world.record_id(ACME, "administrative_penalty")
    filed = world.client.post(
        "/api/v1/objections",
        json={
            "target": {"record": str(record)},
            "ground": "wrong_or_incomplete",
            "statement": "错",
        },
        headers=acme.headers,
    )
    oid = filed.json()["id"]
    page = f"/authority/objections/{oid}"
    assert post(client, page, f"{page}/decision", {"outcome": "rejected", "reason": "无误"})
    link = f'href="/authority/appeals/new?subject={ACME}&objection={oid}"'
    assert link in client.get(page).text.replace("&amp;", "&")
    form = client.get(f"/authority/appeals/new?subject={ACME}&objection={oid}")
    assert form.status_code == 200 and f'value="{oid}"' in form.text
    assert_all_chinese(form.text)
    token = csrf_of(form.text)

    def file(data: dict):  # type: ignore[no-untyped-def]
        return client.post(
            "/authority/appeals/new",
            data={"csrf_token": token, **data},
            files=[("files", ("", b""))],
            follow_redirects=False,
        )

    given = {"subject": ACME, "procedure": "objection", "procedure_id": oid, "statement": "不服"}
    empty = file({**given, "statement": ""})
    assert empty.status_code == 422 and "不能为空" in empty.text
    filed_at_counter = file(given)
    assert filed_at_counter.status_code == 303, filed_at_counter.text
    shown = client.get(filed_at_counter.headers["location"])
    assert "申诉已登记" in shown.text and "不服" in shown.text
    twice = file(given)
    assert twice.status_code == 409 and "已就该处理结果提出过申诉" in twice.text
