"""FastAPI and typer read our functions' annotations once per process, not once per app and
route group or per command line (core/annotations.py). Every function they read holds values,
not strings, so their `inspect.signature(eval_str=True)` evaluates nothing: no new code
object, which coverage's `sys.monitoring` core would keep for good (a worker of the suite grew
by about 1 GB a minute; docs/performance.md § The test suite)."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import typer
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts

from fixtures.helpers import TEST_SECRET
from xinyong.app import create_app
from xinyong.cli import app as cli_app
from xinyong.core.annotations import resolve
from xinyong.settings import Settings


def _calls(dependant: Dependant) -> Iterator[Any]:
    yield dependant.call
    for sub in dependant.dependencies:
        yield from _calls(sub)


def _unresolved(call: Any) -> str | None:
    """The callable's name if inspect.signature would still evaluate a string of it."""
    function = inspect.unwrap(call)
    if not inspect.isfunction(function):
        return None
    if any(isinstance(value, str) for value in function.__annotations__.values()):
        return f"{function.__module__}.{function.__qualname__}"
    return None


def test_no_route_of_a_new_app_has_string_annotations(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Two apps: the second is built on routers the first has already seen.
    apps = [
        create_app(
            Settings(
                database_url=f"sqlite:///{tmp_path / 'x.db'}",
                secret_key=TEST_SECRET,
                var_dir=tmp_path,
            )
        )
        for _ in range(2)
    ]
    try:
        read = [
            call
            for context in iter_route_contexts(apps[1].routes)
            if (dependant := getattr(context, "dependant", None)) is not None
            for call in _calls(dependant)
        ]
    finally:
        for app in apps:
            app.state.db.dispose()
    assert len(read) > 500  # every route's endpoint and dependencies
    assert sorted({name for call in read if (name := _unresolved(call))}) == []


def _commands(app: typer.Typer) -> Iterator[Any]:
    yield from (command.callback for command in app.registered_commands)
    for group in app.registered_groups:
        yield group.callback
        if group.typer_instance is not None:
            yield from _commands(group.typer_instance)


def test_no_command_has_string_annotations() -> None:
    callbacks = [callback for callback in _commands(cli_app) if callback is not None]
    assert len(callbacks) > 50
    assert sorted({name for call in callbacks if (name := _unresolved(call))}) == []


def test_a_name_for_the_type_checker_only_is_left_as_it_was() -> None:
    # FastAPI reads such a function by its own fallback; resolving must not fail on it.
    def endpoint(x: NotDefinedAnywhere) -> int:  # type: ignore[name-defined]  # noqa: F821  # the case under test
        return 1

    resolve(endpoint)
    assert endpoint.__annotations__ == {"x": "NotDefinedAnywhere", "return": "int"}


def test_values_are_those_inspect_would_evaluate() -> None:
    def endpoint(x: int | None, y: list[str]) -> None:
        return None

    expected = inspect.get_annotations(endpoint, eval_str=True)
    resolve(endpoint)
    assert endpoint.__annotations__ == expected
    assert endpoint.__annotations__["return"] is None  # not NoneType: as FastAPI reads it
