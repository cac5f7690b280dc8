"""The code's shape, read from the source alone (no database): docs/testing.md § The code's shape.

Each rule is a function that finds its violations in a graph of imports or in source text, so
that it is tested on small made-up cases (the ``*_is_found`` tests: a rule that finds nothing
there would pass on anything) before it runs on ``src/xinyong``.

The import graph is grimp's: every import statement of every module, those inside functions
too, with their line numbers. Imports under ``if TYPE_CHECKING:`` are left out: they never run,
so they cannot form a circle at import time, and they are how a module names in an annotation a
type of a module that imports it (a callback's argument, say) without depending on it.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = "xinyong"
DOC = "docs/testing.md § The code's shape"

# Longest a module of src/ may be. Modules that are data tables, not code, are excepted.
MAX_LINES = 800
DATA_TABLES = frozenset({"src/xinyong/demo/names.py"})  # word lists of the demo generator


@dataclass(frozen=True, order=True)
class Violation:
    path: str  # relative to the checkout
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def check(rule: str, violations: Iterable[Violation | str]) -> None:
    """Fail with every violation of the rule, one a line, and where the rule is written."""
    found = sorted(violations, key=str)
    if found:
        lines = "\n".join(f"  {v}" for v in found)
        pytest.fail(f"{rule} ({DOC}) — {len(found)} found:\n{lines}", pytrace=False)


# --- the source -----------------------------------------------------------------------------------


def module_path(module: str) -> str:
    """The file of a module of src/, relative to the checkout."""
    base = SRC.joinpath(*module.split("."))
    path = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
    return path.relative_to(ROOT).as_posix()


def source_modules() -> Iterator[tuple[str, Path]]:
    """(module name, file) of every module of the package."""
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


@cache
def import_graph() -> grimp.ImportGraph:
    # cache_dir=None: grimp would otherwise write its cache into the checkout
    return grimp.build_graph(PACKAGE, cache_dir=None, exclude_type_checking_imports=True)


def import_lines(graph: grimp.ImportGraph, importer: str, imported: str) -> list[int]:
    return sorted(
        {d["line_number"] for d in graph.get_import_details(importer=importer, imported=imported)}
    )


def domain(module: str) -> str:
    """The top-level package a module belongs to: xinyong.lists for xinyong.lists.service;
    a module directly under xinyong (xinyong.cli) is its own."""
    return ".".join(module.split(".")[:2])


# --- rule 1: pages never import endpoint modules --------------------------------------------------


def pages_importing_endpoints(graph: grimp.ImportGraph) -> list[Violation]:
    """Imports of an ``….endpoints`` module by ``xinyong.web`` or a module under it."""
    found = []
    for importer in sorted(graph.modules):
        if domain(importer) != f"{PACKAGE}.web":
            continue
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported.rsplit(".", 1)[-1] == "endpoints":
                found.extend(
                    Violation(module_path(importer), line, f"imports {imported}")
                    for line in import_lines(graph, importer, imported)
                )
    return found


# --- rule 2: no other package's _private names ----------------------------------------------------


def in_package(module: str) -> bool:
    return module == PACKAGE or module.startswith(f"{PACKAGE}.")


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def absolute(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The module an ``ImportFrom`` names, relative imports resolved."""
    if not level:
        return name or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def private_imports(
    module: str, source: str, path: str, modules: frozenset[str], *, is_package: bool = False
) -> list[Violation]:
    """``from <other package> import _name``, and ``alias._name`` where ``alias`` is a module
    of another package bound by ``import a.b as alias`` or ``from a import b``; anywhere in the
    module (functions too)."""
    own = domain(module)
    tree = ast.parse(source, path)
    found = []
    aliases: dict[str, str] = {}  # local name → module of another package
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source_module = absolute(module, is_package, node.level, node.module)
            if not in_package(source_module) or domain(source_module) == own:
                continue
            for alias in node.names:
                if is_private(alias.name):
                    found.append(
                        Violation(path, node.lineno, f"imports {alias.name} from {source_module}")
                    )
                elif f"{source_module}.{alias.name}" in modules:
                    aliases[alias.asname or alias.name] = f"{source_module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and in_package(alias.name) and domain(alias.name) != own:
                    aliases[alias.asname] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and is_private(node.attr):
            target = node.value
            if isinstance(target, ast.Name) and target.id in aliases:
                found.append(Violation(path, node.lineno, f"uses {aliases[target.id]}.{node.attr}"))
    return found


# --- rule 3: no import circles --------------------------------------------------------------------


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one module, or one module that
    imports itself; iterative (no recursion limit), in a fixed order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges.get(node, ()):
                    components.append(sorted(component))
    return sorted(components)


def shortest_circle(edges: dict[str, set[str]], inside: set[str], start: str) -> list[str]:
    """A shortest circle from ``start`` back to it through modules ``inside`` (breadth first,
    children in name order), as the modules along it."""
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier and start not in previous:
        following = []
        for node in frontier:
            for child in sorted(edges.get(node, ())):
                if child in inside and child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    path = [start]
    while len(path) == 1 or path[-1] != start:
        path.append(previous[path[-1]])
    return path[::-1]


def import_circles(graph: grimp.ImportGraph) -> list[str]:
    """Each tangle of modules that import one another: the shortest circle through each of its
    modules (once each), every import with its line numbers, then all the tangle's modules."""
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    found = []
    for members in strongly_connected(edges):
        circles: list[list[str]] = []
        for start in members:
            circle = shortest_circle(edges, set(members), start)
            turned = circle[:-1]  # the same circle from another module is not shown again
            first = turned.index(min(turned))
            turned = [*turned[first:], *turned[:first], turned[first]]
            if turned not in circles:
                circles.append(turned)
        lines = []
        for circle in sorted(circles, key=lambda c: (len(c), c)):
            lines.append(" → ".join(circle))
            lines.extend(
                f"    {module_path(a)}:{','.join(map(str, import_lines(graph, a, b)))} imports {b}"
                for a, b in pairwise(circle)
            )
        found.append(
            "\n    ".join(lines)
            + f"\n    ({len(members)} modules in this tangle: {', '.join(members)})"
        )
    return found


# --- rule 4: modules of at most MAX_LINES lines ---------------------------------------------------


def long_modules() -> list[Violation]:
    found = []
    for _module, path in source_modules():
        relative = path.relative_to(ROOT).as_posix()
        lines = len(path.read_text("utf-8").splitlines())
        if lines > MAX_LINES and relative not in DATA_TABLES:
            found.append(Violation(relative, lines, f"{lines} lines (at most {MAX_LINES})"))
    return found


# --- rule 5: every type: ignore gives its codes and its reason ------------------------------------

# `# type: ignore[code, …]  # reason`: the codes say what is silenced, the reason why.
TYPE_IGNORE = re.compile(r"#\s*type:\s*ignore\b(?P<codes>\[[^\]]*\])?(?P<rest>.*)")
REASON = re.compile(r"\s*#\s*\S")


def unexplained_ignores(source: str, path: str) -> list[Violation]:
    """``# type: ignore`` comments without ``[codes]`` or without ``  # reason`` after them."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT:
            continue
        match = TYPE_IGNORE.search(token.string)
        if match is None:
            continue
        if not match["codes"] or match["codes"] == "[]":
            found.append(Violation(path, token.start[0], f"no [code]: {token.string}"))
        elif not REASON.match(match["rest"]):
            found.append(Violation(path, token.start[0], f"no reason: {token.string}"))
    return found


# --- the rules on made-up cases -------------------------------------------------------------------


def small_graph(*imports: tuple[str, str, int]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for importer, imported, line in imports:
        graph.add_import(
            importer=importer, imported=imported, line_number=line, line_contents="import"
        )
    return graph


def test_a_page_importing_an_endpoint_module_is_found():
    graph = small_graph(
        ("xinyong.web.made_up", "xinyong.lists.endpoints", 12),
        ("xinyong.web", "xinyong.records.endpoints", 3),
        ("xinyong.web.made_up", "xinyong.lists.service", 13),
        ("xinyong.app", "xinyong.lists.endpoints", 5),
        ("xinyong.webhooks", "xinyong.lists.endpoints", 5),  # not under xinyong.web
    )
    assert [str(v) for v in pages_importing_endpoints(graph)] == [
        "src/xinyong/web/__init__.py:3: imports xinyong.records.endpoints",
        "src/xinyong/web/made_up.py:12: imports xinyong.lists.endpoints",
    ]


def test_another_packages_private_name_is_found():
    source = (
        "from xinyong.lists.service import _hidden, shown\n"
        "from xinyong.lists import service\n"
        "import xinyong.records.rules as rules\n"
        "from xinyong.web.site import _own\n"
        "from . import _sibling\n"
        "def f():\n"
        "    from xinyong.subjects.search import _late\n"
        "    return service._helper(rules._RULE, service.__name__, _own)\n"
    )
    modules = frozenset({"xinyong.lists.service", "xinyong.records.rules"})
    found = private_imports("xinyong.web.portal", source, "portal.py", modules)
    assert sorted(str(v) for v in found) == [
        "portal.py:1: imports _hidden from xinyong.lists.service",
        "portal.py:7: imports _late from xinyong.subjects.search",
        "portal.py:8: uses xinyong.lists.service._helper",
        "portal.py:8: uses xinyong.records.rules._RULE",
    ]
    relative = private_imports(
        "xinyong.web", "from ..lists import _x\n", "w.py", modules, is_package=True
    )
    assert [str(v) for v in relative] == ["w.py:1: imports _x from xinyong.lists"]


def test_an_import_circle_is_found_with_its_lines():
    graph = small_graph(
        ("xinyong.a.one", "xinyong.b.two", 3),
        ("xinyong.b.two", "xinyong.c.three", 4),
        ("xinyong.c.three", "xinyong.a.one", 50),  # say, inside a function
        ("xinyong.c.three", "xinyong.b.two", 7),
        ("xinyong.d", "xinyong.a.one", 1),  # imports the circle, is not in it
        ("xinyong.e", "xinyong.e", 2),
    )
    tangle, itself = import_circles(graph)
    assert tangle.splitlines() == [
        "xinyong.b.two → xinyong.c.three → xinyong.b.two",
        "        src/xinyong/b/two.py:4 imports xinyong.c.three",
        "        src/xinyong/c/three.py:7 imports xinyong.b.two",
        "    xinyong.a.one → xinyong.b.two → xinyong.c.three → xinyong.a.one",
        "        src/xinyong/a/one.py:3 imports xinyong.b.two",
        "        src/xinyong/b/two.py:4 imports xinyong.c.three",
        "        src/xinyong/c/three.py:50 imports xinyong.a.one",
        "    (3 modules in this tangle: xinyong.a.one, xinyong.b.two, xinyong.c.three)",
    ]
    assert itself.startswith("xinyong.e → xinyong.e\n")
    assert import_circles(small_graph(("xinyong.a", "xinyong.b", 1))) == []


def test_grimp_sees_imports_inside_functions_and_not_type_checking_ones(tmp_path, monkeypatch):
    package = tmp_path / "circled"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from circled import b\n")
    (package / "b.py").write_text("def f():\n    from circled import a\n")
    (package / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from circled import a\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = grimp.build_graph("circled", cache_dir=None, exclude_type_checking_imports=True)
    assert import_lines(graph, "circled.b", "circled.a") == [2]
    assert not graph.direct_import_exists(importer="circled.c", imported="circled.a")


@pytest.mark.parametrize(
    ("line", "verdict"),
    [
        ("x = f()  # type: ignore\n", "no [code]"),
        ("x = f()  # type: ignore[]  # why\n", "no [code]"),
        ("x = f()  # type: ignore[arg-type]\n", "no reason"),
        ("x = f()  # type: ignore[arg-type]  #\n", "no reason"),
        ("x = f()  # noqa: E501  # type:ignore[misc]\n", "no reason"),
        ("x = f()  # type: ignore[arg-type]  # the driver's stubs say str\n", None),
        ("x = f()  # type: ignore[arg-type, misc]  # two reasons, one line\n", None),
        ("x = '# type: ignore'\n", None),  # a string, not a comment
    ],
)
def test_a_type_ignore_without_its_reason_is_found(line, verdict):
    found = unexplained_ignores(line, "m.py")
    assert [v.what.split(":")[0] for v in found] == ([verdict] if verdict else [])


# --- the rules on src/xinyong ---------------------------------------------------------------------


def test_pages_never_import_endpoint_modules():
    """Pages call services and read schemas; endpoint modules are the API's (DEVELOPERS)."""
    check("A page imports an endpoint module", pages_importing_endpoints(import_graph()))


def test_no_module_imports_another_packages_private_names():
    """A name starting with _ belongs to its own top-level package (xinyong.lists, …)."""
    modules = frozenset(import_graph().modules)
    violations = []
    for module, path in source_modules():
        relative = path.relative_to(ROOT).as_posix()
        violations += private_imports(
            module,
            path.read_text("utf-8"),
            relative,
            modules,
            is_package=path.name == "__init__.py",
        )
    check("Another package's _private name is imported", violations)


def test_no_import_circles():
    check("Import circle", import_circles(import_graph()))


def test_no_module_is_longer_than_800_lines():
    check(f"Module longer than {MAX_LINES} lines", long_modules())


def test_every_type_ignore_says_what_and_why():
    violations = []
    for _module, path in source_modules():
        relative = path.relative_to(ROOT).as_posix()
        violations += unexplained_ignores(path.read_text("utf-8"), relative)
    check("`# type: ignore` without `[code]  # reason` on its line", violations)


def test_the_data_tables_excepted_from_the_length_rule_exist():
    """An exception that names no file any more would hide nothing, and would stay forever."""
    assert all((ROOT / path).is_file() for path in DATA_TABLES)
