"""POST /api/v1/records/batches: every row error code, and the answer's shape.

Good rows of a batch land; bad rows come back by index with the field at fault and a stable
code (Measures art. 8, 14–16, 30). The clock stands at 2026-06-15 10:00 Asia/Shanghai.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from fixtures.helpers import AUTHORITY_CODE, credit_code, id_number, make_caller, penalty, push
from xinyong.models import Role

COMPANY = credit_code("91320100MA1RWE01A")
OTHER_COMPANY = credit_code("91320100MA1RWE02B")
PERSON = id_number("32010219800101123")
TODAY = "2026-06-15"
TOMORROW = "2026-06-16"


def abnormal_operation(source_id: str, code: str = COMPANY) -> dict:
    """An item whose only source is market regulation (经营异常名录)."""
    return {
        "item": "abnormal_operation",
        "source_id": source_id,
        "subject": {"credit_code": code, "name": "南京异常名录测试有限公司"},
        "fields": {
            "decision_number": f"宁市监异〔2026〕{source_id}号",
            "listing_reason": "未按照规定期限公示年度报告",
            "listed_on": "2026-05-01",
            "listing_authority": "南京市市场监督管理局",
        },
        "severity": "general",
        "determined_on": "2026-05-01",
    }


def commendation(source_id: str, code: str = COMPANY, **over: Any) -> dict:
    """A positive, public item: it carries no severity."""
    record = {
        "item": "commendation",
        "source_id": source_id,
        "subject": {"credit_code": code, "name": "南京表彰测试有限公司"},
        "fields": {
            "honour_name": "江苏省守合同重信用企业",
            "honour_level": "省级",
            "conferring_authority": "江苏省市场监督管理局",
            "conferred_on": "2026-04-01",
        },
    }
    record.update(over)
    return record


def person_basic(source_id: str, subject: dict) -> dict:
    return {
        "item": "person_basic",
        "source_id": source_id,
        "subject": subject,
        "fields": {
            "name": "张三",
            "gender": "男",
            "born_on": "1980-01-01",
            "household_address": "南京市玄武区中山路1号",
        },
    }


def social_insurance_arrears(source_id: str, subject: dict) -> dict:
    return {
        "item": "social_insurance_arrears",
        "source_id": source_id,
        "subject": subject,
        "fields": {
            "insurance_type": "基本养老保险",
            "arrears_from": "2026-01-01",
            "arrears_amount": "12.5",
            "collecting_agency": "国家税务总局南京市税务局",
        },
        "severity": "general",
        "determined_on": "2026-05-01",
    }


def with_fields(record: dict, **fields: Any) -> dict:
    """The record with some fields replaced (or added)."""
    return {**record, "fields": {**record["fields"], **fields}}


def without_field(record: dict, name: str) -> dict:
    return {**record, "fields": {k: v for k, v in record["fields"].items() if k != name}}


def answer(client, caller, records: list[dict]) -> dict:  # type: ignore[no-untyped-def]
    response = push(client, caller, records)
    assert response.status_code == 200, response.text
    return response.json()


def row_errors(body: dict, index: int = 0) -> set[tuple[str | None, str]]:
    """(field, code) of each error of the rejected row at ``index``."""
    for row in body["rejected"]:
        if row["index"] == index:
            return {(e["field"], e["code"]) for e in row["errors"]}
    raise AssertionError(f"row {index} was not rejected: {body}")


def rejected_alone(client, caller, record: dict) -> set[tuple[str | None, str]]:  # type: ignore[no-untyped-def]
    """Push one record that must be rejected; return its (field, code) pairs."""
    body = answer(client, caller, [record])
    assert body["accepted"] == 0 and body["duplicates"] == 0, body
    assert [row["index"] for row in body["rejected"]] == [0]
    return row_errors(body)


@pytest.fixture
def provider(db, clock):  # type: ignore[no-untyped-def]
    return make_caller(db, clock, role=Role.provider)


class TestAnswerShape:
    def test_answer_has_batch_id_counts_and_rejections(self, client, provider):
        body = answer(client, provider, [penalty("1", COMPANY), penalty("2", "bad")])
        assert set(body) == {"batch_id", "accepted", "duplicates", "rejected"}
        assert body["batch_id"].isdigit()
        assert (body["accepted"], body["duplicates"]) == (1, 0)
        assert [set(row) for row in body["rejected"]] == [{"index", "errors"}]

    def test_every_error_carries_field_code_and_both_messages(self, client, provider):
        bad = without_field(penalty("1", COMPANY, severity=None), "violation_facts")
        body = answer(client, provider, [bad])
        errors = body["rejected"][0]["errors"]
        assert len(errors) == 2
        for error in errors:
            assert set(error) == {"field", "code", "message", "message_en"}
            assert error["message"] and error["message_en"]
        assert {e["code"] for e in errors} == {"missing_field", "missing_severity"}

    def test_good_rows_land_and_bad_rows_are_reported_by_index(self, client, provider):
        records = [
            penalty("1", COMPANY),
            penalty("2", COMPANY, item="no_such_item"),
            penalty("3", OTHER_COMPANY),
            penalty("4", OTHER_COMPANY, severity=None),
        ]
        body = answer(client, provider, records)
        assert body["accepted"] == 2
        assert [row["index"] for row in body["rejected"]] == [1, 3]
        assert row_errors(body, 1) == {("item", "unknown_item")}
        assert row_errors(body, 3) == {("severity", "missing_severity")}
        for code, source_id in ((COMPANY, "1"), (OTHER_COMPANY, "3")):
            archive = client.get(f"/api/v1/subjects/{code}/archive").json()
            assert [r["source_id"] for r in archive["categories"]["negative"]] == [source_id]

    def test_a_batch_of_only_bad_rows_stores_nothing(self, client, provider):
        body = answer(client, provider, [penalty("1", COMPANY, severity="awful")])
        assert body["accepted"] == 0
        assert client.get(f"/api/v1/subjects/{COMPANY}").status_code == 404

    def test_a_row_that_is_not_an_object_is_invalid_record(self, client, provider):
        body = answer(client, provider, ["not a record", penalty("1", COMPANY)])
        assert body["accepted"] == 1
        assert row_errors(body, 0) == {(None, "invalid_record")}


class TestIdentifierErrors:
    def test_credit_code_with_wrong_check_character_is_invalid_credit_code(self, client, provider):
        wrong = COMPANY[:17] + ("0" if COMPANY[17] != "0" else "1")
        errors = rejected_alone(client, provider, penalty("1", wrong))
        assert errors == {("subject.credit_code", "invalid_credit_code")}

    def test_credit_code_with_unknown_registering_authority_is_invalid_credit_code(
        self, client, provider
    ):
        code = credit_code("B1320100MA1RWE01A")  # B is no registering authority
        errors = rejected_alone(client, provider, penalty("1", code))
        assert errors == {("subject.credit_code", "invalid_credit_code")}

    def test_id_number_with_impossible_birth_date_is_invalid_id_number(self, client, provider):
        number = id_number("32010219850230123")  # 30 February
        record = penalty("1", COMPANY, subject={"id_number": number, "name": "李四"})
        errors = rejected_alone(client, provider, record)
        assert errors == {("subject.id_number", "invalid_id_number")}

    def test_id_number_with_wrong_check_character_is_invalid_id_number(self, client, provider):
        wrong = PERSON[:17] + ("0" if PERSON[17] != "0" else "1")
        record = penalty("1", COMPANY, subject={"id_number": wrong, "name": "李四"})
        errors = rejected_alone(client, provider, record)
        assert errors == {("subject.id_number", "invalid_id_number")}

    def test_id_number_born_after_today_is_invalid_id_number(self, client, provider):
        number = id_number("32010220260616123")
        record = penalty("1", COMPANY, subject={"id_number": number, "name": "李四"})
        errors = rejected_alone(client, provider, record)
        assert errors == {("subject.id_number", "invalid_id_number")}

    def test_credit_code_field_with_wrong_check_character_is_invalid_credit_code(
        self, client, provider
    ):
        wrong = AUTHORITY_CODE[:17] + ("0" if AUTHORITY_CODE[17] != "0" else "1")
        record = with_fields(penalty("1", COMPANY), penalty_authority_code=wrong)
        errors = rejected_alone(client, provider, record)
        assert errors == {("fields.penalty_authority_code", "invalid_credit_code")}

    def test_a_valid_person_subject_is_accepted(self, client, provider):
        record = penalty("1", COMPANY, subject={"id_number": PERSON, "name": "李四"})
        body = answer(client, provider, [record])
        assert body["accepted"] == 1 and body["rejected"] == []


class TestCatalogErrors:
    def test_item_not_in_the_catalog_is_unknown_item(self, client, provider):
        errors = rejected_alone(client, provider, penalty("1", COMPANY, item="horoscope"))
        assert errors == {("item", "unknown_item")}

    def test_missing_item_is_unknown_item(self, client, provider):
        record = {k: v for k, v in penalty("1", COMPANY).items() if k != "item"}
        assert rejected_alone(client, provider, record) == {("item", "unknown_item")}

    def test_tax_provider_pushing_a_market_regulation_item_is_not_item_source(
        self, client, db, clock
    ):
        tax = make_caller(db, clock, role=Role.provider, kind="tax")
        errors = rejected_alone(client, tax, abnormal_operation("1"))
        assert errors == {("item", "not_item_source")}

    def test_market_regulation_provider_may_push_its_own_item(self, client, provider):
        body = answer(client, provider, [abnormal_operation("1")])
        assert body["accepted"] == 1 and body["rejected"] == []


class TestMissingFields:
    def test_required_field_absent_is_missing_field(self, client, provider):
        record = without_field(penalty("1", COMPANY), "violation_facts")
        errors = rejected_alone(client, provider, record)
        assert errors == {("fields.violation_facts", "missing_field")}

    def test_required_field_null_is_missing_field(self, client, provider):
        record = with_fields(penalty("1", COMPANY), decision_number=None)
        errors = rejected_alone(client, provider, record)
        assert errors == {("fields.decision_number", "missing_field")}

    def test_required_field_of_only_spaces_is_missing_field(self, client, provider):
        record = with_fields(penalty("1", COMPANY), decision_number="   ")
        errors = rejected_alone(client, provider, record)
        assert errors == {("fields.decision_number", "missing_field")}

    def test_subject_name_absent_is_missing_field(self, client, provider):
        record = penalty("1", COMPANY, subject={"credit_code": COMPANY})
        assert rejected_alone(client, provider, record) == {("subject.name", "missing_field")}

    def test_subject_name_blank_is_missing_field(self, client, provider):
        record = penalty("1", COMPANY, subject={"credit_code": COMPANY, "name": "  "})
        assert rejected_alone(client, provider, record) == {("subject.name", "missing_field")}

    def test_source_id_absent_is_missing_field(self, client, provider):
        record = {k: v for k, v in penalty("1", COMPANY).items() if k != "source_id"}
        assert rejected_alone(client, provider, record) == {("source_id", "missing_field")}

    def test_subject_absent_is_missing_field(self, client, provider):
        record = {k: v for k, v in penalty("1", COMPANY).items() if k != "subject"}
        assert rejected_alone(client, provider, record) == {("subject", "missing_field")}

    def test_negative_record_without_determined_on_is_missing_field(self, client, provider):
        record = penalty("1", COMPANY, determined_on=None)
        assert rejected_alone(client, provider, record) == {("determined_on", "missing_field")}


class TestInvalidFields:
    def test_value_outside_the_enum_is_invalid_field(self, client, provider):
        record = with_fields(penalty("1", COMPANY), penalty_category="打板子")
        errors = rejected_alone(client, provider, record)
        assert errors == {("fields.penalty_category", "invalid_field")}

    def test_date_in_another_format_is_invalid_field(self, client, provider):
        record = with_fields(penalty("1", COMPANY), decided_on="10.05.2026")
        assert rejected_alone(client, provider, record) == {("fields.decided_on", "invalid_field")}

    def test_date_that_does_not_exist_is_invalid_field(self, client, provider):
        record = with_fields(penalty("1", COMPANY), decided_on="2026-02-30")
        assert rejected_alone(client, provider, record) == {("fields.decided_on", "invalid_field")}

    def test_non_numeric_decimal_is_invalid_field(self, client, provider):
        record = with_fields(penalty("1", COMPANY), fine_amount="五万元")
        assert rejected_alone(client, provider, record) == {("fields.fine_amount", "invalid_field")}

    def test_severity_on_a_non_negative_item_is_invalid_field(self, client, provider):
        record = commendation("1", severity="general")
        assert rejected_alone(client, provider, record) == {("severity", "invalid_field")}

    def test_severity_outside_the_three_grades_is_invalid_field(self, client, provider):
        record = penalty("1", COMPANY, severity="catastrophic")
        assert rejected_alone(client, provider, record) == {("severity", "invalid_field")}

    def test_determined_on_in_another_format_is_invalid_field(self, client, provider):
        record = penalty("1", COMPANY, determined_on="May 10th")
        assert rejected_alone(client, provider, record) == {("determined_on", "invalid_field")}

    def test_fields_not_an_object_is_invalid_field(self, client, provider):
        record = penalty("1", COMPANY, fields=["罚款"])
        errors = rejected_alone(client, provider, record)
        assert ("fields", "invalid_field") in errors

    def test_slashed_and_compact_dates_and_labels_are_accepted(self, client, provider):
        record = without_field(penalty("1", COMPANY), "fine_amount")
        record = with_fields(record, decided_on="2026/05/10", **{"罚款金额（万元）": "1,250.5"})
        record["determined_on"] = "20260510"
        assert answer(client, provider, [record])["accepted"] == 1
        stored = client.get(f"/api/v1/subjects/{COMPANY}/archive").json()
        (row,) = stored["categories"]["negative"]
        assert row["fields"]["decided_on"] == "2026-05-10"
        assert row["fields"]["fine_amount"] == "1250.5"
        assert row["determined_on"] == "2026-05-10"


class TestUnknownAndForbiddenFields:
    def test_field_not_in_the_item_is_unknown_field(self, client, provider):
        record = with_fields(penalty("1", COMPANY), favourite_colour="蓝")
        errors = rejected_alone(client, provider, record)
        assert errors == {("fields.favourite_colour", "unknown_field")}

    def test_blood_type_key_is_forbidden_field(self, client, provider):
        record = with_fields(penalty("1", COMPANY), 血型="A")
        assert rejected_alone(client, provider, record) == {("fields.血型", "forbidden_field")}

    def test_religion_key_is_forbidden_field(self, client, provider):
        record = with_fields(penalty("1", COMPANY), religion="无")
        assert rejected_alone(client, provider, record) == {("fields.religion", "forbidden_field")}

    def test_medical_history_key_is_forbidden_field(self, client, provider):
        record = with_fields(penalty("1", COMPANY), 既往病史="无")
        assert rejected_alone(client, provider, record) == {("fields.既往病史", "forbidden_field")}

    def test_word_merely_containing_a_forbidden_term_is_unknown_field(self, client, provider):
        record = with_fields(penalty("1", COMPANY), general_note="x")  # "gene" in "general"
        assert rejected_alone(client, provider, record) == {
            ("fields.general_note", "unknown_field")
        }


class TestMissingSeverity:
    def test_negative_record_without_severity_is_missing_severity(self, client, provider):
        record = penalty("1", COMPANY, severity=None)
        assert rejected_alone(client, provider, record) == {("severity", "missing_severity")}

    def test_negative_record_with_empty_severity_is_missing_severity(self, client, provider):
        record = penalty("1", COMPANY, severity="")
        assert rejected_alone(client, provider, record) == {("severity", "missing_severity")}

    def test_non_negative_record_needs_no_severity(self, client, provider):
        assert answer(client, provider, [commendation("1")])["accepted"] == 1


class TestFutureDates:
    def test_determined_on_tomorrow_is_future_date(self, client, provider):
        record = penalty("1", COMPANY, determined_on=TOMORROW)
        assert rejected_alone(client, provider, record) == {("determined_on", "future_date")}

    def test_decision_date_field_tomorrow_is_future_date(self, client, provider):
        record = with_fields(penalty("1", COMPANY, determined_on=TODAY), decided_on=TOMORROW)
        assert rejected_alone(client, provider, record) == {("fields.decided_on", "future_date")}

    def test_determined_and_decided_today_are_accepted(self, client, provider):
        record = with_fields(penalty("1", COMPANY, determined_on=TODAY), decided_on=TODAY)
        assert answer(client, provider, [record])["accepted"] == 1

    def test_today_is_the_shanghai_date_not_the_utc_date(self, client, provider, clock):
        clock.set(datetime(2026, 6, 15, 16, 30, tzinfo=UTC))  # 2026-06-16 00:30 in Shanghai
        record = with_fields(penalty("1", COMPANY, determined_on=TOMORROW), decided_on=TOMORROW)
        assert answer(client, provider, [record])["accepted"] == 1


class TestInvalidSubject:
    def test_both_credit_code_and_id_number_is_invalid_subject(self, client, provider):
        subject = {"credit_code": COMPANY, "id_number": PERSON, "name": "张三"}
        errors = rejected_alone(client, provider, penalty("1", COMPANY, subject=subject))
        assert errors == {("subject", "invalid_subject")}

    def test_neither_credit_code_nor_id_number_is_invalid_subject(self, client, provider):
        errors = rejected_alone(client, provider, penalty("1", COMPANY, subject={"name": "张三"}))
        assert errors == {("subject", "invalid_subject")}

    def test_person_item_for_an_organisation_is_invalid_subject(self, client, db, clock):
        police = make_caller(db, clock, role=Role.provider, kind="public_security")
        record = person_basic("1", {"credit_code": COMPANY, "name": "南京测试科技有限公司"})
        assert rejected_alone(client, police, record) == {("subject", "invalid_subject")}

    def test_organisation_item_for_a_person_is_invalid_subject(self, client, db, clock):
        tax = make_caller(db, clock, role=Role.provider, kind="tax")
        record = social_insurance_arrears("1", {"id_number": PERSON, "name": "张三"})
        assert rejected_alone(client, tax, record) == {("subject", "invalid_subject")}

    def test_person_item_for_a_person_is_accepted(self, client, db, clock):
        police = make_caller(db, clock, role=Role.provider, kind="public_security")
        record = person_basic("1", {"id_number": PERSON, "name": "张三"})
        assert answer(client, police, [record])["accepted"] == 1
