"""Bad input to complaints: each refusal a 4xx with its stable code and field, Chinese and
English, and nothing stored — on the API and on the portal's form, which comes back with the
message beside its input."""

from __future__ import annotations

import json

import pytest
from complaint_pages import log_out, portal_form, post_form, text_of
from complaint_world import (
    INFORMANT,
    PDF,
    PENALTY_FIELDS,
    PNG,
    ComplaintWorld,
    complaint_body,
    error,
)

from fixtures.helpers import credit_code
from fixtures.lists import ACME, CITIZEN

GIF = b"GIF89a" + b"\x00" * 32
BAD_CODE = ACME[:-1] + ("0" if ACME[-1] != "0" else "1")


@pytest.mark.parametrize(
    ("subject", "code", "field"),
    [
        (None, "complaint_subject_required", "subject"),
        ({}, "complaint_subject_required", "subject"),
        ({"credit_code": "  ", "name": "某公司"}, "complaint_subject_required", "subject"),
        ({"credit_code": BAD_CODE}, "invalid_credit_code", "subject.credit_code"),
        ({"credit_code": "91320100"}, "invalid_credit_code", "subject.credit_code"),
        (
            {"id_number": CITIZEN[:-1] + "X", "name": "张三"},
            "invalid_id_number",
            "subject.id_number",
        ),
        ({"id_number": CITIZEN}, "complaint_subject_name_required", "subject.name"),
        (
            {"credit_code": ACME, "id_number": CITIZEN, "name": "张三"},
            "complaint_subject_ambiguous",
            "subject",
        ),
    ],
)
def test_a_complaint_without_a_valid_subject_is_refused(
    cw: ComplaintWorld, subject: dict | None, code: str, field: str
) -> None:
    before = cw.stored()
    answer = cw.file(complaint_body(subject=subject))
    assert answer.status_code == 422, answer.text
    got = error(answer)
    assert (got["code"], got["field"]) == (code, field)
    assert got["message"] and got["message_en"] and got["message"] != got["message_en"]
    assert cw.stored() == before


@pytest.mark.parametrize(
    ("over", "status", "code", "field"),
    [
        ({"happened_on": "2026-06-16"}, 422, "invalid_happened_on", "happened_on"),
        ({"sector": "astrology"}, 422, "unknown_sector", "sector"),
        ({"department": "nowhere"}, 422, "unknown_department", "department"),
        ({"informant": {"phone": "13912345678"}}, 422, "informant_name_required", "informant.name"),
        ({"informant": {"name": "李四"}}, 422, "informant_contact_required", "informant.phone"),
        (
            {"informant": {"name": "李四", "email": "not-an-address"}},
            422,
            "invalid_request",
            "informant.email",
        ),
        ({"facts": ""}, 422, "invalid_request", "facts"),
        ({"place": "x" * 201}, 422, "invalid_request", "place"),
    ],
)
def test_bad_fields_are_refused_with_their_code(
    cw: ComplaintWorld, over: dict, status: int, code: str, field: str
) -> None:
    before = cw.stored()
    answer = cw.file(complaint_body(**over))
    assert answer.status_code == status, answer.text
    assert (error(answer)["code"], error(answer)["field"]) == (code, field)
    assert cw.stored() == before


def test_bad_bodies_and_attachments_store_nothing(cw: ComplaintWorld) -> None:
    before = cw.stored()
    malformed = cw.file(raw="{not json")
    assert malformed.status_code == 400 and error(malformed)["code"] == "malformed_json"
    extra = cw.file(raw=json.dumps({**complaint_body(), "informant_ip": "1.2.3.4"}))
    assert extra.status_code == 422 and error(extra)["field"] == "informant_ip"
    gif = cw.file(files=[("photo.gif", GIF, "image/gif")])
    assert gif.status_code == 422 and error(gif)["code"] == "unsupported_attachment_type"
    liar = cw.file(files=[("scan.pdf", PNG, "application/pdf")])
    assert liar.status_code == 422 and error(liar)["code"] == "attachment_type_mismatch"
    many = cw.file(files=[(f"{i}.pdf", PDF, "application/pdf") for i in range(6)])
    assert many.status_code == 422 and error(many)["code"] == "too_many_attachments"
    assert cw.stored() == before


def test_bad_steps_are_refused_with_their_code(cw: ComplaintWorld) -> None:
    cid = cw.complaint_id(cw.filed(informant=INFORMANT)["receipt_code"])
    # Conclude before accepting; reply without text; refuse without reason.
    early = cw.step(cid, "substantiated", text="属实")
    assert early.status_code == 409 and error(early)["code"] == "complaint_not_accepted_yet"
    for step in ("replied", "not_accepted"):
        bare = cw.step(cid, step)
        assert bare.status_code == 422 and error(bare)["code"] == "complaint_text_required"
    elsewhere = cw.step(cid, "referred", department="nowhere")
    assert elsewhere.status_code == 422 and error(elsewhere)["code"] == "unknown_department"
    here = cw.step(cid, "referred", department="amr")
    assert here.status_code == 409 and error(here)["code"] == "already_there"
    # Not the competent department: 403 for one that sees it, 404 for one that does not.
    foreign = cw.step(cid, "accepted", cw.w.tax)
    assert foreign.status_code == 404 and error(foreign)["code"] == "unknown_complaint"
    watcher = cw.step(cid, "accepted", cw.w.authority)
    assert watcher.status_code == 403 and error(watcher)["code"] == "not_competent_department"
    cw.stepped(cid, "accepted")
    again = cw.step(cid, "accepted")
    assert again.status_code == 409 and error(again)["code"] == "complaint_already_accepted"
    # Substantiated needs exactly one record; a positive item, a bad field, an unknown source.
    neither = cw.step(cid, "substantiated", text="属实")
    assert neither.status_code == 422 and error(neither)["code"] == "complaint_record_required"
    both = cw.step(
        cid,
        "substantiated",
        text="属实",
        record_source_id="p-1",
        record={"item": "administrative_penalty", "fields": PENALTY_FIELDS},
    )
    assert both.status_code == 422 and error(both)["code"] == "complaint_record_required"
    positive = cw.step(
        cid, "substantiated", text="属实", record={"item": "commendation", "fields": {}}
    )
    assert positive.status_code == 422 and error(positive)["code"] == "record_not_negative"
    wrong = cw.step(
        cid,
        "substantiated",
        text="属实",
        record={
            "item": "administrative_penalty",
            "fields": {
                **PENALTY_FIELDS,
                "penalty_authority_code": credit_code("11320100MB1234560")[:-1] + "0",
            },
            "severity": "general",
            "determined_on": "2026-06-15",
        },
    )
    assert wrong.status_code == 422
    assert error(wrong)["field"] == "record.fields.penalty_authority_code"
    unknown = cw.step(cid, "substantiated", text="属实", record_source_id="never-pushed")
    assert unknown.status_code == 422 and error(unknown)["code"] == "unknown_record"
    # None of these changed anything.
    one = cw.get(cid).json()
    assert one["state"] == "accepted" and one["record_id"] is None
    assert [s["step"] for s in one["steps"]] == ["filed", "accepted"]


def test_the_portal_form_comes_back_with_its_message(cw: ComplaintWorld) -> None:
    client = log_out(cw)
    before = cw.stored()
    none = post_form(client, "/complaints/new", "/complaints/new", portal_form(credit_code=""))
    assert none.status_code == 422
    assert 'id="err-subject"' in none.text and "请填写被举报主体" in none.text
    assert "门店销售过期食品" in none.text  # what was typed stays
    bad = post_form(client, "/complaints/new", "/complaints/new", portal_form(credit_code=BAD_CODE))
    assert bad.status_code == 422 and 'id="err-credit_code"' in bad.text
    person = post_form(
        client,
        "/complaints/new",
        "/complaints/new",
        portal_form(subject_type="person", person_name="张三", id_number="320102"),
    )
    assert person.status_code == 422 and 'id="err-id_number"' in person.text
    named = post_form(
        client,
        "/complaints/new",
        "/complaints/new",
        portal_form(named="yes", informant_name="李四"),
    )
    assert named.status_code == 422 and 'id="err-informant_phone"' in named.text
    trap = post_form(
        client, "/complaints/new", "/complaints/new", portal_form(website="http://spam")
    )
    assert trap.status_code == 422 and "不应填写" in text_of(trap.text)
    gif = post_form(
        client,
        "/complaints/new",
        "/complaints/new",
        portal_form(),
        files=[("files", ("a.gif", GIF, "image/gif"))],
    )
    assert gif.status_code == 415 and 'id="err-files"' in gif.text
    stale = client.post("/complaints/new", data={**portal_form(), "csrf_token": "forged"})
    assert stale.status_code == 403
    assert cw.stored() == before
    # The receipt look-up: an unknown code is said so, beside the input.
    unknown = post_form(
        client,
        "/complaints/receipt",
        "/complaints/receipt",
        {"receipt_code": "AAAA-BBBB-CCCC-DDDD"},
    )
    assert unknown.status_code == 404 and 'id="err-receipt_code"' in unknown.text
    api = cw.receipt("short")
    assert api.status_code == 404 and error(api)["code"] == "unknown_receipt"


def test_a_control_character_is_refused_before_anything_is_stored(cw: ComplaintWorld) -> None:
    """PostgreSQL stores no NUL: escaped in the JSON part (no NUL in the form's bytes), it
    would reach the database."""
    before = cw.stored()
    facts = json.dumps(complaint_body(facts="过期QQ食品"), ensure_ascii=False)
    named = json.dumps(
        complaint_body(informant={"name": "李QQ四", "phone": "13912345678"}), ensure_ascii=False
    )
    for raw, escape, code, field in (
        (facts, "\\u0000", "invalid_request", "facts"),  # core/nul: NUL, as in any body
        (named, "\\u0007", "unstorable_text", "informant.name"),
    ):
        answer = cw.file(raw=raw.replace("QQ", escape))
        assert answer.status_code == 422, answer.text
        assert (error(answer)["code"], error(answer)["field"]) == (code, field)
    assert cw.stored() == before
