"""notices/rules: who reads a notice and who acknowledges it, what a notice must say — without
a database."""

from __future__ import annotations

import pytest

from xinyong.core.auth import Principal
from xinyong.errors import Forbidden, InvalidRequest
from xinyong.models import Role
from xinyong.notices import rules

AUTHORITY = Principal(role=Role.authority, department_id=1)
TAX = Principal(role=Role.provider, department_id=2)
COURT = Principal(role=Role.user_department, department_id=3)


def test_the_authority_reads_all_a_department_what_is_addressed_to_it() -> None:
    assert rules.may_read(AUTHORITY, [2])
    assert rules.may_read(TAX, [2, 3]) and not rules.may_read(TAX, [3])
    assert not rules.may_read(Principal(role=Role.subject, subject_id=9), [2])
    with pytest.raises(Forbidden) as refused:
        rules.require_readable(COURT, [2])
    assert refused.value.code == "notice_not_addressed"


def test_only_a_department_addressed_acknowledges() -> None:
    rules.require_addressed(TAX, [2])
    for principal, recipients in ((COURT, [2]), (AUTHORITY, [2]), (TAX, [])):
        with pytest.raises(Forbidden) as refused:
            rules.require_addressed(principal, recipients)
        assert refused.value.code == "notice_not_addressed"
    # The authority acknowledges only a notice addressed to its own department.
    rules.require_addressed(AUTHORITY, [1])


def test_what_a_notice_says() -> None:
    assert rules.require_kind("collection_monthly") == "collection_monthly"
    assert rules.require_title("  2026年6月  通报 ") == "2026年6月 通报"
    assert rules.require_period(None) is None and rules.require_period("2026-Q3") == "2026-Q3"
    assert rules.recipients_in_order([3, 2, 3, 1]) == [3, 2, 1]
    for call in (
        lambda: rules.require_kind("Monthly"),
        lambda: rules.require_kind("x" * 65),
        lambda: rules.require_title(""),
        lambda: rules.require_title("长" * 201),
        lambda: rules.require_period("2026/11"),
        lambda: rules.require_body("  "),
    ):
        with pytest.raises(InvalidRequest) as refused:
            call()
        assert refused.value.code == "invalid_notice"
