"""The platform's signing key and certificate for credit reports, and the signatures made with
them: PAdES (ETSI EN 319 142, baseline B-B) on the PDF with pyHanko, and a detached signature
over the content's canonical bytes in the JSON format.

The key and certificate live in one directory (``XINYONG_REPORT_KEY_DIR``, default
``var/report-signing``), written by ``xinyong report keys generate`` (an ECDSA P-256 key and a
self-signed certificate in the issuer's name) or ``install`` (a key and certificate issued by a
CA, with its chain):

- ``signing-key.pem``: the private key, PKCS#8 encrypted under a passphrase derived from the
  master secret (core/crypto.report_key_passphrase), file mode 0600: the file alone signs
  nothing;
- ``signing-cert.pem``: the certificate, public — handed to whoever verifies offline;
- ``chain.pem``: the CA certificates above it, if installed with any.

Nothing here reads the database; docs/reports.md § Keys."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any, TypeVar

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.x509.oid import NameOID

from xinyong.core.crypto import report_key_passphrase
from xinyong.errors import Conflict, InvalidRequest

KEY_FILE = "signing-key.pem"
CERT_FILE = "signing-cert.pem"
CHAIN_FILE = "chain.pem"
SIGNATURE_FIELD = "XinyongReportSignature"


def _missing() -> Conflict:
    return Conflict(
        "平台尚未配置信用报告签名密钥：请运行 xinyong report keys generate 或 install",
        "the platform has no key to sign credit reports: run xinyong report keys generate "
        "or install",
        code="signing_key_missing",
    )


def fingerprint(certificate: x509.Certificate) -> str:
    """SHA-256 of a certificate (DER), as people compare it: hex in groups of four."""
    raw = hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4)).upper()


@dataclass(frozen=True)
class Keys:
    private_key: PrivateKeyTypes
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()
    _signer: list[Any] = field(default_factory=list, compare=False, repr=False)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate)

    @property
    def subject_name(self) -> str:
        names = self.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return str(names[0].value) if names else self.certificate.subject.rfc4514_string()

    def certificate_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    def signer(self) -> Any:
        """pyHanko's signer of this key, made once."""
        if not self._signer:
            from pyhanko.keys.internal import (
                translate_pyca_cryptography_cert_to_asn1,
                translate_pyca_cryptography_key_to_asn1,
            )
            from pyhanko.sign import signers
            from pyhanko_certvalidator.registry import SimpleCertificateStore

            assert isinstance(self.private_key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey)
            self._signer.append(
                signers.SimpleSigner(
                    signing_cert=translate_pyca_cryptography_cert_to_asn1(self.certificate),
                    signing_key=translate_pyca_cryptography_key_to_asn1(self.private_key),
                    cert_registry=SimpleCertificateStore.from_certs(
                        [translate_pyca_cryptography_cert_to_asn1(c) for c in self.chain]
                    ),
                )
            )
        return self._signer[0]


# --- making and installing the key ------------------------------------------------------------


def _refuse_overwrite(directory: Path, force: bool) -> None:
    if (directory / KEY_FILE).exists() and not force:
        raise Conflict(
            f"{directory} 中已有签名密钥；更换密钥请加 --force（已出具的报告仍可用旧证书核验）",
            f"{directory} already holds a signing key; replace it with --force (reports "
            "already issued stay verifiable with the old certificate)",
            code="signing_key_exists",
        )


def _write(directory: Path, master_key: bytes, keys: Keys) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    encrypted = keys.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(report_key_passphrase(master_key)),
    )
    key_path = directory / KEY_FILE
    tmp = key_path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(encrypted)
    os.replace(tmp, key_path)
    (directory / CERT_FILE).write_bytes(keys.certificate.public_bytes(serialization.Encoding.PEM))
    chain = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in keys.chain)
    chain_path = directory / CHAIN_FILE
    if chain:
        chain_path.write_bytes(chain)
    elif chain_path.exists():
        chain_path.unlink()


def generate(
    directory: Path,
    master_key: bytes,
    *,
    issuer: str,
    now: datetime,
    years: int = 10,
    force: bool = False,
) -> Keys:
    """A new ECDSA P-256 key and a self-signed certificate in the issuer's name, for
    ``years`` from yesterday (a verifier's clock a little behind still accepts it)."""
    _refuse_overwrite(directory, force)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, issuer),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{issuer} 信用报告签名"),
        ]
    )
    start = now - timedelta(days=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # non-repudiation: what a signed document needs
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    keys = Keys(key, certificate)
    _write(directory, master_key, keys)
    return keys


def install(
    directory: Path,
    master_key: bytes,
    *,
    key_pem: bytes,
    cert_pem: bytes,
    chain_pem: bytes = b"",
    password: bytes | None = None,
    force: bool = False,
) -> Keys:
    """A key and certificate issued elsewhere (a CA's), with the CA certificates above it:
    the key must be the certificate's, an ECDSA or RSA key."""
    _refuse_overwrite(directory, force)
    try:
        key = serialization.load_pem_private_key(key_pem, password=password)
        certificate = x509.load_pem_x509_certificate(cert_pem)
        chain = tuple(x509.load_pem_x509_certificates(chain_pem)) if chain_pem.strip() else ()
    except (ValueError, TypeError) as exc:
        raise InvalidRequest(
            f"无法读取密钥或证书（PEM）：{exc}",
            f"cannot read the key or certificate (PEM): {exc}",
            code="invalid_key_material",
        ) from None
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise InvalidRequest(
            "签名密钥须为 ECDSA 或 RSA 密钥",
            "the signing key must be an ECDSA or RSA key",
            code="invalid_key_material",
        )
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(
        serialization.Encoding.DER, public
    ) != certificate.public_key().public_bytes(serialization.Encoding.DER, public):
        raise InvalidRequest(
            "证书与密钥不匹配", "the certificate is not the key's", code="invalid_key_material"
        )
    keys = Keys(key, certificate, chain)
    _write(directory, master_key, keys)
    return keys


# --- loading (once per process, again when the files change) ----------------------------------

_cache: dict[Path, tuple[tuple[int, ...], Keys]] = {}
_cache_lock = threading.Lock()


def load(directory: Path, master_key: bytes) -> Keys:
    key_path, cert_path, chain_path = (
        directory / KEY_FILE,
        directory / CERT_FILE,
        directory / CHAIN_FILE,
    )
    try:
        stamp = tuple(
            p.stat().st_mtime_ns if p.exists() else 0 for p in (key_path, cert_path, chain_path)
        )
        if not stamp[0] or not stamp[1]:
            raise _missing()
    except OSError:
        raise _missing() from None
    cached = _cache.get(directory)
    if cached and cached[0] == stamp:
        return cached[1]
    key = serialization.load_pem_private_key(
        key_path.read_bytes(), password=report_key_passphrase(master_key)
    )
    certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
    chain = tuple(x509.load_pem_x509_certificates(chain_path.read_bytes())) if stamp[2] else ()
    keys = Keys(key, certificate, chain)
    with _cache_lock:
        _cache[directory] = (stamp, keys)
    return keys


def certificate_of(directory: Path) -> x509.Certificate:
    """The platform's certificate alone, as a verifier holds it (no secret needed)."""
    path = directory / CERT_FILE
    if not path.exists():
        raise _missing()
    return x509.load_pem_x509_certificate(path.read_bytes())


def certificate_fingerprint(directory: Path) -> str | None:
    """The fingerprint of the platform's certificate, or None before there is one."""
    path = directory / CERT_FILE
    return fingerprint(x509.load_pem_x509_certificate(path.read_bytes())) if path.exists() else None


# --- signatures ---------------------------------------------------------------------------------

T = TypeVar("T")


def outside_event_loop(call: Callable[[], T]) -> T:
    """``call()``, on a thread of its own when this one runs an event loop. pyHanko's blocking
    functions run their coroutines with ``asyncio.run``, which refuses such a thread: an
    ``async`` caller's, or one driven by Playwright's synchronous API (the browser tests'
    main thread; the CI run of 2026-12-05 failed on it)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pyhanko") as pool:
        return pool.submit(call).result()


def sign_pdf(pdf: bytes, keys: Keys, *, number: str, issuer: str) -> bytes:
    """The PDF signed PAdES B-B in an invisible signature field covering the whole file."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=f"信用报告 {number}",
        location=issuer,
        name=issuer,
    )
    out = outside_event_loop(
        lambda: signers.sign_pdf(writer, meta, signer=keys.signer(), bytes_reserved=_reserve(keys))
    )
    return out.getvalue()


def _reserve(keys: Keys) -> int:
    """Room for the CMS signature: its certificates, attributes and signature value, with
    a margin. Smaller than pyHanko's default, as a verifier reads the hex placeholder a
    character at a time (ECDSA: about 1 KB of 3)."""
    certs = sum(
        len(c.public_bytes(serialization.Encoding.DER)) for c in (keys.certificate, *keys.chain)
    )
    return 2048 + certs + certs % 2  # pyHanko wants an even count


def _scheme(key: Any) -> tuple[str, Any]:
    if isinstance(key, ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey):
        return "ecdsa-sha256", ec.ECDSA(hashes.SHA256())
    return "rsa-pkcs1v15-sha256", None


def sign_bytes(data: bytes, keys: Keys) -> dict[str, str]:
    """A detached signature over ``data`` (the content's canonical bytes), with the
    certificate that verifies it."""
    algorithm, ecdsa = _scheme(keys.private_key)
    key = keys.private_key
    if isinstance(key, ec.EllipticCurvePrivateKey):
        value = key.sign(data, ecdsa)
    else:
        assert isinstance(key, rsa.RSAPrivateKey)  # install() takes ECDSA or RSA only
        value = key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    return {
        "algorithm": algorithm,
        "value": base64.b64encode(value).decode(),
        "certificate": keys.certificate_pem(),
    }


def verify_bytes(data: bytes, signature: bytes, certificate: x509.Certificate) -> bool:
    public = certificate.public_key()
    try:
        if isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        else:
            return False
    except InvalidSignature:
        return False
    return True
