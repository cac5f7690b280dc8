"""Subject identifiers: 统一社会信用代码 and 居民身份证号码.

Every public credit record is keyed by one of these two numbers (Measures art. 15,
003_1115abb0b5afdd75.txt: 信息提供单位应以居民身份证号码、法人和其他组织统一社会信用代码为基础
记录公共信用信息), so both validators run once per ingested record and are written for speed:
precomputed tables, C-level string operations, no regular expressions and no exceptions on
the happy path.

* Unified social credit code — GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》.
* Resident identity number — GB 11643-1999 《公民身份号码》.
* Region codes — GB/T 2260 《中华人民共和国行政区划代码》 (``regions.json`` next to this file).

The module is pure: no database, no network; the only file it reads is the packaged
``regions.json``, lazily, and only for :func:`region_name`.

Why not python-stdnum's validators: ``stdnum.cn.uscc`` refuses valid codes whose registering
authority (1st character) is a letter (A 军队, N 农业, Y 其他), and ``stdnum.cn.ric`` refuses
real ID numbers whose region code was created after the holder's birth year (people keep the
number issued where they were later registered). The check-character arithmetic is the same
and the tests compare it against stdnum's ``calc_check_digit``.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Literal
from zoneinfo import ZoneInfo

from stdnum import numdb

__all__ = [
    "CREDIT_CODE_ALPHABET",
    "PROVINCE_CODES",
    "CreditCodeInfo",
    "IdNumberInfo",
    "IdentifierError",
    "SubjectKeyKind",
    "credit_code_check_char",
    "describe_credit_code",
    "describe_id_number",
    "division_name",
    "id_number_check_char",
    "is_valid_credit_code",
    "is_valid_id_number",
    "mask_id_number",
    "region_name",
    "subject_key_kind",
    "validate_credit_code",
    "validate_id_number",
]

SubjectKeyKind = Literal["credit_code", "id_number"]
SubjectKind = Literal["legal_person", "non_legal_person_org"]
Sex = Literal["male", "female"]

INVALID_CREDIT_CODE = "invalid_credit_code"
INVALID_ID_NUMBER = "invalid_id_number"


class IdentifierError(ValueError):
    """An identifier failed validation.

    ``code`` is ``"invalid_credit_code"`` or ``"invalid_id_number"``; ``message`` (Chinese) and
    ``message_en`` say precisely what is wrong; ``reason`` is a short machine-readable tag
    (``type``, ``length``, ``legacy_15``, ``character``, ``authority``, ``region``,
    ``province``, ``date``, ``future_date``, ``check_char``).
    """

    def __init__(self, code: str, message: str, message_en: str, reason: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_en = message_en
        self.reason = reason

    def __reduce__(self):  # keep the exception picklable despite the custom signature
        return (type(self), (self.code, self.message, self.message_en, self.reason))


def _normalise(value: str) -> str:
    """Drop all whitespace (including the full-width space U+3000). Fast path: a clean value."""
    if len(value) == 18 and value.isalnum():
        return value
    return "".join(value.split())


def _first_bad_char(value: str, allowed: str) -> tuple[int, str]:
    """1-based position and character of the first character of ``value`` not in ``allowed``."""
    for position, char in enumerate(value, start=1):
        if char not in allowed:
            return position, char
    raise AssertionError("no bad character")  # pragma: no cover - callers checked first


# --------------------------------------------------------------------------------------------
# 统一社会信用代码 — GB 32100-2015
# --------------------------------------------------------------------------------------------

#: GB 32100-2015 §4: the 31 code characters, digits then upper-case letters without I O S V Z.
#: A character's position in this string is its value in the check-character computation.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# GB 32100-2015 §5: the weight of position i (0-based) is 3**i mod 31; the check character is
# the one whose value makes the sum of value*weight over all 18 positions ≡ 0 (mod 31), i.e.
# check = (31 - Σ value_i * 3**i mod 31) mod 31.
_CREDIT_CODE_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
assert _CREDIT_CODE_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# Speed trick: since 34 ≡ 3 (mod 31), Σ value_i * 3**i ≡ Σ value_i * 34**i (mod 31), which is
# exactly int(s, 34) of the value digits written most significant first. So the (ASCII) code is
# encoded to bytes and translated, every alphabet character to the base-34 digit of its value
# (0-9, A-U) and every other byte to "#" (never a base-34 digit); then reversed, int() does the
# weighted sum in C. bytes.translate is several times faster than str.translate.
_BASE34_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWX"
_CREDIT_CODE_ANY_CASE = CREDIT_CODE_ALPHABET + CREDIT_CODE_ALPHABET[10:].lower()
_CREDIT_CODE_TRANSLATION = bytes(
    ord(_BASE34_DIGITS[CREDIT_CODE_ALPHABET.index(chr(o))])
    if chr(o) in CREDIT_CODE_ALPHABET
    else ord("#")
    for o in range(256)
)


def _credit_code_digits(ascii_code: str) -> bytes:
    """Base-34 value digits of an ASCII code, with b"#" for characters outside the alphabet."""
    return ascii_code.encode().translate(_CREDIT_CODE_TRANSLATION)


# GB 32100-2015 表 1 登记管理部门代码 / 机构类别代码. An unlisted entity-type character under a
# listed authority is accepted and named 其他; an unlisted authority character is invalid.
_OTHER = "其他"
_AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": (
        "机构编制",
        {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": _OTHER},
    ),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": _OTHER}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": _OTHER,
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": _OTHER}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": _OTHER}),
    "6": (
        "旅游",
        {
            "1": "外国旅游部门常驻代表机构",
            "2": "港澳台地区旅游部门常驻内地（大陆）代表机构",
            "9": _OTHER,
        },
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": _OTHER}),
    "8": ("工会", {"1": "基层工会", "9": _OTHER}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": _OTHER}),
    "N": (
        "农业",
        {
            "1": "组级集体经济组织",
            "2": "村级集体经济组织",
            "3": "乡镇级集体经济组织",
            "9": _OTHER,
        },
    ),
    "Y": (_OTHER, {}),
}

# (authority, entity type) pairs that are not legal persons. 个体工商户 (9-2) is the only one
# visible in the code itself; branches (分支机构), 个人独资企业 and 合伙企业 register as 9-1
# and cannot be told apart from legal-person enterprises by the code alone.
_NON_LEGAL_PERSON = frozenset({("9", "2")})


def credit_code_check_char(first17: str) -> str:
    """The GB 32100-2015 check character (18th) for the first 17 characters of a code.

    ``first17`` must be 17 characters of :data:`CREDIT_CODE_ALPHABET` (upper case); anything
    else raises :class:`IdentifierError`.
    """
    if (
        not isinstance(first17, str)
        or len(first17) != 17
        or not first17.isascii()
        or b"#" in (digits := _credit_code_digits(first17))
    ):
        raise IdentifierError(
            INVALID_CREDIT_CODE,
            "计算校验码需要 17 位统一社会信用代码字符",
            "the check character needs 17 unified social credit code characters",
            "character",
        )
    return CREDIT_CODE_ALPHABET[-int(digits[::-1], 34) % 31]


def _credit_code_error(reason: str, message: str, message_en: str) -> IdentifierError:
    return IdentifierError(INVALID_CREDIT_CODE, message, message_en, reason)


def validate_credit_code(value: object) -> str:
    """Validate a unified social credit code and return it normalised.

    Whitespace anywhere is removed and letters are upper-cased. Checks, in order: length 18;
    characters from :data:`CREDIT_CODE_ALPHABET`; a registering authority listed in
    GB 32100-2015; a 6-digit region code (positions 3–8); the check character. The 9th
    character of the organisation code (its own GB 11714 check) is not verified.
    Raises :class:`IdentifierError` with code ``"invalid_credit_code"``.
    """
    if not isinstance(value, str):
        raise _credit_code_error(
            "type",
            f"统一社会信用代码应为字符串，实为 {type(value).__name__}",
            f"unified social credit code must be a string, got {type(value).__name__}",
        )
    code = value if len(value) == 18 and value.isalnum() else _normalise(value)
    if len(code) != 18:
        raise _credit_code_error(
            "length",
            f"统一社会信用代码应为 18 位，实为 {len(code)} 位",
            f"unified social credit code must be 18 characters long, got {len(code)}",
        )
    if code.isascii():
        code = code.upper()
        digits = code.encode().translate(_CREDIT_CODE_TRANSLATION)  # inlined _credit_code_digits
        ok_chars = b"#" not in digits
    else:
        ok_chars = False
    if not ok_chars:
        position, char = _first_bad_char(code, _CREDIT_CODE_ANY_CASE)
        raise _credit_code_error(
            "character",
            f"第 {position} 位字符“{char}”不允许：统一社会信用代码只使用数字和"
            "除 I、O、S、V、Z 以外的大写英文字母",
            f"character {char!r} at position {position} is not allowed: only digits and "
            "letters other than I, O, S, V, Z are used",
        )
    if code[0] not in _AUTHORITIES:
        raise _credit_code_error(
            "authority",
            f"第 1 位登记管理部门代码“{code[0]}”不存在（GB 32100-2015）",
            f"registering authority code {code[0]!r} (position 1) does not exist (GB 32100-2015)",
        )
    if not code[2:8].isdigit():
        raise _credit_code_error(
            "region",
            f"第 3–8 位登记管理机关行政区划码应为 6 位数字，实为“{code[2:8]}”",
            f"region code (positions 3-8) must be 6 digits, got {code[2:8]!r}",
        )
    expected = CREDIT_CODE_ALPHABET[-int(digits[16::-1], 34) % 31]
    if code[17] != expected:
        raise _credit_code_error(
            "check_char",
            f"校验码错误：应为 {expected}，实为 {code[17]}",
            f"check character is wrong: expected {expected}, got {code[17]}",
        )
    return code


def is_valid_credit_code(value: object) -> bool:
    """True if :func:`validate_credit_code` accepts ``value``."""
    try:
        validate_credit_code(value)
    except IdentifierError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class CreditCodeInfo:
    """The parts of a unified social credit code (GB 32100-2015 §4)."""

    registering_authority: str
    registering_authority_name: str
    entity_type: str
    entity_type_name: str
    region_code: str
    organisation_code: str
    subject_kind: SubjectKind
    is_government_agency: bool


def describe_credit_code(code: str) -> CreditCodeInfo:
    """Validate ``code`` and split it into its GB 32100-2015 parts.

    ``subject_kind`` is ``"non_legal_person_org"`` for 个体工商户 (9-2) and ``"legal_person"``
    otherwise (branches, sole-proprietorship and partnership enterprises register as 9-1 and are
    indistinguishable by code). ``is_government_agency`` is true for 机关 (1-1).
    """
    code = validate_credit_code(code)
    authority, entity_type = code[0], code[1]
    authority_name, entity_types = _AUTHORITIES[authority]
    return CreditCodeInfo(
        registering_authority=authority,
        registering_authority_name=authority_name,
        entity_type=entity_type,
        entity_type_name=entity_types.get(entity_type, _OTHER),
        region_code=code[2:8],
        organisation_code=code[8:17],
        subject_kind=(
            "non_legal_person_org"
            if (authority, entity_type) in _NON_LEGAL_PERSON
            else "legal_person"
        ),
        is_government_agency=(authority == "1" and entity_type == "1"),
    )


# --------------------------------------------------------------------------------------------
# 居民身份证号码 — GB 11643-1999
# --------------------------------------------------------------------------------------------

#: GB/T 2260 province-level codes (first two digits of a region code).
#: 11–15 华北, 21–23 东北, 31–37 华东, 41–46 中南, 50–54 西南, 61–65 西北,
#: 71 台湾, 81 香港, 82 澳门.
PROVINCE_CODES = frozenset(
    str(code)
    for code in (
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
        71,
        81,
        82,
    )
)

# GB 11643-1999 §8.2: the weight of position i (1-based, from the left) is 2**(18-i) mod 11
# (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2); the check character is
# "10X98765432"[Σ digit_i * weight_i mod 11]. Since 13 ≡ 2 (mod 11),
# Σ d_i * 2**(18-i) = 2 * Σ d_i * 2**(17-i) ≡ 2 * int(s, 13) (mod 11) for the 17 digits s, so
# int() does the weighted sum in C.
_ID_CHECK_CHARS = "10X98765432"
_ID_DIGITS = "0123456789"
_ID_LAST_CHARS = "0123456789X"
_MIN_BIRTH_YEAR = 1880

# Valid MMDD strings of a leap year; 0229 needs a leap-year check.
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_VALID_MMDD = frozenset(
    f"{month:02d}{day:02d}"
    for month, days in enumerate(_MONTH_DAYS, start=1)
    for day in range(1, days + 1)
)

# "Today" for the not-in-the-future check, in the platform's time zone (Asia/Shanghai, as in
# xinyong.core.clock). date.today() costs about a microsecond, so the YYYYMMDD string is cached
# together with the epoch second at which it stops being today.
_SHANGHAI = ZoneInfo("Asia/Shanghai")
_today_cache: tuple[float, str] = (0.0, "")


def _today_yyyymmdd() -> str:
    global _today_cache
    valid_until, today = _today_cache
    now = time.time()
    if now < valid_until:
        return today
    current = datetime.fromtimestamp(now, _SHANGHAI)
    midnight = datetime.combine(current.date() + timedelta(days=1), datetime.min.time(), _SHANGHAI)
    today = f"{current.year:04d}{current.month:02d}{current.day:02d}"
    _today_cache = (midnight.timestamp(), today)
    return today


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


_MIN_BIRTH_DATE = f"{_MIN_BIRTH_YEAR}0101"


def _is_calendar_date(yyyymmdd: str) -> bool:
    """True if the 8 ASCII digits are a real date from 1880 on (string compares, no int())."""
    mmdd = yyyymmdd[4:]
    return (
        yyyymmdd >= _MIN_BIRTH_DATE
        and mmdd in _VALID_MMDD
        and (mmdd != "0229" or _is_leap(int(yyyymmdd[:4])))
    )


def id_number_check_char(first17: str) -> str:
    """The GB 11643-1999 check character (``0``–``9`` or ``X``) for the first 17 digits."""
    if (
        not isinstance(first17, str)
        or len(first17) != 17
        or not first17.isascii()
        or not first17.isdigit()
    ):
        raise IdentifierError(
            INVALID_ID_NUMBER,
            "计算校验码需要 17 位数字",
            "the check character needs 17 digits",
            "character",
        )
    return _ID_CHECK_CHARS[2 * int(first17, 13) % 11]


def _id_error(reason: str, message: str, message_en: str) -> IdentifierError:
    return IdentifierError(INVALID_ID_NUMBER, message, message_en, reason)


def validate_id_number(value: object, *, today: date | None = None) -> str:
    """Validate an 18-digit resident ID number and return it normalised (whitespace removed,
    ``x`` → ``X``).

    Checks, in order: length 18 (15-digit legacy numbers are refused); 17 digits plus a digit
    or ``X``; a real province code (first two digits; the county part is *not* checked, nor is
    it checked against the birth year); a real birth date (positions 7–14) from 1880 on and not
    after ``today`` (default: today in Asia/Shanghai); the check character.
    Raises :class:`IdentifierError` with code ``"invalid_id_number"``.
    """
    if not isinstance(value, str):
        raise _id_error(
            "type",
            f"居民身份证号码应为字符串，实为 {type(value).__name__}",
            f"resident ID number must be a string, got {type(value).__name__}",
        )
    number = value if len(value) == 18 and value.isalnum() else _normalise(value)
    if len(number) != 18:
        if len(number) == 15 and number.isascii() and number.isdigit():
            raise _id_error(
                "legacy_15",
                "不支持 15 位旧版居民身份证号码，请使用 18 位号码",
                "15-digit legacy ID numbers are not accepted; use the 18-digit number",
            )
        raise _id_error(
            "length",
            f"居民身份证号码应为 18 位，实为 {len(number)} 位",
            f"resident ID number must be 18 characters long, got {len(number)}",
        )
    first17 = number[:17]
    if not (first17.isascii() and first17.isdigit()):
        position, char = _first_bad_char(first17, _ID_DIGITS)
        raise _id_error(
            "character",
            f"第 {position} 位字符“{char}”不允许：前 17 位应为数字",
            f"character {char!r} at position {position} is not allowed: "
            "the first 17 characters must be digits",
        )
    last = number[17]
    if last not in _ID_LAST_CHARS:
        if last == "x":
            number = first17 + "X"
            last = "X"
        else:
            raise _id_error(
                "character",
                f"第 18 位校验码“{last}”不允许：应为数字或 X",
                f"check character {last!r} (position 18) is not allowed: must be a digit or X",
            )
    if number[:2] not in PROVINCE_CODES:
        raise _id_error(
            "province",
            f"第 1–2 位省级行政区划码“{number[:2]}”不存在（GB/T 2260）",
            f"province code {number[:2]!r} (positions 1-2) does not exist (GB/T 2260)",
        )
    birth = number[6:14]
    mmdd = number[10:14]
    if not (  # inlined _is_calendar_date
        birth >= _MIN_BIRTH_DATE
        and mmdd in _VALID_MMDD
        and (mmdd != "0229" or _is_leap(int(number[6:10])))
    ):
        if int(birth[:4]) < _MIN_BIRTH_YEAR:
            raise _id_error(
                "date",
                f"第 7–14 位出生日期“{birth}”早于 {_MIN_BIRTH_YEAR} 年",
                f"birth date {birth} (positions 7-14) is before {_MIN_BIRTH_YEAR}",
            )
        raise _id_error(
            "date",
            f"第 7–14 位出生日期“{birth}”不是有效的日期",
            f"birth date {birth} (positions 7-14) is not a real calendar date",
        )
    today_str = (
        _today_yyyymmdd() if today is None else f"{today.year:04d}{today.month:02d}{today.day:02d}"
    )
    if birth > today_str:
        raise _id_error(
            "future_date",
            f"第 7–14 位出生日期“{birth}”晚于今天（{today_str}）",
            f"birth date {birth} (positions 7-14) is after today ({today_str})",
        )
    expected = _ID_CHECK_CHARS[2 * int(first17, 13) % 11]
    if last != expected:
        raise _id_error(
            "check_char",
            f"校验码错误：应为 {expected}，实为 {last}",
            f"check character is wrong: expected {expected}, got {last}",
        )
    return number


def is_valid_id_number(value: object, *, today: date | None = None) -> bool:
    """True if :func:`validate_id_number` accepts ``value``."""
    try:
        validate_id_number(value, today=today)
    except IdentifierError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class IdNumberInfo:
    """The parts of a resident ID number (GB 11643-1999 §6)."""

    region_code: str
    birth_date: date
    sex: Sex


def describe_id_number(n: str) -> IdNumberInfo:
    """Validate ``n`` and return its region code, birth date and sex (odd 17th digit = male)."""
    number = validate_id_number(n)
    return IdNumberInfo(
        region_code=number[:6],
        birth_date=date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
        sex="male" if int(number[16]) % 2 else "female",
    )


def mask_id_number(n: str) -> str:
    """First 6 characters, 8 ``*`` (the birth date), last 4: ``320102********123X``.

    Only the shape is required (18 characters after removing whitespace; ``x`` → ``X``), so
    stored numbers with a wrong check character can still be displayed masked; anything else
    raises :class:`IdentifierError` rather than risk echoing an unmasked value.
    """
    number = _normalise(n) if isinstance(n, str) else ""
    if len(number) != 18:
        raise _id_error(
            "length",
            f"居民身份证号码应为 18 位，实为 {len(number)} 位，无法脱敏",
            f"resident ID number must be 18 characters long to be masked, got {len(number)}",
        )
    return f"{number[:6]}********{number[14:].upper()}"


# --------------------------------------------------------------------------------------------
# Routing and region names
# --------------------------------------------------------------------------------------------


def _credit_check_ok(key: str) -> bool:
    digits = _credit_code_digits(key)
    return b"#" not in digits and CREDIT_CODE_ALPHABET[-int(digits[16::-1], 34) % 31] == key[17]


def subject_key_kind(value: str) -> SubjectKeyKind | None:
    """Guess which kind of subject key ``value`` is, from its shape alone (no full validation).

    Rule, after removing whitespace and upper-casing:

    * not a string, or not 18 characters long → ``None``;
    * 17 ASCII digits followed by a digit or ``X``, whose first two digits are a province code
      and whose characters 7–14 are a real calendar date from 1880 on → ``"id_number"`` — unless
      the ID-number check character is wrong while the credit-code check character is right
      (an all-digit credit code whose region ends in 18/19/20 can look like an ID number), in
      which case → ``"credit_code"``;
    * anything else of length 18 → ``"credit_code"``.

    The result only routes the key; the caller still validates it with the matching validator.
    """
    if not isinstance(value, str):
        return None
    key = _normalise(value)
    if len(key) != 18 or not key.isascii():
        return None if len(key) != 18 else "credit_code"
    key = key.upper()
    first17 = key[:17]
    if (
        first17.isdigit()
        and key[17] in _ID_LAST_CHARS
        and key[:2] in PROVINCE_CODES
        and _is_calendar_date(key[6:14])
    ):
        if _ID_CHECK_CHARS[2 * int(first17, 13) % 11] != key[17] and _credit_check_ok(key):
            return "credit_code"
        return "id_number"
    return "credit_code"


@cache
def _regions() -> tuple[dict[str, str], dict[str, str]]:
    data = json.loads(resources.files(__package__).joinpath("regions.json").read_text("utf-8"))
    return data["provinces"], data["cities"]


def region_name(region_code: str) -> str | None:
    """Name of a GB/T 2260 region code as far as ``regions.json`` knows it.

    Province level everywhere, city level for Jiangsu: ``"320115"`` → ``"江苏省南京市"``,
    ``"330110"`` → ``"浙江省"``, ``"100000"`` → ``None``.
    """
    if not isinstance(region_code, str) or len(region_code) != 6 or not region_code.isdigit():
        return None
    provinces, cities = _regions()
    province = provinces.get(region_code[:2])
    if province is None:
        return None
    city = cities.get(region_code[:4] + "00")
    return province + city if city else province


_YEARS = re.compile(r"^\[(\d*)-(\d*)\]")


def division_name(region_code: str) -> str | None:
    """The name of a GB/T 2260 division in use today — a province, a city or a county — as
    python-stdnum's table of them knows it (``"320115"`` → ``"江苏省南京市江宁区"``), else None:
    an unknown code, or one abolished (``"320103"``, 白下区 until 2013). For a region a
    department loads figures about (the debt indicators, 003 政务诚信 三（五））."""
    if not isinstance(region_code, str) or len(region_code) != 6 or not region_code.isdigit():
        return None

    def current(code: str) -> str | None:
        info = numdb.get("cn/loc").info(code)
        name = info[-1][1].get("county") if len(info) > 1 else None
        if not name:
            return None
        years = _YEARS.match(name)
        if years and years.group(2):
            return None  # abolished
        return name[years.end() :] if years else name

    province = _regions()[0].get(region_code[:2])
    if province is None:
        return None
    if region_code.endswith("0000"):
        return province
    own = current(region_code)
    if own is None:
        return None
    if region_code.endswith("00"):
        return province + own
    city = current(region_code[:4] + "00") or ""
    # A municipality's 市辖区 / 县 are groupings, not names (110101: 北京市东城区).
    return province + ("" if city in ("市辖区", "县") else city) + own
