"""ID numbers of a batch are validated, hashed and encrypted once per distinct number
(records/rules.py BatchIdNumbers, ADR 0008): what is stored is what one-by-one encryption
would store, and no ciphertext is shared between batches."""

from __future__ import annotations

import base64
from datetime import date

import pytest

from fixtures.helpers import id_number
from xinyong.core.crypto import IdCipher
from xinyong.core.identifiers import IdentifierError, mask_id_number
from xinyong.records.rules import BatchIdNumbers

CIPHER = IdCipher(b"k" * 32)
TODAY = date(2026, 6, 15)
NUMBER = id_number("32010219800101123")


def test_forms_are_what_is_stored_for_an_id_number():
    number, id_hash, id_cipher, masked = BatchIdNumbers(CIPHER, TODAY).forms(NUMBER)
    assert number == NUMBER
    assert id_hash == CIPHER.lookup_hash(NUMBER)
    assert CIPHER.decrypt(id_cipher) == NUMBER
    assert masked == mask_id_number(NUMBER)


def test_one_encryption_per_distinct_number_in_a_batch():
    batch = BatchIdNumbers(CIPHER, TODAY)
    spaced = f" {NUMBER[:9]} {NUMBER[9:].lower()}"  # the same number, written differently
    assert batch.forms(NUMBER) == batch.forms(NUMBER) == batch.forms(spaced)


def test_batches_do_not_share_ciphertexts():
    first = BatchIdNumbers(CIPHER, TODAY).forms(NUMBER)
    second = BatchIdNumbers(CIPHER, TODAY).forms(NUMBER)
    assert first[1] == second[1]  # the lookup hash is deterministic
    assert first[2] != second[2]  # the ciphertexts have their own nonces
    assert base64.b64decode(first[2])[:12] != base64.b64decode(second[2])[:12]


def test_an_invalid_number_is_refused_every_time():
    batch = BatchIdNumbers(CIPHER, TODAY)
    bad = NUMBER[:17] + ("0" if NUMBER[17] != "0" else "1")
    for _ in range(2):
        with pytest.raises(IdentifierError) as exc:
            batch.forms(bad)
        assert exc.value.code == "invalid_id_number"


def test_the_memory_is_bounded():
    batch = BatchIdNumbers(CIPHER, TODAY)
    batch.LIMIT = 4
    numbers = [id_number(f"320102198001011{i:02d}") for i in range(10)]
    for n in numbers:
        assert CIPHER.decrypt(batch.forms(n)[2]) == n
    assert len(batch._forms) <= 2 * batch.LIMIT
