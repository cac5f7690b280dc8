"""Offline verification of a credit report file (``xinyong report verify FILE``): no database,
only the platform's certificate (public) as the root of trust.

A PDF is genuine when pyHanko finds its signature intact, made by a certificate that chains
to the platform's, covering the whole file (nothing appended after signing), and the content
inside it (``report.json``) hashes to the SHA-256 it states. A JSON report is genuine when its
content hashes to its ``sha256`` and its detached signature verifies under the platform's
certificate. One byte changed anywhere fails one of these."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from xinyong.credit_reports import rules, signing
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


def verify_pdf(data: bytes, trusted: x509.Certificate) -> Verdict:
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
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as exc:
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


def _attachment(reader: Any) -> Any:
    """``report.json`` embedded in the PDF (render.py), parsed; None if it is not there."""
    try:
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
        for i in range(0, len(names), 2):
            if str(names[i]) == ATTACHMENT:
                spec = names[i + 1].get_object()
                return json.loads(spec["/EF"]["/F"].get_object().data)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return None
    return None
