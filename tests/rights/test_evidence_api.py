"""Evidence files (Measures art. 31 证明材料): PDF, JPEG or PNG by content, at most 20 MB, kept
for the subject and readable only by it, the authority and the departments handling it."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from fixtures.helpers import make_caller
from fixtures.lists import ACME, BETA, World, make_world, org
from xinyong.models import Role, Subject

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


@pytest.fixture
def w(client, db, clock) -> World:
    world = make_world(client, db, clock)
    world.basis(world.market, "administrative_penalty", org(ACME), "p-1")
    world.basis(world.market, "administrative_penalty", org(BETA, "南京乙公司"), "p-2")
    return world


def subject_caller(w: World, key: str):  # type: ignore[no-untyped-def]
    with w.db.transaction() as session:
        sid = session.execute(select(Subject.id).where(Subject.credit_code == key)).scalar_one()
    return make_caller(w.db, w.clock, role=Role.subject, subject_id=sid)


def upload(w: World, caller, data: bytes, name: str = "证明.pdf", subject: str | None = None):  # type: ignore[no-untyped-def]
    form = {"subject": subject} if subject else None
    return w.client.post(
        "/api/v1/evidence", files={"file": (name, data)}, data=form, headers=caller.headers
    )


@pytest.mark.parametrize(
    ("data", "content_type"),
    [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")],
)
def test_pdf_jpeg_and_png_are_kept_with_their_digest(w: World, data, content_type) -> None:  # type: ignore[no-untyped-def]
    acme = subject_caller(w, ACME)
    answer = upload(w, acme, data)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["content_type"] == content_type
    assert body["size"] == len(data)
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    back = w.client.get(f"/api/v1/evidence/{body['id']}", headers=acme.headers)
    assert back.status_code == 200
    assert back.content == data
    assert back.headers["content-type"] == content_type


@pytest.mark.parametrize(
    "data",
    [b"GIF89a" + b"\x00" * 20, b"PK\x03\x04 a zip file", "证明材料.txt".encode(), b"<html>"],
)
def test_other_types_are_refused_whatever_their_name(w: World, data: bytes) -> None:
    answer = upload(w, subject_caller(w, ACME), data, name="看起来像.pdf")
    assert answer.status_code == 415
    assert answer.json()["error"]["code"] == "unsupported_file_type"


def test_a_file_over_20_mb_is_refused_and_20_mb_exactly_is_kept(w: World) -> None:
    acme = subject_caller(w, ACME)
    limit = 20 * 1024 * 1024
    too_big = upload(w, acme, PDF + b"\x00" * (limit + 1 - len(PDF)))
    assert too_big.status_code == 413
    assert too_big.json()["error"]["code"] == "file_too_large"
    exactly = upload(w, acme, PDF + b"\x00" * (limit - len(PDF)))
    assert exactly.status_code == 201
    assert exactly.json()["size"] == limit


def test_an_empty_file_is_refused(w: World) -> None:
    answer = upload(w, subject_caller(w, ACME), b"")
    assert answer.status_code == 415


def test_a_subject_uploads_for_itself_only(w: World) -> None:
    acme = subject_caller(w, ACME)
    answer = upload(w, acme, PDF, subject=BETA)
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "not_your_subject"
    assert upload(w, acme, PDF, subject=ACME).status_code == 201


def test_the_authority_uploads_for_a_named_subject(w: World) -> None:
    missing = upload(w, w.authority, PDF)
    assert missing.status_code == 422
    assert missing.json()["error"]["code"] == "missing_subject"
    assert upload(w, w.authority, PDF, subject=BETA).status_code == 201


def test_a_department_uploads_for_a_named_subject_and_the_public_cannot(w: World) -> None:
    """A department uploads the scan of a paper commitment it records (commitments), for the
    subject it names; it reads the file only once a commitment made to it holds it
    (tests/commitments/test_commitment_pages.py)."""
    missing = upload(w, w.market, PDF)
    assert missing.status_code == 422
    assert missing.json()["error"]["code"] == "missing_subject"
    assert upload(w, w.market, PDF, subject=ACME).status_code == 201
    assert w.client.post("/api/v1/evidence", files={"file": ("a.pdf", PDF)}).status_code == 401


def test_only_the_subject_and_the_authority_read_an_unattached_file(w: World) -> None:
    file_id = upload(w, subject_caller(w, ACME), PDF).json()["id"]
    url = f"/api/v1/evidence/{file_id}"
    assert w.client.get(url, headers=w.authority.headers).status_code == 200
    # Another subject, a department with no step in its procedure: as if it did not exist.
    for caller in (subject_caller(w, BETA), w.market):
        answer = w.client.get(url, headers=caller.headers)
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "unknown_file"
    assert w.client.get(url).status_code == 401


def test_every_read_is_audited(w: World) -> None:
    from xinyong.models import AuditEntry

    file_id = upload(w, subject_caller(w, ACME), PDF).json()["id"]
    w.client.get(f"/api/v1/evidence/{file_id}", headers=w.authority.headers)
    with w.db.transaction() as session:
        actions = session.execute(
            select(AuditEntry.action).where(AuditEntry.target_id == file_id)
        ).scalars()
        assert sorted(actions) == ["evidence.read", "evidence.uploaded"]
