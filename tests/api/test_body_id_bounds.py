"""Ids inside JSON bodies and forms (finding L1 of the security probe, continued): every
integer and every id written as digits in a request body is bounded in the OpenAPI document,
and a number outside its bounds is a 422 ``invalid_request`` naming the field — on the pages
the form's message — never a 500 from the database driver."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from surface import Platform, logged_in

from fixtures.helpers import penalty
from fixtures.lists import ACME
from xinyong.core.api import MAX_BIGINT
from xinyong.models import Record, Role

# Past BIGINT, past a 32-bit INTEGER, the largest BIGINT, past 64 bits, negative, zero.
VALUES = (2**63, 2**31, MAX_BIGINT, 10**20, -1, 0)

Path = tuple[str, ...]  # property names; "[]" an array's items, "{}" an object's values


def _options(schema: dict, components: dict) -> Iterator[dict]:
    if "$ref" in schema:
        yield from _options(components[schema["$ref"].rsplit("/", 1)[1]], components)
        return
    yield schema
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, ()):
            yield from _options(option, components)


def _digits_only(pattern: str) -> bool:
    """A string field that holds a number: its pattern takes digits and nothing else."""
    return bool(re.search(pattern, "123")) and not re.search(pattern, "12a")


def body_fields(doc: dict) -> list[tuple[str, str, dict, Path, dict]]:
    """(method, path, operation, field, schema) of every integer and every digits-only string
    in the JSON request bodies."""
    components = doc["components"]["schemas"]
    found = []

    def walk(schema: dict, at: Path, out: list) -> None:
        for option in _options(schema, components):
            if option.get("type") == "integer" or (
                option.get("type") == "string" and _digits_only(option.get("pattern", "$^"))
            ):
                out.append((at, option))
            for name, sub in option.get("properties", {}).items():
                walk(sub, (*at, name), out)
            if isinstance(option.get("items"), dict):
                walk(option["items"], (*at, "[]"), out)
            if isinstance(option.get("additionalProperties"), dict):
                walk(option["additionalProperties"], (*at, "{}"), out)

    for path, item in doc["paths"].items():
        for method, op in item.items():
            content = op.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                out: list[tuple[Path, dict]] = []
                walk(content["application/json"]["schema"], (), out)
                found += [(method, path, op, at, schema) for at, schema in out]
    return found


@pytest.fixture
def doc(api_document: dict) -> dict:
    return api_document


def test_every_number_in_a_body_is_bounded_in_the_document(doc: dict) -> None:
    found = body_fields(doc)
    assert len(found) >= 20, found
    unbounded = []
    for method, path, _, at, schema in found:
        where = f"{method.upper()} {path} {'.'.join(at)}"
        if schema["type"] == "integer":
            low = schema.get("minimum", schema.get("exclusiveMinimum"))
            high = schema.get("maximum", schema.get("exclusiveMaximum"))
            if low is None or high is None or low < -MAX_BIGINT or high > MAX_BIGINT:
                unbounded.append(f"{where}: {low}..{high}")
        else:
            pattern = schema["pattern"]
            # The pattern bounds the length and refuses zero and signs; the service's own
            # check (core/api.py) refuses the 19-digit numbers past the largest BIGINT.
            taken = [v for v in ("0", "-1", "007", str(10**19), "１２") if re.search(pattern, v)]
            if taken or not re.search(pattern, str(MAX_BIGINT)):
                unbounded.append(f"{where}: {pattern} takes {taken}")
    assert not unbounded, "\n".join(unbounded)


# ---- Every field through the API, as a caller the operation admits


def _record_id(platform: Platform, db, source_id: str = "p-1") -> int:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        return session.execute(
            select(Record.id).where(
                Record.subject_id == platform.subject_id, Record.source_id == source_id
            )
        ).scalar_one()


def _catalog_item(client) -> dict:  # type: ignore[no-untyped-def]
    items = client.get("/api/v1/catalog").json()["items"]
    return next(i for i in items if i["code"] == "administrative_penalty")


def _list_spec(client) -> dict:  # type: ignore[no-untyped-def]
    spec = next(x for x in client.get("/api/v1/lists").json() if x["code"] == "food_drug_watch")
    spec.pop("active_entries", None)
    return spec


Bodies = dict[tuple[str, str], Callable[[], dict]]

# Bodies without ids, whose numbers are bounded by their own schema and tested with it: an
# evaluation model file (points, percents, days, counts; evaluation/schemas.py, tests/evaluation)
# — its rules and sources are unions, and one template cannot hold every variant's fields.
# The same holds for the government-integrity policy (government/schemas.py, tests/government)
# and the quality rule set (quality/schemas.py, tests/quality).
NO_IDS = {
    ("post", "/api/v1/evaluation/models"),
    ("post", "/api/v1/government/policy"),
    ("put", "/api/v1/quality/rules"),
}


def templates(client, platform: Platform, db) -> tuple[Bodies, dict[str, str]]:  # type: ignore[no-untyped-def]
    """A valid body of each operation with numbers in its body — only the field under test is
    then wrong, and an id in range goes as far as the database — and its path's values."""
    record = str(_record_id(platform, db))
    # An objection of its own record: the appeal and the correction name it, and the record
    # under test stays free of it.
    platform.world.push(platform.world.market, penalty("p-2", ACME))
    objection = {
        "target": {"record": record},
        "ground": "wrong_or_incomplete",
        "statement": "处罚决定书文号有误",
        "evidence": [{"file_id": "1", "kind": "evidence"}],
    }
    filed = client.post(
        "/api/v1/objections",
        json={
            **objection,
            "target": {"record": str(_record_id(platform, db, "p-2"))},
            "evidence": [],
        },
        headers=platform.headers(Role.subject),
    )
    assert filed.status_code == 201, filed.text
    repair = {
        "target": {"record": record},
        "ways": ["commitment"],
        "corrected_on": "2026-05-20",
        "correction": "已缴纳罚款并整改",
        "commitment": "本单位承诺今后守法经营",
        "credit_management": "设立信用管理岗位",
        "evidence": [{"file_id": "1", "kind": "evidence"}],
    }
    # A paper commitment the market regulator records for ACME (commitments/).
    signing = {"item": "food_business_prepackaged_notice", "template_version": 1}
    commitment = client.post(
        "/api/v1/commitments",
        json={**signing, "subject": ACME},
        headers=platform.headers(Role.provider),
    )
    assert commitment.status_code == 201, commitment.text
    commitment_item = client.get("/api/v1/commitment-items").json()[0]
    supervision = client.get("/api/v1/inspections/supervision").json()
    del commitment_item["version"], commitment_item["template_version"]
    bodies: Bodies = {
        ("post", "/api/v1/commitment-items"): lambda: {"items": [commitment_item]},
        ("post", "/api/v1/commitments"): lambda: {
            **signing,
            "department": "amr",
            "reference": "受理-002",
            "confirmed": True,
            "evidence_file_id": "1",
        },
        ("post", "/api/v1/commitments/{commitment_id}/fulfilment"): lambda: {
            "outcome": "fulfilled",
            "note": "已补齐材料",
            "evidence_file_id": "1",
        },
        ("post", "/api/v1/commitments/{commitment_id}/documents"): lambda: {
            "documents": ["住所使用证明"],
            "evidence_file_id": "1",
        },
        ("post", "/api/v1/lists/{code}/entries"): lambda: {
            "subject": ACME,
            "basis_records": [int(record)],
            "reason": "符合认定标准",
        },
        ("post", "/api/v1/objections"): lambda: objection,
        ("post", "/api/v1/objections/{objection_id}/correction"): lambda: {
            "action": "revoke",
            "record_id": record,
        },
        ("post", "/api/v1/appeals"): lambda: {
            "procedure": "objection",
            "id": filed.json()["id"],
            "statement": "异议不应驳回",
            "evidence": [{"file_id": "1"}],
        },
        ("post", "/api/v1/repairs"): lambda: repair,
        ("post", "/api/v1/repairs/eligibility"): lambda: repair,
        ("post", "/api/v1/catalog/versions"): lambda: {
            "title": "测试目录",
            "items": [_catalog_item(client)],
        },
        ("post", "/api/v1/lists"): lambda: {"lists": [_list_spec(client)]},
        ("post", "/api/v1/calendar/years"): lambda: {
            "year": 2031,
            "basis": "国办发明电〔2030〕7号",
            "holidays": [{"date": "2031-01-01", "name": "元旦"}],
        },
        ("post", "/api/v1/inspections/supervision"): lambda: {"fields": supervision["fields"]},
        ("post", "/api/v1/risk/rules"): lambda: {
            "code": "licence_expiring",
            "title": "行政许可将在30日内到期",
            "condition": {
                "kind": "date_due",
                "item": "administrative_licensing",
                "field": "valid_to",
                "within": 30,
                "overdue_days": 0,
            },
            "audience": "subject",
            "severity": "notice",
            "basis": {"title": "测试", "number": "测试〔2026〕1号"},
        },
        ("post", "/api/v1/government/debt-indicators"): lambda: {
            "rows": [
                {"region_code": "320115", "year": 2025, "indicator": "debt_ratio", "value": "105"}
            ]
        },
        ("post", "/api/v1/validity-rules"): lambda: {
            "effective_from": "2027-01-01",
            "months": {"general": 12},
            "basis": "测试规则",
        },
    }
    return bodies, {
        "code": "food_drug_watch",
        "objection_id": filed.json()["id"],
        "commitment_id": commitment.json()["id"],
    }


def lowest(schema: dict) -> int:
    """The least value a field takes: its documented minimum; an id's, 1."""
    if "exclusiveMinimum" in schema:
        return int(schema["exclusiveMinimum"]) + 1
    return int(schema.get("minimum", 1))


def place(body: dict, at: Path, value: Any) -> str:
    """Put the value at the field (an array's first item, an object's first value) and return
    the field as errors name it: ``evidence.0.file_id``."""
    if at[0] == "target":  # exactly one of record and list_entry: the other goes
        body["target"] = {}
    node: Any = body
    names = []
    for step, following in zip(at, (*at[1:], None), strict=True):
        key: Any = step
        if step == "[]":
            key = 0
            if not node:
                node.append({} if following else None)
        elif step == "{}":
            key = next(iter(node))
        names.append(str(key))
        if following is None:
            node[key] = value
        else:
            node = node.setdefault(key, {}) if isinstance(node, dict) else node[key]
    return ".".join(names)


def test_no_number_in_a_body_is_a_500(app, doc: dict, platform: Platform, db) -> None:  # type: ignore[no-untyped-def]
    # A 500 is an answer to count here, not an exception to stop at.
    client = TestClient(app, raise_server_exceptions=False)
    bodies, filled = templates(client, platform, db)
    fields = [f for f in body_fields(doc) if (f[0], f[1]) not in NO_IDS]
    assert {(m, p) for m, p, *_ in fields} == set(bodies)
    failures = []
    for method, path, op, at, schema in fields:
        role = Role(op["x-callers"][0])
        url = re.sub(r"\{(\w+)\}", lambda m: filled[m.group(1)], path)
        for value in VALUES:
            # As the field's own type, and as the other: JSON numbers for ids written as
            # strings, and strings for integers (which the API has always taken).
            for given in (value, str(value)):
                body = copy.deepcopy(bodies[method, path]())
                field = place(body, at, given)
                answer = client.request(
                    method.upper(), url, json=body, headers=platform.headers(role)
                )
                seen = f"{role.value} {method.upper()} {url} {field}={given!r}: "
                seen += f"{answer.status_code} {answer.text[:200]}"
                if answer.status_code >= 500:
                    failures.append(seen)
                elif value < lowest(schema) or value > MAX_BIGINT:
                    error = answer.json().get("error", {})
                    if answer.status_code != 422 or error.get("code") != "invalid_request":
                        failures.append(f"{seen}: not 422 invalid_request")
                    elif error.get("field") != field:
                        failures.append(f"{seen}: names {error.get('field')}, not {field}")
    assert not failures, "\n".join(failures)


# ---- The page forms that take ids


NUMBERS = (
    *(str(v) for v in VALUES),
    "9999999999999999999",  # 19 digits, past the largest BIGINT
    "²",  # a digit to str.isdigit, not to int()
    "１２",  # full-width digits
    "1 9223372036854775808",  # one good, one too large
)


IN_RANGE = (str(2**31), str(MAX_BIGINT))


def test_no_number_in_a_form_is_a_500(app, db, clock, platform: Platform) -> None:  # type: ignore[no-untyped-def]
    record = _record_id(platform, db)
    department = logged_in(app, db, clock, role=Role.provider, department="amr")
    form = department.get("/department/lists", params={"list": "food_drug_watch"}).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token, form
    failures = []
    for given in NUMBERS:
        for name in ("basis_text", "basis_records"):
            answer = department.post(
                "/department/lists/food_drug_watch/entries",
                data={
                    "csrf_token": token.group(1),
                    "subject": ACME,
                    name: given,
                    "reason": "符合认定标准",
                },
                follow_redirects=False,
            )
            seen = f"{name}={given!r}: {answer.status_code}"
            refused = answer.status_code == 422 and "依据信息编号应为数字" in answer.text
            if answer.status_code >= 500:
                failures.append(seen)
            elif given not in IN_RANGE and not refused:
                # Refused beside the form, never taken for another number.
                failures.append(f"{seen}, not the form's message")
    # A good number still goes through.
    answer = department.post(
        "/department/lists/food_drug_watch/entries",
        data={
            "csrf_token": token.group(1),
            "subject": ACME,
            "basis_text": str(record),
            "reason": "符合认定标准",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text

    # The subject's forms name their target in the address (?record=, ?entry=).
    subject = logged_in(app, db, clock, role=Role.subject, subject_id=platform.subject_id)
    me = subject.get("/me").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', me)
    assert token, me
    for form in ("objections", "repairs"):
        for target in ("record", "entry"):
            for given in NUMBERS:
                answer = subject.post(
                    f"/me/{form}/new",
                    params={target: given},
                    data={"csrf_token": token.group(1), "statement": "有误。"},
                    follow_redirects=False,
                )
                seen = f"/me/{form}/new?{target}={given!r}: {answer.status_code}"
                if answer.status_code >= 500:
                    failures.append(seen)
                elif answer.status_code != 404 or "<html" not in answer.text:
                    failures.append(f"{seen}, not the 404 page")
    assert not failures, "\n".join(failures)
