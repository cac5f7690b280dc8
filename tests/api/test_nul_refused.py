"""NUL (U+0000) anywhere in a request the API validates is 422 `invalid_request` naming the
place, on both databases (core/nul.py; issue 12). PostgreSQL holds no NUL in text: before, a
NUL in a path, a query or a body reached a statement there and the request was a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from fixtures.helpers import make_caller
from fixtures.lists import ACME, World, make_world, org
from xinyong.models import Department, EvidenceFile, Role, Subject

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def w(client, db, clock) -> World:
    return make_world(client, db, clock)


def assert_nul_refused(answer, field: str) -> None:  # type: ignore[no-untyped-def]
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert (error["code"], error["field"]) == ("invalid_request", field)
    assert error["message"] and "NUL" in error["message_en"]


def test_nul_in_a_path_parameter(w: World) -> None:
    assert_nul_refused(w.client.get("/api/v1/lists/tax%00a_grade/entries"), "code")
    assert w.client.get("/api/v1/lists/tax_a_grade/entries").status_code == 200


def test_nul_in_a_query_parameter(w: World) -> None:
    url = "/api/v1/tasks?department=cred%00"
    assert_nul_refused(w.client.get(url, headers=w.authority.headers), "department")
    unknown = w.client.get("/api/v1/tasks?department=cred-", headers=w.authority.headers)
    assert unknown.json()["error"]["code"] == "unknown_department"


def departments(w: World) -> set[str]:
    with w.db.transaction() as session:
        return set(session.execute(select(Department.name)).scalars())


def test_nul_in_a_json_value_or_key_is_refused_and_nothing_is_stored(w: World) -> None:
    body = {"code": "nul-test", "name": "测试\x00部门", "region_code": "320000", "kind": "tax"}
    before = departments(w)
    post = w.client.post
    assert_nul_refused(post("/api/v1/departments", json=body, headers=w.authority.headers), "name")
    extra = {**body, "name": "测试部门", "no\x00te": "x"}
    assert_nul_refused(
        post("/api/v1/departments", json=extra, headers=w.authority.headers), "no\\u0000te"
    )
    assert departments(w) == before


def test_the_text_of_an_escape_is_no_nul(w: World) -> None:
    """A backslash followed by `u0000` is six characters of text, stored as sent."""
    body = {"code": "nul-text", "name": "测试\\u0000部门", "region_code": "320000", "kind": "tax"}
    made = w.client.post("/api/v1/departments", json=body, headers=w.authority.headers)
    assert made.status_code == 201, made.text
    assert "测试\\u0000部门" in departments(w)


def test_nul_in_a_form_field_or_file_name(w: World) -> None:
    w.basis(w.market, "administrative_penalty", org(ACME), "p-1")
    with w.db.transaction() as session:
        sid = session.execute(select(Subject.id).where(Subject.credit_code == ACME)).scalar_one()
    acme = make_caller(w.db, w.clock, role=Role.subject, subject_id=sid)
    # Sent as raw bytes: httpx would write the NUL of a file name as %00.
    boundary = "nulboundary"
    raw = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="证明\x00.pdf"'
            f"\r\nContent-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF
        + f"\r\n--{boundary}--\r\n".encode()
    )
    upload = w.client.post(
        "/api/v1/evidence",
        content=raw,
        headers={**acme.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert_nul_refused(upload, "file")
    acting = w.client.post(
        "/api/v1/evidence",
        files={"file": ("证明.pdf", PDF)},
        data={"subject": f"{ACME}\x00"},
        headers=w.authority.headers,
    )
    assert_nul_refused(acting, "subject")
    with w.db.transaction() as session:
        assert session.execute(select(EvidenceFile)).first() is None
