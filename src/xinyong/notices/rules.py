"""The pure rules of notices (docs/notices.md): what a notice must say, who reads it and who
acknowledges it.

Measures art. 40: 建立公共信用信息归集和使用情况通报制度 — the credit authority reports to the
departments; each department it addresses acknowledges (签收) what it was sent, and only those:
a notice addressed to others is not theirs to read or to acknowledge
(``notice_not_addressed``)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from xinyong.core.auth import Principal
from xinyong.errors import Forbidden, InvalidRequest
from xinyong.models import Role

KIND = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
PERIOD = re.compile(r"^[0-9A-Za-z-]{1,20}$")
TITLE_MAX = 200


def require_kind(kind: str) -> str:
    """A notice's kind: a machine code, ``collection_monthly``."""
    if not isinstance(kind, str) or not KIND.match(kind):
        raise InvalidRequest(
            "通报类别应为小写字母、数字和下划线组成的代码",
            "a notice's kind is a code of lower-case letters, digits and underscores",
            field="kind",
            code="invalid_notice",
        )
    return kind


def require_title(title: str) -> str:
    text = " ".join((title or "").split())
    if not 1 <= len(text) <= TITLE_MAX:
        raise InvalidRequest(
            f"通报标题应为 1 至 {TITLE_MAX} 个字",
            f"a notice's title is 1 to {TITLE_MAX} characters",
            field="title",
            code="invalid_notice",
        )
    return text


def require_period(period: str | None) -> str | None:
    """The period a notice reports on, as a label (``2026-11``, ``2026-Q3``), or none."""
    if period is None:
        return None
    if not PERIOD.match(period):
        raise InvalidRequest(
            "通报期间应为 1 至 20 个字母、数字或连字符，例如 2026-11",
            "a notice's period is 1 to 20 letters, digits or hyphens, e.g. 2026-11",
            field="period",
            code="invalid_notice",
        )
    return period


def require_body(body_html: str) -> str:
    if not isinstance(body_html, str) or not body_html.strip():
        raise InvalidRequest(
            "通报正文不能为空",
            "a notice's body must not be empty",
            field="body_html",
            code="invalid_notice",
        )
    return body_html


def recipients_in_order(department_ids: Iterable[int]) -> list[int]:
    """The departments a notice is addressed to, each once, in the order given."""
    return list(dict.fromkeys(department_ids))


def is_addressed(principal: Principal, recipients: Collection[int]) -> bool:
    """Whether the caller's department is one the notice is addressed to."""
    return principal.department_id is not None and principal.department_id in recipients


def may_read(principal: Principal, recipients: Collection[int]) -> bool:
    """The credit authority reads every notice (it sends them, Measures art. 40); a department
    those addressed to it."""
    return principal.role is Role.authority or is_addressed(principal, recipients)


def not_addressed() -> Forbidden:
    return Forbidden(
        "该通报不是发给本部门的",
        "the notice is not addressed to the caller's department",
        code="notice_not_addressed",
    )


def require_readable(principal: Principal, recipients: Collection[int]) -> None:
    if not may_read(principal, recipients):
        raise not_addressed()


def require_addressed(principal: Principal, recipients: Collection[int]) -> None:
    """Only a department the notice is addressed to acknowledges it — its people or its
    system; the authority that sent it does not acknowledge on anyone's behalf."""
    if not is_addressed(principal, recipients):
        raise not_addressed()
