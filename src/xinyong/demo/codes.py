"""The demo's identifiers: credit codes (GB 32100-2015, with a GB 11714 organisation code) and
ID numbers (GB 11643-1999), each with its right check character."""

from __future__ import annotations

import functools
import random

_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ID_CHECK = "10X98765432"

# Check characters. GB 32100: check = (31 − Σ value_i · w_i mod 31) mod 31 with w_i = 3**i mod
# 31; as 34 ≡ 3 (mod 31) the sum is int() of the reversed code read in base 34 (each character
# translated to the base-34 digit of its value). GB 11643: "10X98765432"[Σ d_i · 2**(17−i) mod
# 11], and as 13 ≡ 2 (mod 11) that sum is 2 · int(first17, 13). The tests recompute both with
# the plain weights.
_BASE34 = str.maketrans(_CODE_ALPHABET, "0123456789ABCDEFGHIJKLMNOPQRSTU")


def _credit_code(first17: str) -> str:
    return first17 + _CODE_ALPHABET[-int(first17[::-1].translate(_BASE34), 34) % 31]


def id_number_of(first17: str) -> str:
    """The ID number of the first 17 digits: those and its check character."""
    return first17 + _ID_CHECK[2 * int(first17, 13) % 11]


_ORG_VALUE = {c: int(c, 36) for c in _CODE_ALPHABET}  # GB 11714: A = 10 … Z = 35
_M_LETTERS = {"9": "A", "1": "B", "5": "J", "N": "K", "3": "C"}  # post-2015 codes by authority


class _Permutation:
    """A keyed bijection of ``range(side * side)`` (4-round Feistel network over the two halves,
    keyed quadratic round functions), so that counters 0, 1, 2, … become distinct,
    random-looking numbers without remembering the ones handed out."""

    __slots__ = ("keys", "side")

    def __init__(self, side: int, rng: random.Random) -> None:
        self.side = side
        self.keys = tuple(
            (int(rng.random() * side), int(rng.random() * side) | 1, int(rng.random() * side))
            for _ in range(4)
        )

    def __call__(self, x: int) -> tuple[int, int]:
        """The image of ``x`` as its two halves (high, low), each in ``range(side)``."""
        side = self.side
        left, right = divmod(x, side)
        for a, b, k in self.keys:
            left, right = right, (left + (right + a) * (right * b + k)) % side
        return left, right


_OrgCodeTables = tuple[
    tuple[str, ...], tuple[int, ...], tuple[int, ...], tuple[str, ...], tuple[int, ...],
    tuple[int, ...],
]  # fmt: skip


@functools.cache
def _org_code_tables() -> _OrgCodeTables:
    """Chunks of organisation codes and their weighted sums (GB 11714 weights 3,7,9,10,5,8,4,2):
    4-digit strings for the 8-digit codes, 3-character strings for "M?" + 6 character codes."""
    digits4 = tuple(f"{i:04d}" for i in range(10_000))
    num_hi = tuple(3 * int(d[0]) + 7 * int(d[1]) + 9 * int(d[2]) + 10 * int(d[3]) for d in digits4)
    num_lo = tuple(5 * int(d[0]) + 8 * int(d[1]) + 4 * int(d[2]) + 2 * int(d[3]) for d in digits4)
    alpha3 = tuple(
        a + b + c for a in _CODE_ALPHABET for b in _CODE_ALPHABET for c in _CODE_ALPHABET
    )
    v = _ORG_VALUE
    m_hi = tuple(9 * v[t[0]] + 10 * v[t[1]] + 5 * v[t[2]] for t in alpha3)
    m_lo = tuple(8 * v[t[0]] + 4 * v[t[1]] + 2 * v[t[2]] for t in alpha3)
    return digits4, num_hi, num_lo, alpha3, m_hi, m_lo


class OrgCodes:
    """Distinct credit codes for a run's organisations, from two keyed permutations."""

    __slots__ = ("perm_m", "perm_num", "tables")

    def __init__(self, rng: random.Random) -> None:
        self.tables = _org_code_tables()
        self.perm_num = _Permutation(10_000, rng)  # 8-digit organisation codes
        self.perm_m = _Permutation(31**3, rng)  # "M?" + 6 characters organisation codes

    def credit_code(self, kind: str, region: str, *, old: bool, index: int) -> str:
        """The credit code with the ``index``-th organisation code of its style: 8 digits for
        organisations registered before the 2015 reform, "M" + authority letter + 6 characters
        after it. Distinct indices give distinct organisation codes, hence distinct codes."""
        digits4, num_hi, num_lo, alpha3, m_hi, m_lo = self.tables
        if old:
            hi, lo = self.perm_num(index)
            body = digits4[hi] + digits4[lo]
            total = num_hi[hi] + num_lo[lo]
        else:
            hi, lo = self.perm_m(index)
            letter = _M_LETTERS.get(kind[0], "G")
            body = "M" + letter + alpha3[hi] + alpha3[lo]
            total = 66 + 7 * _ORG_VALUE[letter] + m_hi[hi] + m_lo[lo]  # 66 = 3 * value("M")
        check = 11 - total % 11
        org = body + ("X" if check == 10 else "0" if check == 11 else str(check))
        return _credit_code(kind + region + org)


def credit_code_with(kind: str, region: str, org8: str) -> str:
    """The credit code of ``kind`` and ``region`` whose organisation code begins with the 8
    characters ``org8`` (its GB 11714 check character and the code's own added)."""
    total = sum(_ORG_VALUE[ch] * w for ch, w in zip(org8, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    check = 11 - total % 11
    org = org8 + ("X" if check == 10 else "0" if check == 11 else str(check))
    return _credit_code(kind + region + org)
