"""The checks of a row's parts (records/checkers.py), without a database: each check on its
own, with the errors it answers and what it makes of the part."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fixtures.helpers import credit_code, id_number
from xinyong.catalog.schemas import FieldSpec, ItemSpec, LinkSpec
from xinyong.core.crypto import IdCipher
from xinyong.models import Category, Disclosure
from xinyong.records.checkers import (
    FIELDS_MAX,
    NAME_MAX,
    SOURCE_ID_MAX,
    CompiledItem,
    check_fields,
    check_item,
    check_links,
    check_required_fields,
    check_source_id,
    check_subject_key,
    check_subject_name,
    compile_item,
)
from xinyong.records.rules import BatchIdNumbers

TODAY = date(2026, 6, 15)
ORG = credit_code("91320100MA1MXY3B0")
PERSON = id_number("32010219800101123")
OTHER_PERSON = id_number("32010219900202234")
FORMS = BatchIdNumbers(IdCipher(b"k" * 32), TODAY).forms


def make_item(
    *,
    subject_types: tuple[Any, ...] = ("organisation", "person"),
    sources: tuple[str, ...] = ("market_regulation",),
    links: bool = False,
) -> CompiledItem:
    fields = [
        FieldSpec(name="title", label="名称", type="string", required=True, max_length=10),
        FieldSpec(name="decided_on", label="决定日期", type="date", required=True),
        FieldSpec(name="amount", label="金额", type="decimal"),
        FieldSpec(name="count", label="次数", type="integer"),
        FieldSpec(name="kind", label="类别", type="enum", values=["甲", "乙"]),
        FieldSpec(name="authority_code", label="机关代码", type="credit_code"),
        FieldSpec(name="representative", label="法定代表人", type="string"),
        FieldSpec(name="representative_id", label="法定代表人身份证号码", type="id_number"),
    ]
    spec = ItemSpec(
        code="sample_item",
        name="样例事项",
        category=Category.other,
        disclosure=Disclosure.public,
        subject_types=list(subject_types),
        sources=list(sources),
        update_cycle="daily",
        retention_years=5,
        legal_basis="测试",
        links=[
            LinkSpec(
                role="legal_representative",
                name_field="representative",
                id_field="representative_id",
            )
        ]
        if links
        else [],
        fields=fields,
    )
    return compile_item(1, 1, spec)


ITEM = make_item()


def codes(errors: list[dict]) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in errors]


class TestItem:
    """Measures art. 8 (by catalog only) and art. 16 (within the provider's duties)."""

    def test_a_published_item_of_the_callers_sector_is_found(self) -> None:
        errors: list[dict] = []
        assert check_item("sample_item", {"sample_item": ITEM}, "market_regulation", errors) is ITEM
        assert errors == []

    @pytest.mark.parametrize("code", ["no_such_item", None, 7, ["sample_item"]])
    def test_an_item_not_in_the_catalog_is_unknown(self, code: Any) -> None:
        errors: list[dict] = []
        assert check_item(code, {"sample_item": ITEM}, "market_regulation", errors) is None
        assert codes(errors) == [("item", "unknown_item")]
        assert repr(code) in errors[0]["message_en"]

    def test_a_provider_outside_the_items_sources_is_refused(self) -> None:
        errors: list[dict] = []
        assert check_item("sample_item", {"sample_item": ITEM}, "tax", errors) is None
        assert codes(errors) == [("item", "not_item_source")]


class TestSourceId:
    def test_a_source_id_is_trimmed(self) -> None:
        errors: list[dict] = []
        assert check_source_id("  S-1 ", errors) == "S-1"
        assert errors == []

    @pytest.mark.parametrize("value", [None, "", "   ", 12, ["S-1"]])
    def test_a_missing_source_id_is_refused(self, value: Any) -> None:
        errors: list[dict] = []
        assert check_source_id(value, errors) == ""
        assert codes(errors) == [("source_id", "missing_field")]

    def test_a_source_id_holding_nul_is_refused(self) -> None:
        errors: list[dict] = []
        assert check_source_id("S\x001", errors) == ""
        assert codes(errors) == [("source_id", "invalid_field")]

    def test_the_longest_source_id_passes_and_one_more_character_does_not(self) -> None:
        errors: list[dict] = []
        check_source_id("x" * SOURCE_ID_MAX, errors)
        assert errors == []
        check_source_id("x" * (SOURCE_ID_MAX + 1), errors)
        assert codes(errors) == [("source_id", "invalid_field")]


class TestSubjectName:
    def test_a_name_is_normalised_as_the_search_reads_it(self) -> None:
        errors: list[dict] = []
        assert (
            check_subject_name(" 嘉成(南通)\u200b科技  有限公司 ", errors)
            == "嘉成（南通）科技 有限公司"
        )
        assert errors == []

    @pytest.mark.parametrize("value", [None, "", "  ", 5])
    def test_a_missing_name_is_refused(self, value: Any) -> None:
        errors: list[dict] = []
        assert check_subject_name(value, errors) == ""
        assert codes(errors) == [("subject.name", "missing_field")]

    def test_a_name_of_invisible_characters_only_is_refused(self) -> None:
        errors: list[dict] = []
        check_subject_name("\u200b\u200d", errors)
        assert codes(errors) == [("subject.name", "invalid_name")]

    def test_a_name_holding_a_control_character_is_refused(self) -> None:
        errors: list[dict] = []
        check_subject_name("南京\x07公司", errors)
        assert codes(errors) == [("subject.name", "invalid_field")]

    def test_the_longest_name_passes_and_one_more_character_does_not(self) -> None:
        errors: list[dict] = []
        check_subject_name("名" * NAME_MAX, errors)
        assert errors == []
        check_subject_name("名" * (NAME_MAX + 1), errors)
        assert codes(errors) == [("subject.name", "invalid_field")]


class TestSubjectKey:
    """Measures art. 15, 18; 002 §（四）: a subject is keyed by its credit code or ID number."""

    def test_an_organisation_is_keyed_by_its_credit_code(self) -> None:
        errors: list[dict] = []
        assert check_subject_key(ORG, None, ITEM, FORMS, errors) == (ORG, None)
        assert errors == []

    def test_a_person_is_keyed_by_the_forms_of_its_id_number(self) -> None:
        errors: list[dict] = []
        code, forms = check_subject_key(None, PERSON, ITEM, FORMS, errors)
        assert code is None and forms == FORMS(PERSON)
        assert errors == []

    @pytest.mark.parametrize(("code", "number"), [(None, None), ("", ""), (ORG, PERSON)])
    def test_exactly_one_key_is_given(self, code: Any, number: Any) -> None:
        errors: list[dict] = []
        assert check_subject_key(code, number, ITEM, FORMS, errors) == (None, None)
        assert codes(errors) == [("subject", "invalid_subject")]

    def test_a_credit_code_failing_its_check_is_refused(self) -> None:
        errors: list[dict] = []
        wrong = ORG[:-1] + ("0" if ORG[-1] != "0" else "1")
        check_subject_key(wrong, None, ITEM, FORMS, errors)
        assert codes(errors) == [("subject.credit_code", "invalid_credit_code")]

    def test_an_id_number_failing_its_check_is_refused(self) -> None:
        errors: list[dict] = []
        wrong = PERSON[:-1] + ("0" if PERSON[-1] != "0" else "1")
        check_subject_key(None, wrong, ITEM, FORMS, errors)
        assert codes(errors) == [("subject.id_number", "invalid_id_number")]

    @pytest.mark.parametrize(("code", "number"), [(ORG + "\x00", None), (None, PERSON + "\x00")])
    def test_a_key_holding_nul_is_refused_without_quoting_it(self, code: Any, number: Any) -> None:
        errors: list[dict] = []
        check_subject_key(code, number, ITEM, FORMS, errors)
        assert [e["code"] for e in errors] == ["invalid_field"]
        assert "\x00" not in errors[0]["message"]

    def test_an_organisation_under_an_item_for_persons_is_refused(self) -> None:
        errors: list[dict] = []
        item = make_item(subject_types=("person",))
        assert check_subject_key(ORG, None, item, FORMS, errors) == (ORG, None)
        assert codes(errors) == [("subject", "invalid_subject")]

    def test_a_person_under_an_item_for_organisations_is_refused(self) -> None:
        errors: list[dict] = []
        item = make_item(subject_types=("organisation",))
        check_subject_key(None, PERSON, item, FORMS, errors)
        assert codes(errors) == [("subject", "invalid_subject")]


class TestFields:
    """Measures art. 8 (the item's fields and formats) and art. 14 (forbidden data)."""

    def test_values_are_stored_in_their_canonical_form(self) -> None:
        errors: list[dict] = []
        raw = {
            "名称": " 罚款 ",  # a file header: the Chinese label
            "decided_on": "2026/06/01",
            "amount": "1,000.50",
            "count": "3",
            "kind": "乙",
            "authority_code": ORG.lower(),
        }
        checked = check_fields(raw, ITEM, FORMS, errors)
        assert errors == []
        assert checked == (
            {
                "title": "罚款",
                "decided_on": "2026-06-01",
                "amount": "1000.50",
                "count": 3,
                "kind": "乙",
                "authority_code": ORG,
            },
            {},
            {},
        )

    def test_an_id_number_is_masked_in_the_fields_and_encrypted_beside_them(self) -> None:
        errors: list[dict] = []
        checked = check_fields({"representative_id": PERSON}, ITEM, FORMS, errors)
        assert checked is not None and errors == []
        forms = FORMS(PERSON)
        assert checked == (
            {"representative_id": forms[3]},
            {"representative_id": forms[2]},
            {"representative_id": forms},
        )

    @pytest.mark.parametrize("raw", [None, {}, {"title": None, "amount": ""}])
    def test_fields_absent_or_empty_are_not_given(self, raw: Any) -> None:
        errors: list[dict] = []
        assert check_fields(raw, ITEM, FORMS, errors) == ({}, {}, {})
        assert errors == []

    def test_a_value_blank_after_trimming_is_not_given(self) -> None:
        errors: list[dict] = []
        assert check_fields({"title": "   "}, ITEM, FORMS, errors) == ({}, {}, {})

    def test_fields_not_an_object_are_refused(self) -> None:
        errors: list[dict] = []
        assert check_fields(["title"], ITEM, FORMS, errors) == ({}, {}, {})
        assert codes(errors) == [("fields", "invalid_field")]

    def test_the_most_keys_are_read_and_one_more_refuses_the_row(self) -> None:
        errors: list[dict] = []
        most = {f"key_{n}": 1 for n in range(FIELDS_MAX)}
        assert check_fields(most, ITEM, FORMS, errors) is not None
        assert len(errors) == FIELDS_MAX  # each unknown
        errors.clear()
        assert check_fields({**most, "one_more": 1}, ITEM, FORMS, errors) is None
        assert codes(errors) == [("fields", "invalid_field")]

    def test_a_key_the_item_lacks_is_unknown(self) -> None:
        errors: list[dict] = []
        check_fields({"colour": "red"}, ITEM, FORMS, errors)
        assert codes(errors) == [("fields.colour", "unknown_field")]

    @pytest.mark.parametrize("key", ["religion", "宗教信仰", "blood_type"])
    def test_a_key_naming_forbidden_data_is_refused_as_such(self, key: str) -> None:
        errors: list[dict] = []
        check_fields({key: "x"}, ITEM, FORMS, errors)
        assert codes(errors) == [(f"fields.{key}", "forbidden_field")]

    def test_an_unknown_key_is_quoted_back_with_its_nul_escaped(self) -> None:
        errors: list[dict] = []
        check_fields({"a\x00b": 1}, ITEM, FORMS, errors)
        assert codes(errors) == [("fields.a\\x00b", "unknown_field")]

    @pytest.mark.parametrize(
        ("raw", "code"),
        [
            ({"title": "x" * 11}, "invalid_field"),
            ({"decided_on": "2026-02-30"}, "invalid_field"),
            ({"amount": "NaN"}, "invalid_field"),
            ({"count": "1.5"}, "invalid_field"),
            ({"kind": "丙"}, "invalid_field"),
            ({"authority_code": "123"}, "invalid_credit_code"),
            ({"representative_id": "123"}, "invalid_id_number"),
            ({"representative_id": PERSON + "\x00"}, "invalid_field"),
            ({"title": True}, "invalid_field"),
        ],
    )
    def test_a_value_failing_its_format_is_refused_under_its_label(
        self, raw: dict, code: str
    ) -> None:
        errors: list[dict] = []
        check_fields(raw, ITEM, FORMS, errors)
        (name,) = raw
        assert codes(errors) == [(f"fields.{name}", code)]
        assert errors[0]["message"].startswith(ITEM.fields[name].label + "：")

    @given(st.decimals(allow_nan=False, allow_infinity=False, places=2))
    def test_a_finite_decimal_is_stored_as_its_exact_text(self, number: Any) -> None:
        errors: list[dict] = []
        checked = check_fields({"amount": str(number)}, ITEM, FORMS, errors)
        assert checked is not None and errors == []
        assert checked[0]["amount"] == str(number)

    @given(st.integers(min_value=-(10**18) + 1, max_value=10**18 - 1))
    def test_an_integer_of_up_to_eighteen_digits_is_stored_as_such(self, number: int) -> None:
        errors: list[dict] = []
        checked = check_fields({"count": str(number)}, ITEM, FORMS, errors)
        assert checked is not None and checked[0]["count"] == number


class TestRequiredFields:
    def test_a_required_field_not_given_is_missing(self) -> None:
        errors: list[dict] = []
        check_required_fields(ITEM, {"title": "罚款"}, errors)
        assert codes(errors) == [("fields.decided_on", "missing_field")]

    def test_a_required_field_with_an_error_of_its_own_is_not_also_missing(self) -> None:
        errors: list[dict] = []
        checked = check_fields({"title": "x" * 11, "decided_on": "2026-06-01"}, ITEM, FORMS, errors)
        assert checked is not None
        check_required_fields(ITEM, checked[0], errors)
        assert codes(errors) == [("fields.title", "invalid_field")]


class TestLinks:
    """000 §（十二）; Measures art. 29: the persons behind an organisation."""

    ITEM = make_item(links=True)

    def linked(self, raw: dict) -> tuple[list, list[dict]]:
        errors: list[dict] = []
        checked = check_fields(raw, self.ITEM, FORMS, errors)
        assert checked is not None and errors == []
        clean, _, ids = checked
        return check_links(self.ITEM, clean, ids, errors), errors

    def test_a_person_named_by_id_number_and_name_is_linked(self) -> None:
        links, errors = self.linked({"representative_id": PERSON, "representative": " 张\u200b三 "})
        assert links == [(FORMS(PERSON), "张三", "legal_representative")]
        assert errors == []

    def test_no_id_number_no_link(self) -> None:
        assert self.linked({"representative": "张三"}) == ([], [])

    def test_an_id_number_without_a_name_is_refused(self) -> None:
        links, errors = self.linked({"representative_id": OTHER_PERSON})
        assert links == []
        assert codes(errors) == [("fields.representative", "missing_field")]

    def test_a_name_of_invisible_characters_only_is_refused(self) -> None:
        links, errors = self.linked({"representative_id": PERSON, "representative": "\u200b"})
        assert links == []
        assert codes(errors) == [("fields.representative", "invalid_name")]
