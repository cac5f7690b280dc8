"""Acceptance (issue 17 part 1): a report of the demo's showcase organisation opens with a valid
signature; its pages, rendered by pdftoppm, each carry a QR code that decodes to the
verification address. The pages of the SQLite run are kept as screenshots — under
var/screenshots, or docs/screenshots with `make screenshots` (docs/testing.md)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from report_world import pdf_pages_png

from fixtures.demo import SMALL, kept_demo
from fixtures.helpers import make_caller
from xinyong.credit_reports import signing
from xinyong.credit_reports.verify import verify_pdf
from xinyong.models import Role
from xinyong.subjects.service import find_subject

ROOT = Path(__file__).parents[2]
SCREENSHOTS = ROOT / os.environ.get("XINYONG_SCREENSHOT_DIR", "var/screenshots")


def test_a_report_of_the_demo_opens_signed_and_every_page_can_be_verified(
    client, db, clock, keys, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import zxingcpp
    from PIL import Image

    result = kept_demo(client, db, clock, **SMALL)
    code, name = result.showcase
    with db.transaction() as session:
        sid = find_subject(session, code, cipher=db.cipher).id
    own = make_caller(db, clock, role=Role.subject, subject_id=sid)
    issued = client.post("/api/v1/reports", json={}, headers=own.headers)
    assert issued.status_code == 201, issued.text
    [report] = issued.json()["reports"]
    assert report["subject_name"] == name
    pdf = client.get(
        f"/api/v1/reports/{report['number']}", headers={**own.headers, "Accept": "application/pdf"}
    ).content
    verdict = verify_pdf(pdf, signing.certificate_of(db.settings.report_keys))
    assert verdict.genuine, verdict.problems
    content = verdict.content
    assert content is not None and sum(content["cover"]["counts"].values()) >= 10
    pages = pdf_pages_png(pdf, tmp_path / "pages")
    assert len(pages) >= 2
    for page in pages:
        assert [c.text for c in zxingcpp.read_barcodes(Image.open(page))] == [report["verify_url"]]
    if db.dialect == "sqlite":  # one set of screenshots
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for old in SCREENSHOTS.glob("credit-report-page-*.png"):
            old.unlink()
        for index, page in enumerate(pages, start=1):
            shutil.copy(page, SCREENSHOTS / f"credit-report-page-{index}.png")
