"""Authorised queries through the console (Measures art. 22): the subject grants a bank an item,
the bank reads it only inside the grant, the subject sees that read — who, when, for what
purpose — and revokes the grant (issue 5 § 2, § 3)."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from subject_pages import log_in_subject, post_page_form, text_of

from fixtures.helpers import make_caller
from fixtures.lists import ACME, World
from xinyong.models import Authorisation, Role

PURPOSE = "信易贷授信审查"


def donations(world: World, caller) -> list[dict]:  # type: ignore[no-untyped-def]
    archive = world.client.get(
        f"/api/v1/subjects/{ACME}/archive", params={"purpose": PURPOSE}, headers=caller.headers
    )
    assert archive.status_code == 200, archive.text
    return [
        r
        for rs in archive.json()["categories"].values()
        for r in rs
        if r["item"] == "charitable_donation"
    ]


def test_a_bank_reads_inside_the_grant_and_the_subject_sees_who_when_why(world: World) -> None:
    bank = make_caller(
        world.db, world.clock, role=Role.user_department, kind="banking", code="bank"
    )
    log_in_subject(world)
    assert donations(world, bank) == []  # no grant: simply absent
    form = world.client.get("/me/authorisations")
    assert '<option value="bank">' in form.text and 'value="charitable_donation"' in form.text
    granted = post_page_form(
        world.client,
        "/me/authorisations",
        "/me/authorisations",
        {
            "grantee": "bank",
            "items": ["charitable_donation"],
            "purpose": PURPOSE,
            "ends_on": "2026-09-30",
        },
    )
    assert granted.status_code == 303, text_of(granted.text)
    page = text_of(world.client.get(granted.headers["location"]).text)
    assert "授权已生效" in page
    assert f"测试banking 慈善捐赠信息 {PURPOSE} 2026-06-15 至 2026-09-30" in page
    assert "有效" in page
    # The bank reads the item an hour later, with its purpose; the subject sees that read.
    world.clock.advance(hours=1)
    assert [r["disclosure"] for r in donations(world, bank)] == ["authorised"]
    log = text_of(world.client.get("/me/queries").text)
    assert (
        f"2026-06-15 11:00 测试banking 查阅信用档案 经授权查询：慈善捐赠信息 "
        f"非公开信息 2 条 {PURPOSE}"
    ) in log
    # Revoked, the bank reads it no more; the grant shows as revoked.
    grant_id = re.search(
        r'action="/me/authorisations/(\d+)/revoke"', world.client.get("/me/authorisations").text
    )
    assert grant_id
    revoked = post_page_form(
        world.client,
        "/me/authorisations",
        f"/me/authorisations/{grant_id.group(1)}/revoke",
        {},
    )
    assert revoked.status_code == 303
    after = text_of(world.client.get(revoked.headers["location"]).text)
    assert f"授权 {grant_id.group(1)} 已撤销" in after and "已撤销" in after
    assert "撤销授权" not in after
    assert donations(world, bank) == []
    # Its earlier read stays in the log.
    assert "测试banking" in text_of(world.client.get("/me/queries").text)


def test_a_bad_grant_re_renders_with_its_message(world: World, db) -> None:  # type: ignore[no-untyped-def]
    make_caller(world.db, world.clock, role=Role.user_department, kind="banking", code="bank")
    log_in_subject(world)
    good = {
        "grantee": "bank",
        "items": ["charitable_donation"],
        "purpose": PURPOSE,
        "ends_on": "2026-09-30",
    }
    cases = [
        ({"ends_on": "2026-06-14"}, 422, "授权期限无效"),
        ({"ends_on": "2029-12-31"}, 422, "最长三年"),
        ({"starts_on": "2026-07-01", "ends_on": "2026-06-30"}, 422, "授权期限无效"),
        ({"ends_on": ""}, 422, "请填写授权截止日期"),
        ({"items": []}, 422, "请至少选择一项授权查询的信息"),
        ({"items": ["administrative_penalty"]}, 422, "administrative_penalty 不是授权查询类信息项"),
        ({"grantee": "nobody"}, 404, "被授权单位不存在"),
        ({"purpose": ""}, 422, "请写明查询用途"),
        ({"purpose": "贷" * 5000}, 422, "最多 200 个字"),
        ({"ends_on": "9" * 5000}, 422, "应为日期（YYYY-MM-DD）"),
    ]
    for over, status, message in cases:
        answer = post_page_form(
            world.client, "/me/authorisations", "/me/authorisations", {**good, **over}
        )
        assert (answer.status_code, message in answer.text) == (status, True), (over, answer.text)
        assert "提交未成功" in answer.text
    with db.transaction() as session:
        assert session.execute(select(func.count()).select_from(Authorisation)).scalar_one() == 0
