"""create_app(settings) -> FastAPI. Nothing is built at import time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlencode

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount

from xinyong.authorisations.endpoints import router as authorisations_router
from xinyong.calendar.endpoints import router as calendar_router
from xinyong.catalog.endpoints import router as catalog_router
from xinyong.checks.endpoints import router as checks_router
from xinyong.checks.fast import FastChecks
from xinyong.checks.log import CheckLog
from xinyong.checks.service import CheckContext
from xinyong.checks.snapshot import SnapshotCache
from xinyong.commitments.endpoints import router as commitments_router
from xinyong.complaints.endpoints import router as complaints_router
from xinyong.complaints.periods import periods_spec
from xinyong.complaints.rules import MAX_ATTACHMENTS as COMPLAINT_ATTACHMENTS
from xinyong.complaints.service import filing_limiter
from xinyong.core import nul
from xinyong.core.annotations import resolve, resolve_routes
from xinyong.core.api import TokenCache, complete_openapi
from xinyong.core.clock import Clock
from xinyong.core.dispatch import PrefixDispatch
from xinyong.core.group_commit import GroupWriter
from xinyong.core.limits import BodyLimit, BodyTooLarge
from xinyong.core.ratelimit import RateLimiter
from xinyong.credit_reports.endpoints import router as credit_reports_router
from xinyong.db import Database
from xinyong.declarations.endpoints import router as declarations_router
from xinyong.declarations.rules import MAX_ATTACHMENTS
from xinyong.departments.endpoints import router as departments_router
from xinyong.errors import XinyongError
from xinyong.evaluation.endpoints import router as evaluation_router
from xinyong.feeds.endpoints import router as feeds_router
from xinyong.government.endpoints import router as government_router
from xinyong.inspections.endpoints import router as inspections_router
from xinyong.jobs import run_forever
from xinyong.lists.endpoints import router as lists_router
from xinyong.measures.endpoints import router as measures_router
from xinyong.models import Role
from xinyong.notices.endpoints import router as notices_router
from xinyong.objections.endpoints import router as objections_router
from xinyong.oversight.endpoints import router as oversight_router
from xinyong.quality.endpoints import router as quality_router
from xinyong.records.endpoints import router as records_router
from xinyong.records.service import CollectionContext
from xinyong.relations.endpoints import router as relations_router
from xinyong.repairs.endpoints import router as repairs_router
from xinyong.reports.endpoints import router as reports_router
from xinyong.rights import evidence
from xinyong.rights.endpoints import router as rights_router
from xinyong.risk.endpoints import router as risk_router
from xinyong.settings import Settings
from xinyong.subjects.endpoints import router as subjects_router
from xinyong.tasks.endpoints import router as tasks_router
from xinyong.validity.endpoints import router as validity_router
from xinyong.web.authority import MAX_UPLOAD
from xinyong.web.authority import router as authority_router
from xinyong.web.department import MAX_BATCH_BYTES, MAX_KEYS_BYTES
from xinyong.web.department import router as department_router
from xinyong.web.pages import router as pages_router
from xinyong.web.portal import router as portal_router
from xinyong.web.site import LoginRequired, audience, error_page
from xinyong.web.subject import MAX_FORM_BYTES
from xinyong.web.subject import router as subject_router

API_PREFIX = "/api/v1"
STATIC_DIR = Path(__file__).parent / "web" / "static"
PAGE_ERRORS = {
    400: "请求无效",
    401: "请先登录",
    403: "无权访问此页面",
    404: "页面不存在",
    405: "不支持此操作",
    429: "操作过于频繁，请稍后再试",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


# The largest request body per path prefix (core/limits.py; the longest prefix wins). Framing:
# multipart boundaries, part headers and a form's small fields; a form field: Starlette's
# largest (max_part_size). The console pages that check Content-Length themselves (batch files,
# the subject's evidence) answer with their form up to their own limit; these are the ceiling.
FRAMING = 64 * 1024
FORM_FIELD = 1024 * 1024
PAGE_FORM_BYTES = 2 * FORM_FIELD
COMPLAINTS_BYTES = COMPLAINT_ATTACHMENTS * evidence.MAX_BYTES + FORM_FIELD + FRAMING


def body_limits(settings: Settings) -> dict[str, int]:
    return {
        f"{API_PREFIX}/": settings.max_body_bytes,
        f"{API_PREFIX}/evidence": evidence.MAX_BYTES + FRAMING,
        # a declaration with its attachments (declarations/endpoints.py)
        f"{API_PREFIX}/declarations": MAX_ATTACHMENTS * evidence.MAX_BYTES + FORM_FIELD + FRAMING,
        # a complaint with its attachments (complaints/endpoints.py), and its portal form
        f"{API_PREFIX}/complaints": COMPLAINTS_BYTES,
        "/complaints/new": COMPLAINTS_BYTES,
        "/authority/": MAX_UPLOAD + FORM_FIELD + FRAMING,  # a catalog, measures or year file
        "/department/batches": MAX_BATCH_BYTES + FORM_FIELD,
        "/department/check": MAX_KEYS_BYTES + FORM_FIELD + FRAMING,  # a file of keys
        "/me/": MAX_FORM_BYTES + FORM_FIELD,  # evidence files of an objection, appeal, repair
    }


def _too_large(request: Request, limit: int) -> Response:
    """413 for a body over its limit; the connection is closed, as the body is left unread."""
    size = f"{limit / (1024 * 1024):.1f} MB"
    headers = {"Connection": "close"}
    if not _is_api(request):
        page = error_page(request, 413, f"提交的内容过大：此处最多接受 {size}，请减小后重试")
        page.headers.update(headers)
        return page
    return JSONResponse(
        status_code=413,
        content={
            "error": {
                "code": "body_too_large",
                "message": f"请求体超过 {limit} 字节（{size}）的上限",
                "message_en": f"the request body is larger than {limit} bytes",
                "field": None,
                "detail": {"limit": limit},
            }
        },
        headers=headers,
    )


def _allowed(request: Request) -> str:
    """Every method a route of the path takes. Starlette's 405 names only the methods of the
    first route that matched the path, and a path often has several (GET and POST)."""
    allowed = []
    dispatch: PrefixDispatch = request.app.state.dispatch
    for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"):
        scope = {**request.scope, "method": method}
        if any(
            route.matches(scope)[0] is Match.FULL
            for route in dispatch.candidates(scope)
            if not isinstance(route, Mount)  # static files take any method's path
        ):
            allowed.append(method)
    return ", ".join(allowed)


DESCRIPTION = """公共信用信息平台 xinyong — public credit information platform.

Every operation states its callers (`x-callers`, and **Callers** in its description) and its
error codes. Errors are `{"error": {"code", "message", "message_en", "field"}}` with a stable
`code`. Authenticate with `Authorization: Bearer <token>`; without one you are the public.
"""


def create_app(
    settings: Settings | None = None, *, clock: Clock | None = None, db: Database | None = None
) -> FastAPI:
    settings = settings or Settings()
    db = db or Database(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Made at start-up, outside any request's transaction: it registers this process's
        # id node (db.py). Building the app itself touches no database (OpenAPI needs none).
        collection = app.state.collection = CollectionContext(db)
        check_log = CheckLog(db)
        app.state.checks = CheckContext(
            collection.ids, db.cipher, SnapshotCache(), check_log, db.sessions
        )
        await anyio.to_thread.run_sync(app.state.checks.cache.warm, db.sessions)
        # On PostgreSQL small checks run on the event loop (checks/fast.py).
        fast = None
        if db.dialect == "postgresql":
            fast = FastChecks(settings.database_url, max(2, settings.db_pool_size // 2))
        app.state.fast_checks = fast
        # Online signings of commitments, committed in groups (core/group_commit.py).
        app.state.signings = GroupWriter(db, "signings")
        jobs = None
        if settings.run_jobs:
            jobs = asyncio.create_task(
                run_forever(db, app.state.clock, collection, settings.job_interval_seconds)
            )
        yield
        if jobs is not None:
            jobs.cancel()
        check_log.close()
        app.state.signings.close()
        if fast is not None:
            await fast.close()

    app = FastAPI(
        lifespan=lifespan,
        title="xinyong 公共信用信息平台",
        version="0.1.0",
        description=DESCRIPTION,
        openapi_url=f"{API_PREFIX}/openapi.json",
        # The browsable document is served below with assets of our own: no CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.db = db
    app.state.clock = clock or Clock(settings.fixed_today)
    app.state.tokens = TokenCache()
    # Anonymous look-ups per client address, in this process (core/ratelimit.py).
    app.state.lookups = RateLimiter(
        per_minute=settings.anonymous_lookups_per_minute,
        burst=settings.anonymous_lookup_burst,
        max_clients=settings.rate_limit_addresses,
    )
    # Complaints filed per client address (complaints/service.py); their periods read now, so
    # that a periods file that is not valid stops the start.
    app.state.complaints = filing_limiter(settings)
    periods_spec(settings.complaint_periods_file)

    @app.exception_handler(XinyongError)
    async def _xinyong_error(request: Request, exc: XinyongError) -> Response:
        headers = getattr(exc, "headers", None)  # e.g. a 429's Retry-After
        if not _is_api(request):
            if isinstance(exc, LoginRequired):
                if request.method != "GET":  # a form sent after the session ended: no way back
                    return RedirectResponse("/login", status_code=303)
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)
            page = error_page(request, exc.status, exc.message)
            page.headers.update(headers or {})
            return page
        return JSONResponse(
            status_code=exc.status, content={"error": exc.to_dict()}, headers=headers
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if isinstance(exc, BodyTooLarge):
            return _too_large(request, exc.limit)
        headers = dict(exc.headers or {})
        if exc.status_code == 405 and (allowed := _allowed(request)):
            headers["Allow"] = allowed
        if not _is_api(request):
            message = PAGE_ERRORS.get(exc.status_code, str(exc.detail))
            page = error_page(request, exc.status_code, message)
            page.headers.update(headers)
            return page
        return JSONResponse(
            status_code=exc.status_code,
            content={
                "error": {
                    # Starlette's own 400: a form or multipart body it could not parse.
                    "code": {404: "not_found", 400: "malformed_body"}.get(
                        exc.status_code, "http_error"
                    ),
                    "message": PAGE_ERRORS.get(exc.status_code, str(exc.detail)),
                    "message_en": str(exc.detail),
                    "field": None,
                }
            },
            headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        if not _is_api(request):
            return error_page(request, 400, "请求参数无效，请返回检查后重试")
        first = exc.errors()[0] if exc.errors() else {}
        if first.get("type") == "json_invalid":  # as json_object answers it (core/api.py)
            return JSONResponse(
                status_code=400,
                content={
                    "error": {
                        "code": "malformed_json",
                        "message": "请求体不是有效的 JSON",
                        "message_en": "body is not valid JSON",
                        "field": None,
                    }
                },
            )
        loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path", "header")]
        message = first.get("msg", "invalid request")
        return JSONResponse(
            status_code=422,
            content={
                "error": {
                    "code": "invalid_request",
                    "message": f"请求参数无效：{'.'.join(loc) or '请求'}：{message}",
                    "message_en": f"invalid request: {'.'.join(loc) or 'body'}: {message}",
                    "field": ".".join(loc) or None,
                    "detail": {
                        "errors": [
                            {
                                "field": ".".join(str(p) for p in e.get("loc", ())),
                                "message": e.get("msg"),
                            }
                            for e in exc.errors()[:20]
                        ]
                    },
                }
            },
        )

    # A request is matched against the routes of its path's first word only (core/dispatch.py,
    # installed below); within that word, in this order.
    for router in (
        checks_router,
        records_router,
        subjects_router,
        catalog_router,
        departments_router,
        lists_router,
        measures_router,
        feeds_router,
        calendar_router,
        validity_router,
        objections_router,
        repairs_router,
        commitments_router,
        declarations_router,
        complaints_router,
        inspections_router,
        evaluation_router,
        rights_router,
        tasks_router,
        risk_router,
        authorisations_router,
        reports_router,
        # After reports_router: /reports/dual-publicity before /reports/{number}.
        credit_reports_router,
        relations_router,
        government_router,
        notices_router,
        oversight_router,
        quality_router,
    ):
        app.include_router(router, prefix=API_PREFIX, dependencies=[nul.refuse_nul])
    # The pages (Jinja2, Chinese), their assets shipped with the package: no CDN.
    for router in (
        pages_router,
        portal_router,
        authority_router,
        department_router,
        subject_router,
    ):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(
        BodyLimit,
        default=PAGE_FORM_BYTES,
        limits=body_limits(settings),
        refuse=lambda scope, limit: _too_large(Request(scope), limit),
    )

    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = complete_openapi(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to replace it

    # The routes' annotations evaluated once per process, not again for each app and route
    # group (core/annotations.py); the three below before FastAPI reads them.
    resolve_routes(app.router.routes)
    for endpoint in (
        _docs,
        _live,
        _health,
        *(d.dependency for d in _DOCS_AUDIENCE["dependencies"]),
    ):
        resolve(endpoint)
    # Module-level endpoints, never closures over this app: FastAPI caches what it learns of
    # an endpoint by the function (an lru_cache), so a closure would keep every app alive.
    app.add_api_route(
        f"{API_PREFIX}/docs", _docs, methods=["GET"], include_in_schema=False, **_DOCS_AUDIENCE
    )
    app.add_api_route(
        f"{API_PREFIX}/live",
        _live,
        methods=["GET"],
        tags=["platform"],
        openapi_extra={"x-callers": ["public"]},
    )
    app.add_api_route(
        f"{API_PREFIX}/health",
        _health,
        methods=["GET"],
        tags=["platform"],
        openapi_extra={"x-callers": ["public"]},
    )

    # Last: it groups the routes added above.
    app.state.dispatch = PrefixDispatch.install(app.router, [API_PREFIX])
    return app


# Who may browse the API document: every role. One dependency for every app, its annotations
# evaluated once (core/annotations.py).
_DOCS_AUDIENCE = audience(*Role)


async def _docs(request: Request) -> HTMLResponse:
    """The OpenAPI document to browse (Swagger UI, shipped under static/vendor)."""
    app = request.app
    return get_swagger_ui_html(
        openapi_url=app.openapi_url or "",
        title=f"{app.title} — API",
        swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
        swagger_favicon_url="/static/favicon.svg",
    )


async def _live() -> dict:
    """Liveness: the process answers (no database). For load balancers and benchmarks."""
    return {"status": "ok"}


def _health(request: Request) -> dict:
    """Liveness and database reachability."""
    db: Database = request.app.state.db
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    return {"status": "ok", "database": db.dialect}
