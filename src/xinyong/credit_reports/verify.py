"""Offline verification of a credit report file (``xinyong report verify FILE``): no database,
only the platform's certificate (public) as the root of trust.

A PDF is genuine when its signature is intact, made by the platform's certificate (or one
that chains to the certificate given as trusted), covering the whole file (nothing appended
after signing), and the content inside it (``report.json``) hashes to the SHA-256 it states.
The fast path checks the signature over its byte range straight from the file's bytes
(signed_pdf.py) — a PDF the platform signed is decided there in a millisecond or two —
and leaves to pyHanko's full validation what it cannot decide: a certificate issued under
the trusted one, more than one signature (docs/reports.md § Verification). A JSON report is
genuine when its content hashes to its ``sha256`` and its detached signature verifies under
the platform's certificate. One byte changed in what is signed fails one of these."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from xinyong.credit_reports import rules, signed_pdf, signing
from xinyong.credit_reports.render import ATTACHMENT
from xinyong.credit_reports.signing import verify_bytes


@dataclass
class Verdict:
    """What a verification found: genuine or not, and each problem in Chinese and English."""

    kind: str  # pdf | json | unknown
    number: str | None = None
    sha256: str | None = None
    signed_by: str | None = None
    signed_at: datetime | None = None
    content: dict[str, Any] | None = None
    problems: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def genuine(self) -> bool:
        return not self.problems

    def problem(self, code: str, message: str, message_en: str) -> None:
        self.problems.append((code, message, message_en))


def verify_file(data: bytes, trusted: x509.Certificate) -> Verdict:
    if data.startswith(b"%PDF-"):
        return verify_pdf(data, trusted)
    if data.lstrip()[:1] == b"{":
        return verify_json(data, trusted)
    verdict = Verdict("unknown")
    verdict.problem("not_a_report", "不是信用报告文件（PDF 或 JSON）", "not a report file")
    return verdict


def _check_content(verdict: Verdict, body: Any) -> None:
    """The stated digest against the content's own (rules.digest)."""
    if not isinstance(body, dict) or not isinstance(body.get("content"), dict):
        verdict.problem("no_content", "文件中没有报告内容", "the file holds no report content")
        return
    content = body["content"]
    verdict.content = content
    verdict.number = str(content.get("number") or body.get("number") or "") or None
    verdict.sha256 = str(body.get("sha256") or "")
    if rules.digest(content) != verdict.sha256:
        verdict.problem(
            "digest_mismatch",
            "报告内容与其 SHA-256 摘要不符：内容被改动过",
            "the content does not match its SHA-256: it was changed",
        )
    if body.get("number") not in (None, content.get("number")):
        verdict.problem("number_mismatch", "报告编号不一致", "the report numbers differ")


def verify_json(data: bytes, trusted: x509.Certificate) -> Verdict:
    verdict = Verdict("json")
    try:
        body = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        verdict.problem("unreadable", "无法读取 JSON", "not readable JSON")
        return verdict
    _check_content(verdict, body)
    signature = body.get("signature") if isinstance(body, dict) else None
    if not isinstance(signature, dict) or verdict.content is None:
        verdict.problem("unsigned", "报告没有签名", "the report is not signed")
        return verdict
    try:
        certificate = x509.load_pem_x509_certificate(str(signature["certificate"]).encode())
        value = base64.b64decode(str(signature["value"]), validate=True)
    except (KeyError, ValueError, binascii.Error):
        verdict.problem("unreadable_signature", "无法读取签名", "the signature is unreadable")
        return verdict
    verdict.signed_by = certificate.subject.rfc4514_string()
    if _der(certificate) != _der(trusted):
        verdict.problem(
            "untrusted_signer",
            "签名证书不是本平台的证书",
            "the signing certificate is not the platform's",
        )
    elif not verify_bytes(rules.canonical(verdict.content), value, certificate):
        verdict.problem(
            "bad_signature", "签名无效：报告被改动过", "the signature is invalid: it was changed"
        )
    return verdict


def _der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def verify_pdf(data: bytes, trusted: x509.Certificate, *, full: bool = False) -> Verdict:
    """A signed PDF report: the fast path (the signature checked over its byte range, no
    parse of the PDF's structure) decides whenever the signer is the trusted certificate
    itself and the algorithms are the platform's; otherwise, or with ``full``, pyHanko's
    full validation (a certificate issued under a trusted CA, an algorithm the fast path
    does not know, more than one signature)."""
    if not full:
        verdict = _verify_pdf_fast(data, trusted)
        if verdict is not None:
            return verdict
    return _verify_pdf_full(data, trusted)


# What the platform signs with (signing.sign_pdf: SHA-256; an ECDSA or RSA key) and a little
# more; anything else (SHA-1, DSA …) is not the platform's signature.
_DIGESTS = frozenset({"sha256", "sha384", "sha512"})
_MECHANISMS = frozenset({"ecdsa", "rsassa_pkcs1v15", "rsassa_pss"})


def _verify_pdf_fast(data: bytes, trusted: x509.Certificate) -> Verdict | None:
    """The last signature over its byte range — starting at 0, leaving out exactly its
    /Contents, ending at the end of the file — with pyHanko's CMS checks (content type,
    message digest, signing-certificate attribute, algorithm protection, the signature over
    the signed attributes) under the trusted certificate's key; then ``report.json``.
    None when it cannot decide: the full validation then does."""
    from asn1crypto import cms
    from pyhanko.sign.general import extract_signer_info
    from pyhanko.sign.validation.generic_cms import (
        extract_self_reported_ts,
        validate_sig_integrity,
    )

    verdict = Verdict("pdf")
    try:
        signature = signed_pdf.last_signature(data)
    except signed_pdf.Malformed as exc:
        verdict.problem(exc.code, exc.message, exc.message_en)
        return verdict
    if data.count(b"/ByteRange") > 1:
        return None  # signed more than once, or an update appended: pyHanko says which
    try:
        info = cms.ContentInfo.load(signature.cms, strict=True)
        if info["content_type"].native != "signed_data":
            raise ValueError("not CMS SignedData")
        signed_data = info["content"]
        signer_info = extract_signer_info(signed_data)
        certificate = _signer_if_trusted(signed_data, signer_info, _der(trusted))
        if certificate is None:
            return None  # maybe issued under the trusted certificate: a path to validate
        algorithm = signer_info["signature_algorithm"]
        md = signer_info["digest_algorithm"]["algorithm"].native
        if md not in _DIGESTS or algorithm.signature_algo not in _MECHANISMS:
            raise ValueError(f"an algorithm the platform does not sign with ({md})")
        _envelope_as_signed(signed_data, signer_info)
        encapsulated = signed_data["encap_content_info"]
        if encapsulated["content"].native is not None:
            raise ValueError("a detached signature with encapsulated content")
        digest = hashlib.new(md)
        digest.update(memoryview(data)[: signature.gap_start])
        digest.update(memoryview(data)[signature.gap_end : signature.end])
        intact, valid = validate_sig_integrity(
            signer_info,
            certificate,
            expected_content_type=encapsulated["content_type"].native,
            actual_digest=digest.digest(),
        )
        signed_at = extract_self_reported_ts(signer_info)
    except (
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        AttributeError,
        OverflowError,
        NotImplementedError,
    ) as exc:  # a hostile CMS: asn1crypto and pyHanko raise these (SignatureValidationError …)
        verdict.problem("bad_signature", f"签名无法核验：{exc}", f"cannot validate: {exc}")
        return verdict
    verdict.signed_by = certificate.subject.human_friendly
    verdict.signed_at = signed_at or signed_pdf.claimed_time(signature)
    if not intact or not valid:
        verdict.problem(
            "bad_signature", "签名无效：报告被改动过", "the signature is invalid: it was changed"
        )
    if signature.end != len(data):
        verdict.problem(
            "not_whole_file",
            "签名没有覆盖整个文件：签名后被追加了内容",
            "the signature does not cover the whole file: something was appended",
        )
    body = signed_pdf.attachment(data, signature.end)
    if body is None and verdict.genuine:
        # Not as WeasyPrint writes it, yet signed by the platform: read the PDF's structure.
        _check_content(verdict, _attachment_of(data[: signature.end]))
    else:
        _check_content(verdict, _parsed(body))
    return verdict


def _signer_if_trusted(signed_data: Any, signer_info: Any, trusted_der: bytes) -> Any:
    """The trusted certificate as the CMS carries it, if the signer info names it byte for
    byte — issuer and serial number, or key identifier — as pyHanko writes it; None if it
    names another (maybe one issued under the trusted one: a path to validate). Naming it
    only once names are normalised is a changed envelope. The ESS signing-certificate
    attribute is checked against it by ``validate_sig_integrity``."""
    sid = signer_info["sid"]
    for choice in signed_data["certificates"] or ():
        if choice.name != "certificate" or choice.chosen.dump() != trusted_der:
            continue
        certificate = choice.chosen
        if sid.name != "issuer_and_serial_number":
            return certificate if sid.chosen.native == certificate.key_identifier else None
        if sid.chosen["serial_number"].native != certificate.serial_number:
            return None
        if sid.chosen["issuer"].dump() == certificate.issuer.dump():
            return certificate
        if sid.chosen["issuer"] == certificate.issuer:
            raise ValueError("the signer info names the certificate in another encoding")
        return None
    return None


def _envelope_as_signed(signed_data: Any, signer_info: Any) -> None:
    """The parts of the CMS envelope the signature does not cover, as a signer writes them
    (RFC 5652 § 5.1, 5.3): versions 1, the digest algorithms exactly the signer's, no
    parameters but NULL. Changing them would not change what is signed; refusing them means
    any byte changed in the signature's value fails, as any byte of the file does."""
    digest_algorithm = signer_info["digest_algorithm"]
    if (
        signed_data["version"].native != "v1"
        or signer_info["version"].native != "v1"
        or [a.dump() for a in signed_data["digest_algorithms"]] != [digest_algorithm.dump()]
        or digest_algorithm["parameters"].native is not None
    ):
        raise ValueError("the signature's envelope is not as the signer wrote it")


def _parsed(body: bytes | None) -> Any:
    try:
        return None if body is None else json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None


def _verify_pdf_full(data: bytes, trusted: x509.Certificate) -> Verdict:
    """pyHanko's validation of the whole PDF: its structure, the signature, the path from the
    signer's certificate to the trusted one (no fetching), the coverage."""
    from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    verdict = Verdict("pdf")
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        verdict.problem("unreadable", f"无法读取 PDF：{exc}", f"unreadable PDF: {exc}")
        return verdict
    if len(signatures) != 1:
        verdict.problem(
            "unsigned" if not signatures else "signed_more_than_once",
            "报告没有签名" if not signatures else "报告有多个签名：签名后被改动过",
            "the report is not signed" if not signatures else "signed more than once",
        )
        return verdict
    context = ValidationContext(
        trust_roots=[translate_pyca_cryptography_cert_to_asn1(trusted)], allow_fetching=False
    )
    try:
        status = signing.outside_event_loop(
            lambda: validate_pdf_signature(signatures[0], context, skip_diff=True)
        )
    except (
        SignatureValidationError,
        PdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
    ) as exc:  # AttributeError: pyHanko on a digest algorithm it does not know
        verdict.problem("bad_signature", f"签名无法核验：{exc}", f"cannot validate: {exc}")
        return verdict
    verdict.signed_by = status.signing_cert.subject.human_friendly
    verdict.signed_at = status.signer_reported_dt
    if not status.intact or not status.valid:
        verdict.problem(
            "bad_signature", "签名无效：报告被改动过", "the signature is invalid: it was changed"
        )
    elif not status.trusted:
        verdict.problem(
            "untrusted_signer",
            "签名证书不是本平台的证书",
            "the signing certificate is not the platform's",
        )
    if status.coverage is not SignatureCoverageLevel.ENTIRE_FILE:
        verdict.problem(
            "not_whole_file",
            "签名没有覆盖整个文件：签名后被追加了内容",
            "the signature does not cover the whole file: something was appended",
        )
    _check_content(verdict, _attachment(reader))
    return verdict


def _attachment_of(data: bytes) -> Any:
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        return _attachment(PdfFileReader(BytesIO(data), strict=False))
    except (PdfError, ValueError, KeyError, IndexError, TypeError):
        return None


def _attachment(reader: Any) -> Any:
    """``report.json`` embedded in the PDF (render.py), parsed; None if it is not there."""
    try:
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
        for i in range(0, len(names), 2):
            if str(names[i]) == ATTACHMENT:
                spec = names[i + 1].get_object()
                return json.loads(spec["/EF"]["/F"].get_object().data)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, zlib.error):
        # zlib.error: a byte changed inside the compressed attachment (it crashed before).
        return None
    return None
