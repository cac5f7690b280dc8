"""Every portal page renders for the public."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/search",
        "/search?q=测试",
        "/dual-publicity",
        "/dual-publicity?tab=penalty",
        "/lists",
        "/lists/tax_a_grade",
        "/lists/finance_watch",
        "/catalog",
        "/measures",
    ],
)
def test_page_renders(client, path: str) -> None:  # type: ignore[no-untyped-def]
    answer = client.get(path)
    assert answer.status_code == 200, answer.text[:2000]
    assert "<html" in answer.text
