"""ID numbers at rest: AES-GCM encrypted, found by a keyed hash, shown masked.

Keys are derived from the one master secret (settings.secret_key) with HKDF, so the
encryption key and the lookup-hash key are independent. Tokens are random and long, so
a plain SHA-256 is the right hash for them at rest. The audit log's keys (``AuditKeys``) are
derived from the same secret under labels of their own, as is the passphrase of the credit
reports' signing key (``report_key_passphrase``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def _derive(master: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)


def report_key_passphrase(master_key: bytes) -> bytes:
    """The passphrase that encrypts the credit reports' signing key at rest
    (credit_reports/signing.py): derived from the master secret like every other key, so the
    key file alone, copied off the host, signs nothing."""
    return base64.b64encode(_derive(master_key, b"xinyong report signing key v1"))


class IdCipher:
    def __init__(self, master_key: bytes) -> None:
        self._aead = AESGCM(_derive(master_key, b"xinyong id-number encryption v1"))
        self._hash_key = _derive(master_key, b"xinyong id-number lookup hash v1")

    def encrypt(self, id_number: str) -> str:
        nonce = os.urandom(12)
        return base64.b64encode(
            nonce + self._aead.encrypt(nonce, id_number.encode(), None)
        ).decode()

    def decrypt(self, token: str) -> str:
        raw = base64.b64decode(token)
        return self._aead.decrypt(raw[:12], raw[12:], None).decode()

    def lookup_hash(self, id_number: str) -> str:
        """Keyed hash used as the index key: without the key it cannot be brute-forced."""
        return hmac.digest(self._hash_key, id_number.encode(), "sha256").hex()[:40]


def new_token(prefix: str = "xy") -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AuditKeys:
    """The audit log's two keys, derived from the master secret like the ID-number keys and
    never stored in the database (GB/T 22239-2019 level 3: audit records protected against
    deletion and alteration; docs/adr/0013).

    ``chain``: the HMAC-SHA-256 key of the hash chain, so that nobody without the master secret
    can recompute a valid chain after editing an entry. ``signing``: the Ed25519 key that signs
    checkpoints of the chain's head; its public half verifies them, so the checkpoints can be
    handed to an auditor who never holds a secret.

    Built once per process (``Database.audit_keys``): the chain MAC starts from a prebuilt
    keyed state, so an entry costs one copy and one update, not a key derivation."""

    def __init__(self, master_key: bytes) -> None:
        self._chain = hmac.new(_derive(master_key, b"xinyong audit chain hmac v1"), None, "sha256")
        self.signing = Ed25519PrivateKey.from_private_bytes(
            _derive(master_key, b"xinyong audit checkpoint ed25519 v1")
        )
        self.verifying = self.signing.public_key()

    def chain_mac(self, message: bytes) -> str:
        mac = self._chain.copy()
        mac.update(message)
        return mac.hexdigest()

    def public_key_text(self) -> str:
        """The checkpoints' verifying key, in Base64, as an auditor is given it."""
        return base64.b64encode(
            self.verifying.public_bytes(Encoding.Raw, PublicFormat.Raw)
        ).decode()
