"""A credit report's content as a PDF that reads like an official document: A4, in one 宋体-like
face (Noto Serif CJK SC, installed by the set-up: `make pdf`) — each face embedded adds some
200 KB, for WeasyPrint's subsets keep the glyph ids —, the issuer and the number on every page,
and on every page a QR code of the verification address. The content's
JSON travels inside the PDF as an attachment (``report.json``), so that an offline verifier
checks the digest against the very content the signature covers (credit_reports/signing.py).

WeasyPrint fetches nothing: its URL fetcher takes ``data:`` URLs only (the QR codes), so no
record's text can make the renderer reach the network or the disk."""

from __future__ import annotations

import json
import threading
from functools import cache
from pathlib import Path
from typing import Any

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Path(__file__).parent / "templates"
ATTACHMENT = "report.json"
# The QR code: a PNG of 8 pixels a module, shown at 4 pixels a CSS pixel (image-resolution in
# the template): 0.53 mm a module, about 20 mm for a verification address — read by a phone
# from the printed page and by a decoder from a 150 dpi rendering. A PNG, not an SVG: the
# renderer draws an image once and every page refers to it, while an SVG's path is drawn anew
# on every page (a tenth of a second for ten pages).
QR_SCALE = 8

_local = threading.local()


@cache
def _templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def qr_data_uri(url: str) -> str:
    """The QR code of ``url`` as a PNG data URL (segno; error correction M)."""
    return segno.make(url, error="m", micro=False).png_data_uri(scale=QR_SCALE, border=2)


def attachment_body(content: dict[str, Any], sha256: str) -> str:
    """What ``report.json`` inside the PDF holds: the number, the digest and the content."""
    return json.dumps(
        {"number": content["number"], "sha256": sha256, "content": content},
        ensure_ascii=False,
        sort_keys=True,
        indent=1,
    )


def html_of(content: dict[str, Any], sha256: str) -> str:
    return (
        _templates()
        .get_template("credit_report.html")
        .render(report=content, sha256=sha256, qr=qr_data_uri(content["verify_url"]))
    )


def _fonts() -> Any:
    """One font configuration per thread: WeasyPrint's is not shared across threads, and
    building it anew for every report costs a tenth of a second."""
    from weasyprint.text.fonts import FontConfiguration

    fonts = getattr(_local, "fonts", None)
    if fonts is None:
        fonts = _local.fonts = FontConfiguration()
    return fonts


def pdf_of(content: dict[str, Any], sha256: str) -> bytes:
    """The unsigned PDF of a report (credit_reports/signing.sign_pdf signs it)."""
    from weasyprint import HTML, Attachment, URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    attachment = Attachment(
        string=attachment_body(content, sha256),
        name=ATTACHMENT,
        description=f"信用报告 {content['number']} 的内容（JSON），SHA-256 {sha256}",
        url_fetcher=fetcher,
    )
    pdf = HTML(string=html_of(content, sha256), url_fetcher=fetcher).write_pdf(
        font_config=_fonts(), attachments=[attachment]
    )
    assert pdf is not None  # without a target WeasyPrint returns the bytes
    return pdf
