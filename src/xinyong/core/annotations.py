"""Each endpoint's, dependency's and command's annotations evaluated once per process.

Our modules write `from __future__ import annotations`, so a function's annotations are
strings. FastAPI reads an endpoint's and each of its dependencies' through
`inspect.signature(eval_str=True)` every time it builds a route's context, which is once per
app and route group (core/dispatch.py); typer reads a command's every time it builds the
command line. Each read evaluates every string again: a new code object each time. In one
serving process that is a few hundred, once. But the test suite builds an app in most tests
(and the CLI in some), about 600 evaluations a test; and coverage's `sys.monitoring` core
(Python 3.12+) keeps every code object it has seen for the life of the process, so a worker
of the suite grew by about 1 GB a minute (docs/performance.md § The test suite).

``resolve`` replaces a function's string annotations by their values, evaluated as
`inspect.signature(eval_str=True)` evaluates them: what FastAPI and typer read afterwards is
the same, and nothing is evaluated again. A function whose annotations name something that
exists only for the type checker (`if TYPE_CHECKING:`) is left as it is: FastAPI then falls
back to its own reading, as before.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import weakref
from collections.abc import Callable, Iterable
from typing import Any
from weakref import WeakSet

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, APIRouter, _IncludedRouter
from starlette.routing import BaseRoute

# The functions already seen, resolved or not: each is read once. Weak: a function made at
# run time (a test's) goes with its last reference.
_seen: WeakSet[Callable[..., Any]] = WeakSet()


def _function(call: object) -> Callable[..., Any] | None:
    """The function whose annotations `inspect.signature` reads for this callable."""
    while isinstance(call, functools.partial):
        call = call.func
    call = inspect.unwrap(call)  # type: ignore[arg-type]  # any callable; unwrap reads __wrapped__ only
    if inspect.ismethod(call):
        call = call.__func__
    if inspect.isfunction(call):
        return call
    if inspect.isclass(call):
        init = call.__dict__.get("__init__")
        return init if inspect.isfunction(init) else None
    # An instance: its class's __call__.
    method = type(call).__dict__.get("__call__")
    return method if inspect.isfunction(method) else None


def resolve(call: object) -> None:
    """Put the values of this callable's string annotations in their place, once."""
    function = _function(call)
    if function is None or function in _seen:
        return
    _seen.add(function)
    if not any(isinstance(value, str) for value in function.__annotations__.values()):
        return
    # A name for the type checker only (NameError): left to FastAPI's own fallback.
    with contextlib.suppress(NameError):
        function.__annotations__ = inspect.get_annotations(function, eval_str=True)


def _dependant(dependant: Dependant) -> None:
    resolve(dependant.call)
    for sub in dependant.dependencies:
        _dependant(sub)


# The routers already walked, by id (a router is not hashable): the same module-level routers
# are included in every app. The weak reference tells a router from a later one at its id.
_walked: dict[int, weakref.ref[APIRouter]] = {}


def resolve_routes(routes: Iterable[BaseRoute]) -> None:
    """Resolve the endpoints and dependencies of these routes and of the routers included
    among them: their module-level routes, whose contexts FastAPI built at import."""
    for route in routes:
        if isinstance(route, _IncludedRouter):
            for depends in route.include_context.dependencies:
                resolve(depends.dependency)
            router = route.original_router
            seen = _walked.get(id(router))
            if seen is None or seen() is not router:
                _walked[id(router)] = weakref.ref(router)
                resolve_routes(router.routes)
        elif isinstance(route, APIRoute):
            _dependant(route.dependant)
