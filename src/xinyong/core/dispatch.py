"""A request is matched against the routes of its own domain only.

Starlette matches a request against the app's routes one after another, and FastAPI matches
each included router's routes one by one, twice (once to choose, once to handle): with some
140 operations and pages, `GET /api/v1/live` spent 85 % of its time in routes that could not be
its own (docs/performance.md § Routing). Nearly every path begins with a word that names its
domain or audience: `/api/v1/checks…`, `/api/v1/subjects/…`, `/department/…`, `/me/…`. So the
routes are grouped by that word once, when the app is built, and a request is matched against
its group only: the same routes in the same order, so the same route is chosen, and a path no
route takes gets the same 405, the same redirect of a trailing slash, or the same 404.

A route whose word is not written out (a path parameter in it, or a path that could also lie
under a prefix) is in every group, so it is tried wherever it was before. The app's own list of
routes stays as it was, with the dispatch in front of it taking every request: OpenAPI,
`url_for` and the tests read that list.

The groups are found from each route's path alone. FastAPI 0.163 keeps an included router as
one route that builds its routes' contexts (dependants, TypeAdapters: about 1 ms each, 0.37 s
an app) only when asked; asking for them all here made that cost every app's, and a test
builds an app. The paths are read from the included routers' prefixes instead, and a route's
context is built at the first request that reaches its group (docs/performance.md § The test
suite). `tests/core/test_dispatch.py` checks these paths against the contexts FastAPI builds.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from fastapi.routing import APIRouter, _IncludedRouter
from starlette._utils import get_route_path
from starlette.datastructures import URLPath
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send


def path_formats(route: BaseRoute, prefix: str = "") -> Iterator[str | None]:
    """The paths a route of the app takes, as FastAPI would give them once it has built the
    route's contexts, without building them; None for a route without a path."""
    if isinstance(route, _IncludedRouter):
        prefix += route.include_context.prefix
        for child in route.original_router.routes:
            yield from path_formats(child, prefix)
        return
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    yield None if path is None else prefix + path


def request_group(path: str, prefixes: Sequence[str]) -> str:
    """The group of a request path: a prefix and the word after it (`/api/v1/checks`), or
    the path's first word (`/department`, `/` for the home page)."""
    for prefix in prefixes:
        if path.startswith(prefix + "/"):
            return prefix + "/" + path[len(prefix) + 1 :].split("/", 1)[0]
    return "/" + path[1:].split("/", 1)[0]


def route_group(path_format: str, prefixes: Sequence[str]) -> str | None:
    """The one group of every path a route with this path format can take, or None when it
    may take paths of several groups (the route is then tried in all)."""
    literal = path_format.split("{", 1)[0]
    whole = literal == path_format  # no parameter: the last word ends the path
    for prefix in prefixes:
        if literal.startswith(prefix + "/"):
            word, slash, _ = literal[len(prefix) + 1 :].partition("/")
            # `/api/v1/` itself is also a trailing-slash redirect of `/api/v1`, another group.
            return prefix + "/" + word if word and (slash or whole) else None
    word, slash, _ = literal[1:].partition("/")
    if not (slash or whole) or (not word and path_format != "/"):
        return None
    if any(prefix.split("/")[1] == word for prefix in prefixes):
        return None  # e.g. `/api/{x}/live` takes `/api/v1/live` too
    return "/" + word


class PrefixDispatch(BaseRoute):
    """Put first in the app's routes (``install``): it takes every HTTP request and hands it
    to a router of the routes of its group, in their order in the app. ``prefixes`` name the
    paths whose groups are the word after them (`/api/v1`); the others are grouped by their
    first word."""

    def __init__(self, router: APIRouter, prefixes: Sequence[str]) -> None:
        self.prefixes = sorted(prefixes, key=len, reverse=True)
        routes = list(router.routes)
        groups: list[set[str] | None] = []  # per route: the groups it can take, None for any
        for route in routes:
            found: set[str] | None = set()
            for path_format in path_formats(route):
                group = route_group(path_format or "", self.prefixes)
                if group is None or found is None:
                    found = None
                else:
                    found.add(group)
            groups.append(found)

        def branch(group: str | None) -> APIRouter:
            # A router of its own routes: its matching, its 405, its redirect of a trailing
            # slash and its 404 (``default``) are the app router's, on fewer routes.
            return APIRouter(
                routes=[
                    route
                    for route, taken in zip(routes, groups, strict=True)
                    if taken is None or group in taken
                ],
                redirect_slashes=router.redirect_slashes,
                default=router.default,
            )

        named = set().union(*(taken for taken in groups if taken is not None))
        self.branches = {group: branch(group) for group in named}
        self.rest = branch(None)  # a path of no group: the routes of any group only

    @classmethod
    def install(cls, router: APIRouter, prefixes: Sequence[str]) -> PrefixDispatch:
        """Once every route is added: a route added later would not be dispatched to."""
        dispatch = cls(router, prefixes)
        router.routes.insert(0, dispatch)
        return dispatch

    def branch_for(self, scope: Scope) -> APIRouter:
        group = request_group(get_route_path(scope), self.prefixes)
        return self.branches.get(group, self.rest)

    def candidates(self, scope: Scope) -> list[BaseRoute]:
        """The routes that may take this request's path."""
        return self.branch_for(scope).routes

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] in ("http", "websocket"):
            return Match.FULL, {}
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.branch_for(scope).app(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: object) -> URLPath:
        # The app's router finds names in the routes behind this one.
        raise NoMatchFound(name, path_params)
