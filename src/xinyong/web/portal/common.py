"""What the portal's pages share: the audience (everyone), the names every page reads, the page
itself, the limit on anonymous look-ups and the answer for what the public may not see."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from xinyong.core import labels
from xinyong.core.identifiers import INVALID_CREDIT_CODE, IdentifierError
from xinyong.core.ratelimit import client_address
from xinyong.models import Role
from xinyong.web import forms

EVERYONE = tuple(Role)

# The tables the templates read as ``names.…`` (core/labels.py).
NAMES = {
    "category": labels.CATEGORY_NAMES,
    "disclosure": labels.DISCLOSURE_NAMES,
    "list_kind": labels.LIST_KINDS,
    "subject_kind": labels.SUBJECT_KINDS,
    "severity": labels.SEVERITY_NAMES,
    "sector": labels.SECTOR_NAMES,
    "target": labels.MEASURE_TARGETS,
    "exit": labels.EXIT_REASONS,
}


def names_of(values: list[str] | tuple[str, ...], table: dict[str, str]) -> str:
    return "、".join(table.get(v, v) for v in values)


def portal_page(
    request: Request, name: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    return forms.page(request, f"portal/{name}", status_code=status_code, names=NAMES, **context)


def count_look_up(request: Request) -> None:
    """A visitor not logged in is limited per address, as the API's anonymous look-ups are
    (core/ratelimit.py): 429 with the error page and Retry-After. A logged-in user is known."""
    if forms.page_visitor(request).user is None:
        request.app.state.lookups.check(client_address(request))


def not_found(request: Request, invalid: str = "") -> HTMLResponse:
    """The same answer for what does not exist and what the public may not see; ``invalid``:
    why the code in the address cannot be anyone's (its check fails)."""
    return portal_page(request, "not_found.html", status_code=404, invalid=invalid)


def invalid_code_text(problem: IdentifierError | None) -> str:
    """Why the code typed is not valid (core/identifiers: GB 32100-2015, GB 11643-1999), in
    the words a visitor reads; the expected check character is not given, for the mistake may
    be in another character."""
    if problem is None:
        return ""
    what = "统一社会信用代码" if problem.code == INVALID_CREDIT_CODE else "身份证号码"
    if problem.reason == "check_char":
        return f"{what}校验位不正确，请核对后重新输入。"
    detail = problem.message.removeprefix("居民").removeprefix(what)
    return f"{what}无效：{detail}。请核对后重新输入。"
