"""An objection to the subject's evaluation result through its console (issue 16 § 2; Measures
art. 31): /me/objections/new?evaluation=current shows the current result and files the
objection; the authority's page shows what was objected to, without a referral or a manual
correction."""

from __future__ import annotations

import re

from subject_pages import log_in_subject, post_page_form, text_of

from authority.authority_pages import log_in
from evaluation.evaluation_world import load, small
from fixtures.lists import ACME, World
from xinyong.models import Role


def test_the_subject_objects_to_its_current_result_from_the_form(world: World, db, clock) -> None:  # type: ignore[no-untyped-def]
    page = "/me/objections/new?evaluation=current"
    log_in_subject(world)
    load(db, clock, small())
    # Not evaluated yet: there is nothing to object to.
    assert world.client.get(page).status_code == 404
    ran = world.client.post("/api/v1/evaluation/runs", json={}, headers=world.authority.headers)
    assert ran.status_code == 201, ran.text
    grade = world.client.get(
        f"/api/v1/evaluation/subjects/{ACME}",
        params={"purpose": "异议受理"},
        headers=world.authority.headers,
    ).json()
    form = world.client.get(page)
    assert form.status_code == 200
    text = text_of(form.text)
    assert "公共信用综合评价结果" in text and f"得分 {grade['score']}" in text
    assert "测试模型（第 1 版）" in text and f"评价日 {grade['as_of']}" in text
    answer = post_page_form(
        world.client,
        page,
        page,
        {"ground": "wrong_or_incomplete", "statement": "评价未计入已完成的信用修复。"},
    )
    assert answer.status_code == 303, answer.text
    found = re.fullmatch(r"/me/objections/(\d+)\?filed=1", answer.headers["location"])
    assert found
    detail = text_of(world.client.get(answer.headers["location"]).text)
    assert "公共信用综合评价结果" in detail and "评价未计入已完成的信用修复。" in detail
    # The form now points to the open objection instead of filing a second one.
    again = text_of(world.client.get(page).text)
    assert "对评价结果的异议申请尚未办结" in again
    listed = text_of(world.client.get("/me/objections").text)
    assert "公共信用综合评价结果（评价日" in listed
    # The authority's page: what was objected to, no referral, no manual correction.
    world.client.cookies.clear()
    log_in(world.client, db, clock, role=Role.authority, department="cred")
    shown = world.client.get(f"/authority/objections/{found.group(1)}")
    assert shown.status_code == 200
    text = text_of(shown.text)
    assert f"公共信用综合评价结果（评价日 {grade['as_of']}" in text
    assert "转交核实" not in text
