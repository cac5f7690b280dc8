"""What every endpoint shares: the request's session (one transaction, committed at the edge),
the caller, and a declaration of who may call it that is enforced and published in OpenAPI."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import orjson
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy.orm import Session

from xinyong.core.auth import PUBLIC, Principal, principal_for_token
from xinyong.core.clock import Clock
from xinyong.db import Database
from xinyong.errors import Forbidden, InvalidRequest, NotAuthenticated
from xinyong.models import Role

bearer = HTTPBearer(auto_error=False, description="API token: `Authorization: Bearer xy_…`")


def database(request: Request) -> Database:
    return request.app.state.db


def clock(request: Request) -> Clock:
    return request.app.state.clock


def _session(request: Request) -> Iterator[Session]:
    db: Database = request.app.state.db
    with db.sessions() as session, session.begin():
        yield session


# scope="function": the commit happens after the endpoint returns and before the response is
# sent, so a failed commit is the caller's error response, never a lost write behind a 200.
db_session = Depends(_session, scope="function")


def _principal(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
) -> Principal:
    if credentials is None:
        return PUBLIC
    db: Database = request.app.state.db
    with db.sessions() as session:
        return principal_for_token(session, credentials.credentials)


current_principal = Depends(_principal)


async def _raw_body(request: Request) -> bytes:
    return await request.body()


raw_body = Depends(_raw_body)


def json_object(raw: bytes) -> dict[str, Any]:
    """A body the endpoint reads itself (to answer with its own error codes, per row or per
    field): a JSON object, or 400 ``malformed_json`` / ``invalid_body``."""
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidRequest(
            f"请求体不是有效的 JSON：{exc}",
            f"body is not valid JSON: {exc}",
            code="malformed_json",
            status=400,
        ) from None
    if not isinstance(body, dict):
        raise InvalidRequest(
            "请求体应为 JSON 对象",
            "the body must be a JSON object",
            code="invalid_body",
            status=400,
        )
    return body


ROLE_NAMES = {
    Role.authority: "信用管理部门 credit authority",
    Role.provider: "信息提供单位 provider",
    Role.user_department: "信息使用单位 user department",
    Role.subject: "信息主体 subject (own data)",
    Role.public: "社会公众 anonymous public",
}

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string", "description": "中文"},
                "message_en": {"type": "string"},
                "field": {"type": ["string", "null"]},
                "detail": {"type": "object"},
            },
            "required": ["code", "message", "message_en"],
        }
    },
}


def _allow(roles: tuple[Role, ...]) -> Callable[[Principal], Principal]:
    def check(principal: Principal = current_principal) -> Principal:
        if principal.role not in roles:
            if principal.role is Role.public:
                raise NotAuthenticated("需要令牌", "a bearer token is required")
            raise Forbidden(
                "无权调用此接口", f"role {principal.role.value} may not call this endpoint"
            )
        return principal

    return check


BODY_MODELS: dict[str, type[BaseModel]] = {}


def endpoint(
    *callers: Role,
    errors: dict[int, list[str]] | None = None,
    summary: str | None = None,
    body: type[BaseModel] | None = None,
) -> dict[str, Any]:
    """Route keyword arguments: the callers check, and the callers and error codes in OpenAPI.

    ``body`` documents a JSON body that the endpoint reads itself (to report errors per row
    rather than reject the whole request). The OpenAPI document puts the callers first in each
    operation's description, before the endpoint's docstring (app.py)."""
    errors = {status: list(codes) for status, codes in (errors or {}).items()}
    # Any operation may be called with a bad or revoked token.
    errors.setdefault(401, []).append("not_authenticated")
    if Role.public not in callers:
        errors.setdefault(403, []).append("forbidden")
    errors.setdefault(422, []).append("invalid_request")
    extra: dict[str, Any] = {"x-callers": [r.value for r in callers]}
    if body is not None:
        BODY_MODELS[body.__name__] = body
        extra["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{body.__name__}"}}
            },
        }
    return {
        "dependencies": [Depends(_allow(callers))],
        "openapi_extra": extra,
        "summary": summary,
        "responses": {
            status: {
                "description": "Error codes: " + ", ".join(f"`{c}`" for c in sorted(set(codes))),
                "content": {"application/json": {"schema": ERROR_SCHEMA}},
            }
            for status, codes in sorted(errors.items())
        },
    }


def complete_openapi(schema: dict[str, Any]) -> dict[str, Any]:
    """Callers first in every description; the self-read bodies' schemas in components."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            callers = operation.get("x-callers")
            if not callers:
                continue
            who = "; ".join(ROLE_NAMES[Role(r)] for r in callers)
            text = operation.get("description", "")
            operation["description"] = f"**Callers:** {who}." + (f"\n\n{text}" if text else "")
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, model in BODY_MODELS.items():
        body = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(body.pop("$defs", {}))
        components[name] = body
    return schema
