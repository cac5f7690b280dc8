"""ID numbers at rest: AES-GCM encrypted, found by a keyed hash, shown masked.

Keys are derived from the one master secret (settings.secret_key) with HKDF, so the
encryption key and the lookup-hash key are independent. Tokens are random and long, so
a plain SHA-256 is the right hash for them at rest.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def _derive(master: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)


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
