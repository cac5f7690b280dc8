"""What every endpoint shares: the request's session (one transaction, committed at the edge),
the caller, and a declaration of who may call it that is enforced and published in OpenAPI."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from typing import Annotated, Any, TypeVar

import anyio.to_thread
import orjson
from fastapi import Depends, Header, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AfterValidator, BaseModel, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.core import labels, nul
from xinyong.core.auth import PUBLIC, Principal, principal_for_token
from xinyong.core.clock import Clock
from xinyong.core.crypto import token_hash
from xinyong.db import Database
from xinyong.errors import Forbidden, InvalidRequest, NotAuthenticated
from xinyong.models import ChangeHead, Role

M = TypeVar("M", bound=BaseModel)

bearer = HTTPBearer(auto_error=False, description="API token: `Authorization: Bearer xy_…`")

# Every id in a path or query string is bounded by its column, so that a number the database
# cannot hold is a 422 (a 400 page), never a 500 from the driver: BIGINT ids (records, entries,
# procedures, checks, files: core/ids.py) and the 32-bit INTEGER keys PostgreSQL gives
# departments, tokens, subscriptions and catalog version numbers (models/).
MAX_BIGINT = 2**63 - 1
MAX_INT32 = 2**31 - 1
BigId = Annotated[int, Path(ge=1, le=MAX_BIGINT, description="a 64-bit id")]
Int32Id = Annotated[int, Path(ge=1, le=MAX_INT32, description="a 32-bit id")]
# A calendar year: the dates Python and both databases can hold.
Year = Annotated[int, Path(ge=1, le=9999, description="a calendar year")]

# The same bound for ids inside JSON bodies and forms (finding L1, continued): a number a
# BIGINT id column cannot hold is a 422 `invalid_request` naming the field, never a 500.
BigIdField = Annotated[int, Field(ge=1, le=MAX_BIGINT, description="a 64-bit id")]
# Ids go out as strings (JavaScript's numbers cannot hold 63 bits) and come back as strings:
# ASCII digits without a leading zero, at most 19 of them …
ID_TEXT = r"^[1-9][0-9]{0,18}$"


def _within_bigint(text: str) -> str:
    # … and, as no pattern says it plainly, no larger than the largest BIGINT.
    if int(text) > MAX_BIGINT:
        raise ValueError(f"an id is at most {MAX_BIGINT}")
    return text


BigIdText = Annotated[
    str,
    Field(pattern=ID_TEXT, description=f"a 64-bit id as a string of digits, 1 to {MAX_BIGINT}"),
    AfterValidator(_within_bigint),
]


def cursor(description: str, *, default: int | None = None) -> Any:
    """A query parameter naming a row id or feed number to continue after: a 64-bit id."""
    return Query(default=default, ge=0, le=MAX_BIGINT, description=description)


def page_offset(description: str = "rows to skip") -> Any:
    # OFFSET is a BIGINT on PostgreSQL and a 64-bit integer on SQLite.
    return Query(default=0, ge=0, le=MAX_BIGINT, description=description)


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


class TokenCache:
    """Principals by token hash, for the hot path of checks. An entry is trusted up to the
    change-feed head at which it was read: revoking a token is a change
    (departments/service.revoke_token), so a request that reads a newer head re-validates
    its token before it acts (checks/endpoints.py)."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[Principal, int]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[Principal, int] | None:
        return self._entries.get(key)

    def put(self, key: str, principal: Principal, head: int) -> None:
        with self._lock:
            if len(self._entries) > 100_000:  # tokens are few; bound it anyway
                self._entries.clear()
            self._entries[key] = (principal, head)


def _read_token(request: Request, token: str) -> tuple[Principal, int]:
    db: Database = request.app.state.db
    with db.sessions() as session:
        # The head first: the token is then read as of this head or later.
        seq = session.execute(select(ChangeHead.seq).where(ChangeHead.id == 1)).scalar_one()
        return principal_for_token(session, token), seq


async def _cached_principal(request: Request) -> Principal:
    # async, and reading the header itself rather than through the `bearer` dependency: on the
    # hot path every dependency costs (the operation declares the scheme in OpenAPI instead).
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return PUBLIC
    cache: TokenCache = request.app.state.tokens
    key = token_hash(token)
    entry = cache.get(key)
    if entry is None:
        entry = await anyio.to_thread.run_sync(_read_token, request, token)
        cache.put(key, *entry)
    request.state.token_head = entry[1]
    return entry[0]


cached_principal = Depends(_cached_principal)


def revalidate_token(request: Request, head: int) -> None:
    """After reading the change feed's head: a token cached before it is read again."""
    known = getattr(request.state, "token_head", None)
    if known is None or head <= known:
        return
    credentials = request.headers.get("authorization", "").partition(" ")[2]
    principal, seq = _read_token(request, credentials)
    request.app.state.tokens.put(token_hash(credentials), principal, seq)
    request.state.token_head = seq


async def _raw_body(request: Request) -> bytes:
    return await request.body()


raw_body = Depends(_raw_body)


# Printable ASCII without surrounding blanks, at most 200 characters (batches.idempotency_key
# is VARCHAR(200)). An empty key is refused rather than taken for "no key": stored once, it
# would clash with every later batch sent with it (finding M3).
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]{0,198}[\x21-\x7e])?")


async def _idempotency_key(
    idempotency_key: str | None = Header(
        default=None,
        description="a retry with the same key returns the first answer; printable ASCII, "
        "1–200 characters",
        json_schema_extra={"minLength": 1, "maxLength": 200, "pattern": IDEMPOTENCY_KEY.pattern},
    ),
) -> str | None:
    if idempotency_key is None:
        return None
    if not IDEMPOTENCY_KEY.fullmatch(idempotency_key):
        raise InvalidRequest(
            "Idempotency-Key 应为 1 至 200 个可打印 ASCII 字符，且首尾不能是空格",
            "Idempotency-Key must be 1 to 200 printable ASCII characters, not starting or "
            "ending with a space",
            field="Idempotency-Key",
            code="invalid_idempotency_key",
            status=400,
        )
    return idempotency_key


checked_idempotency_key = Depends(_idempotency_key)


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


def json_part(model: type[M], raw: str, part: str, name: str) -> M:
    """A multipart form's JSON part (a declaration, a complaint: ``part``, ``name`` in Chinese)
    read as a body is read: 400 ``malformed_json``, 422 ``invalid_request`` with the field at
    fault — a NUL escaped in it too (core/nul.py: the form's own check sees no NUL byte)."""
    try:
        parsed = model.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        if first["type"] == "json_invalid":
            raise InvalidRequest(
                f"{name}不是有效的 JSON",
                f"the {part} is not valid JSON",
                field=part,
                code="malformed_json",
                status=400,
            ) from None
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidRequest(
            f"请求参数无效：{where or part}：{first['msg']}",
            f"invalid request: {where or part}: {first['msg']}",
            field=where or part,
        ) from None
    place = nul.first_nul(parsed.model_dump(mode="json", by_alias=True))
    if place is not None:
        raise nul.nul_refused(place or part)
    return parsed


# Who may call an endpoint, as the API's documentation says it (Chinese from core/labels.py).
ROLE_NAMES = {
    role: f"{labels.ROLE_NAMES[role.value]} {english}"
    for role, english in (
        (Role.authority, "credit authority"),
        (Role.provider, "provider"),
        (Role.user_department, "user department"),
        (Role.subject, "subject (own data)"),
        (Role.public, "anonymous public"),
    )
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


def check_caller(roles: tuple[Role, ...], principal: Principal) -> Principal:
    """The door: 401 without a token, 403 for a role the endpoint does not admit."""
    if principal.role not in roles:
        if principal.role is Role.public:
            raise NotAuthenticated("需要令牌", "a bearer token is required")
        raise Forbidden("无权调用此接口", f"role {principal.role.value} may not call this endpoint")
    return principal


def _allow(roles: tuple[Role, ...], source: Any) -> Callable[..., Any]:
    # async: it only compares, and a sync dependency would cost every request a hop to the
    # thread pool and back.
    async def check(principal: Principal = source) -> Principal:
        return check_caller(roles, principal)

    return check


def _read_caller(request: Request, token: str) -> Principal:
    db: Database = request.app.state.db
    with db.sessions() as session:
        return principal_for_token(session, token)


def _allow_in_write(roles: tuple[Role, ...], body: type[BaseModel]) -> Callable[..., Any]:
    """The door of an endpoint whose write reads its caller's token itself (``endpoint``'s
    ``caller_in_write``): a request without a bearer token is the public's; one whose body is
    valid goes on with its token unread (:func:`caller_token`), the write reading it with
    others' and answering 401 or 403 (:func:`check_caller`) before it does anything; one whose
    body is not valid has its caller checked here, so that the door still answers before the
    body's errors, as at every endpoint."""

    async def check(request: Request) -> None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            check_caller(roles, PUBLIC)
            return
        if not await _valid_body(request, body):  # FastAPI answers it after the door
            check_caller(roles, await anyio.to_thread.run_sync(_read_caller, request, token))
        request.state.caller_token = token

    return check


async def _valid_body(request: Request, model: type[BaseModel]) -> bool:
    """Whether FastAPI will take the body for ``model``: JSON by its content type (none, or
    application/json or …+json), parsed as it parses it, and valid."""
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind and kind != "application/json" and not re.fullmatch(r"application/\S+\+json", kind):
        return False
    try:
        model.model_validate(json.loads(await request.body()))
    except (ValueError, RecursionError):  # JSON's and pydantic's errors alike
        return False
    return True


def caller_token(request: Request) -> str:
    """The bearer token the door of a ``caller_in_write`` endpoint let through unread."""
    token: str = request.state.caller_token
    return token


BODY_MODELS: dict[str, type[BaseModel]] = {}


def endpoint(
    *callers: Role,
    errors: dict[int, list[str]] | None = None,
    summary: str | None = None,
    body: type[BaseModel] | None = None,
    cached_token: bool = False,
    caller_in_write: type[BaseModel] | None = None,
) -> dict[str, Any]:
    """Route keyword arguments: the callers check, and the callers and error codes in OpenAPI.

    ``body`` documents a JSON body that the endpoint reads itself (to report errors per row
    rather than reject the whole request). ``cached_token`` resolves the caller from the
    process's token cache (hot paths; the endpoint must call ``revalidate_token``).
    ``caller_in_write`` (the endpoint's body model) leaves the token of a request with a valid
    body unread at the door: the endpoint's write must read it (``caller_token``) and check it
    (``check_caller``) before anything else — a grouped write reads its group's tokens in one
    statement (commitments/grouped.py). The OpenAPI document puts the callers first in each
    operation's description, before the endpoint's docstring (app.py)."""
    errors = {status: list(codes) for status, codes in (errors or {}).items()}
    if body is not None:  # read by json_object
        errors.setdefault(400, []).extend(["malformed_json", "invalid_body"])
    # Any operation may be called with a bad or revoked token.
    errors.setdefault(401, []).append("not_authenticated")
    if Role.public not in callers:
        errors.setdefault(403, []).append("forbidden")
    errors.setdefault(422, []).append("invalid_request")
    extra: dict[str, Any] = {"x-callers": [r.value for r in callers]}
    if cached_token or caller_in_write is not None:
        extra["security"] = [{"HTTPBearer": []}]
    if body is not None:
        BODY_MODELS[body.__name__] = body
        extra["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{body.__name__}"}}
            },
        }
    return {
        "dependencies": [
            Depends(
                _allow_in_write(callers, caller_in_write)
                if caller_in_write is not None
                else _allow(callers, cached_principal if cached_token else current_principal)
            )
        ],
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


def _document_error(operation: dict[str, Any], status: int, code: str) -> None:
    response = operation.setdefault("responses", {}).setdefault(
        str(status),
        {"description": "Error codes: ", "content": {"application/json": {"schema": ERROR_SCHEMA}}},
    )
    codes = {c for c in re.findall(r"`([a-z_]+)`", response.get("description", ""))} | {code}
    response["description"] = "Error codes: " + ", ".join(f"`{c}`" for c in sorted(codes))


def complete_openapi(schema: dict[str, Any]) -> dict[str, Any]:
    """Callers first in every description; the self-read bodies' schemas in components; the
    errors every body can meet; bearer optional where the public may call."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            callers = operation.get("x-callers")
            if not callers:
                continue
            who = "; ".join(ROLE_NAMES[Role(r)] for r in callers)
            text = operation.get("description", "")
            operation["description"] = f"**Callers:** {who}." + (f"\n\n{text}" if text else "")
            # HTTPBearer puts a required scheme on every operation that reads the caller; an
            # operation the public may call takes a token but needs none (`{}`: no scheme).
            if Role.public.value in callers and operation.get("security"):
                operation["security"] = [{}, *operation["security"]]
            content = operation.get("requestBody", {}).get("content", {})
            if content:
                _document_error(operation, 413, "body_too_large")  # core/limits.py
            if "application/json" in content:
                _document_error(operation, 400, "malformed_json")  # app.py, json_object
            if "multipart/form-data" in content:
                _document_error(operation, 400, "malformed_body")  # app.py, _http_error
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, model in BODY_MODELS.items():
        body = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(body.pop("$defs", {}))
        components[name] = body
    _exact_bounds(components)
    return schema


def _exact_bounds(node: Any) -> None:
    """FastAPI's OpenAPI model holds the models' bounds as floats (Schema.maximum: float), and
    a double rounds the largest BIGINT up to 2**63: the document would take one id too many.
    Bounds are written back as the integers they were; no column holds 2**63, so a maximum
    of 2**63 is the largest BIGINT."""
    if isinstance(node, list):
        for item in node:
            _exact_bounds(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum") and (
                isinstance(value, float) and value.is_integer()
            ):
                node[key] = MAX_BIGINT if key == "maximum" and value == 2**63 else int(value)
            else:
                _exact_bounds(value)
