"""Offline verification of a PDF report against hostile files (issue 17 part 1 § 3): the fast
path (the signature over its byte range, no parse of the PDF's structure) and pyHanko's full
validation agree; every forgery fails with the code the CLI prints, never a traceback; the
platform's own PDFs are decided by the fast path, which reads the attachment pyHanko reads."""

from __future__ import annotations

import json
from datetime import timedelta
from io import BytesIO
from pathlib import Path

from report_world import ACME, ReportWorld

from xinyong.credit_reports import render, signed_pdf, signing
from xinyong.credit_reports.verify import Verdict, _attachment_of, _verify_pdf_fast, verify_pdf


def _codes(verdict: Verdict) -> set[str]:
    return {code for code, _, _ in verdict.problems}


def _issued(rw: ReportWorld) -> tuple[dict, bytes]:
    [issued] = rw.issued(rw.user, ACME)
    return rw.document(rw.user, issued["number"]), rw.pdf(rw.user, issued["number"])


def _unsigned(document: dict) -> bytes:
    return render.pdf_of(document["content"], document["sha256"])


def _flip_hex(pdf: bytes, at: int) -> bytes:
    """One hex digit of the signature's /Contents changed, at ``at`` bytes into its DER."""
    signature = signed_pdf.last_signature(pdf)
    where = signature.gap_start + 1 + 2 * at
    forged = bytearray(pdf)
    forged[where] = ord("1") if forged[where] != ord("1") else ord("2")
    return bytes(forged)


def _append_field(pdf: bytes) -> bytes:
    """An incremental update adding a second (empty) signature field, as an editor would."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    append_signature_field(writer, SigFieldSpec("Second"))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _signed_again(pdf: bytes, keys: signing.Keys) -> bytes:
    """A second signature, by another key, appended to the platform's signed PDF."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name="Other", md_algorithm="sha256")
    out = signing.outside_event_loop(lambda: signers.sign_pdf(writer, meta, signer=keys.signer()))
    return bytes(out.getvalue())


def test_the_platforms_pdf_is_decided_by_the_fast_path(rw: ReportWorld) -> None:
    document, pdf = _issued(rw)
    cert = signing.certificate_of(rw.db.settings.report_keys)
    fast = _verify_pdf_fast(pdf, cert)
    full = verify_pdf(pdf, cert, full=True)
    assert fast is not None and fast.genuine, fast and fast.problems
    assert full.genuine, full.problems
    for name in ("number", "sha256", "signed_by", "signed_at", "content"):
        assert getattr(fast, name) == getattr(full, name), name
    assert fast.number == document["number"] and fast.sha256 == document["sha256"]
    # The attachment found in the bytes is the one the PDF's name tree calls report.json.
    signature = signed_pdf.last_signature(pdf)
    found = signed_pdf.attachment(pdf, signature.end)
    assert found is not None and json.loads(found) == _attachment_of(pdf)


def test_forgeries_fail_on_both_paths_with_the_code_the_cli_prints(
    rw: ReportWorld, tmp_path: Path
) -> None:
    document, pdf = _issued(rw)
    cert = signing.certificate_of(rw.db.settings.report_keys)
    stranger = signing.generate(
        tmp_path / "other", b"k" * 32, issuer="冒名单位", now=rw.clock.now()
    )
    signature = signed_pdf.last_signature(pdf)
    cms_length = len(signature.cms)
    digest_at = signature.cms.find(bytes.fromhex("2a864886f70d010904"))  # messageDigest's OID
    assert digest_at > 0
    changed = bytearray(pdf)
    changed[signature.gap_start // 2] ^= 0x20
    attachment_at = pdf.find(b"/Type /EmbeddedFile")
    in_attachment = bytearray(pdf)
    in_attachment[attachment_at + 400] ^= 0x01  # inside its compressed stream
    unsigned = _unsigned(document)
    version_at = signature.cms.find(bytes.fromhex("020101"))  # SignedData's version, unsigned
    lower = bytearray(pdf)
    letter = pdf.index(b"A", signature.gap_start + 1, signature.gap_end)
    lower[letter] = ord("a")  # the same value in lower case
    forgeries = {
        "a byte of the signed range": (bytes(changed), "bad_signature"),
        "a byte of the compressed attachment": (bytes(in_attachment), "bad_signature"),
        "the signature value": (_flip_hex(pdf, cms_length - 3), "bad_signature"),
        "the signed message digest": (_flip_hex(pdf, digest_at + 15), "bad_signature"),
        "the envelope's version, which is not signed": (
            _flip_hex(pdf, version_at + 2),
            "bad_signature",
        ),
        "a hex digit in lower case": (bytes(lower), "bad_signature"),
        "bytes appended after %%EOF": (pdf + b"\n% appended\n", "not_whole_file"),
        "an incremental update": (_append_field(pdf), "not_whole_file"),
        "a second signature by another key": (
            _signed_again(pdf, stranger),
            "signed_more_than_once",
        ),
        "signed by another key": (
            signing.sign_pdf(unsigned, stranger, number="X", issuer="冒名单位"),
            "untrusted_signer",
        ),
        "not signed": (unsigned, "unsigned"),
        "cut in half": (pdf[: len(pdf) // 2], "unreadable"),
        "cut at the end": (pdf[:-4], "unreadable"),
    }
    lenient = {"the envelope's version, which is not signed", "a hex digit in lower case"}
    for what, (forged, code) in forgeries.items():
        assert forged != pdf, what
        fast, full = verify_pdf(forged, cert), verify_pdf(forged, cert, full=True)
        # pyHanko's full validation takes these two, as before: the fast path is stricter.
        assert not fast.genuine and (full.genuine == (what in lenient)), what
        assert code in _codes(fast), (what, fast.problems)
        assert all(message and english for _, message, english in fast.problems), what


def test_the_zero_padding_after_the_signature_is_signed_over_too(rw: ReportWorld) -> None:
    """The hex string's padding carries nothing: changing it fails rather than passes."""
    _, pdf = _issued(rw)
    cert = signing.certificate_of(rw.db.settings.report_keys)
    signature = signed_pdf.last_signature(pdf)
    verdict = verify_pdf(_flip_hex(pdf, len(signature.cms) + 10), cert)
    assert "bad_signature" in _codes(verdict)


def test_a_certificate_under_a_trusted_ca_is_validated_as_before(
    rw: ReportWorld, tmp_path: Path
) -> None:
    """Trusting a CA rather than the signing certificate itself: the fast path cannot decide,
    pyHanko's path validation does (no fetching), as it did before."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = rw.clock.now()

    def issue(subject: str, key, issuer_name, issuer_key, *, ca: bool):  # type: ignore[no-untyped-def]
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
        return (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(issuer_name or name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=not ca,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=ca,
                    crl_sign=ca,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(issuer_key or key, hashes.SHA256())
        )

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = issue("测试根证书", ca_key, None, None, ca=True)
    leaf = issue("江苏省公共信用信息中心 信用报告签名", key, ca.subject, ca_key, ca=False)
    pem = serialization.Encoding.PEM
    signing.install(
        rw.db.settings.report_keys,
        rw.db.settings.master_key,
        key_pem=key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        cert_pem=leaf.public_bytes(pem),
        chain_pem=ca.public_bytes(pem),
        force=True,
    )
    _, pdf = _issued(rw)
    assert _verify_pdf_fast(pdf, leaf) is not None  # the installed certificate: fast
    assert verify_pdf(pdf, leaf).genuine
    assert _verify_pdf_fast(pdf, ca) is None  # the CA: a path to validate
    assert verify_pdf(pdf, ca).genuine
    other_ca = issue("另一根证书", ec.generate_private_key(ec.SECP256R1()), None, None, ca=True)
    assert "untrusted_signer" in _codes(verify_pdf(pdf, other_ca))
