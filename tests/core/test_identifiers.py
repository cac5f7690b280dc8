"""Tests for xinyong.core.identifiers (GB 32100-2015 credit codes, GB 11643-1999 ID numbers)."""

from __future__ import annotations

import pickle
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import stdnum.cn.ric
import stdnum.cn.uscc
from hypothesis import given
from hypothesis import strategies as st

from xinyong.core.identifiers import (
    CREDIT_CODE_ALPHABET,
    PROVINCE_CODES,
    CreditCodeInfo,
    IdentifierError,
    IdNumberInfo,
    credit_code_check_char,
    describe_credit_code,
    describe_id_number,
    id_number_check_char,
    is_valid_credit_code,
    is_valid_id_number,
    mask_id_number,
    region_name,
    subject_key_kind,
    validate_credit_code,
    validate_id_number,
)

USCC_CORPUS = Path(__file__).parents[1] / "data" / "uscc-found-online.txt"

CC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

# The example in GB 11643-1999 itself.
GB_EXAMPLE_ID = "11010519491231002X"


def reference_credit_check(first17: str) -> str:
    """Textbook GB 32100-2015 check character: (31 - Σ value*weight mod 31) mod 31."""
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, CC_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def reference_id_check(first17: str) -> str:
    """Textbook GB 11643-1999 check character."""
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def make_credit_code(first17: str) -> str:
    return first17 + credit_code_check_char(first17)


def make_id_number(first17: str) -> str:
    return first17 + id_number_check_char(first17)


def raises_identifier_error(func, value, code: str, reason: str, **kwargs) -> IdentifierError:
    with pytest.raises(IdentifierError) as info:
        func(value, **kwargs)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.code == code
    assert err.reason == reason
    assert err.message and err.message_en
    assert str(err) == err.message
    return err


# --------------------------------------------------------------------------------------------
# Credit codes
# --------------------------------------------------------------------------------------------


def test_alphabet_has_31_chars_without_i_o_s_v_z():
    assert len(CREDIT_CODE_ALPHABET) == 31 == len(set(CREDIT_CODE_ALPHABET))
    assert not set("IOSVZ") & set(CREDIT_CODE_ALPHABET)


def test_real_codes_found_online_all_validate():
    codes = USCC_CORPUS.read_text(encoding="utf-8").split()
    assert len(codes) == 200
    for code in codes:
        assert validate_credit_code(code) == code
        assert is_valid_credit_code(code)
        assert describe_credit_code(code).organisation_code == code[8:17]


def test_known_code_and_normalisation():
    assert validate_credit_code("91110000600037341L") == "91110000600037341L"
    assert validate_credit_code("91110000600037341l") == "91110000600037341L"
    assert validate_credit_code(" 9 1 110000 600037341L ") == "91110000600037341L"
    assert validate_credit_code("91110000600037341L\u3000") == "91110000600037341L"


@pytest.mark.parametrize(
    "prefix",
    ["A1110000MA0000001", "N2320115MA1234567", "N3320100MA7654321", "Y1320100MA1ABCDE1"],
)
def test_letter_authorities_accepted_although_stdnum_refuses(prefix):
    code = make_credit_code(prefix)
    assert stdnum.cn.uscc.calc_check_digit(prefix) == code[17]
    assert not stdnum.cn.uscc.is_valid(code)  # the stdnum defect
    assert validate_credit_code(code) == code
    assert is_valid_credit_code(code)


@given(st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=17, max_size=17))
def test_credit_check_char_agrees_with_reference_and_stdnum(first17):
    check = credit_code_check_char(first17)
    assert check == reference_credit_check(first17)
    assert check == stdnum.cn.uscc.calc_check_digit(first17)
    full = first17 + check
    total = sum(
        CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(full, (*CC_WEIGHTS, 1), strict=True)
    )
    assert total % 31 == 0


credit_prefixes = st.builds(
    lambda a, t, r, o: a + t + r + o,
    st.sampled_from("123456789ANY"),
    st.sampled_from(CREDIT_CODE_ALPHABET),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=9, max_size=9),
)


@given(credit_prefixes, st.integers(0, 17), st.integers(1, 30))
def test_credit_code_valid_and_any_single_change_invalid(first17, position, shift):
    code = make_credit_code(first17)
    assert validate_credit_code(code) == code
    old = CREDIT_CODE_ALPHABET.index(code[position])
    new_char = CREDIT_CODE_ALPHABET[(old + shift) % 31]
    assert new_char != code[position]
    mutated = code[:position] + new_char + code[position + 1 :]
    assert not is_valid_credit_code(mutated)
    with pytest.raises(IdentifierError) as info:
        validate_credit_code(mutated)
    assert info.value.code == "invalid_credit_code"


@pytest.mark.parametrize(
    ("value", "reason", "fragment"),
    [
        ("91110000600037341", "length", "18 位，实为 17 位"),
        ("91110000600037341LL", "length", "实为 19 位"),
        ("", "length", "实为 0 位"),
        ("9111000060003734IL", "character", "第 17 位字符“I”"),
        ("91110000O00037341L", "character", "第 9 位字符“O”"),
        ("9S110000600037341L", "character", "第 2 位字符“S”"),
        ("91110000600037341V", "character", "第 18 位字符“V”"),
        ("Z1110000600037341L", "character", "第 1 位字符“Z”"),
        ("911100006000373-1L", "character", "第 16 位字符“-”"),
        ("911100006000373４1L", "character", "第 16 位字符“４”"),
        ("B1110000600037341L", "authority", "登记管理部门代码“B”"),
        ("01110000600037341L", "authority", "登记管理部门代码“0”"),
        ("9111A000600037341L", "region", "“11A000”"),
        ("91110000600037341A", "check_char", "校验码错误：应为 L，实为 A"),
    ],
)
def test_bad_credit_codes(value, reason, fragment):
    err = raises_identifier_error(validate_credit_code, value, "invalid_credit_code", reason)
    assert fragment in err.message
    assert not is_valid_credit_code(value)


def test_credit_code_error_messages_in_english():
    with pytest.raises(IdentifierError) as info:
        validate_credit_code("91110000600037341A")
    assert info.value.message_en == "check character is wrong: expected L, got A"
    with pytest.raises(IdentifierError) as info:
        validate_credit_code("9111000060003734IL")
    assert "position 17" in info.value.message_en and "'I'" in info.value.message_en


def test_non_string_inputs_are_invalid_not_crashes():
    for value in (None, 91110000600037341, b"91110000600037341L"):
        assert not is_valid_credit_code(value)
        assert not is_valid_id_number(value)
        assert subject_key_kind(value) is None  # type: ignore[arg-type]
    raises_identifier_error(validate_credit_code, None, "invalid_credit_code", "type")
    raises_identifier_error(validate_id_number, None, "invalid_id_number", "type")


def test_check_char_helpers_reject_bad_input():
    for bad in ("", "123", "9111000060003734I", "91110000600037341L"):
        with pytest.raises(IdentifierError):
            credit_code_check_char(bad)
    for bad in ("", "1101051949123100", "1101051949123100X", "11010519491231002X"):
        with pytest.raises(IdentifierError):
            id_number_check_char(bad)


def info_for(prefix: str) -> CreditCodeInfo:
    return describe_credit_code(make_credit_code(prefix))


def test_describe_government_agency():
    info = info_for("11100000000013127")
    assert info.registering_authority == "1"
    assert info.registering_authority_name == "机构编制"
    assert info.entity_type == "1"
    assert info.entity_type_name == "机关"
    assert info.region_code == "100000"
    assert info.organisation_code == "000013127"
    assert info.subject_kind == "legal_person"
    assert info.is_government_agency is True


def test_describe_public_institution():
    info = info_for("12320100466001234")
    assert (info.registering_authority_name, info.entity_type_name) == ("机构编制", "事业单位")
    assert info.subject_kind == "legal_person"
    assert info.is_government_agency is False
    assert info.region_code == "320100"


def test_describe_social_organisation():
    info = info_for("51320000MJ5012345")
    assert (info.registering_authority_name, info.entity_type_name) == ("民政", "社会团体")
    assert info.subject_kind == "legal_person"
    assert not info.is_government_agency


def test_describe_enterprise():
    info = describe_credit_code("91110000600037341L")
    assert info == CreditCodeInfo(
        registering_authority="9",
        registering_authority_name="工商",
        entity_type="1",
        entity_type_name="企业",
        region_code="110000",
        organisation_code="600037341",
        subject_kind="legal_person",
        is_government_agency=False,
    )


def test_describe_individual_business():
    info = info_for("92320115MA1X12345")
    assert (info.registering_authority_name, info.entity_type_name) == ("工商", "个体工商户")
    assert info.subject_kind == "non_legal_person_org"


def test_describe_farmers_cooperative_is_legal_person():
    info = info_for("93320115MA1X12345")
    assert info.entity_type_name == "农民专业合作社"
    assert info.subject_kind == "legal_person"


def test_describe_rural_collective():
    info = info_for("N2320115MA1234567")
    assert (info.registering_authority_name, info.entity_type_name) == ("农业", "村级集体经济组织")
    assert info.subject_kind == "legal_person"


def test_describe_unknown_entity_type_is_other():
    info = info_for("54320100MJ5012345")
    assert (info.registering_authority_name, info.entity_type_name) == ("民政", "其他")
    info = info_for("Y3320100MA1ABCDE1")
    assert (info.registering_authority_name, info.entity_type_name) == ("其他", "其他")


def test_describe_validates_and_is_frozen():
    with pytest.raises(IdentifierError):
        describe_credit_code("91110000600037341A")
    info = describe_credit_code("91110000600037341l")
    with pytest.raises(AttributeError):
        info.entity_type = "2"  # type: ignore[misc]


# --------------------------------------------------------------------------------------------
# ID numbers
# --------------------------------------------------------------------------------------------


def test_gb_example_and_normalisation():
    assert validate_id_number(GB_EXAMPLE_ID) == GB_EXAMPLE_ID
    assert validate_id_number(GB_EXAMPLE_ID.lower()) == GB_EXAMPLE_ID
    assert validate_id_number(" 110105 19491231 002x ") == GB_EXAMPLE_ID
    assert stdnum.cn.ric.is_valid(GB_EXAMPLE_ID)


def test_region_newer_than_birth_year_accepted_although_stdnum_refuses():
    # 320115 江宁区 was created in 2000 (from 江宁县 320121); someone born there in 1985 and
    # registered later keeps a 320115 number.
    number = make_id_number("32011519850312123")
    assert stdnum.cn.ric.calc_check_digit(number) == number[17]
    assert not stdnum.cn.ric.is_valid(number)  # the stdnum defect
    with pytest.raises(stdnum.cn.ric.InvalidComponent):
        stdnum.cn.ric.validate(number)
    assert validate_id_number(number) == number
    # ...and the same holds for 330110 余杭区 (created 2001).
    number = make_id_number("33011019900101002")
    assert not stdnum.cn.ric.is_valid(number)
    assert is_valid_id_number(number)


def test_unknown_county_accepted_but_province_must_exist():
    assert is_valid_id_number(make_id_number("32999919900101001"))
    err = raises_identifier_error(
        validate_id_number, make_id_number("10010519900101001"), "invalid_id_number", "province"
    )
    assert "“10”" in err.message


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_id_check_char_agrees_with_reference_and_stdnum(first17):
    check = id_number_check_char(first17)
    assert check == reference_id_check(first17)
    assert check == stdnum.cn.ric.calc_check_digit(first17 + "0")


id_prefixes = st.builds(
    lambda province, county, birth, seq: f"{province}{county}{birth:%Y%m%d}{seq}",
    st.sampled_from(sorted(PROVINCE_CODES)),
    st.text(alphabet="0123456789", min_size=4, max_size=4),
    st.dates(min_value=date(1880, 1, 1), max_value=date(2024, 12, 31)),
    st.text(alphabet="0123456789", min_size=3, max_size=3),
)


@given(id_prefixes, st.integers(0, 17), st.integers(1, 10))
def test_id_number_valid_and_any_single_change_invalid(first17, position, shift):
    number = make_id_number(first17)
    assert validate_id_number(number) == number
    chars = "0123456789X" if position == 17 else "0123456789"
    new_char = chars[(chars.index(number[position]) + shift) % len(chars)]
    if new_char == number[position]:  # shift == 10 on a digit position wraps around
        new_char = chars[(chars.index(number[position]) + 1) % len(chars)]
    mutated = number[:position] + new_char + number[position + 1 :]
    assert not is_valid_id_number(mutated)


@pytest.mark.parametrize(
    ("value", "reason", "fragment"),
    [
        ("11010519491231002", "length", "18 位，实为 17 位"),
        ("11010519491231002XX", "length", "实为 19 位"),
        ("110105491231002", "legacy_15", "15 位"),
        ("1101051949123100AX", "character", "第 17 位字符“A”"),
        ("11010519491231002Y", "character", "第 18 位校验码“Y”"),
        ("X10105194912310020", "character", "第 1 位字符“X”"),
        ("11010519991302002X", "date", "“19991302”不是有效的日期"),
        ("11010518791231002X", "date", "早于 1880 年"),
        ("110105194912310021", "check_char", "校验码错误：应为 X，实为 1"),
    ],
)
def test_bad_id_numbers(value, reason, fragment):
    err = raises_identifier_error(validate_id_number, value, "invalid_id_number", reason)
    assert fragment in err.message
    assert not is_valid_id_number(value)


@pytest.mark.parametrize("birth", ["19990230", "19000229", "20230229", "19990431", "19990100"])
def test_impossible_dates(birth):
    number = make_id_number(f"320102{birth}123")
    err = raises_identifier_error(validate_id_number, number, "invalid_id_number", "date")
    assert birth in err.message and birth in err.message_en


def test_leap_days():
    assert is_valid_id_number(make_id_number("32010220000229123"))
    assert is_valid_id_number(make_id_number("32010219960229123"))


def test_future_birth_date_with_explicit_today():
    number = make_id_number("32010220250102123")
    assert validate_id_number(number, today=date(2025, 1, 2)) == number
    err = raises_identifier_error(
        validate_id_number, number, "invalid_id_number", "future_date", today=date(2025, 1, 1)
    )
    assert "20250102" in err.message and "20250101" in err.message
    assert "after today" in err.message_en
    assert not is_valid_id_number(number, today=date(2025, 1, 1))


def test_future_birth_date_with_default_today():
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    tomorrow = today + timedelta(days=1)
    assert is_valid_id_number(make_id_number(f"320102{today:%Y%m%d}123"))
    err = raises_identifier_error(
        validate_id_number,
        make_id_number(f"320102{tomorrow:%Y%m%d}123"),
        "invalid_id_number",
        "future_date",
    )
    assert f"{tomorrow:%Y%m%d}" in err.message


def test_id_error_message_in_english():
    with pytest.raises(IdentifierError) as info:
        validate_id_number("110105194912310021")
    assert info.value.message_en == "check character is wrong: expected X, got 1"


def test_describe_id_number():
    assert describe_id_number(GB_EXAMPLE_ID) == IdNumberInfo(
        region_code="110105", birth_date=date(1949, 12, 31), sex="female"
    )
    male = describe_id_number(make_id_number("32011519850312123"))
    assert male == IdNumberInfo(region_code="320115", birth_date=date(1985, 3, 12), sex="male")
    with pytest.raises(IdentifierError):
        describe_id_number("110105194912310021")


def test_mask_id_number():
    assert mask_id_number("32010219900101123X") == "320102********123X"
    assert mask_id_number("320102 19900101 123x") == "320102********123X"
    assert mask_id_number(GB_EXAMPLE_ID) == "110105********002X"
    with pytest.raises(IdentifierError) as info:
        mask_id_number("110105491231002")
    assert info.value.code == "invalid_id_number"


# --------------------------------------------------------------------------------------------
# Routing, errors, regions
# --------------------------------------------------------------------------------------------


def test_subject_key_kind():
    assert subject_key_kind(GB_EXAMPLE_ID) == "id_number"
    assert subject_key_kind(GB_EXAMPLE_ID.lower()) == "id_number"
    assert subject_key_kind("110105194912310021") == "id_number"  # bad check, still ID-shaped
    assert subject_key_kind("91110000600037341L") == "credit_code"
    assert subject_key_kind("N2320115MA12345677") == "credit_code"
    assert subject_key_kind("11100000000013127X") == "credit_code"  # date part 00000013
    assert subject_key_kind("11010519991302002X") == "credit_code"  # no real date in it
    assert subject_key_kind("hello") is None
    assert subject_key_kind("") is None


def test_subject_key_kind_prefers_valid_credit_code_on_ambiguous_shape():
    # An all-digit 机关 code in region 110119 whose organisation code starts like a date.
    code = None
    for seq in range(10):
        candidate = make_credit_code(f"1111011919900101{seq}")
        if candidate[17].isdigit() and candidate[17] != id_number_check_char(candidate[:17]):
            code = candidate
            break
    assert code is not None
    assert is_valid_credit_code(code) and not is_valid_id_number(code)
    assert subject_key_kind(code) == "credit_code"


def test_identifier_error_pickles():
    err = IdentifierError("invalid_id_number", "消息", "message", "length")
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.code, copy.message, copy.message_en, copy.reason) == (
        "invalid_id_number",
        "消息",
        "message",
        "length",
    )


def test_region_name():
    assert region_name("320115") == "江苏省南京市"
    assert region_name("321300") == "江苏省宿迁市"
    assert region_name("320000") == "江苏省"
    assert region_name("330110") == "浙江省"
    assert region_name("100000") is None
    assert region_name("32011") is None


def test_province_table_matches_packaged_regions():
    for code in PROVINCE_CODES:
        assert region_name(code + "0000") is not None
    assert len(PROVINCE_CODES) == 34
