"""Ids and cursors out of range (finding L1 of the security probe): every integer in a path or
query string is bounded in the OpenAPI document, and a number outside its bounds — or inside
them but naming nothing — is a 4xx, never a 500 from the database driver, on the API and on
the pages, whoever asks."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute
from surface import Platform, logged_in

from fixtures.lists import ACME
from xinyong.core.api import MAX_BIGINT
from xinyong.models import Role

# Past BIGINT, past a 32-bit INTEGER, the largest BIGINT, negative, zero.
VALUES = (2**63, 2**31, MAX_BIGINT, -1, 0)
OUT_OF_RANGE = (2**63, -1)
# The other parameters an operation needs, so that only the one under test is wrong.
FILL = {"key": ACME, "code": "court_judgment_defaulters", "month": "2026-05"}


def _integer(schema: dict) -> dict | None:
    for option in (schema, *schema.get("anyOf", ())):
        if option.get("type") == "integer":
            return option
    return None


def integer_parameters(doc: dict) -> list[tuple[str, str, dict, dict]]:
    """(method, path, operation, parameter) of every integer path and query parameter."""
    return [
        (method, path, op, param)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        for param in op.get("parameters", ())
        if param["in"] in ("path", "query") and _integer(param["schema"])
    ]


def request_of(path: str, op: dict, param: dict, value: int) -> tuple[str, dict[str, Any]]:
    query: dict[str, Any] = {}
    for other in op.get("parameters", ()):
        name = other["name"]
        given = value if name == param["name"] else FILL.get(name, 1)
        if other["in"] == "path":
            path = path.replace("{" + name + "}", str(given))
        elif other["in"] == "query" and (name == param["name"] or other.get("required")):
            query[name] = given
    return path, query


@pytest.fixture
def doc(api_document: dict) -> dict:
    return api_document


def test_every_integer_parameter_is_bounded_in_the_document(doc: dict) -> None:
    found = integer_parameters(doc)
    assert len(found) >= 40, len(found)
    for method, path, _, param in found:
        schema = _integer(param["schema"])
        assert schema is not None
        where = f"{method} {path} {param['name']}"
        assert schema.get("minimum", -1) >= 0, where
        assert schema.get("maximum", MAX_BIGINT + 1) <= MAX_BIGINT, where


def refused(answer) -> bool:  # type: ignore[no-untyped-def]
    """422 by the parameter's bounds, or 404 where the path's int convertor lets no negative
    number reach the route (/calendar/{year:int}, /repairs/{repair_id:int})."""
    if answer.status_code == 422:
        return True
    return answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"


def test_no_number_in_a_path_or_query_is_a_500(client, doc: dict, platform: Platform) -> None:  # type: ignore[no-untyped-def]
    failures = []
    for method, path, op, param in integer_parameters(doc):
        first = Role(op["x-callers"][0])
        # The public without a token (the probe's case), and a caller the operation admits.
        roles = {Role.public, first}
        for value in VALUES:
            url, query = request_of(path, op, param, value)
            for role in roles:
                answer = client.request(
                    method.upper(),
                    url,
                    params=query,
                    headers=platform.headers(role),
                    json={} if method in ("post", "put", "patch") else None,
                )
                seen = f"{role.value} {method.upper()} {url} {query}: {answer.status_code}"
                if answer.status_code >= 500:
                    failures.append(seen)
                elif role is first and value in OUT_OF_RANGE and not refused(answer):
                    failures.append(f"{seen}, not 422")
                elif answer.status_code == 422 and role is first and value in OUT_OF_RANGE:
                    assert answer.json()["error"]["code"] == "invalid_request", seen
    assert failures == []


def page_routes(routes, prefix: str = "") -> list[tuple[str, str, list[str]]]:  # type: ignore[no-untyped-def]
    """(method, path, integer path parameters) of the pages (routes outside the API's
    document)."""
    found = []
    for route in routes:
        if isinstance(route, APIRoute) and not route.include_in_schema:
            ints = [p.name for p in route.dependant.path_params if p.field_info.annotation is int]
            if ints:
                found += [(m, prefix + route.path, ints) for m in sorted(route.methods)]
        elif hasattr(route, "original_router"):
            found += page_routes(
                route.original_router.routes, prefix + route.include_context.prefix
            )
    return found


AUDIENCES = {
    "/me/": {"role": Role.subject},
    "/department/": {"role": Role.provider, "department": "amr"},
    "/authority/": {"role": Role.authority, "department": "cred"},
}


def test_no_number_in_a_page_address_is_a_500(app, client, db, clock, platform: Platform) -> None:  # type: ignore[no-untyped-def]
    pages = page_routes(app.routes)
    assert len(pages) >= 20, pages
    browsers = {}
    for prefix, who in AUDIENCES.items():
        extra = {"subject_id": platform.subject_id} if who["role"] is Role.subject else {}
        browsers[prefix] = logged_in(app, db, clock, **who, **extra)
    failures = []
    for method, path, names in pages:
        # The portal's pages (any other prefix) are everyone's: the visitor is their audience.
        audience = next((b for prefix, b in browsers.items() if path.startswith(prefix)), client)
        for name in names:
            for value in VALUES:
                url = re.sub(r"\{(\w+)\}", "1", path.replace("{" + name + "}", str(value)))
                for who, browser in (("anonymous", client), ("audience", audience)):
                    answer = browser.request(method, url, follow_redirects=False)
                    seen = f"{who} {method} {url}: {answer.status_code}"
                    if answer.status_code >= 500:
                        failures.append(seen)
                    elif (
                        who == "audience"
                        and value in OUT_OF_RANGE
                        and (answer.status_code != 400 or "<html" not in answer.text)
                    ):
                        failures.append(f"{seen}, not the 400 page")
    assert failures == []


# Ids the pages read from their query strings themselves (filters and targets).
PAGE_QUERIES = {
    "/me/": [
        "/me/objections/new?record={}",
        "/me/objections/new?entry={}",
        "/me/repairs/new?record={}",
        "/me/repairs/new?entry={}",
        "/me/queries?before={}",
        "/me/objections?filed={}",
    ],
    "/department/": [
        "/department/batches?before={}",
        "/department/lists?before={}",
        "/department/repairs?after={}",
        "/department/check?subject={}",
    ],
}


def test_no_number_in_a_page_query_string_is_a_500(app, db, clock, platform: Platform) -> None:  # type: ignore[no-untyped-def]
    failures = []
    for prefix, urls in PAGE_QUERIES.items():
        who = AUDIENCES[prefix]
        extra = {"subject_id": platform.subject_id} if who["role"] is Role.subject else {}
        browser = logged_in(app, db, clock, **who, **extra)
        for url in urls:
            for value in (*VALUES, 10**19, 10**30, "１２", "²"):
                answer = browser.get(url.format(value), follow_redirects=False)
                if answer.status_code >= 500:
                    failures.append(f"{url.format(value)}: {answer.status_code}")
    assert failures == []
