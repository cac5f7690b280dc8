"""Errors that carry their own HTTP status, a stable machine code and bilingual messages.

Codes are part of the API contract (docs/api.md): clients branch on ``code``, people read
``message`` (Chinese) or ``message_en``. ``field`` names the input at fault.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class XinyongError(Exception):
    status: int = 400
    code: str = "bad_request"

    def __init__(
        self,
        message: str,
        message_en: str,
        *,
        field: str | None = None,
        code: str | None = None,
        status: int | None = None,
        **detail: Any,
    ) -> None:
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en
        self.field = field
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.detail = detail

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "message_en": self.message_en,
            "field": self.field,
        }
        if self.detail:
            body["detail"] = self.detail
        return body


class NotAuthenticated(XinyongError):
    status = 401
    code = "not_authenticated"


class Forbidden(XinyongError):
    status = 403
    code = "forbidden"


class NotFound(XinyongError):
    status = 404
    code = "not_found"


class Conflict(XinyongError):
    status = 409
    code = "conflict"


class PayloadTooLarge(XinyongError):
    status = 413
    code = "batch_too_large"


class InvalidRequest(XinyongError):
    status = 422
    code = "invalid_request"


def each_or_none(items: Iterable[T], add: Callable[[T], R]) -> list[R]:
    """``add`` each of a file's entries, in the caller's transaction (all or none): an error
    names the entry's index before its field (``2.condition.item``)."""
    added = []
    for index, item in enumerate(items):
        try:
            added.append(add(item))
        except XinyongError as exc:
            exc.field = f"{index}.{exc.field}" if exc.field else str(index)
            raise
    return added
