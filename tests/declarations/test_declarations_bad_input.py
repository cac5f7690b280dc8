"""Every refusal of a declaration and of its verification, on both databases: a stable code,
the status, and nothing stored (no declaration, no file, no task)."""

from __future__ import annotations

import json

import pytest
from declaration_world import CONTRACT, PDF, PNG, DeclarationWorld, error, qualification

MB = 1024 * 1024


@pytest.mark.parametrize(
    ("files", "status", "code"),
    [
        # Claims PDF by its type and its name, holds a PNG.
        ([("许可证.pdf", PNG, "application/pdf")], 422, "attachment_type_mismatch"),
        # Claims PDF, holds text.
        ([("许可证.pdf", b"just some text", "application/pdf")], 422, "attachment_type_mismatch"),
        # A PDF named as a PNG.
        ([("scan.png", PDF, "application/octet-stream")], 422, "attachment_type_mismatch"),
        # Neither claims nor holds an accepted type.
        ([("说明.txt", b"hello", "text/plain")], 422, "unsupported_attachment_type"),
        ([("empty", b"", "application/octet-stream")], 422, "unsupported_attachment_type"),
        # One good file does not carry a bad one.
        (
            [("a.pdf", PDF, "application/pdf"), ("b.pdf", b"<html>", "application/pdf")],
            422,
            "attachment_type_mismatch",
        ),
        ([("big.pdf", PDF + b"\0" * (20 * MB), "application/pdf")], 413, "file_too_large"),
        ([(f"{i}.pdf", PDF, "application/pdf") for i in range(6)], 422, "too_many_attachments"),
    ],
)
def test_a_bad_attachment_is_refused_and_nothing_stored(
    dw: DeclarationWorld, files: list, status: int, code: str
) -> None:
    before = dw.stored()
    answer = dw.declare(files=files)
    assert answer.status_code == status, answer.text
    assert error(answer)["code"] == code
    assert dw.stored() == before


def test_exactly_20_mb_is_accepted(dw: DeclarationWorld) -> None:
    data = PDF + b"\0" * (20 * MB - len(PDF))
    d = dw.declared(files=[("big.pdf", data, "application/pdf")])
    assert d["attachments"][0]["size"] == 20 * MB


@pytest.mark.parametrize(
    ("over", "status", "code", "field"),
    [
        ({"category": "charity"}, 422, "unknown_declaration_category", "category"),
        (
            {"fields": {"licence_name": "食品经营许可证"}},
            422,
            "missing_declaration_field",
            "fields.issuing_authority",
        ),
        (
            {"fields": qualification(valid_to="2024-01-01")},
            422,
            "invalid_declaration_field",
            "fields",
        ),
        (
            {"fields": qualification(valid_from="2026-06-16", valid_to=None)},
            422,
            "invalid_declaration_field",
            "fields.valid_from",
        ),
        (
            {"fields": qualification(colour="red")},
            422,
            "invalid_declaration_field",
            "fields.colour",
        ),
        (
            {
                "category": "operation",
                "fields": {"period_from": "2025-01-01", "period_to": "2025-12-31"},
            },
            422,
            "invalid_declaration_field",
            "fields",
        ),
        ({"confirmed": False}, 422, "not_confirmed", "confirmed"),
        ({"commitment_version": 2}, 409, "commitment_text_not_current", "commitment_version"),
        (
            {"legal_representative": None},
            422,
            "missing_legal_representative",
            "legal_representative",
        ),
        ({"department": "court"}, 422, "department_not_competent", "department"),
        ({"department": "nowhere"}, 422, "unknown_department", "department"),
        ({"fields": "licence"}, 422, "invalid_request", "fields"),
    ],
)
def test_a_bad_declaration_is_refused_and_nothing_stored(
    dw: DeclarationWorld, over: dict, status: int, code: str, field: str
) -> None:
    before = dw.stored()
    answer = dw.declare(**over)
    assert answer.status_code == status, answer.text
    assert error(answer)["code"] == code
    assert error(answer)["field"] == field
    assert dw.stored() == before


def test_the_missing_fields_are_named(dw: DeclarationWorld) -> None:
    answer = dw.declare("contract", {"counterparty": "某公司"})
    assert error(answer)["detail"]["missing"] == [
        "amount",
        "contract_subject",
        "performed_on",
    ]


def test_a_declaration_that_is_not_json_is_400(dw: DeclarationWorld) -> None:
    before = dw.stored()
    answer = dw.declare(raw='{"category": "qualification", ')
    assert answer.status_code == 400 and error(answer)["code"] == "malformed_json"
    missing = dw.client.post("/api/v1/declarations", headers=dw.acme.headers)
    assert missing.status_code == 422 and error(missing)["code"] == "invalid_request"
    assert dw.stored() == before


def test_a_nul_escaped_in_the_declaration_is_refused(dw: DeclarationWorld) -> None:
    """The form's bytes hold no NUL, its JSON does: refused as in any body (core/nul.py), not
    a 500 from PostgreSQL (core/api.json_part)."""
    before = dw.stored()
    body = {"category": "qualification", "fields": qualification(licence_name="许可QQ")}
    raw = json.dumps(
        {**body, "legal_representative": "王法人", "commitment_version": 1, "confirmed": True},
        ensure_ascii=False,
    ).replace("QQ", "\\u0000")
    answer = dw.declare(raw=raw)
    assert answer.status_code == 422, answer.text
    assert (error(answer)["code"], error(answer)["field"]) == (
        "invalid_request",
        "fields.licence_name",
    )
    assert dw.stored() == before


def test_only_subjects_declare(dw: DeclarationWorld) -> None:
    body = {"category": "contract", "fields": CONTRACT, "commitment_version": 1, "confirmed": True}
    answer = dw.client.post(
        "/api/v1/declarations",
        data={"declaration": json.dumps(body)},
        headers=dw.w.market.headers,
    )
    assert answer.status_code == 403 and error(answer)["code"] == "forbidden"


def test_verification_out_of_order_or_incomplete_is_refused(dw: DeclarationWorld) -> None:
    d = dw.declared()  # verified automatically
    rejected = dw.verify(d["id"], "rejected")
    assert rejected.status_code == 409
    assert error(rejected)["detail"]["reason"] == "already_verified"
    again = dw.verify(d["id"], "verified")
    assert again.status_code == 409 and error(again)["code"] == "invalid_state"
    no_number = dw.verify(d["id"], "false", decision_number=None)
    assert no_number.status_code == 422 and error(no_number)["code"] == "missing_decision_number"
    no_reason = dw.verify(d["id"], "false", reason="")
    assert no_reason.status_code == 422 and error(no_reason)["code"] == "invalid_request"
    unknown = dw.verify("123456789", "verified")
    assert unknown.status_code == 404 and error(unknown)["code"] == "unknown_declaration"
    # Nothing of these was stored: still verified, no record.
    now = dw.client.get(f"/api/v1/declarations/{d['id']}", headers=dw.acme.headers).json()
    assert now["state"] == "verified" and now["record_id"] is None
    assert len(now["steps"]) == 2
    # Found false once; then closed.
    assert dw.verify(d["id"], "false").status_code == 200
    twice = dw.verify(d["id"], "false")
    assert twice.status_code == 409 and error(twice)["detail"]["reason"] == "invalid_state"
