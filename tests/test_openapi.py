"""The published OpenAPI document (/api/v1/openapi.json) describes every route, who may call it
and what it answers, including the error codes clients branch on."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from fixtures.helpers import make_caller
from xinyong.models import Role

METHODS = {"get", "post", "put", "patch", "delete"}
ROLES = {r.value for r in Role}
ROW_ERROR_CODES = [
    "invalid_credit_code",
    "invalid_id_number",
    "unknown_item",
    "not_item_source",
    "missing_field",
    "invalid_field",
    "unknown_field",
    "missing_severity",
    "forbidden_field",
    "future_date",
    "invalid_subject",
]


@pytest.fixture
def doc(api_document: dict) -> dict:
    return api_document


def operations(doc: dict) -> list[tuple[str, str, dict]]:
    return [
        (method, path, op)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def api_routes(routes, prefix: str = "") -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(method, path) of every API route, descending into included routers. The pages are
    routes too, but not the API's: they stay out of its document (include_in_schema=False)."""
    found: set[tuple[str, str]] = set()
    for route in routes:
        if isinstance(route, APIRoute) and route.include_in_schema:
            found |= {
                (m.lower(), prefix + route.path_format)
                for m in route.methods
                if m.lower() in METHODS
            }
        elif hasattr(route, "original_router"):  # a router included with a prefix
            found |= api_routes(route.original_router.routes, prefix + route.include_context.prefix)
    return found


def batches(doc: dict) -> dict:
    return doc["paths"]["/api/v1/records/batches"]["post"]


class TestRoutes:
    def test_document_is_openapi_3(self, doc):
        assert doc["openapi"].startswith("3.")
        assert doc["info"]["title"]

    def test_every_route_of_the_app_is_documented(self, bare_app, doc):
        routes = api_routes(bare_app.routes)
        documented = {(method, path) for method, path, _ in operations(doc)}
        assert len(routes) >= 10, routes
        assert routes == documented

    def test_core_routes_are_present(self, doc):
        assert {
            "/api/v1/records/batches",
            "/api/v1/subjects/{key}",
            "/api/v1/subjects/{key}/archive",
            "/api/v1/catalog",
            "/api/v1/catalog/versions",
            "/api/v1/catalog/versions/{number}/publish",
            "/api/v1/departments",
            "/api/v1/tokens",
            "/api/v1/tokens/{token_id}/revoke",
            "/api/v1/health",
        } <= set(doc["paths"])

    def test_operation_ids_are_unique(self, doc):
        ids = [op["operationId"] for _, _, op in operations(doc)]
        assert len(ids) == len(set(ids))


class TestCallers:
    def test_every_operation_lists_its_callers(self, doc):
        for method, path, op in operations(doc):
            callers = op.get("x-callers")
            assert callers, f"{method} {path} has no x-callers"
            assert set(callers) <= ROLES, f"{method} {path}: {callers}"

    def test_every_description_starts_with_callers(self, doc):
        for method, path, op in operations(doc):
            assert op.get("description", "").startswith("**Callers:**"), f"{method} {path}"

    def test_operations_needing_a_token_document_401_and_403(self, doc):
        for method, path, op in operations(doc):
            if "public" in op["x-callers"]:
                continue
            assert {"401", "403"} <= set(op["responses"]), f"{method} {path}"
            assert "not_authenticated" in op["responses"]["401"]["description"]
            assert "forbidden" in op["responses"]["403"]["description"]

    def test_batches_are_for_providers_only(self, doc):
        assert batches(doc)["x-callers"] == ["provider"]

    def test_error_responses_use_the_error_schema(self, doc):
        for method, path, op in operations(doc):
            for status, response in op["responses"].items():
                if not status.startswith(("4", "5")):
                    continue
                schema = response["content"]["application/json"]["schema"]
                error = schema["properties"]["error"]
                assert set(error["required"]) == {"code", "message", "message_en"}, (
                    f"{method} {path} {status}"
                )

    def test_operations_open_to_the_public_document_the_401_of_a_bad_token(self, doc):
        for method, path, op in operations(doc):
            if op["x-callers"] != ["public"]:
                assert "401" in op["responses"], f"{method} {path}"


class TestBatchesOperation:
    def test_documents_413_batch_too_large(self, doc):
        responses = batches(doc)["responses"]
        assert "413" in responses
        assert "batch_too_large" in responses["413"]["description"]

    def test_documents_its_batch_level_error_codes(self, doc):
        responses = batches(doc)["responses"]
        assert "malformed_json" in responses["400"]["description"]
        assert "invalid_body" in responses["400"]["description"]
        assert "invalid_channel" in responses["422"]["description"]
        assert "invalid_records" in responses["422"]["description"]

    def test_documents_the_request_body_schema(self, doc):
        body = batches(doc)["requestBody"]
        assert body["required"] is True
        schema = body["content"]["application/json"]["schema"]
        if "$ref" in schema:
            schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        assert set(schema["required"]) == {"channel", "records"}
        assert set(schema["properties"]["channel"]["enum"]) == {"same_level", "province_unified"}
        records = schema["properties"]["records"]
        assert records["type"] == "array" and records["maxItems"] == 10_000

    def test_documents_every_row_error_code(self, doc):
        description = batches(doc)["description"]
        for code in ROW_ERROR_CODES:
            assert f"`{code}`" in description, code

    def test_documents_the_idempotency_key_header(self, doc):
        headers = [p for p in batches(doc)["parameters"] if p["in"] == "header"]
        assert [h["name"] for h in headers] == ["idempotency-key"]

    def test_every_reference_in_the_document_resolves(self, doc):
        refs: set[str] = set()

        def walk(node: object) -> None:
            if isinstance(node, dict):
                for key, value in node.items():
                    if key == "$ref" and isinstance(value, str):
                        refs.add(value)
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(doc)
        schemas = doc["components"]["schemas"]
        dangling = sorted(r for r in refs if r.rsplit("/", 1)[-1] not in schemas)
        assert dangling == []


def test_a_bad_token_on_a_public_operation_is_401(client):
    response = client.get("/api/v1/catalog", headers={"Authorization": "Bearer xy_unknown"})
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "not_authenticated"


def test_openapi_json_is_served_by_the_running_app(client, api_document):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/records/batches" in response.json()["paths"]
    # What the other tests read, made once per process (tests/conftest.py).
    assert response.json() == api_document


class TestSecurity:
    def test_no_operation_open_to_the_public_requires_a_token(self, doc):
        public = [
            (method, path, op)
            for method, path, op in operations(doc)
            if "public" in op["x-callers"]
        ]
        assert len(public) >= 9
        for method, path, op in public:
            # No security at all, or the empty requirement among the alternatives: optional.
            assert "security" not in op or {} in op["security"], f"{method} {path}"

    def test_every_other_operation_requires_the_bearer_token(self, doc):
        for method, path, op in operations(doc):
            if "public" not in op["x-callers"]:
                assert op.get("security") == [{"HTTPBearer": []}], f"{method} {path}"


def json_operations(doc: dict) -> list[tuple[str, str, dict]]:
    return [
        (method, path, op)
        for method, path, op in operations(doc)
        if "application/json" in op.get("requestBody", {}).get("content", {})
    ]


class TestMalformedBodies:
    def test_every_operation_with_a_json_body_documents_malformed_json(self, doc):
        found = json_operations(doc)
        assert len(found) >= 25
        for method, path, op in found:
            assert "`malformed_json`" in op["responses"]["400"]["description"], f"{method} {path}"

    def test_every_operation_with_a_json_body_answers_malformed_json(self, client, db, clock, doc):
        tokens = {
            role: make_caller(db, clock, role=role, subject_id=1 if role is Role.subject else None)
            for role in Role
            if role is not Role.public
        }
        for method, path, op in json_operations(doc):
            caller = tokens[Role(op["x-callers"][0])]
            url = re.sub(r"\{key\}", "91320100MA1X2Y3W4T", path)
            url = re.sub(r"\{code\}", "court_judgment_defaulters", url)
            url = re.sub(r"\{\w+\}", "1", url)
            answer = client.request(
                method.upper(),
                url,
                content=b'{"records": [1, 2',
                headers={**caller.headers, "Content-Type": "application/json"},
            )
            assert answer.status_code == 400, f"{method} {path}: {answer.text}"
            assert answer.json()["error"]["code"] == "malformed_json", f"{method} {path}"


class TestMethodNotAllowed:
    def test_a_method_a_path_does_not_take_is_405_with_allow(self, client, doc):
        for path, item in doc["paths"].items():
            documented = {m.upper() for m in item if m in METHODS}
            url = re.sub(r"\{\w+\}", "1", path)
            wrong = next(m for m in ("PATCH", "PUT", "DELETE") if m not in documented)
            answer = client.request(wrong, url)
            assert answer.status_code == 405, f"{wrong} {path}"
            assert answer.json()["error"]["message"]
            # Every method of the path, and only methods some route of the address takes (GET
            # /calendar/years is routed to /calendar/{year}, and refused there).
            allowed = set(answer.headers["allow"].split(", "))
            assert documented <= allowed, f"{wrong} {path}"
            for method in allowed - documented:
                assert client.request(method, url).status_code != 405, f"{method} {path}"

    def test_pages_answer_405_with_allow_and_the_page(self, client):
        for url, allowed in (("/login", {"GET", "POST"}), ("/", {"GET"})):
            answer = client.request("PUT", url)
            assert answer.status_code == 405
            assert set(answer.headers["allow"].split(", ")) == allowed
            assert "不支持此操作" in answer.text
