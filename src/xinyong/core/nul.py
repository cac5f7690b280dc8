"""NUL (U+0000) in a request is refused before any statement carries it (issue 12).

PostgreSQL holds no NUL in text — neither to store nor to compare in a WHERE — and psycopg
refuses every statement that binds one, so a NUL in a path, a query string or a JSON body ended
as a 500 there, while SQLite stored it. Every API operation (a dependency of its router, see
app.py) answers it with 422 `invalid_request` on both, `field` naming the parameter or the
place in the body. Bodies an endpoint reads itself (`core.api.raw_body`) are judged by its own
validation: a record batch row by row, a check in `checks.service.validate_request`.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Depends, Request
from starlette.datastructures import UploadFile

from xinyong.errors import InvalidRequest

NUL = "\x00"


def nul_refused(field: str | None) -> InvalidRequest:
    return InvalidRequest(
        "含有 NUL 字符（U+0000），无法保存", "holds a NUL character (U+0000)", field=field
    )


def _first_nul(value: Any, place: str) -> str | None:
    """The place (`a.0.b`, as the API's other 422s name a body field) of the first string or
    object key in ``value`` that holds a NUL, or None."""
    if isinstance(value, str):
        return place if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{place}.{key}" if place else key
            if NUL in key:
                return inner.replace(NUL, "\\u0000")
            found = _first_nul(item, inner)
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _first_nul(item, f"{place}.{index}" if place else str(index))
            if found is not None:
                return found
    return None


def first_nul(value: Any) -> str | None:
    """The place of the first string or key holding a NUL in a parsed body, or None."""
    return _first_nul(value, "")


async def _refuse_nul(request: Request) -> None:
    for name, value in request.path_params.items():
        if NUL in str(value):
            raise nul_refused(name)
    for name, value in request.query_params.multi_items():
        if NUL in name or NUL in value:
            raise nul_refused(name.replace(NUL, "\\u0000"))
    route = request.scope.get("route")
    if getattr(route, "body_field", None) is None:
        return  # no body, or one the endpoint reads itself
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        # FastAPI has read the form already; this reads it from the request's cache.
        for name, value in (await request.form()).multi_items():
            text = (value.filename or "") if isinstance(value, UploadFile) else value
            if NUL in name or NUL in text:
                raise nul_refused(name.replace(NUL, "\\u0000"))
        return
    body = await request.body()
    # JSON carries NUL only escaped, and the escape's six bytes are rare in any body.
    if b"\\u0000" not in body:
        return
    try:
        parsed = json.loads(body)  # as FastAPI reads it
    except ValueError:
        return  # FastAPI answers the malformed body
    place = _first_nul(parsed, "")
    if place is not None:
        raise nul_refused(place or None)


refuse_nul = Depends(_refuse_nul)
