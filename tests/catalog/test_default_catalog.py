"""Strict format checks of the shipped default catalog (docs/catalog-format.md).

The catalog is loaded with the standard library only, so these checks hold whatever loader the
platform uses: every key is present with the right type, every code and name matches its pattern,
the ten administrative acts of 000 §（十五） are each present once, and nothing forbidden by
Measures art. 14 is named.
"""

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from xinyong.catalog.schemas import SECTORS as CATALOG_SECTORS

CATALOG_PATH = (
    Path(__file__).resolve().parents[2] / "src" / "xinyong" / "catalog" / "default_catalog.json"
)

ITEM_CODE = re.compile(r"[a-z][a-z0-9_]{1,63}")
FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")

CATEGORIES = {"basic", "positive", "negative", "other"}
DISCLOSURES = {"public", "government", "authorised"}
SUBJECT_TYPES = {"organisation", "person"}
UPDATE_CYCLES = {"realtime", "daily", "weekly", "monthly", "quarterly", "yearly"}
ACT_TYPES = {
    "licensing",
    "penalty",
    "compulsion",
    "confirmation",
    "levy",
    "payment",
    "adjudication",
    "compensation",
    "reward",
    "inspection",
}
FIELD_TYPES = {"string", "text", "date", "decimal", "integer", "credit_code", "id_number", "enum"}
LINK_ROLES = {"legal_representative", "principal", "actual_controller"}
# A natural-person shareholder, linked from a shareholding record (docs/relations.md).
ALL_LINK_ROLES = LINK_ROLES | {"shareholder"}
SECTORS = set(CATALOG_SECTORS)  # the list of docs/catalog-format.md
FORBIDDEN_WORDS = (
    "宗教",
    "信仰",
    "基因",
    "血型",
    "疾病",
    "病史",
    "病历",
    "religion",
    "gene",
    "blood",
    "illness",
    "disease",
    "medical_history",
)

ITEM_KEYS = {
    "code": str,
    "name": str,
    "category": str,
    "disclosure": str,
    "subject_types": list,
    "sources": list,
    "update_cycle": str,
    "legal_validity_years": (int, type(None)),
    "legal_validity_basis": (str, type(None)),
    "retention_years": int,
    "legal_basis": str,
    "act_type": (str, type(None)),
    "decision_date_field": (str, type(None)),
    "registers_subject": bool,
    "links": list,
    "fields": list,
}
FIELD_REQUIRED_KEYS = {"name": str, "label": str, "type": str, "required": bool}
FIELD_OPTIONAL_KEYS = {"values": list, "max_length": int}
LINK_KEYS = {"role", "name_field", "id_field"}


def _load() -> dict:
    with CATALOG_PATH.open(encoding="utf-8") as handle:
        return json.load(handle)


CATALOG = _load()
ITEMS = CATALOG["items"]
ITEMS_BY_CODE = {item["code"]: item for item in ITEMS}


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def _fields_by_name(item: dict) -> dict:
    return {field["name"]: field for field in item["fields"]}


def _item_params():
    return pytest.mark.parametrize("item", ITEMS, ids=[item["code"] for item in ITEMS])


def _field_params():
    pairs = [(item, field) for item in ITEMS for field in item["fields"]]
    ids = [f"{item['code']}.{field['name']}" for item, field in pairs]
    return pytest.mark.parametrize(("item", "field"), pairs, ids=ids)


class TestTopLevel:
    def test_top_level_has_exactly_title_and_items(self):
        assert set(CATALOG) == {"title", "items"}

    def test_title_is_the_default_catalog_title(self):
        assert CATALOG["title"] == "江苏省公共信用信息目录（默认版）"

    def test_items_is_a_list_of_objects(self):
        assert isinstance(ITEMS, list)
        assert all(isinstance(item, dict) for item in ITEMS)

    def test_catalog_has_a_realistic_number_of_items(self):
        # 40 of the public credit catalog and 12 of government integrity (003 政务诚信 §二（三）).
        assert 30 <= len(ITEMS) <= 60

    def test_file_is_utf8_without_ascii_escapes(self):
        text = CATALOG_PATH.read_text(encoding="utf-8")
        assert "\\u" not in text


class TestItemKeys:
    @_item_params()
    def test_item_has_exactly_the_documented_keys(self, item):
        assert set(item) == set(ITEM_KEYS)

    @_item_params()
    def test_item_values_have_documented_types(self, item):
        for key, expected in ITEM_KEYS.items():
            value = item[key]
            if expected is int:
                assert _is_int(value), key
            elif expected is bool:
                assert isinstance(value, bool), key
            else:
                assert isinstance(value, expected), key
                assert not isinstance(value, bool), key

    @_item_params()
    def test_code_matches_pattern(self, item):
        assert ITEM_CODE.fullmatch(item["code"])

    @_item_params()
    def test_name_is_chinese(self, item):
        assert item["name"].strip() == item["name"]
        assert _has_cjk(item["name"])

    @_item_params()
    def test_category_is_known(self, item):
        assert item["category"] in CATEGORIES

    @_item_params()
    def test_disclosure_is_known(self, item):
        assert item["disclosure"] in DISCLOSURES

    @_item_params()
    def test_subject_types_are_known_and_unique(self, item):
        types = item["subject_types"]
        assert types
        assert all(isinstance(value, str) for value in types)
        assert set(types) <= SUBJECT_TYPES
        assert len(types) == len(set(types))

    @_item_params()
    def test_sources_are_sector_codes_and_unique(self, item):
        sources = item["sources"]
        assert sources
        assert all(isinstance(value, str) for value in sources)
        assert set(sources) <= SECTORS, set(sources) - SECTORS
        assert len(sources) == len(set(sources))

    @_item_params()
    def test_update_cycle_is_known(self, item):
        assert item["update_cycle"] in UPDATE_CYCLES

    @_item_params()
    def test_retention_is_positive(self, item):
        assert item["retention_years"] >= 1

    @_item_params()
    def test_legal_basis_is_cited_in_chinese(self, item):
        assert _has_cjk(item["legal_basis"])
        assert "《" in item["legal_basis"] or "号" in item["legal_basis"]

    @_item_params()
    def test_has_fields(self, item):
        assert item["fields"]


class TestUniqueness:
    def test_item_codes_are_unique(self):
        duplicates = [code for code, n in Counter(i["code"] for i in ITEMS).items() if n > 1]
        assert not duplicates

    def test_item_names_are_unique(self):
        duplicates = [name for name, n in Counter(i["name"] for i in ITEMS).items() if n > 1]
        assert not duplicates

    @_item_params()
    def test_field_names_are_unique_within_item(self, item):
        names = Counter(field["name"] for field in item["fields"])
        assert not [name for name, n in names.items() if n > 1]


class TestFields:
    @_field_params()
    def test_field_has_documented_keys(self, item, field):
        assert set(FIELD_REQUIRED_KEYS) <= set(field)
        assert set(field) <= set(FIELD_REQUIRED_KEYS) | set(FIELD_OPTIONAL_KEYS)

    @_field_params()
    def test_field_values_have_documented_types(self, item, field):
        assert isinstance(field["name"], str)
        assert isinstance(field["label"], str)
        assert isinstance(field["type"], str)
        assert isinstance(field["required"], bool)
        if "max_length" in field:
            assert _is_int(field["max_length"])
            assert field["max_length"] > 0

    @_field_params()
    def test_field_name_matches_pattern(self, item, field):
        assert FIELD_NAME.fullmatch(field["name"])

    @_field_params()
    def test_field_label_is_chinese(self, item, field):
        assert field["label"].strip() == field["label"]
        assert _has_cjk(field["label"])

    @_field_params()
    def test_field_type_is_known(self, item, field):
        assert field["type"] in FIELD_TYPES

    @_field_params()
    def test_enum_has_unique_string_values_and_others_have_none(self, item, field):
        if field["type"] == "enum":
            values = field.get("values")
            assert isinstance(values, list)
            assert values
            assert all(isinstance(value, str) and value for value in values)
            assert len(values) == len(set(values))
        else:
            assert "values" not in field

    @_field_params()
    def test_max_length_only_on_string_or_text(self, item, field):
        if "max_length" in field:
            assert field["type"] in {"string", "text"}

    @_item_params()
    def test_item_has_a_required_field(self, item):
        assert any(field["required"] for field in item["fields"])


class TestActs:
    def test_each_of_the_ten_acts_appears_exactly_once(self):
        acts = Counter(item["act_type"] for item in ITEMS if item["act_type"] is not None)
        assert set(acts) == ACT_TYPES
        assert all(n == 1 for n in acts.values())

    @_item_params()
    def test_act_type_and_decision_date_field_are_both_set_or_both_null(self, item):
        assert (item["act_type"] is None) == (item["decision_date_field"] is None)

    @_item_params()
    def test_act_type_is_known(self, item):
        if item["act_type"] is not None:
            assert item["act_type"] in ACT_TYPES

    @_item_params()
    def test_decision_date_field_names_a_required_date_field(self, item):
        if item["decision_date_field"] is None:
            return
        field = _fields_by_name(item).get(item["decision_date_field"])
        assert field is not None
        assert field["type"] == "date"
        assert field["required"]

    @_item_params()
    def test_act_has_required_decision_number(self, item):
        if item["act_type"] is None:
            return
        field = _fields_by_name(item).get("decision_number")
        assert field is not None
        assert field["type"] == "string"
        assert field["required"]

    @pytest.mark.parametrize(
        ("code", "act_type", "category"),
        [
            ("administrative_licensing", "licensing", "basic"),
            ("administrative_penalty", "penalty", "negative"),
            ("administrative_compulsion", "compulsion", "negative"),
            ("administrative_confirmation", "confirmation", "other"),
            ("administrative_levy", "levy", "other"),
            ("administrative_payment", "payment", "other"),
            ("administrative_adjudication", "adjudication", "other"),
            ("administrative_compensation", "compensation", "other"),
            ("administrative_reward", "reward", "positive"),
            ("administrative_inspection", "inspection", "other"),
        ],
    )
    def test_act_item_is_published_under_its_code(self, code, act_type, category):
        item = ITEMS_BY_CODE[code]
        assert item["act_type"] == act_type
        assert item["category"] == category
        assert item["disclosure"] == "public"


class TestLinks:
    @_item_params()
    def test_links_name_real_fields(self, item):
        fields = _fields_by_name(item)
        for link in item["links"]:
            assert isinstance(link, dict)
            assert set(link) == LINK_KEYS
            assert link["role"] in ALL_LINK_ROLES
            assert fields[link["name_field"]]["type"] == "string"
            assert fields[link["id_field"]]["type"] == "id_number"

    @_item_params()
    def test_link_roles_are_unique_within_item(self, item):
        roles = [link["role"] for link in item["links"]]
        assert len(roles) == len(set(roles))

    @_item_params()
    def test_links_only_on_items_about_organisations(self, item):
        if item["links"]:
            assert "organisation" in item["subject_types"]

    def test_a_shareholding_links_its_natural_person_shareholder(self):
        item = ITEMS_BY_CODE["org_shareholding"]
        assert item["registers_subject"] is False
        assert item["links"] == [
            {
                "role": "shareholder",
                "name_field": "shareholder_name",
                "id_field": "shareholder_id_number",
            }
        ]

    def test_org_registration_links_all_three_roles(self):
        item = ITEMS_BY_CODE["org_registration"]
        assert item["registers_subject"] is True
        assert {link["role"] for link in item["links"]} == LINK_ROLES


class TestValidity:
    @_item_params()
    def test_legal_validity_only_on_negative_items(self, item):
        if item["category"] != "negative":
            assert item["legal_validity_years"] is None
            assert item["legal_validity_basis"] is None

    @_item_params()
    def test_legal_validity_years_and_basis_go_together(self, item):
        assert (item["legal_validity_years"] is None) == (item["legal_validity_basis"] is None)

    @_item_params()
    def test_legal_validity_is_positive_with_a_chinese_basis(self, item):
        if item["legal_validity_years"] is not None:
            assert item["legal_validity_years"] >= 1
            assert _has_cjk(item["legal_validity_basis"])

    def test_judgment_defaulter_cites_supreme_peoples_court_rules(self):
        item = ITEMS_BY_CODE["court_judgment_defaulter"]
        assert item["sources"] == ["court"]
        assert item["disclosure"] == "public"
        if item["legal_validity_years"] is not None:
            assert "失信被执行人名单" in item["legal_validity_basis"]


class TestForbiddenData:
    @_item_params()
    def test_item_code_and_name_name_no_forbidden_data(self, item):
        for text in (item["code"], item["name"]):
            assert not [word for word in FORBIDDEN_WORDS if word in text.lower()]

    @_field_params()
    def test_field_name_and_label_name_no_forbidden_data(self, item, field):
        for text in (field["name"], field["label"]):
            assert not [word for word in FORBIDDEN_WORDS if word in text.lower()]

    @_field_params()
    def test_enum_values_name_no_forbidden_data(self, item, field):
        for value in field.get("values", []):
            assert not [word for word in FORBIDDEN_WORDS if word in value.lower()]


class TestCoverage:
    def test_every_category_appears(self):
        assert {item["category"] for item in ITEMS} == CATEGORIES

    @pytest.mark.parametrize(
        "code",
        [
            "org_registration",
            "person_basic",
            "qualification",
            "commendation",
            "volunteer_service",
            "charitable_donation",
            "tax_credit_a",
            "court_judgment_defaulter",
            "tax_arrears",
            "social_insurance_arrears",
            "wage_arrears",
            "safety_accident",
            "food_safety_accident",
            "environment_accident",
            "product_quality_accident",
            "false_materials",
            "broken_commitment",
            "market_ban",
            "academic_fraud",
            "major_tax_violation",
            "criminal_judgment",
            "commitment",
            "inspection_result",
            "interview",
            "pledge_registration",
            "trademark_registration",
            "credit_evaluation_by_department",
        ],
    )
    def test_expected_item_is_present(self, code):
        assert code in ITEMS_BY_CODE

    def test_only_registration_registers_subject(self):
        registering = [item["code"] for item in ITEMS if item["registers_subject"]]
        assert registering == ["org_registration"]

    def test_person_basic_is_authorised_query_from_public_security(self):
        item = ITEMS_BY_CODE["person_basic"]
        assert item["subject_types"] == ["person"]
        assert item["disclosure"] == "authorised"
        assert item["sources"] == ["public_security"]

    def test_org_registration_status_values(self):
        status = _fields_by_name(ITEMS_BY_CODE["org_registration"])["status"]
        assert status["values"] == ["存续", "在业", "吊销", "注销", "迁出"]

    def test_commitment_types_follow_the_commitment_list(self):
        field = _fields_by_name(ITEMS_BY_CODE["commitment"])["commitment_type"]
        assert field["values"] == ["审批替代型", "容缺受理型", "行业自律型", "主动型"]

    def test_interview_types_are_prompting_and_warning(self):
        field = _fields_by_name(ITEMS_BY_CODE["interview"])["interview_type"]
        assert field["values"] == ["提示约谈", "警示约谈"]

    @pytest.mark.parametrize(
        ("code", "field_name", "field_type"),
        [
            ("administrative_licensing", "licensing_authority_code", "credit_code"),
            ("administrative_licensing", "licence_content", "text"),
            ("administrative_licensing", "valid_from", "date"),
            ("administrative_licensing", "valid_to", "date"),
            ("administrative_penalty", "penalty_authority_code", "credit_code"),
            ("administrative_penalty", "fine_amount", "decimal"),
            ("administrative_penalty", "confiscated_amount", "decimal"),
            ("administrative_penalty", "penalty_category", "enum"),
            ("administrative_penalty", "penalty_valid_to", "date"),
            ("administrative_penalty", "publicity_until", "date"),
            ("org_registration", "registered_capital", "decimal"),
            ("org_registration", "business_scope", "text"),
        ],
    )
    def test_double_publicity_fields_have_standard_types(self, code, field_name, field_type):
        assert _fields_by_name(ITEMS_BY_CODE[code])[field_name]["type"] == field_type
