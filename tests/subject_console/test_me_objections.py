"""Objections through the console: filed with evidence files in one multipart form, followed
through their timeline and documents, appealed; bad input re-renders the form (issue 5 § 2,
§ bad input and security)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from subject_pages import (
    GIF,
    PDF,
    PNG,
    log_in_subject,
    post_page_form,
    record_ids,
    subject_token,
    text_of,
)

from fixtures.lists import ACME, World
from xinyong.models import EvidenceFile, Objection


def _objection_id(location: str) -> int:
    found = re.fullmatch(r"/me/objections/(\d+)\?filed=1", location)
    assert found, location
    return int(found.group(1))


def test_a_subject_files_an_objection_with_a_pdf_and_sees_it_listed(world: World, db) -> None:  # type: ignore[no-untyped-def]
    log_in_subject(world)
    penalty = record_ids(world, ACME)["administrative_penalty"]
    page = f"/me/objections/new?record={penalty}"
    form = world.client.get(page)
    assert form.status_code == 200
    assert "行政处罚信息" in form.text and 'enctype="multipart/form-data"' in form.text
    answer = post_page_form(
        world.client,
        page,
        page,
        {"ground": "wrong_or_incomplete", "statement": "罚款金额有误，应为三万元。"},
        files=[("files", ("处罚决定书.pdf", PDF, "application/pdf"))],
    )
    assert answer.status_code == 303, answer.text
    oid = _objection_id(answer.headers["location"])
    with db.transaction() as session:
        obj = session.execute(select(Objection).where(Objection.id == oid)).scalar_one()
        due = obj.review_due_on
        assert obj.filed_by == "user:acme"
    # Listed with the due date of its review (10 working days, Measures art. 32).
    listed = text_of(world.client.get("/me/objections").text)
    assert f"{oid} 行政处罚信息（记录编号 {penalty}）" in listed
    assert "平台审核中" in listed and due.isoformat() in listed
    # Its page: the statement, the file, the timeline.
    detail = world.client.get(answer.headers["location"])
    text = text_of(detail.text)
    assert "异议申请已提交" in text and "罚款金额有误，应为三万元。" in text
    assert f"审核期限 {due.isoformat()}" in text and "提出申请" in text
    link = re.search(r'href="(/me/evidence/\d+)">处罚决定书.pdf', detail.text)
    assert link, "the evidence file is listed"
    download = world.client.get(link.group(1))
    assert download.status_code == 200 and download.content == PDF
    # The same objection as the API shows it to the subject.
    api = world.client.get(
        f"/api/v1/objections/{oid}", headers=subject_token(world, ACME).headers
    ).json()
    assert api["state"] == "review" and api["target_id"] == str(penalty)
    assert [(f["filename"], f["content_type"]) for f in api["evidence"]] == [
        ("处罚决定书.pdf", "application/pdf")
    ]


BIG_PDF = PDF + b"0" * (20 * 1024 * 1024)


@pytest.mark.parametrize(
    ("statement", "upload", "status", "message"),
    [
        ("金额有误。", ("动图.gif", GIF, "image/gif"), 415, "“动图.gif”不是 PDF、JPEG 或 PNG 文件"),
        ("金额有误。", ("伪装.pdf", GIF, "application/pdf"), 415, "“伪装.pdf”不是 PDF"),
        ("金额有误。", ("大文件.pdf", BIG_PDF, "application/pdf"), 413, "“大文件.pdf”超过 20 MB"),
        ("", ("决定书.pdf", PDF, "application/pdf"), 422, "请写明异议的事实和理由"),
    ],
)
def test_bad_input_re_renders_the_form_with_its_message(  # type: ignore[no-untyped-def]
    world: World, db, statement, upload, status, message
) -> None:
    log_in_subject(world)
    page = f"/me/objections/new?record={record_ids(world, ACME)['administrative_penalty']}"
    answer = post_page_form(
        world.client,
        page,
        page,
        {"ground": "wrong_or_incomplete", "statement": statement},
        files=[("files", upload)],
    )
    assert answer.status_code == status
    assert message in answer.text
    assert "提交未成功" in answer.text and 'name="csrf_token"' in answer.text  # the form again
    assert f">{statement}</textarea>" in answer.text  # what was typed is kept
    with db.transaction() as session:  # nothing kept: no objection, no file
        assert session.execute(select(func.count()).select_from(Objection)).scalar_one() == 0
        assert session.execute(select(func.count()).select_from(EvidenceFile)).scalar_one() == 0


def test_a_missing_ground_and_a_second_objection_are_explained(world: World) -> None:
    log_in_subject(world)
    page = f"/me/objections/new?record={record_ids(world, ACME)['administrative_penalty']}"
    no_ground = post_page_form(world.client, page, page, {"statement": "有误。"})
    assert no_ground.status_code == 422 and "请选择异议理由" in no_ground.text
    first = post_page_form(
        world.client, page, page, {"ground": "forbidden_data", "statement": "不应归集。"}
    )
    assert first.status_code == 303
    # One open objection per target: the form page says so and links to it.
    again = world.client.get(page)
    assert "该信息已有未办结的异议申请" in again.text
    assert f'href="/me/objections/{_objection_id(first.headers["location"])}"' in again.text


def test_a_rejected_objection_is_appealed_and_its_decision_read(world: World) -> None:
    log_in_subject(world)
    page = f"/me/objections/new?record={record_ids(world, ACME)['administrative_penalty']}"
    filed = post_page_form(
        world.client, page, page, {"ground": "wrong_or_incomplete", "statement": "有误。"}
    )
    oid = _objection_id(filed.headers["location"])
    decided = world.client.post(
        f"/api/v1/objections/{oid}/decision",
        json={"outcome": "rejected", "reason": "经核实，处罚信息无误。"},
        headers=world.authority.headers,
    )
    assert decided.status_code == 200, decided.text
    detail = world.client.get(f"/me/objections/{oid}")
    text = text_of(detail.text)
    assert "已办结" in text and "异议不成立 ：经核实，处罚信息无误。" in text
    assert "提出申诉" in text and "申诉期限" in text
    # The decision document, readable on its own page.
    doc = re.search(r'href="(/me/documents/\d+)">异议处理决定书', detail.text)
    assert doc, "the decision is listed"
    document = text_of(world.client.get(doc.group(1)).text)
    assert "异议不成立，维持原信息" in document
    # An appeal without a statement is explained; with one it is filed, with its file.
    action = f"/me/objections/{oid}/appeal"
    empty = post_page_form(world.client, f"/me/objections/{oid}", action, {"statement": ""})
    assert empty.status_code == 422 and "请写明申诉的理由" in empty.text
    appealed = post_page_form(
        world.client,
        f"/me/objections/{oid}",
        action,
        {"statement": "决定书认定的金额与缴款凭证不符。"},
        files=[("files", ("缴款凭证.png", PNG, "image/png"))],
    )
    assert appealed.status_code == 303
    assert appealed.headers["location"] == f"/me/objections/{oid}?appealed=1"
    after = text_of(world.client.get(appealed.headers["location"]).text)
    assert "申诉已提交" in after and "信用管理部门处理中" in after and "缴款凭证.png" in after
    assert "提交申诉" not in after  # once per procedure
