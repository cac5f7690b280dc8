"""What the credit authority's pages share: their audience and the change through a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request
from sqlalchemy.orm import Session

from xinyong.models import Role
from xinyong.web.forms import attempt, page_visitor, request_now
from xinyong.web.site import audience

AUTHORITY = audience(Role.authority)


# A catalog, a measures list or a calendar year as a file: generous, but bounded.
MAX_UPLOAD = 5 * 1024 * 1024


R = TypeVar("R")


def change(
    request: Request,
    session: Session,
    service: Callable[..., R],
    *args: Any,
    fields: dict[str, str] | None = None,
    **kwargs: Any,
) -> R:
    """A change through the service the API calls, by the visitor, now; its refusal is the
    form's problem, at the path in the document it names."""
    actor = page_visitor(request).principal.actor
    return attempt(
        session,
        lambda: service(session, *args, actor=actor, now=request_now(request), **kwargs),
        fields,
        path=True,
    )


def refill(text: str) -> str:
    return text if len(text) <= 1_000_000 else ""
