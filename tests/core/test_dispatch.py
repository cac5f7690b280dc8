"""The dispatch by a path's first word (core/dispatch.py) chooses what the app's whole list of
routes would have chosen: the same route, the same partial match (a 405), the same redirect of
a trailing slash, nothing (a 404) where nothing matched."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.routing import BaseRoute, Match

from fixtures.helpers import TEST_SECRET
from xinyong.app import API_PREFIX, create_app
from xinyong.core.dispatch import PrefixDispatch, path_formats, request_group, route_group
from xinyong.settings import Settings

PREFIXES = [API_PREFIX]


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[FastAPI]:  # type: ignore[no-untyped-def]
    var = tmp_path_factory.mktemp("dispatch")
    app = create_app(
        Settings(database_url=f"sqlite:///{var / 'x.db'}", secret_key=TEST_SECRET, var_dir=var)
    )
    yield app
    app.state.db.dispose()


@pytest.mark.parametrize(
    ("path", "group"),
    [
        ("/api/v1/checks", "/api/v1/checks"),
        ("/api/v1/checks/1/feedback", "/api/v1/checks"),
        ("/api/v1/calendar/2027", "/api/v1/calendar"),
        ("/api/v1/", "/api/v1/"),
        ("/api/v1", "/api"),
        ("/api", "/api"),
        ("/department/check", "/department"),
        ("/me", "/me"),
        ("/", "/"),
        ("//x", "/"),
    ],
)
def test_the_group_of_a_request(path: str, group: str) -> None:
    assert request_group(path, PREFIXES) == group


@pytest.mark.parametrize(
    ("path_format", "group"),
    [
        ("/api/v1/checks", "/api/v1/checks"),
        ("/api/v1/checks/{check_id}/feedback", "/api/v1/checks"),
        ("/api/v1/calendar/{year}", "/api/v1/calendar"),
        ("/static/{path}", "/static"),
        ("/me", "/me"),
        ("/", "/"),
        # Routes that may take paths of several groups are tried in all.
        ("/api/v1/", None),
        ("/api/v1/{domain}", None),
        ("/api/v1/check{x}", None),
        ("/api/{version}/live", None),
        ("/api", None),
        ("/{page}", None),
        ("/me{x}", None),
        ("//x", None),
    ],
)
def test_the_group_of_a_route(path_format: str, group: str | None) -> None:
    assert route_group(path_format, PREFIXES) == group


def first_match(routes: Sequence[BaseRoute], scope: dict) -> tuple[BaseRoute | None, Match]:
    """What Starlette's router chooses: the first full match, else the first partial one."""
    partial = None
    for route in routes:
        match, _ = route.matches(dict(scope, fastapi={}))
        if match is Match.FULL:
            return route, match
        if match is Match.PARTIAL and partial is None:
            partial = route
    return partial, Match.PARTIAL if partial else Match.NONE


def paths(app: FastAPI) -> Iterator[str]:
    """Every route's path filled in, with and without a trailing slash, with words beside its
    parameters, and paths no route takes."""
    for context in iter_route_contexts(app.routes):
        path = context.path_format
        if not path:
            continue
        for value in ("1", "2027", "years", "x"):
            filled = re.sub(r"\{\w+\}", value, path)
            yield filled
            yield filled.rstrip("/") + "/"
            yield filled.rstrip("/") + "/more"
    yield from ("/", "/api", "/api/v1", "/api/v1/", "/api/v1/nowhere", "/nowhere/x", "//")


def test_a_request_is_matched_as_by_the_whole_list(app: FastAPI) -> None:
    dispatch = app.state.dispatch
    assert isinstance(dispatch, PrefixDispatch) and app.router.routes[0] is dispatch
    everything = app.router.routes[1:]
    # A group is the routers that share a path's first word (/subjects: subjects, their query
    # log, their related parties, …): a few, never all of them.
    few = len(everything) // 4
    tried = 0
    for path in set(paths(app)):
        for method in ("GET", "HEAD", "POST", "DELETE", "PUT"):
            scope = {"type": "http", "method": method, "path": path, "root_path": ""}
            candidates = dispatch.candidates(scope)
            assert len(candidates) <= few, path
            assert first_match(candidates, scope) == first_match(everything, scope), (method, path)
            tried += 1
    assert tried > 1000


def test_every_route_is_in_its_group(app: FastAPI) -> None:
    dispatch = app.state.dispatch
    grouped = {id(r) for branch in dispatch.branches.values() for r in branch.routes}
    assert grouped == {id(r) for r in app.router.routes[1:]}
    assert dispatch.rest.routes == []  # every route of the app starts with its word


def test_the_paths_read_without_contexts_are_fastapis(app: FastAPI) -> None:
    """The groups come from the included routers' prefixes (``path_formats``), not from the
    contexts FastAPI builds per route: the two must give the same paths, in the same order (a
    FastAPI upgrade that changed how prefixes combine fails here)."""
    ours = [p for route in app.router.routes[1:] for p in path_formats(route)]
    fastapis = [context.path_format for context in iter_route_contexts(app.router.routes[1:])]
    assert len(ours) > 200
    assert ours == fastapis
