"""Credit repair through the console: the application with evidence per way, each failed
condition of Measures art. 34 explained, the repair followed, a refusal appealed (issue 5 § 2)."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from subject_pages import PDF, PNG, log_in_subject, post_page_form, record_ids, text_of

from fixtures.lists import ACME, World
from xinyong.models import EvidenceFile, Repair


def test_an_ineligible_repair_shows_each_failed_condition(world: World, db) -> None:  # type: ignore[no-untyped-def]
    log_in_subject(world)
    page = f"/me/repairs/new?record={record_ids(world, ACME)['administrative_penalty']}"
    form = world.client.get(page)
    assert form.status_code == 200 and "申请信用修复" in form.text
    answer = post_page_form(
        world.client,
        page,
        page,
        # Corrected before the failure was determined (2026-05-10), no evidence, and the
        # commitment left blank.
        {"ways": ["commitment"], "corrected_on": "2026-05-01", "correction": "已缴纳罚款。"},
    )
    assert answer.status_code == 422
    text = text_of(answer.text)
    assert "不符合信用修复条件" in text
    assert "✘ 不符合 （一）" in text
    assert "纠正日期 2026-05-01 早于失信行为认定日期 2026-05-10" in text
    assert "未提交纠正失信行为的证明材料" in text
    assert "✔ 符合 （二）" in text
    assert "✘ 不符合 （三）" in text and "未提交签署的信用承诺" in text
    assert ">已缴纳罚款。</textarea>" in answer.text  # the form again, as typed
    with db.transaction() as session:
        assert session.execute(select(func.count()).select_from(Repair)).scalar_one() == 0
        assert session.execute(select(func.count()).select_from(EvidenceFile)).scalar_one() == 0


def test_bad_repair_input_is_explained_field_by_field(world: World) -> None:
    log_in_subject(world)
    ids = record_ids(world, ACME)
    page = f"/me/repairs/new?record={ids['administrative_penalty']}"
    no_date = post_page_form(world.client, page, page, {"ways": ["commitment"]})
    assert no_date.status_code == 422 and "请填写纠正失信行为的日期" in no_date.text
    # A way that must be shown by a file, without its file.
    no_file = post_page_form(
        world.client,
        page,
        page,
        {
            "ways": ["commitment", "training"],
            "corrected_on": "2026-06-01",
            "correction": "已整改。",
            "commitment": "承诺不再失信。",
        },
        files=[("files", ("整改报告.pdf", PDF, "application/pdf"))],
    )
    assert no_file.status_code == 422
    assert "以下修复方式须提交对应的证明材料：接受专题培训" in no_file.text
    # A positive record cannot be repaired: the page says why, with no form.
    donation = world.client.get(f"/me/repairs/new?record={ids['charitable_donation']}")
    assert donation.status_code == 200
    assert "只能对失信信息或黑名单、重点关注对象名单条目申请信用修复" in donation.text
    assert 'name="corrected_on"' not in donation.text


def test_a_repair_is_filed_followed_and_its_refusal_appealed(world: World) -> None:
    log_in_subject(world)
    page = f"/me/repairs/new?record={record_ids(world, ACME)['administrative_penalty']}"
    answer = post_page_form(
        world.client,
        page,
        page,
        {
            "ways": ["commitment", "rectification"],
            "corrected_on": "2026-06-01",
            "correction": "已足额缴纳罚款并下架虚假宣传内容。",
            "commitment": "本单位承诺依法诚信经营，不再发生同类失信行为。",
            "credit_management": "已建立信用管理制度，专人负责。",
        },
        files=[
            ("files", ("缴款凭证.pdf", PDF, "application/pdf")),
            ("files_rectification", ("整改照片.png", PNG, "image/png")),
        ],
    )
    assert answer.status_code == 303, text_of(answer.text)
    found = re.fullmatch(r"/me/repairs/(\d+)\?filed=1", answer.headers["location"])
    assert found
    rid = found.group(1)
    detail = text_of(world.client.get(answer.headers["location"]).text)
    assert "待信息提供单位出具意见" in detail and "测试market_regulation" in detail
    assert "✔ 符合 （一）" in detail and "✔ 符合 （三）" in detail
    assert "缴款凭证.pdf 证明材料" in detail and "整改照片.png 完成信用整改" in detail
    listed = text_of(world.client.get("/me/repairs").text)
    assert f"{rid} 行政处罚信息" in listed and "意见期限" in listed
    # The department refuses (its written opinion, through the API): the subject sees why,
    # the decision document, and may appeal.
    refused = world.client.post(
        f"/api/v1/repairs/{rid}/opinion",
        json={"positive": False, "text": "虚假宣传内容仍在部分渠道发布。"},
        headers=world.market.headers,
    )
    assert refused.status_code == 200, refused.text
    after = text_of(world.client.get(f"/me/repairs/{rid}").text)
    assert "不予修复" in after and "虚假宣传内容仍在部分渠道发布。" in after
    assert "不予信用修复决定书" in after and "对不予修复决定提出申诉" in after
    appealed = post_page_form(
        world.client,
        f"/me/repairs/{rid}",
        f"/me/repairs/{rid}/appeal",
        {"statement": "相关渠道已于 6 月 10 日全部下架。"},
    )
    assert appealed.status_code == 303
    final = text_of(world.client.get(appealed.headers["location"]).text)
    assert "申诉已提交" in final and "信用管理部门处理中" in final
