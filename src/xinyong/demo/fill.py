"""The machinery of a catalog item's fill function: the per-record context the field values
read, values written as inline expressions, and the compiler that turns an item's field plans
into one straight-line function."""

from __future__ import annotations

import functools
import math
import re
from bisect import bisect
from collections.abc import Callable
from types import CodeType
from typing import Any

from xinyong.demo.departments import Dept


class Ctx:
    """Per-record values shared by the field closures (one instance, reused)."""

    __slots__ = ("A", "D", "court", "dept", "fine", "n", "party", "s", "severe")

    def __init__(self) -> None:
        self.A = 0  # the ordinal of the day the record arrives (arrivals.py)
        self.D = 0  # … and of its decision
        self.court: Any = None  # (name, case-number code) of the record's court, once drawn
        self.fine = 0
        self.dept: Any = None
        self.n = 0
        self.party: Any = None
        self.s: Any = None
        self.severe = False


FieldFn = Callable[[Ctx], Any]
# (name, value function or inline expression, inclusion probability, fallback, max length)
FieldPlan = tuple[str, "FieldFn | Inline", float, "FieldFn | None", int]


class Inline:
    """A field value written as a Python expression, compiled into the item's fill function
    instead of being called (see :func:`compile_fill`).

    The expression may use ``c`` (the :class:`Ctx`), ``dept``, ``day`` (the decision date
    text), ``r``, ``dates``, ``years``, ``base``, ``bisect`` and constants passed as keywords and
    written ``$name``. ``sure`` means it never evaluates to None.
    """

    __slots__ = ("expr", "names", "sure")

    def __init__(self, expr: str, *, sure: bool = False, **names: Any) -> None:
        self.expr = expr
        self.names = names
        self.sure = sure

    def render(self, suffix: str, namespace: dict[str, Any]) -> str:
        for key, value in self.names.items():
            namespace[f"{key}_{suffix}"] = value
        return re.sub(r"\$(\w+)", lambda m: f"{m.group(1)}_{suffix}", self.expr)


# a random licence of the providing department that the subject's kind may hold (an expression
# for Inline)
LICENCE = "(x := c.dept.lic[c.s.kind])[int(r() * len(x))]"
DEPT_NAME = Inline("dept.name", sure=True)  # the providing department's name
DEPT_CODE = Inline("dept.credit_code", sure=True)  # … and its credit code
DECISION_DAY = Inline("day", sure=True)  # the record's decision date


def fine(c: Ctx, r: Callable[[], float]) -> int:
    """The record's fine in yuan (a multiple of 100), drawn once per record."""
    if not c.fine:
        c.fine = 100 * (2 + int(r() * r() * r() * 5000))
    return c.fine


def occurred_before(n: int) -> int:
    """Days between an accident and the decision on it (same for every field of a record)."""
    return 5 + n * 7 % 116


@functools.cache
def amount_table(lo: float, hi: float, size: int = 4096) -> tuple[str, ...]:
    """Log-uniform amounts between lo and hi as strings with 2 decimals (quantiles)."""
    log_lo, log_span = math.log(lo * 100), math.log(hi / lo)
    out = []
    for i in range(size):
        cents = int(math.exp(log_lo + (i + 0.5) / size * log_span))
        out.append(f"{cents // 100}.{cents % 100:02d}")
    return tuple(out)


def compile_fill(
    fields: list[FieldPlan], r: Callable[[], float], tables: dict[str, Any]
) -> Callable[[Ctx, Dept, str], dict]:
    """One straight-line function filling an item's fields, in catalog order.

    For each field: an optional one only if ``r() < p``; the value is the inline expression or
    ``fn(c)``; None omits the field (a required one takes its fallback); strings are cut to the
    field's max_length. Straight-line code instead of a loop over closures matters at millions
    of records.
    """
    namespace: dict[str, Any] = {"r": r, "bisect": bisect, **tables}
    lines = ["def fill(c, dept, day):", "    fields = {}"]
    for i, (name, fn, p, fallback, cut) in enumerate(fields):
        key = repr(name)
        indent = "    "
        if p < 1.0:
            lines.append(f"    if r() < {p!r}:")
            indent = "        "
        if isinstance(fn, Inline):
            expr, sure = fn.render(str(i), namespace), fn.sure
        else:
            namespace[f"f{i}"] = fn
            expr, sure = f"f{i}(c)", False
        tail = f"[:{cut}]" if cut else ""
        if sure:
            lines.append(f"{indent}fields[{key}] = ({expr}){tail}")
            continue
        lines.append(f"{indent}v = {expr}")
        if fallback is not None:
            namespace[f"fb{i}"] = fallback
            lines.append(f"{indent}fields[{key}] = (fb{i}(c) if v is None else v){tail}")
        else:
            lines.append(f"{indent}if v is not None:")
            lines.append(f"{indent}    fields[{key}] = v{tail}")
    lines.append("    return fields")
    exec(_compiled("\n".join(lines)), namespace)  # the source is built above from the field list
    return namespace["fill"]


@functools.lru_cache(maxsize=512)
def _compiled(source: str) -> CodeType:
    """An item's fill compiled once per process: each demo load builds the same sources (one
    per catalog item), and a compile is a new code object each time, which coverage's
    `sys.monitoring` core keeps for good (core/annotations.py)."""
    return compile(source, "<fill>", "exec")
