"""Departments and their API tokens, managed by the credit authority. A token is shown once, at
creation; only its SHA-256 is stored; a revoked token no longer authenticates."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from fixtures.helpers import Caller, credit_code, make_caller
from xinyong.models import ApiToken, AuditEntry, Role

COMPANY = credit_code("91320100MA1TAX01G")
TAX_OFFICE = {
    "code": "tax-nanjing",
    "name": "国家税务总局南京市税务局",
    "region_code": "320100",
    "kind": "tax",
}


def tax_arrears(source_id: str) -> dict:
    return {
        "item": "tax_arrears",
        "source_id": source_id,
        "subject": {"credit_code": COMPANY, "name": "南京欠税测试有限公司"},
        "fields": {
            "tax_type": "增值税",
            "arrears_amount": "3.2",
            "counted_on": "2026-03-31",
            "tax_authority": "国家税务总局南京市税务局",
        },
        "severity": "general",
        "determined_on": "2026-04-15",
    }


def push_with(client, token: str, records: list[dict]):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/records/batches",
        json={"channel": "same_level", "records": records},
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.fixture
def authority(db, clock) -> Caller:  # type: ignore[no-untyped-def]
    return make_caller(db, clock, role=Role.authority, kind="credit_authority")


def create_department(client, authority: Caller, **over):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/departments", json={**TAX_OFFICE, **over}, headers=authority.headers
    )


def issue(client, authority: Caller, **body):  # type: ignore[no-untyped-def]
    payload = {"name": "税务局数据交换", "role": "provider", "department": "tax-nanjing", **body}
    return client.post("/api/v1/tokens", json=payload, headers=authority.headers)


@pytest.fixture
def tax_token(client, authority) -> dict:  # type: ignore[no-untyped-def]
    assert create_department(client, authority).status_code == 201
    response = issue(client, authority)
    assert response.status_code == 201, response.text
    return response.json()


def error_code(response) -> str:  # type: ignore[no-untyped-def]
    return response.json()["error"]["code"]


class TestDepartments:
    def test_authority_registers_a_department(self, client, authority):
        response = create_department(client, authority)
        assert response.status_code == 201, response.text
        created = response.json()
        assert {k: created[k] for k in TAX_OFFICE} == TAX_OFFICE
        assert created["created_at"]

    def test_registered_department_is_listed(self, client, authority):
        create_department(client, authority)
        listed = client.get("/api/v1/departments", headers=authority.headers).json()
        assert "tax-nanjing" in [d["code"] for d in listed]

    def test_providers_may_list_departments(self, client, db, clock, authority):
        create_department(client, authority)
        provider = make_caller(db, clock, role=Role.provider)
        response = client.get("/api/v1/departments", headers=provider.headers)
        assert response.status_code == 200, response.text

    def test_public_may_not_list_departments(self, client):
        response = client.get("/api/v1/departments")
        assert (response.status_code, error_code(response)) == (401, "not_authenticated")

    def test_existing_code_is_409_department_exists(self, client, authority):
        create_department(client, authority)
        response = create_department(client, authority, name="另一个局")
        assert (response.status_code, error_code(response)) == (409, "department_exists")

    def test_unknown_sector_is_422_invalid_kind(self, client, authority):
        response = create_department(client, authority, kind="astrology")
        assert (response.status_code, error_code(response)) == (422, "invalid_kind")

    def test_region_code_not_6_digits_is_422_invalid_region_code(self, client, authority):
        response = create_department(client, authority, region_code="3201")
        assert (response.status_code, error_code(response)) == (422, "invalid_region_code")

    def test_code_with_capitals_is_422(self, client, authority):
        response = create_department(client, authority, code="Tax-Nanjing")
        assert (response.status_code, error_code(response)) == (422, "invalid_request")

    def test_provider_may_not_register_a_department(self, client, db, clock):
        provider = make_caller(db, clock, role=Role.provider)
        response = client.post("/api/v1/departments", json=TAX_OFFICE, headers=provider.headers)
        assert (response.status_code, error_code(response)) == (403, "forbidden")

    def test_registration_is_audited(self, client, db, authority):
        create_department(client, authority)
        with db.transaction() as session:
            entry = session.execute(
                select(AuditEntry).where(AuditEntry.after_ref == "department:tax-nanjing")
            ).scalar_one()
        assert entry.action == "department.created"
        assert entry.detail == {"name": TAX_OFFICE["name"], "kind": "tax", "region_code": "320100"}


class TestTokens:
    def test_token_is_shown_at_creation(self, tax_token):
        assert tax_token["token"].startswith("xy_")
        assert len(tax_token["token"]) > 40
        assert tax_token["prefix"] == tax_token["token"][:10]
        assert (tax_token["role"], tax_token["department"]) == ("provider", "tax-nanjing")

    def test_only_the_hash_of_the_token_is_stored(self, db, tax_token):
        token = tax_token["token"]
        with db.transaction() as session:
            row = session.get(ApiToken, tax_token["id"])
            assert row is not None
            assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
            stored = [getattr(row, c.key) for c in ApiToken.__table__.columns]
        assert token not in [str(v) for v in stored]

    def test_the_token_never_reaches_the_audit_log(self, db, tax_token):
        with db.transaction() as session:
            entries = session.execute(select(AuditEntry)).scalars().all()
            texts = [f"{e.detail} {e.after_ref} {e.target_id}" for e in entries]
        assert not any(tax_token["token"] in text for text in texts)

    def test_new_token_pushes_as_its_department(self, client, tax_token):
        response = push_with(client, tax_token["token"], [tax_arrears("1")])
        assert response.status_code == 200, response.text
        assert response.json()["accepted"] == 1
        archive = client.get(f"/api/v1/subjects/{COMPANY}/archive").json()
        (record,) = archive["categories"]["negative"]
        assert (record["provider"], record["provider_name"]) == ("tax-nanjing", TAX_OFFICE["name"])

    def test_new_token_may_push_only_items_of_its_sector(self, client, tax_token):
        abnormal = {
            "item": "abnormal_operation",
            "source_id": "1",
            "subject": {"credit_code": COMPANY, "name": "南京欠税测试有限公司"},
            "fields": {},
        }
        body = push_with(client, tax_token["token"], [abnormal]).json()
        assert body["rejected"][0]["errors"][0]["code"] == "not_item_source"

    def test_revoked_token_is_401(self, client, authority, tax_token):
        revoked = client.post(f"/api/v1/tokens/{tax_token['id']}/revoke", headers=authority.headers)
        assert revoked.status_code == 200, revoked.text
        assert revoked.json()["token"] is None
        response = push_with(client, tax_token["token"], [tax_arrears("1")])
        assert (response.status_code, error_code(response)) == (401, "not_authenticated")

    def test_revoked_token_cannot_read_as_a_department_either(self, client, authority, tax_token):
        client.post(f"/api/v1/tokens/{tax_token['id']}/revoke", headers=authority.headers)
        response = client.get(
            "/api/v1/departments", headers={"Authorization": f"Bearer {tax_token['token']}"}
        )
        assert response.status_code == 401, response.text

    def test_revoking_twice_is_harmless(self, client, db, authority, tax_token):
        url = f"/api/v1/tokens/{tax_token['id']}/revoke"
        assert client.post(url, headers=authority.headers).status_code == 200
        assert client.post(url, headers=authority.headers).status_code == 200
        with db.transaction() as session:
            entries = session.execute(
                select(AuditEntry).where(AuditEntry.action == "token.revoked")
            ).scalars()
            assert len(list(entries)) == 1

    def test_revoke_answer_names_the_token_department(self, client, authority, tax_token):
        revoked = client.post(f"/api/v1/tokens/{tax_token['id']}/revoke", headers=authority.headers)
        assert revoked.json()["department"] == "tax-nanjing"

    def test_revoking_an_unknown_token_is_404_token_not_found(self, client, authority):
        response = client.post("/api/v1/tokens/999999/revoke", headers=authority.headers)
        assert (response.status_code, error_code(response)) == (404, "token_not_found")

    def test_token_for_an_unknown_department_is_404_department_not_found(self, client, authority):
        response = issue(client, authority, department="nowhere")
        assert (response.status_code, error_code(response)) == (404, "department_not_found")

    def test_provider_token_without_a_department_is_422_missing_field(self, client, authority):
        response = issue(client, authority, department=None)
        assert (response.status_code, error_code(response)) == (422, "missing_field")

    def test_public_token_is_422_invalid_field(self, client, authority):
        response = issue(client, authority, role="public", department=None)
        assert (response.status_code, error_code(response)) == (422, "invalid_field")

    def test_provider_may_not_issue_tokens(self, client, db, clock, authority):
        create_department(client, authority)
        provider = make_caller(db, clock, role=Role.provider)
        response = client.post(
            "/api/v1/tokens",
            json={"name": "x", "role": "authority", "department": "tax-nanjing"},
            headers=provider.headers,
        )
        assert (response.status_code, error_code(response)) == (403, "forbidden")
