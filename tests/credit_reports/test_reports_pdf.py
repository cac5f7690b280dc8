"""The PDF: signed PAdES with the platform's certificate and valid by pyHanko's validation; one
byte changed or anything appended fails verification; a QR code on every page decodes to the
verification address; the content travels inside it (issue 17 part 1 § 2–3)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from report_world import ACME, ReportWorld, pdf_pages_png, pdf_text

from xinyong.credit_reports import rules, signing
from xinyong.credit_reports.verify import verify_pdf


def _issued_pdf(rw: ReportWorld) -> tuple[dict, bytes]:
    [issued] = rw.issued(rw.user, ACME)
    return issued, rw.pdf(rw.user, issued["number"])


def test_the_pdf_carries_a_valid_pades_signature_of_the_platform(rw: ReportWorld) -> None:
    from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    _, pdf = _issued_pdf(rw)
    cert = signing.certificate_of(rw.db.settings.report_keys)
    reader = PdfFileReader(BytesIO(pdf))
    [signature] = reader.embedded_signatures
    # PAdES: the ETSI CAdES detached sub-filter, not the legacy adbe.pkcs7.
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    context = ValidationContext(
        trust_roots=[translate_pyca_cryptography_cert_to_asn1(cert)], allow_fetching=False
    )
    # Off this thread's event loop, if the browser tests' Playwright left one running here.
    status = signing.outside_event_loop(lambda: validate_pdf_signature(signature, context))
    assert status.intact and status.valid and status.trusted
    assert status.coverage is SignatureCoverageLevel.ENTIRE_FILE
    assert "江苏省公共信用信息中心" in status.signing_cert.subject.human_friendly


def test_the_pdf_holds_the_content_whose_digest_it_states(rw: ReportWorld) -> None:
    issued, pdf = _issued_pdf(rw)
    verdict = verify_pdf(pdf, signing.certificate_of(rw.db.settings.report_keys))
    assert verdict.genuine, verdict.problems
    assert verdict.number == issued["number"] and verdict.sha256 == issued["sha256"]
    assert verdict.content is not None and rules.digest(verdict.content) == issued["sha256"]


@pytest.mark.parametrize("where", [0.1, 0.5, 0.97])
def test_one_byte_changed_anywhere_fails_verification(rw: ReportWorld, where: float) -> None:
    _, pdf = _issued_pdf(rw)
    forged = bytearray(pdf)
    at = int(len(forged) * where)
    forged[at] = (forged[at] + 1) % 256
    verdict = verify_pdf(bytes(forged), signing.certificate_of(rw.db.settings.report_keys))
    assert not verdict.genuine


def test_anything_appended_after_signing_fails_verification(rw: ReportWorld) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    _, pdf = _issued_pdf(rw)
    # An incremental update, as an editor saves a change: the signed bytes stay as they were.
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    out = BytesIO()
    writer.write(out)
    assert out.getvalue().startswith(pdf) and len(out.getvalue()) > len(pdf)
    verdict = verify_pdf(out.getvalue(), signing.certificate_of(rw.db.settings.report_keys))
    assert "not_whole_file" in {code for code, _, _ in verdict.problems}


def test_another_key_is_not_the_platforms(rw: ReportWorld, tmp_path: Path) -> None:
    _, pdf = _issued_pdf(rw)
    stranger = signing.generate(
        tmp_path / "other", b"k" * 32, issuer="冒名单位", now=rw.clock.now()
    )
    verdict = verify_pdf(pdf, stranger.certificate)
    assert "untrusted_signer" in {code for code, _, _ in verdict.problems}


def test_every_page_has_a_qr_code_of_the_verification_address(
    rw: ReportWorld, tmp_path: Path
) -> None:
    import zxingcpp
    from PIL import Image

    issued, pdf = _issued_pdf(rw)
    pages = pdf_pages_png(pdf, tmp_path)
    assert len(pages) >= 2
    for page in pages:
        codes = zxingcpp.read_barcodes(Image.open(page))
        assert [c.text for c in codes] == [issued["verify_url"]], page.name
    assert issued["verify_url"] == f"http://127.0.0.1:8000/verify/{issued['number']}"


def test_the_pdf_reads_as_the_report(rw: ReportWorld, tmp_path: Path) -> None:
    issued, pdf = _issued_pdf(rw)
    text = pdf_text(pdf, tmp_path)
    for words in (
        "公共信用信息报告",
        "法人和非法人组织公共信用信息报告",
        issued["number"],
        "南京艾克米科技有限公司",
        "行政管理信息（1 条）",
        "宁市监处罚〔2026〕p-1号",
        "暂无评价",
        "信用状况提升建议",
        "可以申请信用修复",
        "《江苏省公共信用信息管理办法（试行）》",
    ):
        assert words in text, words
    # The digest printed on the cover, in its two halves.
    assert issued["sha256"][:32] in text and issued["sha256"][32:] in text


def test_the_pdf_gives_the_grade_with_its_model(rw: ReportWorld, tmp_path: Path) -> None:
    """信用评价 in the PDF: grade on the cover and in its section, with score, day and model."""
    from evaluation.evaluation_world import load, run, small

    load(rw.db, rw.clock, small())
    run(rw.db, rw.clock)
    _issued, pdf = _issued_pdf(rw)
    text = pdf_text(pdf, tmp_path)
    assert "暂无评价" not in text
    for words in ("B（良）", "991.00", "测试模型（第 1 版）", "公共信用综合评价"):
        assert words in text, words
