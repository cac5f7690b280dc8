"""What the search makes of what was typed (subjects/search.parse_query): no database."""

from __future__ import annotations

from fixtures.helpers import credit_code, id_number
from xinyong.subjects.search import MAX_QUERY_CHARS, parse_query, query_grams

CODE = credit_code("91320100MA1Q2R3T4")
PERSON = id_number("32010219800101001")


def test_kinds() -> None:
    assert parse_query(None).kind == "empty"
    assert parse_query(" \u3000\t").kind == "empty"
    assert parse_query("\x00\x01").kind == "empty"
    assert parse_query(CODE) == parse_query(f" {CODE.lower()[:6]} {CODE.lower()[6:]} ")
    assert parse_query(CODE).kind == "code" and parse_query(CODE).text == CODE
    assert parse_query("华信").kind == "name" and parse_query(" 华  信 ").text == "华 信"


def test_an_id_number_or_its_shape_is_refused_and_never_kept() -> None:
    for q in (PERSON, PERSON.lower(), PERSON[:17], PERSON[:15], f"{PERSON[:9]} {PERSON[9:]}"):
        query = parse_query(q)
        assert query.kind == "id_number", q
        assert query.text == ""
    # Digits that are no ID number's shape are part of a name ("58同城", a licence number).
    assert parse_query("1234").kind == "name"
    assert parse_query("12345678901234567890").kind == "name"


def test_long_input_is_cut() -> None:
    query = parse_query("华" * 10_000)
    assert query.truncated and len(query.text) == MAX_QUERY_CHARS
    assert not parse_query("华" * MAX_QUERY_CHARS).truncated


def test_grams_of_a_query() -> None:
    assert query_grams("华") == ["华"]
    assert query_grams("华信") == ["华信"]
    assert query_grams("华信科技") == ["信科", "华信", "科技"]
    assert query_grams("哈哈哈") == ["哈哈"]


def test_a_code_that_fails_its_check_is_invalid_not_a_name() -> None:
    wrong = CODE[:17] + ("0" if CODE[17] != "0" else "1")
    query = parse_query(wrong.lower())
    assert query.kind == "invalid" and query.text == wrong
    assert query.problem is not None and query.problem.code == "invalid_credit_code"
    assert query.problem.reason == "check_char"
    assert parse_query(CODE[:17]).problem.reason == "length"  # type: ignore[union-attr]
    assert parse_query(CODE + "1").problem.reason == "length"  # type: ignore[union-attr]
    person = parse_query(PERSON[:17] + ("0" if PERSON[17] != "0" else "1"))
    assert person.kind == "invalid" and person.text == ""
    assert person.problem is not None and person.problem.code == "invalid_id_number"
    # Not codes: names and licence numbers stay names.
    for q in ("JY13201000012345", "SP3201001234567890", "NanjingHuaxinTrade", "ABCDEFGHJKLMNPQRTU"):
        assert parse_query(q).kind == "name", q
