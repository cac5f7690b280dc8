"""Records of any default-catalog item, built from the item's required fields as the shipped
catalog JSON states them, so the tests follow the catalog rather than a copy of it."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from fixtures.helpers import AUTHORITY_CODE

PAST_DAY = "2026-05-10"


@cache
def catalog_items() -> dict[str, dict]:
    text = resources.files("xinyong.catalog").joinpath("default_catalog.json").read_text("utf-8")
    return {item["code"]: item for item in json.loads(text)["items"]}


def required_fields(item: str) -> list[dict]:
    return [f for f in catalog_items()[item]["fields"] if f.get("required")]


def sample_value(field: dict) -> Any:
    kind = field["type"]
    if kind == "date":
        return PAST_DAY
    if kind == "decimal":
        return "10.5"
    if kind == "integer":
        return 2025
    if kind == "enum":
        return field["values"][0]
    if kind == "credit_code":
        return AUTHORITY_CODE
    return f"{field['label']}（测试）"


def sample_record(
    item: str,
    source_id: str,
    subject: dict,
    *,
    severity: str | None = "general",
    determined_on: str = PAST_DAY,
    **fields: Any,
) -> dict:
    """A valid record of ``item``: every required field sampled, ``fields`` on top; negative
    items get ``severity`` and ``determined_on``."""
    values = {f["name"]: sample_value(f) for f in required_fields(item)}
    values.update(fields)
    record: dict[str, Any] = {
        "item": item,
        "source_id": source_id,
        "subject": subject,
        "fields": values,
    }
    if catalog_items()[item]["category"] == "negative":
        record["severity"] = severity
        record["determined_on"] = determined_on
    return record


def registration(
    source_id: str,
    code: str,
    name: str,
    *,
    legal_representative: tuple[str, str] | None = None,
    **fields: Any,
) -> dict:
    """An org_registration record; ``legal_representative`` is (name, ID number)."""
    extra: dict[str, Any] = {"name": name, "status": "存续", **fields}
    if legal_representative is not None:
        extra["legal_representative_name"] = legal_representative[0]
        extra["legal_representative_id_number"] = legal_representative[1]
    return sample_record(
        "org_registration", source_id, {"credit_code": code, "name": name}, **extra
    )
