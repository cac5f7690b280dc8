"""The pages work with no internet (government intranets): every script, style and image they
load is served by the platform itself, the browsable API document included."""

from __future__ import annotations

import re

import pytest

ASSET = re.compile(r"""<(?:script|link|img)\b[^>]*\b(?:src|href)=["']([^"']+)["']""", re.I)


@pytest.mark.parametrize("path", ["/", "/login", "/api/v1/docs", "/search?q=测试", "/lists"])
def test_every_asset_of_a_page_is_our_own(client, path: str) -> None:  # type: ignore[no-untyped-def]
    page = client.get(path)
    assert page.status_code == 200, page.text[:200]
    assets = ASSET.findall(page.text)
    assert assets, "no asset found: the pattern no longer matches the page, so nothing is checked"
    assert all(a.startswith("/") and not a.startswith("//") for a in assets), assets
    for asset in {a for a in assets if a.startswith("/static/")}:
        assert client.get(asset).status_code == 200, asset
    assert "cdn" not in page.text.lower()
