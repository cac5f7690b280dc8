"""Who may see the console, and what: the subject's own pages only (issue 5 § bad input and
security). The public is sent to log in, other roles get the 403 page, a form without its CSRF
token is refused, and another subject's procedures, documents, files and grants are 404 — as
if they did not exist."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from subject_pages import (
    PASSWORD,
    PDF,
    csrf_of,
    log_in,
    log_in_subject,
    record_ids,
    subject_token,
)

from fixtures.lists import ACME, BETA, World
from xinyong.departments.service import get_department
from xinyong.models import Authorisation, Objection, Role
from xinyong.web import accounts

PAGES = ["/me", "/me/objections", "/me/repairs", "/me/authorisations", "/me/queries"]


def test_the_public_is_sent_to_log_in(world: World) -> None:
    for path in [*PAGES, "/me/objections/new?record=1"]:
        answer = world.client.get(path, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login?next=%2Fme")


@pytest.mark.parametrize(
    ("role", "department"), [(Role.user_department, "finance"), (Role.provider, "amr")]
)
def test_other_roles_get_the_403_page(world: World, role: Role, department: str) -> None:
    with world.db.transaction() as session:
        accounts.create_user(
            session,
            username="staff",
            display_name="经办人",
            password=PASSWORD,
            role=role,
            department=get_department(session, department),
            actor="test",
            now=world.clock.now(),
        )
    log_in(world.client, "staff")
    for path in PAGES:
        answer = world.client.get(path)
        assert answer.status_code == 403 and "无权访问此页面" in answer.text, path
    refused = world.client.post("/me/authorisations", data={"csrf_token": "x"})
    assert refused.status_code == 403 and "无权访问此页面" in refused.text


def test_a_form_without_its_csrf_token_is_refused(world: World, db) -> None:  # type: ignore[no-untyped-def]
    log_in_subject(world)
    penalty = record_ids(world, ACME)["administrative_penalty"]
    objection = world.client.post(
        f"/me/objections/new?record={penalty}",
        data={"ground": "wrong_or_incomplete", "statement": "有误。"},
        files=[("files", ("a.pdf", PDF, "application/pdf"))],
    )
    grant = world.client.post(
        "/me/authorisations",
        data={
            "csrf_token": "forged",
            "grantee": "finance",
            "items": ["charitable_donation"],
            "purpose": "审查",
            "ends_on": "2026-09-30",
        },
    )
    for answer in (objection, grant):
        assert answer.status_code == 403
        assert "页面已过期" in answer.text and "<html" in answer.text
    with db.transaction() as session:
        assert session.execute(select(func.count()).select_from(Objection)).scalar_one() == 0
        assert session.execute(select(func.count()).select_from(Authorisation)).scalar_one() == 0


def test_no_other_subjects_data_is_reachable(world: World, db) -> None:  # type: ignore[no-untyped-def]
    beta = subject_token(world, BETA)
    beta_penalty = record_ids(world, BETA)["administrative_penalty"]
    upload = world.client.post(
        "/api/v1/evidence",
        files={"file": ("b.pdf", PDF, "application/pdf")},
        headers=beta.headers,
    )
    assert upload.status_code == 201, upload.text
    objection = world.client.post(
        "/api/v1/objections",
        json={
            "target": {"record": str(beta_penalty)},
            "ground": "wrong_or_incomplete",
            "statement": "有误。",
            "evidence": [{"file_id": upload.json()["id"]}],
        },
        headers=beta.headers,
    )
    assert objection.status_code == 201, objection.text
    oid = objection.json()["id"]
    decided = world.client.post(
        f"/api/v1/objections/{oid}/decision",
        json={"outcome": "rejected", "reason": "无误。"},
        headers=world.authority.headers,
    )
    assert decided.status_code == 200
    documents = world.client.get(f"/api/v1/subjects/{BETA}/documents", headers=beta.headers)
    document_id = documents.json()[0]["id"]
    grant = world.client.post(
        "/api/v1/authorisations",
        json={
            "grantee": "finance",
            "items": ["charitable_donation"],
            "purpose": "审查",
            "ends_on": "2026-09-30",
        },
        headers=beta.headers,
    )
    assert grant.status_code == 201
    grant_id = grant.json()["id"]

    log_in_subject(world)
    for path in [
        f"/me/objections/{oid}",
        f"/me/documents/{document_id}",
        f"/me/evidence/{upload.json()['id']}",
        f"/me/objections/new?record={beta_penalty}",
        f"/me/repairs/new?record={beta_penalty}",
        "/me/repairs/123456789",
    ]:
        answer = world.client.get(path)
        assert answer.status_code == 404, path
        assert "<html" in answer.text and "有误。" not in answer.text and "b.pdf" not in answer.text
    me = world.client.get("/me")
    token = csrf_of(me.text)
    appeal = world.client.post(
        f"/me/objections/{oid}/appeal", data={"csrf_token": token, "statement": "不服。"}
    )
    revoke = world.client.post(f"/me/authorisations/{grant_id}/revoke", data={"csrf_token": token})
    filed = world.client.post(
        f"/me/objections/new?record={beta_penalty}",
        data={"csrf_token": token, "ground": "wrong_or_incomplete", "statement": "有误。"},
    )
    assert (appeal.status_code, revoke.status_code, filed.status_code) == (404, 404, 404)
    # BETA's grant is untouched, its objection has no appeal, and ACME's lists are empty.
    assert world.client.get("/api/v1/authorisations", headers=beta.headers).json()[0]["live"]
    listed = world.client.get("/me/objections").text
    assert "暂无异议申请" in listed and not re.search(rf"\b{oid}\b", listed)
    with db.transaction() as session:
        assert session.execute(select(func.count()).select_from(Objection)).scalar_one() == 1
