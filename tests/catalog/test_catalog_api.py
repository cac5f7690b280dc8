"""The catalog through the API (Measures art. 8): read by anyone; drafted and published as a new
version by the credit authority only; records keep the version they were collected under; items
naming forbidden data (Measures art. 14) are refused."""

from __future__ import annotations

import copy
import json
from importlib import resources

import pytest
from sqlalchemy import select

from fixtures.helpers import credit_code, make_caller, penalty, push
from xinyong.models import AuditEntry, Role

COMPANY = credit_code("91320100MA1CAT01F")

NEW_ITEM = {
    "code": "green_certification",
    "name": "绿色产品认证信息",
    "category": "positive",
    "disclosure": "public",
    "subject_types": ["organisation"],
    "sources": ["market_regulation"],
    "update_cycle": "monthly",
    "retention_years": 5,
    "legal_basis": "《江苏省公共信用信息管理办法（试行）》第十一条",
    "fields": [
        {"name": "certificate_number", "label": "证书编号", "type": "string", "required": True},
        {"name": "certified_on", "label": "认证日期", "type": "date", "required": True},
    ],
}


def default_catalog() -> dict:
    text = resources.files("xinyong.catalog").joinpath("default_catalog.json").read_text("utf-8")
    return json.loads(text)


def catalog_with(*items: dict, title: str = "江苏省公共信用信息目录（2026 年修订）") -> dict:
    catalog = default_catalog()
    catalog["title"] = title
    catalog["items"] = [*catalog["items"], *copy.deepcopy(list(items))]
    return catalog


def green_record(source_id: str) -> dict:
    return {
        "item": "green_certification",
        "source_id": source_id,
        "subject": {"credit_code": COMPANY, "name": "南京目录测试有限公司"},
        "fields": {"certificate_number": f"CQC-{source_id}", "certified_on": "2026-06-01"},
    }


@pytest.fixture
def authority(db, clock):  # type: ignore[no-untyped-def]
    return make_caller(db, clock, role=Role.authority, kind="credit_authority")


@pytest.fixture
def provider(db, clock):  # type: ignore[no-untyped-def]
    return make_caller(db, clock, role=Role.provider)


def draft(client, caller, body: dict):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/catalog/versions", json=body, headers=caller.headers)


def publish(client, caller, number: int):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/catalog/versions/{number}/publish", headers=caller.headers)


def version_two(client, authority) -> dict:  # type: ignore[no-untyped-def]
    drafted = draft(client, authority, catalog_with(NEW_ITEM))
    assert drafted.status_code == 201, drafted.text
    published = publish(client, authority, drafted.json()["number"])
    assert published.status_code == 200, published.text
    return published.json()


def archive_versions(client) -> dict[str, int]:  # type: ignore[no-untyped-def]
    archive = client.get(f"/api/v1/subjects/{COMPANY}/archive").json()
    return {
        r["source_id"]: r["catalog_version"] for rs in archive["categories"].values() for r in rs
    }


class TestReadingTheCatalog:
    def test_public_reads_the_published_default(self, client):
        response = client.get("/api/v1/catalog")
        assert response.status_code == 200, response.text
        catalog = response.json()
        assert (catalog["number"], catalog["status"]) == (1, "published")
        assert catalog["title"] == default_catalog()["title"]
        assert catalog["published_at"] is not None

    def test_published_default_lists_every_item_of_the_shipped_file(self, client):
        items = client.get("/api/v1/catalog").json()["items"]
        assert [i["code"] for i in items] == [i["code"] for i in default_catalog()["items"]]

    def test_items_carry_category_disclosure_sources_and_fields(self, client):
        items = {i["code"]: i for i in client.get("/api/v1/catalog").json()["items"]}
        penalty_item = items["administrative_penalty"]
        assert (penalty_item["category"], penalty_item["disclosure"]) == ("negative", "public")
        assert "market_regulation" in penalty_item["sources"]
        assert penalty_item["decision_date_field"] == "decided_on"
        required = {f["name"] for f in penalty_item["fields"] if f["required"]}
        assert {"decision_number", "decided_on", "penalty_category"} <= required
        assert items["criminal_judgment"]["disclosure"] == "authorised"

    def test_versions_list_the_published_default(self, client):
        versions = client.get("/api/v1/catalog/versions").json()
        assert [(v["number"], v["status"]) for v in versions] == [(1, "published")]

    def test_unknown_version_is_404(self, client):
        response = client.get("/api/v1/catalog", params={"version": 99})
        assert response.status_code == 404, response.text
        assert response.json()["error"]["code"] == "not_found"


class TestDraftingAVersion:
    def test_authority_drafts_version_2(self, client, authority):
        response = draft(client, authority, catalog_with(NEW_ITEM))
        assert response.status_code == 201, response.text
        drafted = response.json()
        assert (drafted["number"], drafted["status"]) == (2, "draft")
        assert drafted["items"][-1]["code"] == "green_certification"
        assert len(drafted["items"]) == len(default_catalog()["items"]) + 1

    def test_a_draft_does_not_change_the_published_catalog(self, client, authority):
        draft(client, authority, catalog_with(NEW_ITEM))
        assert client.get("/api/v1/catalog").json()["number"] == 1
        assert client.get("/api/v1/catalog", params={"version": 2}).json()["status"] == "draft"

    def test_item_of_a_draft_cannot_be_pushed_yet(self, client, authority, provider):
        draft(client, authority, catalog_with(NEW_ITEM))
        body = push(client, provider, [green_record("1")]).json()
        assert body["rejected"][0]["errors"][0]["code"] == "unknown_item"

    def test_drafting_is_audited(self, client, db, authority):
        draft(client, authority, catalog_with(NEW_ITEM))
        with db.transaction() as session:
            entry = session.execute(
                select(AuditEntry).where(
                    AuditEntry.action == "catalog.drafted", AuditEntry.target_id == "2"
                )
            ).scalar_one()
        assert entry.actor.startswith("authority:credit_authority-authority#t")

    def test_field_labelled_blood_type_is_422(self, client, authority):
        item = copy.deepcopy(NEW_ITEM)
        item["fields"].append({"name": "donor_group", "label": "血型", "type": "string"})
        response = draft(client, authority, catalog_with(item))
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "invalid_request"
        assert len(client.get("/api/v1/catalog/versions").json()) == 1

    def test_field_named_religion_is_422(self, client, authority):
        item = copy.deepcopy(NEW_ITEM)
        item["fields"].append({"name": "religion", "label": "信息", "type": "string"})
        assert draft(client, authority, catalog_with(item)).status_code == 422

    def test_item_naming_medical_history_is_422(self, client, authority):
        item = {**copy.deepcopy(NEW_ITEM), "code": "medical_records", "name": "就诊病史信息"}
        assert draft(client, authority, catalog_with(item)).status_code == 422

    def test_duplicate_item_codes_are_422(self, client, authority):
        assert draft(client, authority, catalog_with(NEW_ITEM, NEW_ITEM)).status_code == 422

    def test_provider_cannot_draft(self, client, provider):
        response = draft(client, provider, catalog_with(NEW_ITEM))
        assert response.status_code == 403, response.text
        assert response.json()["error"]["code"] == "forbidden"
        assert len(client.get("/api/v1/catalog/versions").json()) == 1

    def test_public_cannot_draft(self, client):
        response = client.post("/api/v1/catalog/versions", json=catalog_with(NEW_ITEM))
        assert response.status_code == 401, response.text
        assert response.json()["error"]["code"] == "not_authenticated"


class TestPublishingAVersion:
    def test_published_version_becomes_the_catalog(self, client, authority):
        published = version_two(client, authority)
        assert (published["number"], published["status"]) == (2, "published")
        assert client.get("/api/v1/catalog").json()["number"] == 2

    def test_previous_version_is_superseded(self, client, authority):
        version_two(client, authority)
        versions = client.get("/api/v1/catalog/versions").json()
        assert [(v["number"], v["status"]) for v in versions] == [
            (1, "superseded"),
            (2, "published"),
        ]

    def test_records_keep_the_version_they_were_collected_under(self, client, authority, provider):
        assert push(client, provider, [penalty("before", COMPANY)]).json()["accepted"] == 1
        version_two(client, authority)
        after = push(client, provider, [penalty("after", COMPANY), green_record("green")])
        assert after.json()["accepted"] == 2, after.text
        assert archive_versions(client) == {"before": 1, "after": 2, "green": 2}

    def test_publishing_the_published_version_is_409_catalog_not_draft(self, client, authority):
        response = publish(client, authority, 1)
        assert response.status_code == 409, response.text
        assert response.json()["error"]["code"] == "catalog_not_draft"

    def test_publishing_twice_is_409_catalog_not_draft(self, client, authority):
        version_two(client, authority)
        response = publish(client, authority, 2)
        assert response.status_code == 409, response.text
        assert response.json()["error"]["code"] == "catalog_not_draft"

    def test_publishing_a_superseded_version_is_409_catalog_not_draft(self, client, authority):
        version_two(client, authority)
        response = publish(client, authority, 1)
        assert response.status_code == 409, response.text
        assert client.get("/api/v1/catalog").json()["number"] == 2

    def test_publishing_an_unknown_version_is_404(self, client, authority):
        response = publish(client, authority, 42)
        assert response.status_code == 404, response.text

    def test_provider_cannot_publish(self, client, authority, provider):
        drafted = draft(client, authority, catalog_with(NEW_ITEM)).json()
        response = publish(client, provider, drafted["number"])
        assert response.status_code == 403, response.text
        assert client.get("/api/v1/catalog").json()["number"] == 1
