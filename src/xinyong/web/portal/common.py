"""What the portal's pages share: the audience (everyone), the names every page reads, the page
itself, the limit on anonymous look-ups and the answer for what the public may not see."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from xinyong.core import labels
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
    "link_role": labels.LINK_ROLES,
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


def not_found(request: Request) -> HTMLResponse:
    """The same answer for what does not exist and what the public may not see."""
    return portal_page(request, "not_found.html", status_code=404)
