"""A notice's PDF from its HTML: WeasyPrint, as credit reports are rendered
(credit_reports/render.py) — A4 in the CJK serif face the set-up installs (`make pdf`), and
nothing fetched: only ``data:`` URLs, so that no text of a notice makes the renderer reach the
network or the disk."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

# The letterhead every notice's HTML extends (``{% extends "_notice.html" %}``): put this
# folder after a domain's own on its template loader.
LETTERHEAD = Path(__file__).parent / "templates"

_local = threading.local()


def _fonts() -> Any:
    """One font configuration per thread (WeasyPrint's is not shared across threads)."""
    from weasyprint.text.fonts import FontConfiguration

    fonts = getattr(_local, "fonts", None)
    if fonts is None:
        fonts = _local.fonts = FontConfiguration()
    return fonts


def pdf_of(html: str) -> bytes:
    """The PDF of a self-contained HTML document."""
    from weasyprint import HTML, URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf(font_config=_fonts())
    assert pdf is not None  # without a target WeasyPrint returns the bytes
    return pdf
